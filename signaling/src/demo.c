/* The demo organization: a street Party working committee with two branches,
 * groups, members of every kind, the four demo logins and a few upcoming
 * meetings, so that a new user sees a living system at once.
 * SPDX-License-Identifier: Apache-2.0 */
#include "sanhui-signaling.h"

#include "password.h"

#define DEMO_PASSWORD "Demo@2026"

static const char *const demo_logins[] = {
  "secretary", DEMO_PASSWORD, "第一党支部书记 王建国（安排会议、管理党员）",
  "member",    DEMO_PASSWORD, "第一党支部党员 黄丽（我的会议）",
  "member2",   DEMO_PASSWORD, "第一党支部宣传委员 刘洋（第二位参会党员）",
  "inspector", DEMO_PASSWORD, "街道纪工委 检查员（只读）",
  "admin",     DEMO_PASSWORD, "系统管理员",
  "zhangwei",  DEMO_PASSWORD, "第一党小组组长 张伟（本支部其他党员同样以姓名拼音登录，如 lihongmei）",
  NULL,
};

const char *const *
sh_demo_logins (void)
{
  return demo_logins;
}

typedef struct {
  const char *name;
  const char *login; /* of their account (first branch and 孙浩) */
  const char *phone;
  ShMemberStatus status;
  gboolean under_probation;
  const char *joined_on;
} DemoMember;

static const DemoMember first_branch[] = {
  { "王建国", "secretary", "13800000001", SH_MEMBER_FULL, FALSE, "1998-07-01" },
  { "李红梅", "lihongmei", "13800000003", SH_MEMBER_FULL, FALSE, "2003-06-20" },
  { "张伟", "zhangwei", "13800000004", SH_MEMBER_FULL, FALSE, "2008-12-15" },
  { "刘洋", "member2", "13800000005", SH_MEMBER_FULL, FALSE, "2011-05-04" },
  { "陈静", "chenjing", "13800000006", SH_MEMBER_FULL, FALSE, "2013-07-01" },
  { "黄丽", "member", "13800000002", SH_MEMBER_FULL, FALSE, "2015-10-01" },
  { "杨帆", "yangfan", "13800000007", SH_MEMBER_FULL, FALSE, "2016-03-18" },
  { "赵磊", "zhaolei", "13800000008", SH_MEMBER_FULL, TRUE, "2009-09-09" },
  { "周杰", "zhoujie", "13800000009", SH_MEMBER_PROBATIONARY, FALSE, "2026-05-20" },
  { "吴敏", "wumin", "13800000010", SH_MEMBER_PROBATIONARY, FALSE, "2026-06-28" },
};

static const DemoMember second_branch[] = {
  { "孙浩", "sunhao", "13800000011", SH_MEMBER_FULL, FALSE, "2012-07-01" },
  { "马兰", "malan", "13800000012", SH_MEMBER_FULL, FALSE, "2005-11-11" },
  { "朱强", "zhuqiang", "13800000013", SH_MEMBER_FULL, FALSE, "2019-04-23" },
};

static gint64
add_member (ShStore *store, gint64 branch, const DemoMember *d, GError **error)
{
  g_autoptr (ShMember) m = g_new0 (ShMember, 1);

  m->branch_id = branch;
  m->name = g_strdup (d->name);
  m->phone = g_strdup (d->phone);
  m->status = d->status;
  m->under_probation = d->under_probation;
  m->joined_on = g_strdup (d->joined_on);
  m->active = TRUE;
  return sh_member_create (store, m, error);
}

static gint64
add_account (ShStore *store, const char *login, const char *display, const char *phone,
             gint64 member_id, guint iterations, GError **error)
{
  g_autoptr (ShAccount) a = g_new0 (ShAccount, 1);

  a->login = g_strdup (login);
  a->display_name = g_strdup (display);
  a->phone = g_strdup (phone);
  a->member_id = member_id;
  a->password_hash = sh_password_hash (DEMO_PASSWORD, iterations);
  return sh_account_create (store, a, error);
}

/* The account of a member who is not one of the demo logins, with the
 * demo password and one hash shared by all of them (hashing is the slow
 * part of loading): their history needs the member's own session, and a
 * session needs an account. They log in by name in pinyin or phone. */
static gint64
add_member_account (ShStore *store, const DemoMember *d, gint64 member_id, const char *hash,
                    GError **error)
{
  g_autoptr (ShAccount) a = g_new0 (ShAccount, 1);

  a->login = g_strdup (d->login);
  a->display_name = g_strdup (d->name);
  a->phone = g_strdup (d->phone);
  a->member_id = member_id;
  a->password_hash = g_strdup (hash);
  return sh_account_create (store, a, error);
}

/* Local time @days from today at @hour:@minute in Asia/Shanghai, as UTC µs. */
static gint64
local_time (int days, int hour, int minute)
{
  g_autoptr (GTimeZone) tz = g_time_zone_new_identifier ("Asia/Shanghai");
  g_autoptr (GDateTime) now = g_date_time_new_now (tz);
  g_autoptr (GDateTime) day = g_date_time_add_days (now, days);
  g_autoptr (GDateTime) at
      = g_date_time_new (tz, g_date_time_get_year (day), g_date_time_get_month (day),
                         g_date_time_get_day_of_month (day), hour, minute, 0);

  return g_date_time_to_unix (at) * G_USEC_PER_SEC;
}

static gint64
add_meeting (ShStore *store, gint64 org, ShMeetingType type, const char *title, int days,
             gint64 chair, gint64 recorder, const char *topic, const char *const *agenda,
             GError **error)
{
  g_autoptr (ShMeeting) m = sh_meeting_new ();

  m->org_id = org;
  m->type = type;
  m->title = g_strdup (title);
  m->planned_start = local_time (days, 14, 30);
  m->planned_end = local_time (days, 16, 0);
  m->chair_member_id = chair;
  m->recorder_member_id = recorder;
  if (type == SH_MEETING_LESSON) {
    m->lecturer_member_id = chair;
    m->topic = g_strdup (topic);
  }
  for (gsize i = 0; agenda && agenda[i]; i++)
    g_ptr_array_add (m->agenda, g_strdup (agenda[i]));
  return sh_meeting_create (store, m, error);
}

/* -------------------------------------------------------------- history */

/* The past five months of the first branch as they would have been held:
 * each kind of meeting at its cadence (DOMAIN.md), through the store's own
 * calls with the real past times. Two members draw the warnings: 赵磊
 * never takes part (no organizational life since the first meeting), 吴敏
 * has missed every meeting of the last ten weeks (absent three times in a
 * row and more). One group meeting was held offline and entered afterwards
 * (补录). */

enum { AT_BRANCH, AT_GROUP1, AT_GROUP2 };
enum { WANG, LI, ZHANG, LIU, CHEN, HUANG, YANG, ZHAO, ZHOU, WU };

typedef struct {
  ShMeetingType type;
  int org;      /* AT_* */
  int days_ago; /* moved back to the Saturday on or before when saturday */
  gboolean saturday;
  int hour, minute, minutes;
  const char *title_before, *title_after; /* around the month */
  gboolean offline;                       /* held without the system, entered afterwards */
} DemoPast;

static const DemoPast past_meetings[] = {
  { SH_MEETING_COMMITTEE, AT_BRANCH, 155, FALSE, 19, 30, 90, "支部委员会", "月例会", FALSE },
  { SH_MEETING_GENERAL, AT_BRANCH, 150, TRUE, 9, 0, 120, "", "月支部党员大会", FALSE },
  { SH_MEETING_GROUP, AT_GROUP1, 146, FALSE, 19, 30, 90, "第一党小组", "月学习会", FALSE },
  { SH_MEETING_GROUP, AT_GROUP2, 145, FALSE, 19, 30, 90, "第二党小组", "月学习会", FALSE },
  { SH_MEETING_LESSON, AT_BRANCH, 139, TRUE, 14, 30, 90, "", "月专题党课", FALSE },
  { SH_MEETING_COMMITTEE, AT_BRANCH, 125, FALSE, 19, 30, 90, "支部委员会", "月例会", FALSE },
  { SH_MEETING_GROUP, AT_GROUP1, 117, FALSE, 19, 30, 90, "第一党小组", "月学习会", FALSE },
  { SH_MEETING_GROUP, AT_GROUP2, 116, FALSE, 19, 30, 90, "第二党小组", "月学习会", FALSE },
  { SH_MEETING_COMMITTEE, AT_BRANCH, 96, FALSE, 19, 30, 90, "支部委员会", "月例会", FALSE },
  { SH_MEETING_GROUP, AT_GROUP1, 87, FALSE, 19, 30, 90, "第一党小组", "月学习会", FALSE },
  { SH_MEETING_GROUP, AT_GROUP2, 86, FALSE, 19, 30, 90, "第二党小组", "月学习会", FALSE },
  { SH_MEETING_COMMITTEE, AT_BRANCH, 66, FALSE, 19, 30, 90, "支部委员会", "月例会", FALSE },
  { SH_MEETING_GENERAL, AT_BRANCH, 60, TRUE, 9, 0, 120, "", "月支部党员大会", FALSE },
  { SH_MEETING_GROUP, AT_GROUP1, 57, FALSE, 19, 30, 90, "第一党小组", "月学习会", FALSE },
  { SH_MEETING_GROUP, AT_GROUP2, 56, FALSE, 19, 30, 90, "第二党小组", "月学习会", FALSE },
  { SH_MEETING_LESSON, AT_BRANCH, 45, TRUE, 14, 30, 90, "", "月专题党课", FALSE },
  { SH_MEETING_COMMITTEE, AT_BRANCH, 35, FALSE, 19, 30, 90, "支部委员会", "月例会", FALSE },
  { SH_MEETING_GROUP, AT_GROUP1, 27, FALSE, 19, 30, 90, "第一党小组", "月学习会（线下）", TRUE },
  { SH_MEETING_GROUP, AT_GROUP2, 26, FALSE, 19, 30, 90, "第二党小组", "月学习会", FALSE },
};

/* Leave asked by the member and approved by the secretary before the
 * meeting: by days_ago of the meeting. */
static const struct {
  int days_ago;
  int who;
  const char *reason;
} past_leave[] = {
  { 87, LIU, "家中老人住院，需要陪护" },
  { 60, HUANG, "单位安排外地出差" },
  { 27, ZHOU, "单位临时加班" },
};

static const char *const lesson_topics[] = {
  "学习党章，做合格党员",
  "弘扬伟大建党精神",
};

typedef struct {
  ShStore *store;
  gint64 now;
  gint64 branch, group1, group2;
  const gint64 *ids;      /* the first branch's members, as first_branch */
  const gint64 *accounts; /* and their accounts */
  gint64 migrant, migrant_account;
  gint64 secretary_account;
} History;

/* The start of @p in Asia/Shanghai as UTC µs. */
static gint64
past_start (const DemoPast *p)
{
  g_autoptr (GTimeZone) tz = g_time_zone_new_identifier ("Asia/Shanghai");
  g_autoptr (GDateTime) now = g_date_time_new_now (tz);
  g_autoptr (GDateTime) day = g_date_time_add_days (now, -p->days_ago);
  int back = p->saturday ? (g_date_time_get_day_of_week (day) + 1) % 7 : 0;
  g_autoptr (GDateTime) on = g_date_time_add_days (day, -back);
  g_autoptr (GDateTime) at
      = g_date_time_new (tz, g_date_time_get_year (on), g_date_time_get_month (on),
                         g_date_time_get_day_of_month (on), p->hour, p->minute, 0);

  return g_date_time_to_unix (at) * G_USEC_PER_SEC;
}

static int
month_of (gint64 at)
{
  g_autoptr (GTimeZone) tz = g_time_zone_new_identifier ("Asia/Shanghai");
  g_autoptr (GDateTime) utc = g_date_time_new_from_unix_utc (at / G_USEC_PER_SEC);
  g_autoptr (GDateTime) local = g_date_time_to_timezone (utc, tz);

  return g_date_time_get_month (local);
}

static gint64
create_past (History *h, const DemoPast *p, gint64 start, guint n, GError **error)
{
  g_autoptr (ShMeeting) m = sh_meeting_new ();

  m->title = g_strdup_printf ("%s%d%s", p->title_before, month_of (start), p->title_after);
  m->org_id = p->org == AT_GROUP1 ? h->group1 : p->org == AT_GROUP2 ? h->group2 : h->branch;
  m->type = p->type;
  m->planned_start = start;
  m->planned_end = start + (gint64) p->minutes * 60 * G_USEC_PER_SEC;
  m->chair_member_id = h->ids[p->org == AT_GROUP1 ? ZHANG : p->org == AT_GROUP2 ? CHEN : WANG];
  m->recorder_member_id = h->ids[p->org == AT_GROUP1 ? LIU : p->org == AT_GROUP2 ? ZHOU : LI];
  if (p->type == SH_MEETING_LESSON) {
    m->lecturer_member_id = h->ids[WANG];
    m->topic = g_strdup (lesson_topics[n % G_N_ELEMENTS (lesson_topics)]);
  }
  return sh_meeting_create (h->store, m, error);
}

static gboolean
ask_leave (History *h, const DemoPast *p, gint64 meeting, GError **error)
{
  for (gsize i = 0; i < G_N_ELEMENTS (past_leave); i++) {
    gint64 id;

    if (past_leave[i].days_ago != p->days_ago)
      continue;
    if (!(id = sh_leave_request (h->store, meeting, h->ids[past_leave[i].who], past_leave[i].reason,
                                 h->accounts[past_leave[i].who], error))
        || !sh_leave_approve (h->store, id, h->secretary_account, "同意", error))
      return FALSE;
  }
  return TRUE;
}

static int
index_of (History *h, gint64 member_id)
{
  for (int i = 0; i < (int) G_N_ELEMENTS (first_branch); i++)
    if (h->ids[i] == member_id)
      return i;
  return -1;
}

static gboolean
stays_away (int who, const DemoPast *p)
{
  return who == ZHAO || (who == WU && p->days_ago < 70);
}

#define MINUTE_US (G_GINT64_CONSTANT (60) * G_USEC_PER_SEC)

/* One person's intervals in a meeting held live: on time, late, away for a
 * few minutes (a dropped connection) or leaving early. */
static gboolean
attend (History *h, const DemoPast *p, gint64 meeting, const ShAttendanceEntry *e, int who,
        gint64 start, gint64 end, GError **error)
{
  gint64 account = who >= 0 ? h->accounts[who] : h->migrant_account;
  ShDevice device = who % 2 ? SH_DEVICE_PHONE : SH_DEVICE_COMPUTER;
  gint64 from = start + (who >= 0 ? who % 3 : 1) * MINUTE_US;
  gint64 to = end;
  ShPresenceEnd reason = SH_PRESENCE_MEETING_ENDED;
  gint64 id;

  if (who == LI && p->type == SH_MEETING_COMMITTEE)
    from = start + 12 * MINUTE_US;
  if (who == ZHOU && p->type == SH_MEETING_LESSON) {
    to = end - 25 * MINUTE_US;
    reason = SH_PRESENCE_LEFT;
  }
  if (who == LIU && p->type == SH_MEETING_GENERAL) {
    if (!(id = sh_presence_open (h->store, meeting, account, e->member_id, e->role, device,
                                 device == SH_DEVICE_COMPUTER, from, error))
        || !sh_presence_close (h->store, id, start + 40 * MINUTE_US, SH_PRESENCE_DISCONNECTED,
                               error))
      return FALSE;
    from = start + 43 * MINUTE_US;
  }
  return (id = sh_presence_open (h->store, meeting, account, e->member_id, e->role, device,
                                 device == SH_DEVICE_COMPUTER, from, error))
         && sh_presence_close (h->store, id, to, reason, error);
}

/* The roll call of the first general meeting: all but 周杰 answer. */
static gboolean
roll_call (History *h, gint64 meeting, const ShAttendance *list, gint64 start, GError **error)
{
  g_autoptr (GArray) present = g_array_new (FALSE, TRUE, sizeof (ShRollcallPresent));
  gint64 at = start + 15 * MINUTE_US;
  gint64 id;

  for (guint k = 0; k < list->entries->len; k++) {
    const ShAttendanceEntry *e = g_ptr_array_index (list->entries, k);
    int who = index_of (h, e->member_id);
    ShRollcallPresent one = { e->member_id, 0, e->name };

    if (e->role != SH_ATTENDANCE_EXPECTED || who < 0 || who == ZHAO)
      continue;
    one.account_id = h->accounts[who];
    g_array_append_val (present, one);
  }
  if (!(id = sh_rollcall_start (h->store, meeting, h->secretary_account, 60, at,
                                (const ShRollcallPresent *) (gpointer) present->data, present->len,
                                error)))
    return FALSE;
  for (guint k = 0; k < present->len; k++) {
    const ShRollcallPresent *one = &g_array_index (present, ShRollcallPresent, k);

    if (one->member_id != h->ids[ZHOU]
        && !sh_rollcall_answer (h->store, id, one->member_id, at + (5 + k * 3) * G_USEC_PER_SEC,
                                error))
      return FALSE;
  }
  return sh_rollcall_close (h->store, id, at + 60 * G_USEC_PER_SEC, error);
}

/* The offline meeting: the statuses its secretary wrote down. */
static gboolean
record_offline (History *h, gint64 meeting, gint64 start, gint64 end, GError **error)
{
  g_autoptr (ShAttendance) list = sh_attendance_expected (h->store, meeting, error);
  g_autoptr (GArray) statuses = g_array_new (FALSE, FALSE, sizeof (ShPastAttendance));

  if (!list)
    return FALSE;
  for (guint k = 0; k < list->entries->len; k++) {
    const ShAttendanceEntry *e = g_ptr_array_index (list->entries, k);
    ShPastAttendance a = { e->member_id, SH_ATTENDANCE_PRESENT };

    if (e->role != SH_ATTENDANCE_EXPECTED)
      continue;
    if (e->leave_state == SH_LEAVE_APPROVED)
      a.status = SH_ATTENDANCE_ON_LEAVE;
    else if (e->member_id == h->ids[LIU])
      a.status = SH_ATTENDANCE_LATE;
    g_array_append_val (statuses, a);
  }
  return sh_meeting_record_past (h->store, meeting, start, end,
                                 (const ShPastAttendance *) (gpointer) statuses->data,
                                 statuses->len, h->secretary_account, h->now, error);
}

static gboolean
hold_live (History *h, const DemoPast *p, gint64 meeting, gint64 start, gint64 end,
           gboolean with_roll_call, GError **error)
{
  g_autoptr (ShAttendance) list = NULL;

  if (!sh_meeting_mark_started (h->store, meeting, start, h->now, error)
      || !(list = sh_attendance_expected (h->store, meeting, error)))
    return FALSE;
  for (guint k = 0; k < list->entries->len; k++) {
    const ShAttendanceEntry *e = g_ptr_array_index (list->entries, k);
    int who = index_of (h, e->member_id);

    if (e->role == SH_ATTENDANCE_VISITOR && e->member_id == h->migrant) {
      if (!attend (h, p, meeting, e, -1, start, end, error))
        return FALSE;
      continue;
    }
    if (e->role != SH_ATTENDANCE_EXPECTED || who < 0 || stays_away (who, p)
        || e->leave_state == SH_LEAVE_APPROVED)
      continue;
    if (!attend (h, p, meeting, e, who, start, end, error))
      return FALSE;
  }
  if (with_roll_call && !roll_call (h, meeting, list, start, error))
    return FALSE;
  return sh_meeting_mark_ended (h->store, meeting, end, h->now, error);
}

static gboolean
load_history (History *h, GError **error)
{
  gboolean roll_called = FALSE;
  guint lessons = 0;

  for (gsize i = 0; i < G_N_ELEMENTS (past_meetings); i++) {
    const DemoPast *p = &past_meetings[i];
    gint64 planned = past_start (p);
    gint64 start = planned + (i % 3) * MINUTE_US;
    gint64 end = planned + (gint64) p->minutes * MINUTE_US;
    gint64 meeting
        = create_past (h, p, planned, p->type == SH_MEETING_LESSON ? lessons++ : 0, error);

    if (!meeting || !ask_leave (h, p, meeting, error))
      return FALSE;
    if (p->offline ? !record_offline (h, meeting, start, end, error)
                   : !hold_live (h, p, meeting, start, end,
                                 p->type == SH_MEETING_GENERAL && !roll_called, error))
      return FALSE;
    roll_called = roll_called || p->type == SH_MEETING_GENERAL;
  }
  return TRUE;
}

typedef struct {
  guint iterations;
} DemoContext;

static gboolean
load_demo (ShStore *store, gpointer user_data, GError **error)
{
  DemoContext *ctx = user_data;
  gint64 first_ids[G_N_ELEMENTS (first_branch)];
  gint64 second_ids[G_N_ELEMENTS (second_branch)];
  gint64 committee, first, second, group1, group2, account, visit;
  static const char *const general_agenda[]
      = { "传达学习上级会议精神", "讨论本季度支部工作", "民主评议党员", NULL };
  static const char *const committee_agenda[]
      = { "研究主题党日活动安排", "讨论发展党员工作", NULL };
  g_autoptr (ShExclusion) abroad = g_new0 (ShExclusion, 1);
  g_autoptr (ShMember) migrant = NULL;
  gint64 accounts[G_N_ELEMENTS (first_branch)] = { 0 };
  g_autofree char *shared_hash = NULL;
  History history = { 0 };

  if (!(committee = sh_org_create (store, 0, SH_ORG_COMMITTEE, "示范街道党工委", error))
      || !(first = sh_org_create (store, committee, SH_ORG_BRANCH, "第一党支部", error))
      || !(second = sh_org_create (store, committee, SH_ORG_BRANCH, "第二党支部", error))
      || !(group1 = sh_org_create (store, first, SH_ORG_GROUP, "第一党小组", error))
      || !(group2 = sh_org_create (store, first, SH_ORG_GROUP, "第二党小组", error)))
    return FALSE;
  for (gsize i = 0; i < G_N_ELEMENTS (first_branch); i++)
    if (!(first_ids[i] = add_member (store, first, &first_branch[i], error)))
      return FALSE;
  for (gsize i = 0; i < G_N_ELEMENTS (second_branch); i++)
    if (!(second_ids[i] = add_member (store, second, &second_branch[i], error)))
      return FALSE;
  /* 孙浩 works near the first branch and takes part there as a migrant:
   * asked for by his branch and accepted by the first (by the system here,
   * as no accounts exist yet). */
  migrant = sh_member_get (store, second_ids[0], error);
  if (!migrant)
    return FALSE;
  migrant->migrant = TRUE;
  if (!sh_member_update (store, migrant, error)
      || !(visit = sh_visit_request (store, migrant->id, first, "在第一党支部附近工作", 0, error))
      || !sh_visit_accept (store, visit, 0, error))
    return FALSE;

  if (!sh_post_assign (store, first, first_ids[0], SH_POST_SECRETARY, error)
      || !sh_post_assign (store, first, first_ids[1], SH_POST_DEPUTY_SECRETARY, error)
      || !sh_post_assign (store, first, first_ids[2], SH_POST_ORGANIZATION, error)
      || !sh_post_assign (store, first, first_ids[3], SH_POST_PROPAGANDA, error)
      || !sh_post_assign (store, first, first_ids[4], SH_POST_DISCIPLINE, error)
      || !sh_post_assign (store, second, second_ids[1], SH_POST_SECRETARY, error))
    return FALSE;
  if (!sh_group_add_member (store, group1, first_ids[2], TRUE, error)
      || !sh_group_add_member (store, group1, first_ids[3], FALSE, error)
      || !sh_group_add_member (store, group1, first_ids[5], FALSE, error)
      || !sh_group_add_member (store, group1, first_ids[8], FALSE, error)
      || !sh_group_add_member (store, group2, first_ids[4], TRUE, error)
      || !sh_group_add_member (store, group2, first_ids[6], FALSE, error)
      || !sh_group_add_member (store, group2, first_ids[7], FALSE, error)
      || !sh_group_add_member (store, group2, first_ids[9], FALSE, error))
    return FALSE;

  abroad->member_id = first_ids[6];
  abroad->reason = SH_EXCLUSION_ABROAD;
  abroad->approver = g_strdup ("示范街道党工委");
  abroad->note = g_strdup ("公派出国进修一年");
  abroad->starts_at = local_time (-60, 0, 0);
  abroad->ends_at = local_time (305, 0, 0);
  if (!sh_exclusion_create (store, abroad, error))
    return FALSE;

  if (!(account = add_account (store, "admin", "系统管理员", NULL, 0, ctx->iterations, error))
      || !sh_role_grant (store, account, SH_ROLE_ADMIN, 0, error)
      || !(accounts[WANG] = add_account (store, "secretary", "王建国", "13800000001", first_ids[0],
                                         ctx->iterations, error))
      || !sh_role_grant (store, accounts[WANG], SH_ROLE_SECRETARY, first, error)
      || !(accounts[HUANG] = add_account (store, "member", "黄丽", "13800000002", first_ids[5],
                                          ctx->iterations, error))
      || !(accounts[LIU] = add_account (store, "member2", "刘洋", "13800000005", first_ids[3],
                                        ctx->iterations, error))
      || !(account = add_account (store, "inspector", "街道纪工委检查员", "13900000001", 0,
                                  ctx->iterations, error))
      || !sh_role_grant (store, account, SH_ROLE_INSPECTOR, committee, error))
    return FALSE;

  /* The upcoming meetings first: their ids stay those of a demo without
   * history. */
  if (!add_meeting (store, first, SH_MEETING_GENERAL, "第四季度支部党员大会", 3, first_ids[0],
                    first_ids[1], NULL, general_agenda, error)
      || !add_meeting (store, first, SH_MEETING_COMMITTEE, "支部委员会十二月例会", 7, first_ids[0],
                       first_ids[2], NULL, committee_agenda, error)
      || !add_meeting (store, group1, SH_MEETING_GROUP, "第一党小组学习会", 10, first_ids[2],
                       first_ids[3], NULL, NULL, error)
      || !add_meeting (store, first, SH_MEETING_LESSON, "书记讲党课", 14, first_ids[0],
                       first_ids[4], "学习贯彻党的二十大精神，做合格党员", NULL, error))
    return FALSE;

  shared_hash = sh_password_hash (DEMO_PASSWORD, ctx->iterations);
  for (gsize i = 0; i < G_N_ELEMENTS (first_branch); i++) {
    if (accounts[i])
      continue;
    if (!(accounts[i]
          = add_member_account (store, &first_branch[i], first_ids[i], shared_hash, error)))
      return FALSE;
  }
  history.store = store;
  history.now = g_get_real_time ();
  history.branch = first;
  history.group1 = group1;
  history.group2 = group2;
  history.ids = first_ids;
  history.accounts = accounts;
  history.migrant = second_ids[0];
  history.secretary_account = accounts[WANG];
  if (!(history.migrant_account
        = add_member_account (store, &second_branch[0], second_ids[0], shared_hash, error)))
    return FALSE;
  return load_history (&history, error);
}

gboolean
sh_demo_load (ShStore *store, guint password_iterations, GError **error)
{
  DemoContext ctx = { password_iterations };
  gint64 orgs = sh_store_count_rows (store, "organizations", error);

  if (orgs < 0)
    return FALSE;
  if (orgs > 0) {
    g_set_error_literal (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_CONFLICT,
                         "the database already holds organizations; the demo loads only into an "
                         "empty database");
    return FALSE;
  }
  return sh_store_transaction (store, load_demo, &ctx, error);
}
