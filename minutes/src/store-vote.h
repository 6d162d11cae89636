/* The store interface, vote area (motion.c, opinion.c, vote.c): motions,
 * the organizations' vote settings, the approval recorded on a meeting,
 * written opinions and votes. See store-backend.h for the conventions.
 *
 * Secrecy (docs/votes.md): a secret vote's voters and its tallies and
 * receipts are written only by close_vote, all in one step, with nothing
 * that joins a voter to a choice: the voters and the receipts are kept in
 * the order of their keys, not in the order they were cast, with no time.
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "store-backend.h"

struct _ShVoteStoreOps {
  /* A new motion (checked by motion.c). Returns: its id, 0 with @error. */
  gint64 (*insert_motion) (ShStore *store, const ShMotion *motion, GError **error);
  /* NOT_FOUND when there is none. Returns: (transfer full) */
  ShMotion *(*get_motion) (ShStore *store, gint64 id, GError **error);
  /* Returns: (transfer full) (element-type ShMotion) by id. */
  GPtrArray *(*list_motions) (ShStore *store, gint64 meeting_id, GError **error);
  /* Withdraws the motion @id if not withdrawn yet; *@found says if it was. */
  gboolean (*withdraw_motion) (ShStore *store, gint64 id, gint64 by, gint64 at, gboolean *found,
                               GError **error);

  /* Sets *@found and, when found, *@out. */
  gboolean (*get_settings) (ShStore *store, gint64 org_id, gboolean *found, ShVoteSettings *out,
                            GError **error);
  gboolean (*set_settings) (ShStore *store, gint64 org_id, const ShVoteSettings *settings,
                            GError **error);

  /* CONFLICT when the meeting has one already. */
  gboolean (*insert_approval) (ShStore *store, gint64 meeting_id, const char *approval,
                               gint64 recorded_by, gint64 at, GError **error);
  /* NULL with no error when none. Returns: (transfer full) */
  ShVoteApproval *(*get_approval) (ShStore *store, gint64 meeting_id, GError **error);

  /* CONFLICT when the member gave one on the motion already. */
  gint64 (*insert_opinion) (ShStore *store, gint64 motion_id, gint64 member_id, ShVoteChoice choice,
                            const char *text, gint64 submitted_by, gint64 at, GError **error);
  /* Returns: (transfer full) (element-type ShWrittenOpinion) by id. */
  GPtrArray *(*list_opinions) (ShStore *store, gint64 motion_id, GError **error);
  /* Marks the opinion void in @vote_id (its member attended). */
  gboolean (*void_opinion) (ShStore *store, gint64 opinion_id, gint64 vote_id, GError **error);

  /* A new open vote from @vote's fields (counts unset). CONFLICT when the
   * meeting has an open vote. Returns: its id, 0 with @error. */
  gint64 (*insert_vote) (ShStore *store, const ShVote *vote, GError **error);
  ShVote *(*get_vote) (ShStore *store, gint64 id, GError **error);
  /* @meeting_id 0 with @only_open: every open vote of every meeting.
   * Returns: (transfer full) (element-type ShVote) by id. */
  GPtrArray *(*list_votes) (ShStore *store, gint64 meeting_id, gboolean only_open, GError **error);
  /* Ends the open vote @vote->id with @vote's state, counts, passed,
   * void_reason and closed_at, and stores @voters (ShVoteVoter, sorted by
   * member id) and @receipt_hashes (sorted). *@found FALSE when it was no
   * longer open. */
  gboolean (*finish_vote) (ShStore *store, const ShVote *vote, GArray *voters,
                           GPtrArray *receipt_hashes, gboolean *found, GError **error);
  /* Returns: (transfer full) (element-type ShVoteVoter) by member id. */
  GArray *(*list_voters) (ShStore *store, gint64 vote_id, GError **error);
  /* Returns: (transfer full) sorted. */
  GStrv (*list_receipts) (ShStore *store, gint64 vote_id, GError **error);
};
