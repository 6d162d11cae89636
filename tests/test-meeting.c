/* Meetings: validation, storage, listings and the state machine
 * (test-meeting-fake-backend.c runs the state machine without SQL).
 * SPDX-License-Identifier: Apache-2.0 */
#include "minutes-fixture.h"

#include <glib/gstdio.h>
#include <string.h>

#define T0 G_GINT64_CONSTANT (1751333400000000) /* 2025-07-01 01:30 UTC */
#define HOUR G_GINT64_CONSTANT (3600000000)
#define DAY (24 * HOUR)

typedef struct {
  char *dir;
  ShStore *store;
  gint64 committee_org;
  gint64 branch;       /* 7 full members and one probationary: has a committee */
  gint64 group;        /* inside branch */
  gint64 small_branch; /* 2 members: no committee */
  gint64 full[7];      /* full[0] secretary, full[1..2] committee, full[3..4] group */
  gint64 probationary;
  gint64 outsider; /* member of small_branch */
  gint64 migrant;  /* home small_branch, takes part in branch */
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  f->store = minutes_fixture_open_tmp ("sanhui-meeting-XXXXXX", &f->dir, NULL);
  f->committee_org = minutes_fixture_org (f->store, 0, SH_ORG_COMMITTEE, "机关党委");
  f->branch = minutes_fixture_org (f->store, f->committee_org, SH_ORG_BRANCH, "第一党支部");
  f->group = minutes_fixture_org (f->store, f->branch, SH_ORG_GROUP, "第一党小组");
  f->small_branch = minutes_fixture_org (f->store, f->committee_org, SH_ORG_BRANCH, "第二党支部");

  for (int i = 0; i < 7; i++) {
    g_autofree char *name = g_strdup_printf ("党员%d", i);

    f->full[i] = minutes_fixture_member (f->store, f->branch, name, SH_MEMBER_FULL, 0);
  }
  f->probationary
      = minutes_fixture_member (f->store, f->branch, "预备党员", SH_MEMBER_PROBATIONARY, 0);
  f->outsider = minutes_fixture_member (f->store, f->small_branch, "外支部党员", SH_MEMBER_FULL, 0);
  f->migrant
      = minutes_fixture_member (f->store, f->small_branch, "流动党员", SH_MEMBER_FULL, f->branch);

  g_assert_true (sh_post_assign (f->store, f->branch, f->full[0], SH_POST_SECRETARY, &error));
  g_assert_no_error (error);
  g_assert_true (sh_post_assign (f->store, f->branch, f->full[1], SH_POST_ORGANIZATION, &error));
  g_assert_no_error (error);
  g_assert_true (sh_post_assign (f->store, f->branch, f->full[2], SH_POST_PROPAGANDA, &error));
  g_assert_no_error (error);
  g_assert_true (sh_group_add_member (f->store, f->group, f->full[3], TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (sh_group_add_member (f->store, f->group, f->full[4], FALSE, &error));
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  minutes_fixture_close_tmp (f->store, f->dir);
}

/* A valid general meeting of the branch, to be adjusted by each case. */
static ShMeeting *
draft (Fixture *f, ShMeetingType type, gint64 start)
{
  ShMeeting *m = minutes_fixture_meeting (type == SH_MEETING_GROUP ? f->group : f->branch, type,
                                          "会议", start);

  if (type == SH_MEETING_LESSON) {
    m->topic = g_strdup ("学习党章");
    m->lecturer_member_id = f->full[0];
  }
  return m;
}

static gint64
create_ok (Fixture *f, const ShMeeting *m)
{
  g_autoptr (GError) error = NULL;
  gint64 id = sh_meeting_create (f->store, m, &error);

  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

static void
create_invalid (Fixture *f, const ShMeeting *m)
{
  g_autoptr (GError) error = NULL;
  gint64 before = sh_store_count_rows (f->store, "meetings", NULL);

  g_assert_cmpint (sh_meeting_create (f->store, m, &error), ==, 0);
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_assert_cmpint (sh_store_count_rows (f->store, "meetings", NULL), ==, before);
}

static gint64
log_rows (Fixture *f)
{
  return sh_store_count_rows (f->store, "meeting_state_log", NULL);
}

static void
test_strings (void)
{
  static const char *const types[] = { "general", "committee", "group", "lesson", "party_day" };
  static const char *const type_labels[]
      = { "支部党员大会", "支部委员会会议", "党小组会", "党课", "主题党日" };
  static const char *const states[]
      = { "scheduled", "open", "in_progress", "ended", "archived", "cancelled" };
  static const char *const state_labels[]
      = { "已安排", "可入会", "进行中", "已结束", "已归档", "已取消" };
  ShMeetingType t;
  ShMeetingState s;

  for (int i = 0; i < 5; i++) {
    g_assert_cmpstr (sh_meeting_type_to_string ((ShMeetingType) i), ==, types[i]);
    g_assert_cmpstr (sh_meeting_type_label ((ShMeetingType) i), ==, type_labels[i]);
    g_assert_true (sh_meeting_type_from_string (types[i], &t));
    g_assert_cmpint (t, ==, i);
  }
  for (int i = 0; i < 6; i++) {
    g_assert_cmpstr (sh_meeting_state_to_string ((ShMeetingState) i), ==, states[i]);
    g_assert_cmpstr (sh_meeting_state_label ((ShMeetingState) i), ==, state_labels[i]);
    g_assert_true (sh_meeting_state_from_string (states[i], &s));
    g_assert_cmpint (s, ==, i);
  }
  g_assert_false (sh_meeting_type_from_string ("meeting", &t));
  g_assert_false (sh_meeting_type_from_string (NULL, &t));
  g_assert_false (sh_meeting_state_from_string ("done", &s));
}

static void
test_create_and_get (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShMeeting) m = draft (f, SH_MEETING_GENERAL, T0);
  g_autoptr (ShMeeting) got = NULL;
  gint64 id;

  g_free (m->title);
  m->title = g_strdup ("第三季度支部党员大会");
  m->place = g_strdup ("三楼会议室");
  m->chair_member_id = f->full[1];
  m->delegated_by_member_id = f->full[0];
  m->delegation_note = g_strdup ("书记出差，委托组织委员主持");
  m->recorder_member_id = f->full[2];
  m->created_by = 42;
  g_ptr_array_add (m->agenda, g_strdup ("传达上级精神"));
  g_ptr_array_add (m->agenda, g_strdup ("讨论发展对象"));
  g_ptr_array_add (m->agenda, g_strdup ("民主评议"));
  id = create_ok (f, m);

  got = sh_meeting_get (f->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (got->id, ==, id);
  g_assert_cmpint (got->org_id, ==, f->branch);
  g_assert_cmpint (got->type, ==, SH_MEETING_GENERAL);
  g_assert_cmpstr (got->title, ==, "第三季度支部党员大会");
  g_assert_cmpint (got->planned_start, ==, T0);
  g_assert_cmpint (got->planned_end, ==, T0 + 2 * HOUR);
  g_assert_cmpstr (got->place, ==, "三楼会议室");
  g_assert_cmpint (got->chair_member_id, ==, f->full[1]);
  g_assert_cmpint (got->delegated_by_member_id, ==, f->full[0]);
  g_assert_cmpstr (got->delegation_note, ==, "书记出差，委托组织委员主持");
  g_assert_cmpint (got->recorder_member_id, ==, f->full[2]);
  g_assert_cmpint (got->state, ==, SH_MEETING_SCHEDULED);
  g_assert_null (got->cancel_reason);
  g_assert_cmpstr (got->node_id, ==, "");
  g_assert_cmpint (got->created_by, ==, 42);
  g_assert_cmpint (got->created_at, >, 0);
  g_assert_cmpint (got->updated_at, ==, got->created_at);
  g_assert_cmpuint (got->agenda->len, ==, 3);
  g_assert_cmpstr (got->agenda->pdata[0], ==, "传达上级精神");
  g_assert_cmpstr (got->agenda->pdata[1], ==, "讨论发展对象");
  g_assert_cmpstr (got->agenda->pdata[2], ==, "民主评议");
  g_assert_cmpint (sh_store_count_rows (f->store, "agenda_items", NULL), ==, 3);
  g_assert_cmpint (log_rows (f), ==, 0);

  g_assert_null (sh_meeting_get (f->store, id + 100, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_NOT_FOUND);
}

static void
test_validation_basic (Fixture *f, gconstpointer data)
{
  g_autoptr (GString) long_title = g_string_new (NULL);

  for (int i = 0; i < 200; i++)
    g_string_append (long_title, "党");
  {
    g_autoptr (ShMeeting) m = draft (f, SH_MEETING_GENERAL, T0);

    g_free (m->title);
    m->title = g_strdup (long_title->str); /* exactly 200 characters */
    create_ok (f, m);
    g_free (m->title);
    m->title = g_strdup_printf ("%s会", long_title->str);
    create_invalid (f, m);
    g_free (m->title);
    m->title = g_strdup ("");
    create_invalid (f, m);
    g_free (m->title);
    m->title = g_strdup ("  ");
    create_invalid (f, m);
    g_clear_pointer (&m->title, g_free);
    create_invalid (f, m);
  }
  {
    g_autoptr (ShMeeting) m = draft (f, SH_MEETING_GENERAL, T0);

    m->planned_end = m->planned_start;
    create_invalid (f, m);
    m->planned_end = m->planned_start - HOUR;
    create_invalid (f, m);
    m->planned_end = m->planned_start + 1;
    create_ok (f, m);
  }
}

static void
test_validation_org (Fixture *f, gconstpointer data)
{
  g_autoptr (ShMeeting) m = draft (f, SH_MEETING_GENERAL, T0);

  m->org_id = 9999; /* no such organization */
  create_invalid (f, m);
  m->org_id = f->committee_org; /* a 党委 holds no branch meeting */
  create_invalid (f, m);
  m->org_id = f->group; /* a general meeting is the branch's */
  create_invalid (f, m);
  m->type = SH_MEETING_PARTY_DAY;
  create_invalid (f, m);
  m->type = SH_MEETING_GROUP; /* a group meeting is the group's */
  m->org_id = f->branch;
  create_invalid (f, m);
  m->org_id = f->group;
  m->chair_member_id = f->full[3]; /* group leader; group's branch is the parent */
  create_ok (f, m);
  m->chair_member_id = f->outsider;
  create_invalid (f, m);

  /* A committee meeting only where the branch has a committee. */
  m->type = SH_MEETING_COMMITTEE;
  m->chair_member_id = 0;
  m->org_id = f->small_branch;
  create_invalid (f, m);
  m->org_id = f->branch;
  create_ok (f, m);
}

static void
test_validation_people (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShMeeting) m = draft (f, SH_MEETING_GENERAL, T0);
  g_autoptr (ShMember) gone = NULL;

  m->chair_member_id = f->outsider;
  create_invalid (f, m);
  m->chair_member_id = 9999;
  create_invalid (f, m);
  m->chair_member_id = f->migrant; /* visiting migrant takes part here */
  create_ok (f, m);
  m->chair_member_id = f->full[0];
  m->recorder_member_id = f->outsider;
  create_invalid (f, m);
  m->recorder_member_id = f->probationary;
  create_ok (f, m);

  /* A delegation needs a chair who acts for someone else. */
  m->chair_member_id = 0;
  m->delegated_by_member_id = f->full[0];
  create_invalid (f, m);
  m->chair_member_id = f->full[0];
  create_invalid (f, m);
  m->chair_member_id = f->full[1];
  m->delegated_by_member_id = f->outsider;
  create_invalid (f, m);
  m->delegated_by_member_id = f->full[0];
  create_ok (f, m);

  /* A member transferred out can no longer chair. */
  gone = sh_member_get (f->store, f->full[6], &error);
  g_assert_no_error (error);
  gone->active = FALSE;
  g_assert_true (sh_member_update (f->store, gone, &error));
  g_assert_no_error (error);
  m->delegated_by_member_id = 0;
  m->chair_member_id = f->full[6];
  create_invalid (f, m);
}

static void
test_validation_lesson (Fixture *f, gconstpointer data)
{
  g_autoptr (ShMeeting) m = draft (f, SH_MEETING_LESSON, T0);

  create_ok (f, m);
  g_clear_pointer (&m->topic, g_free);
  create_invalid (f, m);
  m->topic = g_strdup (" ");
  create_invalid (f, m);
  g_free (m->topic);
  m->topic = g_strdup ("学习党史");
  m->lecturer_member_id = 0;
  create_invalid (f, m);
  m->lecturer_name = g_strdup ("");
  create_invalid (f, m);
  g_free (m->lecturer_name);
  m->lecturer_name = g_strdup ("市委党校李教授");
  create_ok (f, m);
  m->lecturer_member_id = f->outsider;
  create_invalid (f, m);
  /* Topic and lecturer are not required of other types. */
  {
    g_autoptr (ShMeeting) general = draft (f, SH_MEETING_GENERAL, T0);

    create_ok (f, general);
  }
}

static void
test_validation_agenda (Fixture *f, gconstpointer data)
{
  g_autoptr (ShMeeting) m = draft (f, SH_MEETING_GENERAL, T0);
  g_autoptr (GString) item = g_string_new (NULL);
  g_autoptr (ShMeeting) got = NULL;
  gint64 id;

  for (int i = 0; i < 50; i++)
    g_ptr_array_add (m->agenda, g_strdup_printf ("议程%d", i + 1));
  id = create_ok (f, m);
  got = sh_meeting_get (f->store, id, NULL);
  g_assert_cmpuint (got->agenda->len, ==, 50);
  g_assert_cmpstr (got->agenda->pdata[49], ==, "议程50");
  g_ptr_array_add (m->agenda, g_strdup ("议程51"));
  create_invalid (f, m);
  g_assert_cmpint (sh_store_count_rows (f->store, "agenda_items", NULL), ==, 50);

  g_ptr_array_set_size (m->agenda, 1);
  for (int i = 0; i < 500; i++)
    g_string_append (item, "议");
  g_ptr_array_add (m->agenda, g_strdup (item->str)); /* 500 characters */
  create_ok (f, m);
  g_string_append (item, "议");
  g_ptr_array_add (m->agenda, g_strdup (item->str));
  create_invalid (f, m);
  g_ptr_array_set_size (m->agenda, 1);
  g_ptr_array_add (m->agenda, g_strdup (""));
  create_invalid (f, m);
}

static gint64
schedule (Fixture *f, ShMeetingType type, gint64 start, gint64 org_id)
{
  g_autoptr (ShMeeting) m = draft (f, type, start);

  if (org_id)
    m->org_id = org_id;
  return create_ok (f, m);
}

static gboolean
contains (GPtrArray *meetings, gint64 id)
{
  for (guint i = 0; i < meetings->len; i++) {
    if (((ShMeeting *) meetings->pdata[i])->id == id)
      return TRUE;
  }
  return FALSE;
}

static void
assert_ordered (GPtrArray *meetings)
{
  for (guint i = 1; i < meetings->len; i++)
    g_assert_cmpint (((ShMeeting *) meetings->pdata[i - 1])->planned_start, <=,
                     ((ShMeeting *) meetings->pdata[i])->planned_start);
}

static void
test_list_for_org (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) all = NULL;
  g_autoptr (GPtrArray) group = NULL;
  g_autoptr (GPtrArray) window = NULL;
  g_autoptr (GPtrArray) other = NULL;
  gint64 late = schedule (f, SH_MEETING_GENERAL, T0 + 10 * DAY, 0);
  gint64 early = schedule (f, SH_MEETING_LESSON, T0, 0);
  gint64 grp = schedule (f, SH_MEETING_GROUP, T0 + 5 * DAY, 0);
  gint64 small = schedule (f, SH_MEETING_GENERAL, T0 + DAY, f->small_branch);

  all = sh_meeting_list_for_org (f->store, f->branch, 0, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, 3);
  g_assert_cmpint (((ShMeeting *) all->pdata[0])->id, ==, early);
  g_assert_cmpint (((ShMeeting *) all->pdata[1])->id, ==, grp);
  g_assert_cmpint (((ShMeeting *) all->pdata[2])->id, ==, late);
  g_assert_cmpstr (((ShMeeting *) all->pdata[0])->topic, ==, "学习党章");

  group = sh_meeting_list_for_org (f->store, f->group, 0, 0, &error);
  g_assert_cmpuint (group->len, ==, 1);
  g_assert_cmpint (((ShMeeting *) group->pdata[0])->id, ==, grp);

  /* [from, to): the start is included, the end is not. */
  window = sh_meeting_list_for_org (f->store, f->branch, T0, T0 + 10 * DAY, &error);
  g_assert_cmpuint (window->len, ==, 2);
  g_assert_false (contains (window, late));
  g_clear_pointer (&window, g_ptr_array_unref);
  window = sh_meeting_list_for_org (f->store, f->branch, T0 + 1, 0, &error);
  g_assert_cmpuint (window->len, ==, 2);
  g_assert_false (contains (window, early));

  other = sh_meeting_list_for_org (f->store, f->small_branch, 0, 0, &error);
  g_assert_cmpuint (other->len, ==, 1);
  g_assert_cmpint (((ShMeeting *) other->pdata[0])->id, ==, small);
}

static GPtrArray *
for_member (Fixture *f, gint64 member_id)
{
  g_autoptr (GError) error = NULL;
  GPtrArray *list = sh_meeting_list_for_member (f->store, member_id, 0, 0, &error);

  g_assert_no_error (error);
  assert_ordered (list);
  return list;
}

static void
test_list_for_member (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  gint64 general = schedule (f, SH_MEETING_GENERAL, T0 + 3 * DAY, 0);
  gint64 lesson = schedule (f, SH_MEETING_LESSON, T0 + 2 * DAY, 0); /* full[0] lectures */
  gint64 day = schedule (f, SH_MEETING_PARTY_DAY, T0 + DAY, 0);
  gint64 committee = schedule (f, SH_MEETING_COMMITTEE, T0, 0);
  gint64 grp = schedule (f, SH_MEETING_GROUP, T0 + 4 * DAY, 0);
  gint64 small = schedule (f, SH_MEETING_GENERAL, T0 + 5 * DAY, f->small_branch);
  gint64 recorded;
  g_autoptr (GPtrArray) plain = NULL;
  g_autoptr (GPtrArray) group_member = NULL;
  g_autoptr (GPtrArray) committee_member = NULL;
  g_autoptr (GPtrArray) migrant = NULL;
  g_autoptr (GPtrArray) recorder = NULL;
  g_autoptr (GPtrArray) window = NULL;

  /* A plain member: the branch-wide meetings only. */
  plain = for_member (f, f->full[5]);
  g_assert_cmpuint (plain->len, ==, 3);
  g_assert_cmpint (((ShMeeting *) plain->pdata[0])->id, ==, day);
  g_assert_cmpint (((ShMeeting *) plain->pdata[1])->id, ==, lesson);
  g_assert_cmpint (((ShMeeting *) plain->pdata[2])->id, ==, general);

  group_member = for_member (f, f->full[4]);
  g_assert_cmpuint (group_member->len, ==, 4);
  g_assert_true (contains (group_member, grp));
  g_assert_false (contains (group_member, committee));

  committee_member = for_member (f, f->full[1]);
  g_assert_cmpuint (committee_member->len, ==, 4);
  g_assert_true (contains (committee_member, committee));
  g_assert_false (contains (committee_member, grp));

  /* The migrant: the home branch's meeting, and the visited branch's
   * meetings open to all, not its committee or group meetings. */
  migrant = for_member (f, f->migrant);
  g_assert_cmpuint (migrant->len, ==, 4);
  g_assert_true (contains (migrant, small));
  g_assert_true (contains (migrant, general));
  g_assert_true (contains (migrant, lesson));
  g_assert_true (contains (migrant, day));

  /* Roles bring a meeting in even when not expected there. */
  {
    g_autoptr (ShMeeting) m = draft (f, SH_MEETING_COMMITTEE, T0 + 6 * DAY);

    m->recorder_member_id = f->full[6];
    recorded = create_ok (f, m);
  }
  recorder = for_member (f, f->full[6]);
  g_assert_true (contains (recorder, recorded));
  g_assert_false (contains (recorder, committee));

  /* Cancelled meetings still show (as cancelled). */
  g_assert_true (sh_meeting_transition (f->store, day, SH_MEETING_CANCELLED, "暴雨", &error));
  g_clear_pointer (&plain, g_ptr_array_unref);
  plain = for_member (f, f->full[5]);
  g_assert_cmpuint (plain->len, ==, 3);
  g_assert_cmpint (((ShMeeting *) plain->pdata[0])->state, ==, SH_MEETING_CANCELLED);

  window = sh_meeting_list_for_member (f->store, f->full[5], T0 + 2 * DAY, T0 + 3 * DAY, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (window->len, ==, 1);
  g_assert_cmpint (((ShMeeting *) window->pdata[0])->id, ==, lesson);

  g_assert_null (sh_meeting_list_for_member (f->store, 9999, 0, 0, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_NOT_FOUND);
}

static void
test_list_for_excluded_member (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) list = NULL;
  ShExclusion ex = { 0 };
  gint64 before = schedule (f, SH_MEETING_GENERAL, T0, 0);
  gint64 during = schedule (f, SH_MEETING_GENERAL, T0 + 30 * DAY, 0);

  /* Abroad from day 10 on: not expected at the meeting on day 30. */
  ex.member_id = f->full[5];
  ex.reason = SH_EXCLUSION_ABROAD;
  ex.approver = "支部委员会";
  ex.starts_at = T0 + 10 * DAY;
  g_assert_cmpint (sh_exclusion_create (f->store, &ex, &error), >, 0);
  g_assert_no_error (error);
  list = for_member (f, f->full[5]);
  g_assert_true (contains (list, before));
  g_assert_false (contains (list, during));
}

/* ------------------------------------------------------- transitions */

static ShMeetingState
state_of (Fixture *f, gint64 id)
{
  g_autoptr (ShMeeting) m = sh_meeting_get (f->store, id, NULL);

  g_assert_nonnull (m);
  return m->state;
}

static void
move_ok (Fixture *f, gint64 id, ShMeetingState to, const char *reason)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShMeeting) before = sh_meeting_get (f->store, id, NULL);
  g_autoptr (ShMeeting) after = NULL;
  gint64 logs = log_rows (f);

  g_assert_true (sh_meeting_transition (f->store, id, to, reason, &error));
  g_assert_no_error (error);
  after = sh_meeting_get (f->store, id, NULL);
  g_assert_cmpint (after->state, ==, to);
  g_assert_cmpint (after->updated_at, >, before->updated_at);
  g_assert_cmpint (log_rows (f), ==, logs + 1);
}

static void
move_refused (Fixture *f, gint64 id, ShMeetingState to)
{
  g_autoptr (GError) error = NULL;
  ShMeetingState from = state_of (f, id);
  gint64 logs = log_rows (f);

  g_assert_false (sh_meeting_transition (f->store, id, to, "理由", &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_STATE);
  g_assert_nonnull (strstr (error->message, sh_meeting_state_label (from)));
  g_assert_cmpint (state_of (f, id), ==, from);
  g_assert_cmpint (log_rows (f), ==, logs);
}

static void
test_full_lifecycle (Fixture *f, gconstpointer data)
{
  gint64 id = schedule (f, SH_MEETING_GENERAL, T0, 0);
  g_autoptr (sqlite3_stmt) stmt = NULL;
  static const char *const expected[][2] = {
    { "scheduled", "open" },
    { "open", "in_progress" },
    { "in_progress", "ended" },
    { "ended", "archived" },
  };

  move_refused (f, id, SH_MEETING_SCHEDULED);
  move_refused (f, id, SH_MEETING_ENDED);
  move_refused (f, id, SH_MEETING_ARCHIVED);
  move_ok (f, id, SH_MEETING_OPEN, NULL);
  move_refused (f, id, SH_MEETING_OPEN);
  move_refused (f, id, SH_MEETING_SCHEDULED);
  move_refused (f, id, SH_MEETING_ENDED);
  move_ok (f, id, SH_MEETING_IN_PROGRESS, NULL);
  move_refused (f, id, SH_MEETING_OPEN);
  move_refused (f, id, SH_MEETING_CANCELLED);
  move_refused (f, id, SH_MEETING_ARCHIVED);
  move_ok (f, id, SH_MEETING_ENDED, NULL);
  move_refused (f, id, SH_MEETING_IN_PROGRESS);
  move_refused (f, id, SH_MEETING_CANCELLED);
  move_ok (f, id, SH_MEETING_ARCHIVED, NULL);
  for (int s = SH_MEETING_SCHEDULED; s <= SH_MEETING_CANCELLED; s++)
    move_refused (f, id, (ShMeetingState) s);
  g_assert_cmpint (log_rows (f), ==, 4);

  stmt = sh_sqlite_prepare (f->store,
                            "SELECT from_state, to_state, reason, at FROM meeting_state_log"
                            " WHERE meeting_id = ? ORDER BY id",
                            "test", NULL);
  sqlite3_bind_int64 (stmt, 1, id);
  for (gsize i = 0; i < G_N_ELEMENTS (expected); i++) {
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, expected[i][0]);
    g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 1), ==, expected[i][1]);
    g_assert_cmpint (sqlite3_column_type (stmt, 2), ==, SQLITE_NULL);
    g_assert_cmpint (sqlite3_column_int64 (stmt, 3), >, 0);
  }
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
}

static void
test_direct_start (Fixture *f, gconstpointer data)
{
  gint64 id = schedule (f, SH_MEETING_COMMITTEE, T0, 0);

  /* The chair may start a scheduled meeting without opening it first. */
  move_ok (f, id, SH_MEETING_IN_PROGRESS, NULL);
  move_ok (f, id, SH_MEETING_ENDED, NULL);
  g_assert_cmpint (log_rows (f), ==, 2);
}

static void
test_cancel (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShMeeting) got = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  gint64 scheduled = schedule (f, SH_MEETING_GENERAL, T0, 0);
  gint64 opened = schedule (f, SH_MEETING_LESSON, T0 + DAY, 0);

  /* A reason is required, and blank is no reason. */
  g_assert_false (sh_meeting_transition (f->store, scheduled, SH_MEETING_CANCELLED, NULL, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (sh_meeting_transition (f->store, scheduled, SH_MEETING_CANCELLED, " \t", &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (state_of (f, scheduled), ==, SH_MEETING_SCHEDULED);
  g_assert_cmpint (log_rows (f), ==, 0);

  move_ok (f, scheduled, SH_MEETING_CANCELLED, " 书记临时出差 ");
  got = sh_meeting_get (f->store, scheduled, NULL);
  g_assert_cmpstr (got->cancel_reason, ==, "书记临时出差");
  for (int s = SH_MEETING_SCHEDULED; s <= SH_MEETING_CANCELLED; s++)
    move_refused (f, scheduled, (ShMeetingState) s);

  move_ok (f, opened, SH_MEETING_OPEN, NULL);
  move_ok (f, opened, SH_MEETING_CANCELLED, "授课人生病");
  g_assert_cmpint (log_rows (f), ==, 3);

  stmt = sh_sqlite_prepare (f->store,
                            "SELECT reason FROM meeting_state_log WHERE to_state = 'cancelled'"
                            " ORDER BY id",
                            "test", NULL);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "书记临时出差");
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "授课人生病");

  g_assert_false (sh_meeting_transition (f->store, 9999, SH_MEETING_OPEN, NULL, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_NOT_FOUND);
}

/* The error of an invalid draft, for checking its message. */
static char *
create_invalid_message (Fixture *f, const ShMeeting *m)
{
  g_autoptr (GError) error = NULL;

  create_invalid (f, m);
  g_assert_cmpint (sh_meeting_create (f->store, m, &error), ==, 0);
  return g_strdup (error->message);
}

/* Issue 7: a ten-year meeting was accepted. */
static void
test_validation_duration (Fixture *f, gconstpointer data)
{
  g_autoptr (ShMeeting) m = draft (f, SH_MEETING_GENERAL, T0);
  g_autofree char *too_long = NULL;
  g_autofree char *ten_years = NULL;
  g_autofree char *far_ahead = NULL;
  gint64 now = g_get_real_time ();

  m->planned_end = m->planned_start + 24 * HOUR;
  create_ok (f, m);
  m->planned_end = m->planned_start + 24 * HOUR + 1;
  too_long = create_invalid_message (f, m);
  g_assert_nonnull (strstr (too_long, "24 小时"));
  m->planned_end = m->planned_start + 3653 * DAY;
  ten_years = create_invalid_message (f, m);
  g_assert_nonnull (strstr (ten_years, "24 小时"));

  /* Two years ahead at most. */
  m->planned_start = now + 700 * DAY;
  m->planned_end = m->planned_start + 2 * HOUR;
  create_ok (f, m);
  m->planned_start = now + 3 * 366 * DAY;
  m->planned_end = m->planned_start + 2 * HOUR;
  far_ahead = create_invalid_message (f, m);
  g_assert_nonnull (strstr (far_ahead, "两年"));
}

/* What a person schedules now: entered afterwards up to a year back. */
static void
test_new_start_window (void)
{
  g_autoptr (GError) error = NULL;
  gint64 now = g_get_real_time ();

  g_assert_true (sh_meeting_check_new_start (now, now, &error));
  g_assert_true (sh_meeting_check_new_start (now - 300 * DAY, now, &error));
  g_assert_true (sh_meeting_check_new_start (now + 700 * DAY, now, &error));
  g_assert_no_error (error);
  g_assert_false (sh_meeting_check_new_start (now - 400 * DAY, now, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "一年"));
  g_clear_error (&error);
  g_assert_false (sh_meeting_check_new_start (now + 800 * DAY, now, &error));
  g_assert_nonnull (strstr (error->message, "两年"));
}

/* Issue 7: titles, places and agenda items go through the one text check:
 * no control characters, no bidirectional overrides, not invisible. */
static void
test_validation_text (Fixture *f, gconstpointer data)
{
  static const struct {
    const char *title;
    const char *message_part;
  } bad_titles[] = {
    { "支部\u202e会议", "会议名称不能含有改变文字显示方向" },
    { "支部\u2067会议\u2069", "U+2067" },
    { "支部\x01会议", "会议名称不能含有控制字符" },
    { "支部\xc2\x85会议", "U+0085" },
    { "支部\n会议", "会议名称不能换行" },
    { "\u200b\u200b", "会议名称不能为空" },
    { " \ufeff\u200d ", "会议名称不能为空" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (bad_titles); i++) {
    g_autoptr (ShMeeting) m = draft (f, SH_MEETING_GENERAL, T0);
    g_autofree char *message = NULL;

    g_free (m->title);
    m->title = g_strdup (bad_titles[i].title);
    message = create_invalid_message (f, m);
    g_assert_nonnull (strstr (message, bad_titles[i].message_part));
  }
  {
    g_autoptr (ShMeeting) m = draft (f, SH_MEETING_GENERAL, T0);

    m->place = g_strdup ("党员活动室\u202e");
    create_invalid (f, m);
    g_clear_pointer (&m->place, g_free);
    g_ptr_array_add (m->agenda, g_strdup ("\u200b"));
    create_invalid (f, m);
    g_ptr_array_set_size (m->agenda, 0);
    /* An agenda item may span lines. */
    g_ptr_array_add (m->agenda, g_strdup ("一、传达精神\n二、部署工作\t（书记）"));
    create_ok (f, m);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/meeting/strings", test_strings);
  g_test_add_func ("/meeting/new-start-window", test_new_start_window);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/meeting/create-get", test_create_and_get);
  ADD ("/meeting/validation/basic", test_validation_basic);
  ADD ("/meeting/validation/org", test_validation_org);
  ADD ("/meeting/validation/people", test_validation_people);
  ADD ("/meeting/validation/lesson", test_validation_lesson);
  ADD ("/meeting/validation/agenda", test_validation_agenda);
  ADD ("/meeting/validation/duration", test_validation_duration);
  ADD ("/meeting/validation/text", test_validation_text);
  ADD ("/meeting/list-for-org", test_list_for_org);
  ADD ("/meeting/list-for-member", test_list_for_member);
  ADD ("/meeting/list-for-excluded-member", test_list_for_excluded_member);
  ADD ("/meeting/transition/lifecycle", test_full_lifecycle);
  ADD ("/meeting/transition/direct-start", test_direct_start);
  ADD ("/meeting/transition/cancel", test_cancel);
#undef ADD
  return g_test_run ();
}
