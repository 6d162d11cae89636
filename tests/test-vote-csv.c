/* Tests for the votes CSV export (signaling/src/vote-csv.c): the byte
 * order mark and CRLF, the header, a motion's row with its counts and
 * written opinions, an open vote's record, an election's row per
 * candidate (counts only) with the runoff it follows and the combined
 * result, a void vote, a motion never voted, and the formula guard on a
 * title a spreadsheet would run.
 * SPDX-License-Identifier: Apache-2.0 */
#include "vote-csv.h"

#include <string.h>

#define SEC G_GINT64_CONSTANT (1000000)
#define T0 G_GINT64_CONSTANT (1796090400000000) /* 2026-12-01 10:00:00 +08:00 */

static const char *const header
    = "表决事项,类别,表决方式,开始时间,结束时间,应到有表决权,到会有表决权,候选人,赞成,"
      "反对（不赞成）,弃权,书面意见赞成,书面意见反对,书面意见弃权,无效票,结果,是否当选,"
      "另行选举自,合计当选,记名表决情况";

static ShMotion *
motion (ShMotionKind kind, const char *title, gboolean secret)
{
  ShMotion *m = g_new0 (ShMotion, 1);

  m->id = 1;
  m->kind = kind;
  m->title = g_strdup (title);
  m->secret = secret;
  return m;
}

static ShVote *
vote (ShVoteState state, gboolean secret, guint f, guint a, guint x)
{
  ShVote *v = g_new0 (ShVote, 1);

  v->state = state;
  v->secret = secret;
  v->expected_voting = 6;
  v->present_at_start = 5;
  v->ballots[SH_VOTE_FOR] = f;
  v->ballots[SH_VOTE_AGAINST] = a;
  v->ballots[SH_VOTE_ABSTAIN] = x;
  v->opened_at = T0;
  v->closed_at = T0 + 65 * SEC;
  return v;
}

static ShVoteCsvItem *
item (ShMotion *m, ShVote *v)
{
  ShVoteCsvItem *i = g_new0 (ShVoteCsvItem, 1);

  i->motion = m;
  i->vote = v;
  return i;
}

static void
add_tally (ShElectionResult *r, guint f, guint a, guint x, gboolean elected)
{
  ShElectionTally t = { { f, a, x }, elected };

  g_array_append_val (r->tallies, t);
}

static void
test_document (void)
{
  g_autoptr (GTimeZone) tz = g_time_zone_new_identifier ("Asia/Shanghai");
  g_autoptr (GPtrArray) items
      = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_vote_csv_item_free);
  g_autoptr (GString) csv = NULL;
  g_auto (GStrv) lines = NULL;
  ShVoteCsvItem *open, *admission, *election, *voided;
  ShElectionResult *r;
  const char *const names[] = { "张三", "李四", "王五", NULL };
  const char *const elected[] = { "张三", "李四", NULL };

  open = item (motion (SH_MOTION_ORDINARY, "=HYPERLINK(\"x\")", FALSE),
               vote (SH_VOTE_CLOSED, FALSE, 4, 1, 0));
  open->vote->passed = TRUE;
  open->open_record = g_strdup ("赞成：甲、乙、丙、丁；反对：戊；弃权：无");
  g_ptr_array_add (items, open);

  admission = item (motion (SH_MOTION_ADMISSION, "接收张三为预备党员", TRUE),
                    vote (SH_VOTE_CLOSED, TRUE, 3, 1, 1));
  admission->motion->candidate = g_strdup ("张三");
  admission->vote->opinions[SH_VOTE_FOR] = 1;
  admission->vote->passed = TRUE;
  g_ptr_array_add (items, admission);

  election = item (motion (SH_MOTION_ELECTION, "选举支部委员（另行选举）", TRUE),
                   vote (SH_VOTE_CLOSED, TRUE, 0, 0, 0));
  election->election = g_new0 (ShElection, 1);
  election->election->seats = 2;
  election->election->candidates = g_strdupv ((GStrv) names);
  election->election->runoff_of = 7;
  election->runoff_of_title = g_strdup ("选举支部委员");
  election->result = r = g_new0 (ShElectionResult, 1);
  r->seats = 2;
  r->elected = 2;
  r->invalid = 1;
  r->tallies = g_array_new (FALSE, TRUE, sizeof (ShElectionTally));
  add_tally (r, 5, 0, 0, TRUE);
  add_tally (r, 4, 1, 0, TRUE);
  add_tally (r, 1, 3, 1, FALSE);
  election->outcome = g_new0 (ShElectionOutcome, 1);
  election->outcome->seats = 2;
  election->outcome->elected = g_strdupv ((GStrv) elected);
  election->outcome->rounds = 2;
  g_ptr_array_add (items, election);

  voided = item (motion (SH_MOTION_ORDINARY, "预算", TRUE), vote (SH_VOTE_VOID, TRUE, 0, 0, 0));
  voided->vote->void_reason = g_strdup ("表决过程中到会有表决权的党员不足法定人数，表决无效");
  voided->vote->closed_at = 0;
  g_ptr_array_add (items, voided);
  g_ptr_array_add (items, item (motion (SH_MOTION_ORDINARY, "未表决事项", FALSE), NULL));

  csv = sh_csv_meeting_votes (items, tz);
  g_assert_true (g_str_has_prefix (csv->str, "\xEF\xBB\xBF"));
  g_assert_true (g_str_has_suffix (csv->str, "\r\n"));
  /* Every line ends CRLF: no bare LF. */
  for (gsize i = 0; i < csv->len; i++)
    if (csv->str[i] == '\n')
      g_assert_cmpint (csv->str[i - 1], ==, '\r');
  lines = g_strsplit (csv->str + 3, "\r\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 10); /* 9 rows and the empty tail */
  g_assert_cmpstr (lines[0], ==, header);
  g_assert_cmpstr (lines[1], ==,
                   "\"'=HYPERLINK(\"\"x\"\")\",一般事项,举手表决,2026-12-01 10:00:00,"
                   "2026-12-01 10:01:05,6,5,,4,1,0,0,0,0,,通过,,,,"
                   "赞成：甲、乙、丙、丁；反对：戊；弃权：无");
  g_assert_cmpstr (lines[2], ==,
                   "接收张三为预备党员,发展党员,无记名投票,2026-12-01 10:00:00,"
                   "2026-12-01 10:01:05,6,5,张三,3,1,1,1,0,0,,通过,,,,");
  g_assert_cmpstr (lines[3], ==,
                   "选举支部委员（另行选举）,选举,无记名投票,2026-12-01 10:00:00,"
                   "2026-12-01 10:01:05,6,5,,,,,,,,1,应选 2 人，当选 2 人,,选举支部委员,"
                   "张三、李四（应选 2 人，已选满）,");
  g_assert_cmpstr (lines[4], ==,
                   "选举支部委员（另行选举）,候选人,无记名投票,2026-12-01 10:00:00,"
                   "2026-12-01 10:01:05,6,5,张三,5,0,0,,,,,当选,是,选举支部委员,,");
  g_assert_cmpstr (lines[6], ==,
                   "选举支部委员（另行选举）,候选人,无记名投票,2026-12-01 10:00:00,"
                   "2026-12-01 10:01:05,6,5,王五,1,3,1,,,,,未当选,否,选举支部委员,,");
  g_assert_cmpstr (lines[7], ==,
                   "预算,一般事项,无记名投票,2026-12-01 10:00:00,,6,5,,,,,,,,,"
                   "无效（表决过程中到会有表决权的党员不足法定人数，表决无效）,,,,");
  g_assert_cmpstr (lines[8], ==, "未表决事项,一般事项,举手表决,,,,,,,,,,,,,未表决,,,,");
  g_assert_cmpstr (lines[9], ==, "");
}

/* Seats left open: the row says a runoff is due or possible, and the
 * combined result that seats are missing. */
static void
test_open_seats (void)
{
  g_autoptr (GTimeZone) tz = g_time_zone_new_identifier ("Asia/Shanghai");
  g_autoptr (GPtrArray) items
      = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_vote_csv_item_free);
  g_autoptr (GString) csv = NULL;
  const char *const names[] = { "张三", "李四", NULL };
  const char *const none[] = { NULL };
  ShVoteCsvItem *e
      = item (motion (SH_MOTION_ELECTION, "选举书记", TRUE), vote (SH_VOTE_CLOSED, TRUE, 0, 0, 0));

  e->election = g_new0 (ShElection, 1);
  e->election->seats = 1;
  e->election->candidates = g_strdupv ((GStrv) names);
  e->result = g_new0 (ShElectionResult, 1);
  e->result->seats = 1;
  e->result->runoff = TRUE;
  e->result->tallies = g_array_new (FALSE, TRUE, sizeof (ShElectionTally));
  add_tally (e->result, 4, 1, 0, FALSE);
  add_tally (e->result, 4, 1, 0, FALSE);
  e->outcome = g_new0 (ShElectionOutcome, 1);
  e->outcome->seats = 1;
  e->outcome->open_seats = 1;
  e->outcome->elected = g_strdupv ((GStrv) none);
  g_ptr_array_add (items, e);
  csv = sh_csv_meeting_votes (items, tz);
  g_assert_nonnull (strstr (csv->str, "应选 1 人，当选 0 人；末位票数相等，须另行选举"));
  g_assert_nonnull (strstr (csv->str, "无（应选 1 人，尚缺名额）"));
  e->result->runoff = FALSE;
  e->outcome->pending = TRUE;
  g_string_free (g_steal_pointer (&csv), TRUE);
  csv = sh_csv_meeting_votes (items, tz);
  g_assert_nonnull (strstr (csv->str, "应选 1 人，当选 0 人；名额未选满，可另行选举"));
  g_assert_nonnull (strstr (csv->str, "无（应选 1 人，另行选举进行中）"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/vote-csv/document", test_document);
  g_test_add_func ("/vote-csv/open-seats", test_open_seats);
  return g_test_run ();
}
