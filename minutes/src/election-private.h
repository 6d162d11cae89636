/* Internal to the vote area: what vote.c asks election.c when it closes
 * a vote. SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "store-private.h"

/* Counts @box into the closing vote @v on motion @m when it is an
 * election with candidates: stores the per-candidate result and sets
 * @v->passed (every seat filled). *@handled FALSE (and nothing done) when
 * neither the motion has candidates nor @box is an election's. */
gboolean sh_election_count (ShStore *store, const ShMotion *m, ShVote *v, ShBallotBox *box,
                            gboolean *handled, GError **error);
