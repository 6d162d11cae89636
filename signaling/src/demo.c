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
  NULL,
};

const char *const *
sh_demo_logins (void)
{
  return demo_logins;
}

typedef struct {
  const char *name;
  const char *phone;
  ShMemberStatus status;
  gboolean under_probation;
  const char *joined_on;
} DemoMember;

static const DemoMember first_branch[] = {
  { "王建国", "13800000001", SH_MEMBER_FULL, FALSE, "1998-07-01" },
  { "李红梅", "13800000003", SH_MEMBER_FULL, FALSE, "2003-06-20" },
  { "张伟", "13800000004", SH_MEMBER_FULL, FALSE, "2008-12-15" },
  { "刘洋", "13800000005", SH_MEMBER_FULL, FALSE, "2011-05-04" },
  { "陈静", "13800000006", SH_MEMBER_FULL, FALSE, "2013-07-01" },
  { "黄丽", "13800000002", SH_MEMBER_FULL, FALSE, "2015-10-01" },
  { "杨帆", "13800000007", SH_MEMBER_FULL, FALSE, "2016-03-18" },
  { "赵磊", "13800000008", SH_MEMBER_FULL, TRUE, "2009-09-09" },
  { "周杰", "13800000009", SH_MEMBER_PROBATIONARY, FALSE, "2026-05-20" },
  { "吴敏", "13800000010", SH_MEMBER_PROBATIONARY, FALSE, "2026-06-28" },
};

static const DemoMember second_branch[] = {
  { "孙浩", "13800000011", SH_MEMBER_FULL, FALSE, "2012-07-01" },
  { "马兰", "13800000012", SH_MEMBER_FULL, FALSE, "2005-11-11" },
  { "朱强", "13800000013", SH_MEMBER_FULL, FALSE, "2019-04-23" },
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
      || !(account = add_account (store, "secretary", "王建国", "13800000001", first_ids[0],
                                  ctx->iterations, error))
      || !sh_role_grant (store, account, SH_ROLE_SECRETARY, first, error)
      || !add_account (store, "member", "黄丽", "13800000002", first_ids[5], ctx->iterations, error)
      || !add_account (store, "member2", "刘洋", "13800000005", first_ids[3], ctx->iterations,
                       error)
      || !(account = add_account (store, "inspector", "街道纪工委检查员", "13900000001", 0,
                                  ctx->iterations, error))
      || !sh_role_grant (store, account, SH_ROLE_INSPECTOR, committee, error))
    return FALSE;

  return add_meeting (store, first, SH_MEETING_GENERAL, "第四季度支部党员大会", 3, first_ids[0],
                      first_ids[1], NULL, general_agenda, error)
         && add_meeting (store, first, SH_MEETING_COMMITTEE, "支部委员会十二月例会", 7,
                         first_ids[0], first_ids[2], NULL, committee_agenda, error)
         && add_meeting (store, group1, SH_MEETING_GROUP, "第一党小组学习会", 10, first_ids[2],
                         first_ids[3], NULL, NULL, error)
         && add_meeting (store, first, SH_MEETING_LESSON, "书记讲党课", 14, first_ids[0],
                         first_ids[4], "学习贯彻党的二十大精神，做合格党员", NULL, error);
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
