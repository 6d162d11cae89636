/* Layer: below the REST API and the WebSocket protocols (like builders.h).
 * The JSON of a vote and of its record, which the REST API (api-votes.c)
 * and the meeting protocol (meeting-votes.c) both send (docs/votes.md).
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "builders.h"

/* Writes a *Vote* object: the motion's title and kind, how it is held, the
 * quorum and, once closed, the counts and whether it passed. */
void sh_build_vote (ShStore *store, GTimeZone *tz, JsonBuilder *b, const ShVote *v);
/* Adds "voters" (by member id; with their choice for an open vote only)
 * and "receipts" (the hashes, sorted) of a closed vote to an open object. */
void sh_build_vote_record (ShStore *store, JsonBuilder *b, const ShVote *v);
/* Writes an election motion's {"seats", "candidates": [names in ballot
 * order]}. */
void sh_build_election (JsonBuilder *b, const ShElection *e);
