/* A meeting's votes and elections as CSV (vote-csv.h).
 * SPDX-License-Identifier: Apache-2.0 */
#include "vote-csv.h"

#include "attendance-csv.h"

enum {
  COL_TITLE,
  COL_KIND,
  COL_HOW,
  COL_OPENED,
  COL_CLOSED,
  COL_EXPECTED,
  COL_PRESENT,
  COL_CANDIDATE,
  COL_FOR,
  COL_AGAINST,
  COL_ABSTAIN,
  COL_OP_FOR,
  COL_OP_AGAINST,
  COL_OP_ABSTAIN,
  COL_INVALID,
  COL_RESULT,
  COL_ELECTED,
  COL_RUNOFF_OF,
  COL_COMBINED,
  COL_RECORD,
  N_COLS
};

static const char *const header[N_COLS] = {
  "表决事项",     "类别",         "表决方式",     "开始时间",     "结束时间",
  "应到有表决权", "到会有表决权", "候选人",       "赞成",         "反对（不赞成）",
  "弃权",         "书面意见赞成", "书面意见反对", "书面意见弃权", "无效票",
  "结果",         "是否当选",     "另行选举自",   "合计当选",     "记名表决情况",
};

void
sh_vote_csv_item_free (ShVoteCsvItem *item)
{
  if (!item)
    return;
  sh_motion_free (item->motion);
  sh_vote_free (item->vote);
  sh_election_free (item->election);
  sh_election_result_free (item->result);
  sh_election_outcome_free (item->outcome);
  g_free (item->runoff_of_title);
  g_free (item->open_record);
  g_free (item);
}

/* "赞成：甲、乙；反对：丙；弃权：无" of an open vote's roll. (transfer full) */
static char *
open_record (ShStore *store, const ShVote *v)
{
  g_autoptr (GArray) voters = sh_vote_voters (store, v->id, NULL);
  GString *s = g_string_new (NULL);

  for (guint c = 0; c < SH_VOTE_CHOICE_COUNT; c++) {
    guint n = 0;

    g_string_append_printf (s, "%s%s：", c ? "；" : "", sh_vote_choice_label ((ShVoteChoice) c));
    for (guint i = 0; voters && i < voters->len; i++) {
      const ShVoteVoter *x = &g_array_index (voters, ShVoteVoter, i);
      g_autoptr (ShMember) member = NULL;

      if (x->choice != (gint) c)
        continue;
      member = sh_member_get (store, x->member_id, NULL);
      g_string_append_printf (s, "%s%s", n++ ? "、" : "", member ? member->name : "?");
    }
    if (!n)
      g_string_append (s, "无");
  }
  return g_string_free (s, FALSE);
}

static ShVoteCsvItem *
item_new (ShStore *store, const ShMotion *mo, const ShVote *v)
{
  ShVoteCsvItem *item = g_new0 (ShVoteCsvItem, 1);

  item->motion = sh_motion_get (store, mo->id, NULL);
  item->vote = v ? sh_vote_get (store, v->id, NULL) : NULL;
  item->election = sh_election_get (store, mo->id, NULL);
  if (item->election) {
    if (v && v->state == SH_VOTE_CLOSED)
      item->result = sh_election_result_get (store, v->id, NULL);
    if (item->result)
      item->outcome = sh_election_outcome (store, mo->id, NULL);
    if (item->election->runoff_of) {
      g_autoptr (ShMotion) of = sh_motion_get (store, item->election->runoff_of, NULL);

      item->runoff_of_title = of ? g_strdup (of->title) : NULL;
    }
  }
  if (v && !v->secret && v->state == SH_VOTE_CLOSED)
    item->open_record = open_record (store, v);
  return item;
}

GPtrArray *
sh_vote_csv_items (ShStore *store, gint64 meeting_id, GError **error)
{
  g_autoptr (GPtrArray) motions = sh_motion_list (store, meeting_id, error);
  g_autoptr (GPtrArray) votes = motions ? sh_vote_list (store, meeting_id, error) : NULL;
  GPtrArray *items;

  if (!votes)
    return NULL;
  items = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_vote_csv_item_free);
  for (guint i = 0; i < motions->len; i++) {
    const ShMotion *mo = g_ptr_array_index (motions, i);
    gboolean voted = FALSE;

    for (guint j = 0; j < votes->len; j++) {
      const ShVote *v = g_ptr_array_index (votes, j);

      if (v->motion_id != mo->id)
        continue;
      g_ptr_array_add (items, item_new (store, mo, v));
      voted = TRUE;
    }
    if (!voted)
      g_ptr_array_add (items, item_new (store, mo, NULL));
  }
  return items;
}

static char *
count (guint n)
{
  return g_strdup_printf ("%u", n);
}

/* The result of a vote, in words. (transfer full) */
static char *
result_text (const ShVoteCsvItem *item)
{
  const ShVote *v = item->vote;
  const ShElectionResult *r = item->result;
  guint open;

  if (!v)
    return g_strdup (item->motion->withdrawn_at ? "已撤回" : "未表决");
  if (v->state == SH_VOTE_OPEN)
    return g_strdup ("进行中");
  if (v->state == SH_VOTE_VOID)
    return g_strdup_printf ("无效（%s）", v->void_reason ? v->void_reason : "");
  if (!r)
    return g_strdup (v->passed ? "通过" : "未通过");
  open = r->seats > r->elected ? r->seats - r->elected : 0;
  return g_strdup_printf ("应选 %u 人，当选 %u 人%s", r->seats, r->elected,
                          r->runoff ? "；末位票数相等，须另行选举"
                          : open    ? "；名额未选满，可另行选举"
                                    : "");
}

/* "甲、乙（应选 2 人，已选满）" of the combined result. (transfer full) */
static char *
combined_text (const ShElectionOutcome *o)
{
  g_autofree char *names = g_strjoinv ("、", o->elected);

  return g_strdup_printf ("%s（应选 %u 人，%s）", o->elected[0] ? names : "无", o->seats,
                          o->pending      ? "另行选举进行中"
                          : o->open_seats ? "尚缺名额"
                                          : "已选满");
}

static void
vote_row (GString *csv, const ShVoteCsvItem *item, GTimeZone *tz)
{
  const ShMotion *mo = item->motion;
  const ShVote *v = item->vote;
  const char *cells[N_COLS] = { NULL };
  g_autoptr (GPtrArray) owned = g_ptr_array_new_with_free_func (g_free);
  gboolean per_candidate = item->election != NULL;

#define OWN(col, value) g_ptr_array_add (owned, (gpointer) (cells[col] = (value)))
  cells[COL_TITLE] = mo->title;
  cells[COL_KIND] = sh_motion_kind_label (mo->kind);
  cells[COL_HOW] = mo->secret ? "无记名投票" : "举手表决";
  cells[COL_CANDIDATE] = mo->candidate;
  cells[COL_RUNOFF_OF] = item->runoff_of_title;
  OWN (COL_RESULT, result_text (item));
  if (v) {
    OWN (COL_OPENED, sh_csv_time (v->opened_at, tz));
    OWN (COL_CLOSED, sh_csv_time (v->closed_at, tz));
    OWN (COL_EXPECTED, count (v->expected_voting));
    OWN (COL_PRESENT, count (v->present_at_start));
  }
  if (v && v->state == SH_VOTE_CLOSED && !per_candidate) {
    OWN (COL_FOR, count (v->ballots[SH_VOTE_FOR]));
    OWN (COL_AGAINST, count (v->ballots[SH_VOTE_AGAINST]));
    OWN (COL_ABSTAIN, count (v->ballots[SH_VOTE_ABSTAIN]));
    OWN (COL_OP_FOR, count (v->opinions[SH_VOTE_FOR]));
    OWN (COL_OP_AGAINST, count (v->opinions[SH_VOTE_AGAINST]));
    OWN (COL_OP_ABSTAIN, count (v->opinions[SH_VOTE_ABSTAIN]));
  }
  if (item->result)
    OWN (COL_INVALID, count (item->result->invalid));
  if (item->outcome)
    OWN (COL_COMBINED, combined_text (item->outcome));
  cells[COL_RECORD] = item->open_record;
  sh_csv_row (csv, cells, N_COLS);
  if (!item->result)
    return;
  /* One row per candidate: counts only, as for any secret ballot. */
  for (guint i = 0; item->election->candidates[i] && i < item->result->tallies->len; i++) {
    const ShElectionTally *t = &g_array_index (item->result->tallies, ShElectionTally, i);
    const char *c[N_COLS] = { NULL };
    g_autofree char *f = count (t->marks[SH_VOTE_FOR]);
    g_autofree char *a = count (t->marks[SH_VOTE_AGAINST]);
    g_autofree char *x = count (t->marks[SH_VOTE_ABSTAIN]);

    c[COL_TITLE] = mo->title;
    c[COL_KIND] = "候选人";
    c[COL_HOW] = cells[COL_HOW];
    c[COL_OPENED] = cells[COL_OPENED];
    c[COL_CLOSED] = cells[COL_CLOSED];
    c[COL_EXPECTED] = cells[COL_EXPECTED];
    c[COL_PRESENT] = cells[COL_PRESENT];
    c[COL_CANDIDATE] = item->election->candidates[i];
    c[COL_FOR] = f;
    c[COL_AGAINST] = a;
    c[COL_ABSTAIN] = x;
    c[COL_RESULT] = t->elected ? "当选" : "未当选";
    c[COL_ELECTED] = t->elected ? "是" : "否";
    c[COL_RUNOFF_OF] = item->runoff_of_title;
    sh_csv_row (csv, c, N_COLS);
  }
#undef OWN
}

GString *
sh_csv_meeting_votes (GPtrArray *items, GTimeZone *tz)
{
  GString *csv = sh_csv_new ();

  sh_csv_row (csv, header, N_COLS);
  for (guint i = 0; items && i < items->len; i++)
    vote_row (csv, g_ptr_array_index (items, i), tz);
  return csv;
}
