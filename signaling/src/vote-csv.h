/* Layer: below the REST API (like attendance-csv.h). A meeting's votes and
 * elections as CSV (docs/api.md "Votes as CSV"): one row per vote (or per
 * motion never voted) and, for an election with candidates, one row per
 * candidate. Written with attendance-csv.h's writer: UTF-8 with BOM, CRLF,
 * RFC 4180 quoting, formula cells neutralised. A secret ballot shows
 * counts only; an open vote (举手表决) also who voted how, as its record.
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

#include "sanhui-minutes.h"

/* One vote of a meeting, or a motion never voted (@vote NULL). */
typedef struct {
  ShMotion *motion;
  ShVote *vote;               /* (nullable) */
  ShElection *election;       /* (nullable) the candidates, when it has them */
  ShElectionResult *result;   /* (nullable) its per-candidate result, once counted */
  ShElectionOutcome *outcome; /* (nullable) the combined result of its chain */
  char *runoff_of_title;      /* (nullable) a runoff: the election it follows */
  char *open_record;          /* (nullable) an open vote: "赞成：甲、乙；反对：丙" */
} ShVoteCsvItem;

void sh_vote_csv_item_free (ShVoteCsvItem *item);

/* The items of meeting @meeting_id: its motions in the order announced,
 * each with its votes in the order opened. Returns: (transfer full)
 * (element-type ShVoteCsvItem) */
GPtrArray *sh_vote_csv_items (ShStore *store, gint64 meeting_id, GError **error);

/* The document. Returns: (transfer full) */
GString *sh_csv_meeting_votes (GPtrArray *items, GTimeZone *tz);
