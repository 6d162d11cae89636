/* Tests for the derived organization rules (minutes/src/rules.c).
 * SPDX-License-Identifier: Apache-2.0 */
#include "minutes-fixture.h"
#include "rules-private.h"
#include "sanhui-minutes.h"

#define DAY (G_USEC_PER_SEC * (gint64) 86400)
/* The meeting time used throughout: 2024-06-15 00:00:00 UTC. */
#define T ((gint64) 1718409600 * G_USEC_PER_SEC)

static void
update_member (ShStore *store, gint64 id, void (*change) (ShMember *))
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShMember) m = sh_member_get (store, id, &error);

  g_assert_no_error (error);
  change (m);
  g_assert_true (sh_member_update (store, m, &error));
  g_assert_no_error (error);
}

static void
make_probationary (ShMember *m)
{
  m->status = SH_MEMBER_PROBATIONARY;
}

static void
put_on_probation (ShMember *m)
{
  m->under_probation = TRUE;
}

static void
transfer_out (ShMember *m)
{
  m->active = FALSE;
}

static void
test_has_vote (void)
{
  ShMember m = { .id = 1, .branch_id = 10, .status = SH_MEMBER_FULL, .active = TRUE };

  g_assert_true (sh_rules_has_vote (&m, 10));
  /* A migrant votes at home, wherever they live. */
  m.migrant = TRUE;
  m.current_branch_id = 20;
  g_assert_true (sh_rules_has_vote (&m, 10));
  /* ... and not in the branch they visit. */
  g_assert_false (sh_rules_has_vote (&m, 20));
  m.migrant = FALSE;
  m.current_branch_id = 0;
  g_assert_false (sh_rules_has_vote (&m, 0));

  m.status = SH_MEMBER_PROBATIONARY;
  g_assert_false (sh_rules_has_vote (&m, 10));
  m.status = SH_MEMBER_FULL;
  m.under_probation = TRUE; /* 留党察看 */
  g_assert_false (sh_rules_has_vote (&m, 10));
  m.under_probation = FALSE;
  m.active = FALSE; /* transferred out */
  g_assert_false (sh_rules_has_vote (&m, 10));
}

static void
test_committee_threshold (void)
{
  g_assert_false (sh_rules_branch_has_committee (0));
  g_assert_false (sh_rules_branch_has_committee (6));
  g_assert_true (sh_rules_branch_has_committee (7));
  g_assert_true (sh_rules_branch_has_committee (30));
}

static void
test_committee_in_store (void)
{
  g_autoptr (ShStore) store = minutes_fixture_open_memory ();
  gint64 branch = minutes_fixture_org (store, 0, SH_ORG_BRANCH, "支部");
  gint64 other = minutes_fixture_org (store, 0, SH_ORG_BRANCH, "别的支部");
  gint64 seventh, eighth;

  for (int i = 0; i < 6; i++) {
    g_autofree char *name = g_strdup_printf ("正式%d", i);

    minutes_fixture_member (store, branch, name, SH_MEMBER_FULL, 0);
  }
  /* Probationary members, and full members elsewhere, do not count. */
  for (int i = 0; i < 5; i++) {
    g_autofree char *name = g_strdup_printf ("预备%d", i);

    minutes_fixture_member (store, branch, name, SH_MEMBER_PROBATIONARY, 0);
  }
  minutes_fixture_member (store, other, "外支部正式", SH_MEMBER_FULL, 0);
  g_assert_false (sh_rules_branch_has_committee_in_store (store, branch));

  seventh = minutes_fixture_member (store, branch, "正式6", SH_MEMBER_FULL, 0);
  g_assert_true (sh_rules_branch_has_committee_in_store (store, branch));
  /* 留党察看 takes the vote, not the membership: still seven. */
  update_member (store, seventh, put_on_probation);
  g_assert_true (sh_rules_branch_has_committee_in_store (store, branch));
  /* A member transferred out no longer counts. */
  update_member (store, seventh, transfer_out);
  g_assert_false (sh_rules_branch_has_committee_in_store (store, branch));
  eighth = minutes_fixture_member (store, branch, "正式7", SH_MEMBER_FULL, 0);
  g_assert_true (sh_rules_branch_has_committee_in_store (store, branch));
  update_member (store, eighth, make_probationary);
  g_assert_false (sh_rules_branch_has_committee_in_store (store, branch));

  g_assert_false (sh_rules_branch_has_committee_in_store (store, other));
  g_assert_false (sh_rules_branch_has_committee_in_store (store, 9999));
}

/* A branch of seven full members plus others, with posts, a group and
 * exclusions around the meeting time T. */
typedef struct {
  ShStore *store;
  gint64 branch;
  gint64 group;
  gint64 other_group;
  gint64 committee_org;
  gint64 m[11]; /* m[1]..m[10], named 党员01..党员10 */
} Fixture;

static void
exclude (Fixture *f, int who, gint64 starts_at, gint64 ends_at)
{
  g_autoptr (GError) error = NULL;
  ShExclusion e = {
    .member_id = f->m[who],
    .reason = SH_EXCLUSION_ILLNESS,
    .approver = (char *) "机关党委",
    .starts_at = starts_at,
    .ends_at = ends_at,
  };

  g_assert_cmpint (sh_exclusion_create (f->store, &e, &error), >, 0);
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  gint64 other_branch, visitor;
  ShMember migrant = { .name = (char *) "流动党员", .status = SH_MEMBER_FULL, .migrant = TRUE };

  f->store = minutes_fixture_open_memory ();
  f->committee_org = minutes_fixture_org (f->store, 0, SH_ORG_COMMITTEE, "机关党委");
  f->branch = minutes_fixture_org (f->store, f->committee_org, SH_ORG_BRANCH, "第一党支部");
  other_branch = minutes_fixture_org (f->store, f->committee_org, SH_ORG_BRANCH, "第二党支部");
  f->group = minutes_fixture_org (f->store, f->branch, SH_ORG_GROUP, "第一党小组");
  f->other_group = minutes_fixture_org (f->store, f->branch, SH_ORG_GROUP, "第二党小组");

  /* 01..07 full, 08 probationary, 09 full under 留党察看, 10 transferred
   * out; created in reverse so that name order is not creation order. */
  for (int i = 10; i >= 1; i--) {
    g_autofree char *name = g_strdup_printf ("党员%02d", i);

    f->m[i] = minutes_fixture_member (f->store, f->branch, name,
                                      i == 8 ? SH_MEMBER_PROBATIONARY : SH_MEMBER_FULL, 0);
  }
  update_member (f->store, f->m[9], put_on_probation);
  update_member (f->store, f->m[10], transfer_out);
  /* A migrant of the other branch takes part here (an accepted visit):
   * never expected here. */
  migrant.branch_id = other_branch;
  visitor = sh_member_create (f->store, &migrant, &error);
  g_assert_no_error (error);
  g_assert_cmpint (visitor, >, 0);
  g_assert_true (sh_visit_accept (
      f->store, sh_visit_request (f->store, visitor, f->branch, NULL, 0, &error), 0, &error));
  g_assert_no_error (error);

  g_assert_true (sh_post_assign (f->store, f->branch, f->m[1], SH_POST_SECRETARY, &error));
  g_assert_true (sh_post_assign (f->store, f->branch, f->m[2], SH_POST_DEPUTY_SECRETARY, &error));
  g_assert_true (sh_post_assign (f->store, f->branch, f->m[3], SH_POST_ORGANIZATION, &error));
  g_assert_true (sh_post_assign (f->store, f->branch, f->m[4], SH_POST_COMMITTEE_MEMBER, &error));
  g_assert_true (sh_post_assign (f->store, f->branch, f->m[1], SH_POST_PROPAGANDA, &error));
  g_assert_no_error (error);

  g_assert_true (sh_group_add_member (f->store, f->group, f->m[5], TRUE, &error));
  g_assert_true (sh_group_add_member (f->store, f->group, f->m[8], FALSE, &error));
  g_assert_true (sh_group_add_member (f->store, f->group, f->m[6], FALSE, &error));
  g_assert_true (sh_group_add_member (f->store, f->other_group, f->m[7], TRUE, &error));
  g_assert_no_error (error);

  exclude (f, 2, T - 10 * DAY, T + 10 * DAY); /* in force at T */
  exclude (f, 3, T - DAY, 0);                 /* in force, open-ended */
  exclude (f, 6, T - 30 * DAY, T - 10 * DAY); /* expired before T */
  exclude (f, 8, T + DAY, 0);                 /* starts after T */
  exclude (f, 7, T - 5 * DAY, T);             /* ends exactly at T */
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  sh_store_free (f->store);
}

/* Asserts the expected attendees are exactly @who (indexes into f->m,
 * terminated by 0), in that order. */
static void
assert_expected (Fixture *f, ShMeetingType type, gint64 org, gint64 at, const int *who)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) expected = sh_rules_expected_attendees (f->store, type, org, at, &error);
  guint n = 0;

  g_assert_no_error (error);
  g_assert_nonnull (expected);
  while (who[n])
    n++;
  g_assert_cmpuint (expected->len, ==, n);
  for (guint i = 0; i < n; i++) {
    ShMember *member = g_ptr_array_index (expected, i);
    g_autofree char *name = g_strdup_printf ("党员%02d", who[i]);

    g_assert_cmpint (member->id, ==, f->m[who[i]]);
    g_assert_cmpstr (member->name, ==, name);
  }
}

static void
test_expected_whole_branch (Fixture *f, gconstpointer data)
{
  /* At T: 02 and 03 are excluded; 06's exclusion has expired, 08's has not
   * started and 07's ended at T. Probationary 08 and 留党察看 09 attend;
   * 10, transferred out, and the visiting migrant do not count. */
  static const int at_t[] = { 1, 4, 5, 6, 7, 8, 9, 0 };
  /* Twenty days later 02 is back, 08 is away; 03 is still away. */
  static const int later[] = { 1, 2, 4, 5, 6, 7, 9, 0 };
  /* Long before, everyone active is expected but 06. */
  static const int before[] = { 1, 2, 3, 4, 5, 7, 8, 9, 0 };
  static const ShMeetingType types[]
      = { SH_MEETING_GENERAL, SH_MEETING_LESSON, SH_MEETING_PARTY_DAY };

  for (gsize i = 0; i < G_N_ELEMENTS (types); i++) {
    assert_expected (f, types[i], f->branch, T, at_t);
    /* Held by a group, these meetings still concern the whole branch. */
    assert_expected (f, types[i], f->group, T, at_t);
    assert_expected (f, types[i], f->branch, T + 20 * DAY, later);
    assert_expected (f, types[i], f->branch, T - 20 * DAY, before);
  }
}

static void
test_expected_committee (Fixture *f, gconstpointer data)
{
  /* Post holders 01 (two posts, counted once), 02, 03, 04; 02 and 03 are
   * excluded at T. */
  static const int at_t[] = { 1, 4, 0 };
  static const int later[] = { 1, 2, 4, 0 };
  static const int before[] = { 1, 2, 3, 4, 0 };

  assert_expected (f, SH_MEETING_COMMITTEE, f->branch, T, at_t);
  assert_expected (f, SH_MEETING_COMMITTEE, f->branch, T + 20 * DAY, later);
  assert_expected (f, SH_MEETING_COMMITTEE, f->branch, T - 20 * DAY, before);
}

static void
test_expected_group (Fixture *f, gconstpointer data)
{
  /* Group members 05, 06, 08: 06 expired and 08 not yet started at T. */
  static const int at_t[] = { 5, 6, 8, 0 };
  static const int later[] = { 5, 6, 0 };
  static const int before[] = { 5, 8, 0 };
  /* 07's exclusion ended exactly at T. */
  static const int other_at_t[] = { 7, 0 };
  static const int other_before[] = { 0 };

  assert_expected (f, SH_MEETING_GROUP, f->group, T, at_t);
  assert_expected (f, SH_MEETING_GROUP, f->group, T + 20 * DAY, later);
  assert_expected (f, SH_MEETING_GROUP, f->group, T - 20 * DAY, before);
  assert_expected (f, SH_MEETING_GROUP, f->other_group, T, other_at_t);
  assert_expected (f, SH_MEETING_GROUP, f->other_group, T - 1, other_before);
}

static void
assert_expected_fails (Fixture *f, ShMeetingType type, gint64 org, ShMinutesError code)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) expected = sh_rules_expected_attendees (f->store, type, org, T, &error);

  g_assert_null (expected);
  g_assert_error (error, SH_MINUTES_ERROR, (gint) code);
}

static void
test_expected_wrong_org (Fixture *f, gconstpointer data)
{
  assert_expected_fails (f, SH_MEETING_GENERAL, 9999, SH_MINUTES_ERROR_NOT_FOUND);
  assert_expected_fails (f, SH_MEETING_GENERAL, f->committee_org, SH_MINUTES_ERROR_INVALID);
  assert_expected_fails (f, SH_MEETING_LESSON, f->committee_org, SH_MINUTES_ERROR_INVALID);
  assert_expected_fails (f, SH_MEETING_COMMITTEE, f->group, SH_MINUTES_ERROR_INVALID);
  assert_expected_fails (f, SH_MEETING_COMMITTEE, f->committee_org, SH_MINUTES_ERROR_INVALID);
  assert_expected_fails (f, SH_MEETING_GROUP, f->branch, SH_MINUTES_ERROR_INVALID);
}

/* ------------------------------------------------- the pure rules */

static void
test_attendee_branch (void)
{
  ShOrg committee = { .id = 1, .kind = SH_ORG_COMMITTEE };
  ShOrg branch = { .id = 2, .parent_id = 1, .kind = SH_ORG_BRANCH };
  ShOrg group = { .id = 3, .parent_id = 2, .kind = SH_ORG_GROUP };
  ShMeetingType whole[] = { SH_MEETING_GENERAL, SH_MEETING_LESSON, SH_MEETING_PARTY_DAY };

  for (gsize i = 0; i < G_N_ELEMENTS (whole); i++) {
    g_autoptr (GError) error = NULL;

    g_assert_cmpint (sh_rules_attendee_branch (whole[i], &branch, NULL), ==, 2);
    /* Held by a group, these still concern its whole branch. */
    g_assert_cmpint (sh_rules_attendee_branch (whole[i], &group, NULL), ==, 2);
    g_assert_cmpint (sh_rules_attendee_branch (whole[i], &committee, &error), ==, 0);
    g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
    g_assert_false (sh_rules_attendees_narrowed (whole[i]));
  }
  g_assert_cmpint (sh_rules_attendee_branch (SH_MEETING_COMMITTEE, &branch, NULL), ==, 2);
  g_assert_cmpint (sh_rules_attendee_branch (SH_MEETING_COMMITTEE, &group, NULL), ==, 0);
  g_assert_cmpint (sh_rules_attendee_branch (SH_MEETING_GROUP, &group, NULL), ==, 2);
  g_assert_cmpint (sh_rules_attendee_branch (SH_MEETING_GROUP, &branch, NULL), ==, 0);
  g_assert_true (sh_rules_attendees_narrowed (SH_MEETING_COMMITTEE));
  g_assert_true (sh_rules_attendees_narrowed (SH_MEETING_GROUP));
}

static GPtrArray *
roster_of (const char *const *names, gsize n)
{
  GPtrArray *roster = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_member_free);

  for (gsize i = 0; i < n; i++) {
    ShMember *m = g_new0 (ShMember, 1);

    m->id = (gint64) i + 1;
    m->branch_id = 2;
    m->name = g_strdup (names[i]);
    m->active = TRUE;
    g_ptr_array_add (roster, m);
  }
  return roster;
}

static void
assert_names (GPtrArray *members, const char *expected)
{
  g_autoptr (GString) names = g_string_new (NULL);

  for (guint i = 0; i < members->len; i++)
    g_string_append_printf (names, "%s%s", i ? "," : "",
                            ((ShMember *) g_ptr_array_index (members, i))->name);
  g_assert_cmpstr (names->str, ==, expected);
}

static void
test_select_attendees (void)
{
  static const char *const names[] = { "王芳", "李强", "张伟", "陈静" };
  g_autoptr (GPtrArray) roster = roster_of (names, G_N_ELEMENTS (names));
  g_autoptr (GPtrArray) holders = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) in_group = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) all = NULL;
  g_autoptr (GPtrArray) committee = NULL;
  g_autoptr (GPtrArray) group = NULL;
  g_autoptr (GPtrArray) nobody = NULL;
  ShPostHolder *h;
  ShGroupMembership *gm;

  /* The secretary (张伟), and a post holder no longer on the roster (id 9,
   * transferred out) who is not expected. */
  h = g_new0 (ShPostHolder, 1);
  h->member_id = 3;
  g_ptr_array_add (holders, h);
  h = g_new0 (ShPostHolder, 1);
  h->member_id = 9;
  g_ptr_array_add (holders, h);
  gm = g_new0 (ShGroupMembership, 1);
  gm->member_id = 4;
  g_ptr_array_add (in_group, gm);
  gm = g_new0 (ShGroupMembership, 1);
  gm->member_id = 1;
  g_ptr_array_add (in_group, gm);

  all = sh_rules_select_attendees (SH_MEETING_GENERAL, roster, holders, in_group);
  assert_names (all, "王芳,李强,张伟,陈静");
  committee = sh_rules_select_attendees (SH_MEETING_COMMITTEE, roster, holders, in_group);
  assert_names (committee, "张伟");
  /* In the roster's order, not the group list's. */
  group = sh_rules_select_attendees (SH_MEETING_GROUP, roster, holders, in_group);
  assert_names (group, "王芳,陈静");
  /* A narrowed meeting without its list expects nobody. */
  nobody = sh_rules_select_attendees (SH_MEETING_COMMITTEE, roster, NULL, NULL);
  g_assert_cmpuint (nobody->len, ==, 0);
  /* The roster is left as it was. */
  g_assert_cmpuint (roster->len, ==, G_N_ELEMENTS (names));
}

static void
test_excluded_at (void)
{
  g_autoptr (GPtrArray) exclusions = g_ptr_array_new_with_free_func (g_free);
  ShExclusion *closed = g_new0 (ShExclusion, 1);
  ShExclusion *open = g_new0 (ShExclusion, 1);

  g_assert_false (sh_rules_excluded_at (exclusions, T));
  closed->starts_at = T - 10 * DAY;
  closed->ends_at = T;
  g_ptr_array_add (exclusions, closed);
  /* Half-open: it ends at the very moment the meeting starts. */
  g_assert_false (sh_rules_excluded_at (exclusions, T));
  g_assert_true (sh_rules_excluded_at (exclusions, T - 1));
  g_assert_true (sh_rules_excluded_at (exclusions, T - 10 * DAY));
  g_assert_false (sh_rules_excluded_at (exclusions, T - 10 * DAY - 1));
  /* An end of 0 leaves the period open. */
  open->starts_at = T + 5 * DAY;
  g_ptr_array_add (exclusions, open);
  g_assert_false (sh_rules_excluded_at (exclusions, T + 5 * DAY - 1));
  g_assert_true (sh_rules_excluded_at (exclusions, T + 500 * DAY));
}

/* Quorum and passing at every edge: exactly half is not enough, one over
 * half is; the count is always of the expected voting members. */
static void
test_quorum_and_passing (void)
{
  static const struct {
    guint expected, quorum, election80;
  } rows[] = {
    { 0, 1, 1 }, { 1, 1, 1 }, { 2, 2, 2 },  { 3, 2, 3 },  { 4, 3, 4 },   { 5, 3, 4 },
    { 6, 4, 5 }, { 7, 4, 6 }, { 10, 6, 8 }, { 11, 6, 9 }, { 15, 8, 12 }, { 100, 51, 80 },
  };
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++) {
    guint n = rows[i].expected;
    g_assert_cmpuint (sh_rules_quorum (SH_MEETING_GENERAL, n), ==, rows[i].quorum);
    g_assert_cmpuint (sh_rules_quorum (SH_MEETING_COMMITTEE, n), ==, rows[i].quorum);
    g_assert_cmpuint (sh_rules_election_quorum (SH_MEETING_GENERAL, n, 80), ==, rows[i].election80);
    /* A share below half never lowers the quorum. */
    g_assert_cmpuint (sh_rules_election_quorum (SH_MEETING_GENERAL, n, 30), ==, rows[i].quorum);
    g_assert_cmpuint (sh_rules_election_quorum (SH_MEETING_GENERAL, n, 100), ==, MAX (n, 1));
    /* Passing needs as many in favour as a quorum needs present. */
    g_assert_true (sh_rules_motion_passes (rows[i].quorum, n));
    g_assert_false (sh_rules_motion_passes (rows[i].quorum - 1, n));
  }
  /* Exactly half of ten in favour fails, however few were present. */
  g_assert_false (sh_rules_motion_passes (5, 10));
  g_assert_true (sh_rules_motion_passes (6, 10));
  /* Only general and committee meetings take votes. */
  g_assert_true (sh_rules_meeting_takes_votes (SH_MEETING_GENERAL));
  g_assert_true (sh_rules_meeting_takes_votes (SH_MEETING_COMMITTEE));
  for (ShMeetingType t = SH_MEETING_GROUP; t <= SH_MEETING_PARTY_DAY; t++) {
    g_assert_false (sh_rules_meeting_takes_votes (t));
    g_assert_cmpuint (sh_rules_quorum (t, 10), ==, 0);
    g_assert_cmpuint (sh_rules_election_quorum (t, 10, 80), ==, 0);
  }
}

/* Six months without organizational life, in calendar months of Shanghai,
 * and unexcused absences in a row. */
static void
test_organizational_life (void)
{
  g_autoptr (GTimeZone) tz = g_time_zone_new_identifier ("Asia/Shanghai");
  ShLifeWarning w;
  /* T is 2024-06-15 08:00 in Shanghai; six months on is 2024-12-15 08:00,
   * 183 days later. */
  ShLifeRecord attended_once[] = { { T, TRUE, FALSE } };
  sh_rules_organizational_life (attended_once, 1, 0, T + 100 * DAY, tz, 60 * DAY, 3, &w);
  g_assert_cmpint (w.last_attended, ==, T);
  g_assert_cmpint (w.lapse_at, ==, T + 183 * DAY);
  g_assert_false (w.lapse_warning);
  sh_rules_organizational_life (attended_once, 1, 0, T + 123 * DAY - 1, tz, 60 * DAY, 3, &w);
  g_assert_false (w.lapse_warning);
  sh_rules_organizational_life (attended_once, 1, 0, T + 123 * DAY, tz, 60 * DAY, 3, &w);
  g_assert_true (w.lapse_warning);
  g_assert_false (w.absence_warning);

  /* 31 August + six months is the last day of February. */
  gint64 aug31 = T + 77 * DAY;
  ShLifeRecord end_of_month[] = { { aug31, TRUE, FALSE } };
  sh_rules_organizational_life (end_of_month, 1, 0, aug31, tz, 0, 3, &w);
  g_assert_cmpint (w.lapse_at, ==, aug31 + 181 * DAY); /* 2025-02-28 */

  /* Excused absences neither count nor break the row; attending resets it. */
  ShLifeRecord row[] = {
    { T, FALSE, FALSE },           { T + 10 * DAY, TRUE, FALSE },  { T + 20 * DAY, FALSE, FALSE },
    { T + 30 * DAY, FALSE, TRUE }, { T + 40 * DAY, FALSE, FALSE }, { T + 50 * DAY, FALSE, FALSE },
  };
  sh_rules_organizational_life (row, 5, 0, T + 45 * DAY, tz, 60 * DAY, 3, &w);
  g_assert_cmpuint (w.absent_in_row, ==, 2);
  g_assert_false (w.absence_warning);
  sh_rules_organizational_life (row, 6, 0, T + 55 * DAY, tz, 60 * DAY, 3, &w);
  g_assert_cmpuint (w.missed, ==, 4);
  g_assert_cmpuint (w.missed_unexcused, ==, 3);
  g_assert_cmpuint (w.absent_in_row, ==, 3);
  g_assert_true (w.absence_warning);
  g_assert_cmpint (w.last_attended, ==, T + 10 * DAY);
  /* A limit of 0 turns the second warning off. */
  sh_rules_organizational_life (row, 6, 0, T + 55 * DAY, tz, 60 * DAY, 0, &w);
  g_assert_false (w.absence_warning);

  /* Every missed meeting excused: the counts tell, no lapse warning. */
  ShLifeRecord excused[]
      = { { T, TRUE, FALSE }, { T + 30 * DAY, FALSE, TRUE }, { T + 60 * DAY, FALSE, TRUE } };
  sh_rules_organizational_life (excused, 3, 0, T + 300 * DAY, tz, 60 * DAY, 3, &w);
  g_assert_false (w.lapse_warning);
  g_assert_cmpuint (w.missed, ==, 2);
  g_assert_cmpuint (w.missed_unexcused, ==, 0);

  /* No meeting held at all since the member came: the clock runs from
   * @since; a member who came after their last attendance elsewhere too. */
  sh_rules_organizational_life (NULL, 0, T, T + 200 * DAY, tz, 60 * DAY, 3, &w);
  g_assert_cmpint (w.last_attended, ==, 0);
  g_assert_cmpint (w.lapse_at, ==, T + 183 * DAY);
  g_assert_true (w.lapse_warning);
  sh_rules_organizational_life (attended_once, 1, T + 30 * DAY, T + 130 * DAY, tz, 60 * DAY, 3, &w);
  g_assert_false (w.lapse_warning);
  g_assert_cmpint (w.lapse_at, ==, T + 30 * DAY + 184 * DAY); /* 2025-01-15 */
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/rules/has-vote", test_has_vote);
  g_test_add_func ("/rules/committee-threshold", test_committee_threshold);
  g_test_add_func ("/rules/committee-in-store", test_committee_in_store);
  g_test_add_func ("/rules/pure/attendee-branch", test_attendee_branch);
  g_test_add_func ("/rules/pure/select-attendees", test_select_attendees);
  g_test_add_func ("/rules/pure/excluded-at", test_excluded_at);
  g_test_add_func ("/rules/pure/quorum-and-passing", test_quorum_and_passing);
  g_test_add_func ("/rules/pure/organizational-life", test_organizational_life);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/rules/expected/whole-branch", test_expected_whole_branch);
  ADD ("/rules/expected/committee", test_expected_committee);
  ADD ("/rules/expected/group", test_expected_group);
  ADD ("/rules/expected/wrong-org", test_expected_wrong_org);
#undef ADD
  return g_test_run ();
}
