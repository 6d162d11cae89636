/* The store interface, election area (election.c): the candidates and
 * seats of an election motion, and the per-candidate result of a closed
 * election vote. See store-backend.h for the conventions.
 *
 * Secrecy (docs/votes.md "Elections"): the result is written once, at
 * close, as per-candidate counts; no ballot and no combination of marks
 * is ever handed to the store.
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "store-backend.h"

struct _ShElectionStoreOps {
  /* The seats and the candidates (in ballot order) of motion @motion_id. */
  gboolean (*insert_election) (ShStore *store, gint64 motion_id, guint seats,
                               const char *const *candidates, GError **error);
  /* NULL and no error when the motion has no candidates.
   * Returns: (transfer full) (nullable) */
  ShElection *(*get_election) (ShStore *store, gint64 motion_id, GError **error);
  /* Stores @result (tallies in ballot order) for its vote. */
  gboolean (*insert_result) (ShStore *store, const ShElectionResult *result, GError **error);
  /* NULL and no error when the vote has none. Returns: (transfer full) (nullable) */
  ShElectionResult *(*get_result) (ShStore *store, gint64 vote_id, GError **error);
  /* Links the election @motion_id as the runoff of @runoff_of (CONFLICT
   * when @runoff_of has one already). */
  gboolean (*insert_runoff) (ShStore *store, gint64 motion_id, gint64 runoff_of, GError **error);
  /* The runoff of @runoff_of in *@motion_id, 0 when none. */
  gboolean (*find_runoff) (ShStore *store, gint64 runoff_of, gint64 *motion_id, GError **error);
};
