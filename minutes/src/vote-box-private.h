/* Internal to the vote area: what vote.c reads out of a ballot box when it
 * counts it (ballot-box.c). SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "sanhui-minutes.h"

#include <string.h>

gboolean sh_ballot_box_is_secret (ShBallotBox *box);
/* Whether @member_id voted or was marked present. */
gboolean sh_ballot_box_attended (ShBallotBox *box, gint64 member_id);
void sh_ballot_box_counts (ShBallotBox *box, guint counts[SH_VOTE_CHOICE_COUNT]);
/* Who voted, sorted by member id; choice -1 for a secret vote.
 * Returns: (transfer full) (element-type ShVoteVoter) */
GArray *sh_ballot_box_voters (ShBallotBox *box);
/* The receipts' hashes, sorted. Returns: (transfer full) (element-type utf8) */
GPtrArray *sh_ballot_box_receipts (ShBallotBox *box);
/* Appends an election box's per-candidate counts (ShElectionTally, in
 * ballot order, .elected unset) to @tallies. Returns: the void ballots. */
guint sh_ballot_box_election_counts (ShBallotBox *box, GArray *tallies);
