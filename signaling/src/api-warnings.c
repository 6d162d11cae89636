/* Layer: REST API. GET /api/orgs/{id}/warnings: the members of a branch
 * flagged for their organizational life (组织生活提醒): close to six months
 * without it, or absent too many times in a row. The rule is minutes/'s
 * (warnings.c, sh_rules_organizational_life()); this file decides who may
 * see it and says it in Chinese.
 * SPDX-License-Identifier: Apache-2.0 */
#include "api-warnings.h"

#include "authz.h"
#include "json-util.h"

#define DAY_US (G_GINT64_CONSTANT (86400) * G_USEC_PER_SEC)

static char *
local_date (gint64 utc_us, GTimeZone *tz)
{
  g_autoptr (GDateTime) utc = g_date_time_new_from_unix_utc (utc_us / G_USEC_PER_SEC);
  g_autoptr (GDateTime) local = utc ? g_date_time_to_timezone (utc, tz) : NULL;

  return local ? g_date_time_format (local, "%Y年%-m月%-d日") : g_strdup ("");
}

char *
sh_warning_text (const ShMemberWarning *w, gint64 now, GTimeZone *tz)
{
  g_autoptr (GString) s = g_string_new (NULL);

  g_return_val_if_fail (w != NULL && tz != NULL, NULL);
  if (w->life.lapse_warning) {
    g_autofree char *lapse = local_date (w->life.lapse_at, tz);
    g_autofree char *last = w->life.last_attended ? local_date (w->life.last_attended, tz) : NULL;

    if (last)
      g_string_append_printf (s, "最近一次参加组织生活是%s，", last);
    else
      g_string_append (s, "记录中没有参加组织生活，");
    if (now >= w->life.lapse_at)
      g_string_append_printf (s, "已于%s满六个月未参加组织生活", lapse);
    else
      g_string_append_printf (s, "将于%s满六个月未参加组织生活（还有%" G_GINT64_FORMAT "天）",
                              lapse, (w->life.lapse_at - now + DAY_US - 1) / DAY_US);
  }
  if (w->life.absence_warning)
    g_string_append_printf (s, "%s已连续%u次无故缺席", s->len ? "；" : "", w->life.absent_in_row);
  g_string_append (s, "。");
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static void
add_uint (JsonBuilder *b, const char *name, guint value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, value);
}

static void
build_warning (JsonBuilder *b, const ShMemberWarning *w, gint64 now, GTimeZone *tz)
{
  g_autofree char *text = sh_warning_text (w, now, tz);

  json_builder_begin_object (b);
  sh_json_builder_add_id (b, "member_id", w->member_id);
  sh_json_builder_add_string (b, "name", w->name);
  json_builder_set_member_name (b, "kinds");
  json_builder_begin_array (b);
  if (w->life.lapse_warning)
    json_builder_add_string_value (b, "lapse");
  if (w->life.absence_warning)
    json_builder_add_string_value (b, "absences");
  json_builder_end_array (b);
  sh_json_builder_add_time (b, "last_attended", w->life.last_attended, tz);
  sh_json_builder_add_time (b, "lapse_at", w->life.lapse_at, tz);
  json_builder_set_member_name (b, "lapsed");
  json_builder_add_boolean_value (b, now >= w->life.lapse_at);
  add_uint (b, "missed", w->life.missed);
  add_uint (b, "missed_unexcused", w->life.missed_unexcused);
  add_uint (b, "absent_in_row", w->life.absent_in_row);
  sh_json_builder_add_string (b, "text", text);
  json_builder_end_object (b);
}

/* GET /api/orgs/{id}/warnings: the branch secretary, inspectors above,
 * administrators. An unknown organization and a forbidden one answer
 * alike. */
static void
handle_warnings (ShRequest *req)
{
  ShStore *store = req->server->store;
  const ShConfig *config = req->server->config;
  GTimeZone *tz = req->server->tz;
  g_autoptr (GError) error = NULL;
  g_autoptr (ShOrg) org = NULL;
  g_autoptr (GPtrArray) warnings = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  gint64 now = g_get_real_time ();
  ShWarningPolicy policy = {
    .attendance = {
      .share_percent = config->attendance_share_percent,
      .grace_us = (gint64) config->attendance_grace_minutes * 60 * G_USEC_PER_SEC,
    },
    .tz = tz,
    .warn_before = (gint64) config->warning_days * DAY_US,
    .absent_limit = config->warning_absences,
  };

  if (!sh_authz_check (store, req->auth.roles, SH_PERM_READ_ROSTER, req->ids[0])
      || !(org = sh_org_get (store, req->ids[0], NULL))) {
    sh_reply_forbidden (req);
    return;
  }
  if (!(warnings = sh_warnings_for_branch (store, org->id, &policy, now, &error))) {
    sh_reply_gerror (req, error);
    return;
  }
  json_builder_begin_object (b);
  sh_json_builder_add_id (b, "org_id", org->id);
  sh_json_builder_add_string (b, "name", org->name);
  sh_json_builder_add_time (b, "at", now, tz);
  add_uint (b, "warning_days", config->warning_days);
  add_uint (b, "absence_limit", config->warning_absences);
  json_builder_set_member_name (b, "members");
  json_builder_begin_array (b);
  for (guint i = 0; i < warnings->len; i++)
    build_warning (b, g_ptr_array_index (warnings, i), now, tz);
  json_builder_end_array (b);
  json_builder_end_object (b);
  sh_reply_builder (req, SOUP_STATUS_OK, b);
}

const ShRoute sh_warning_routes[] = {
  { "GET", "api/orgs/{id}/warnings", SH_ROUTE_SESSION, handle_warnings },
  { NULL },
};
