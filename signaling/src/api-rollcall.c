/* Layer: REST API. GET /api/meetings/{id}/rollcalls: each roll call of the
 * meeting with its answers. The secretary, the chair, administrators and
 * inspectors see every entry (as for /attendance/expected); a member of
 * the organization sees only their own entries, with the counts.
 * SPDX-License-Identifier: Apache-2.0 */
#include "api-rollcall.h"

#include "authz.h"
#include "json-util.h"

static void
build_entry (JsonBuilder *b, const ShRollcallEntry *e, GTimeZone *tz)
{
  json_builder_begin_object (b);
  sh_json_builder_add_id (b, "member_id", e->member_id);
  sh_json_builder_add_string (b, "name", e->name);
  json_builder_set_member_name (b, "expected");
  json_builder_add_boolean_value (b, e->expected);
  json_builder_set_member_name (b, "on_leave");
  json_builder_add_boolean_value (b, e->on_leave);
  sh_json_builder_add_time (b, "asked_at", e->asked_at, tz);
  sh_json_builder_add_time (b, "answered_at", e->answered_at, tz);
  sh_json_builder_add_string (b, "outcome", sh_rollcall_outcome_to_string (e->outcome));
  sh_json_builder_add_string (b, "outcome_label", sh_rollcall_outcome_label (e->outcome));
  json_builder_end_object (b);
}

static void
build_rollcall (JsonBuilder *b, const ShRollcall *r, GTimeZone *tz)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_int_value (b, r->id);
  sh_json_builder_add_id (b, "started_by", r->started_by);
  json_builder_set_member_name (b, "seconds");
  json_builder_add_int_value (b, r->seconds);
  sh_json_builder_add_time (b, "started_at", r->started_at, tz);
  sh_json_builder_add_time (b, "deadline", r->deadline, tz);
  sh_json_builder_add_time (b, "closed_at", r->closed_at, tz);
  json_builder_set_member_name (b, "open");
  json_builder_add_boolean_value (b, r->closed_at == 0);
  json_builder_set_member_name (b, "asked");
  json_builder_add_int_value (b, r->asked);
  json_builder_set_member_name (b, "answered");
  json_builder_add_int_value (b, r->answered);
  json_builder_set_member_name (b, "entries");
  json_builder_begin_array (b);
  for (guint i = 0; i < r->entries->len; i++)
    build_entry (b, g_ptr_array_index (r->entries, i), tz);
  json_builder_end_array (b);
  json_builder_end_object (b);
}

/* Whether the caller sees every entry: the meeting's chair, or whoever may
 * read the branch's roster (secretary, administrators, inspectors). */
static gboolean
sees_everyone (ShRequest *req, const ShMeeting *m)
{
  gint64 member_id = req->auth.account->member_id;

  return (member_id && m->chair_member_id == member_id)
         || sh_authz_check (req->server->store, req->auth.roles, SH_PERM_READ_ROSTER, m->org_id);
}

/* GET /api/meetings/{id}/rollcalls */
static void
handle_list (ShRequest *req)
{
  ShStore *store = req->server->store;
  g_autoptr (GError) error = NULL;
  g_autoptr (ShMeeting) m = sh_meeting_get (store, req->ids[0], &error);
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  gint64 member_id = req->auth.account->member_id;
  gint64 only = 0;

  if (!m) {
    sh_reply_gerror (req, error);
    return;
  }
  if (!sees_everyone (req, m)) {
    if (!member_id || !sh_authz_check (store, req->auth.roles, SH_PERM_READ_ORG, m->org_id)) {
      sh_reply_forbidden (req);
      return;
    }
    only = member_id;
  }
  if (!(list = sh_rollcall_list (store, m->id, only, &error))) {
    sh_reply_gerror (req, error);
    return;
  }
  json_builder_begin_object (b);
  sh_json_builder_add_id (b, "meeting_id", m->id);
  json_builder_set_member_name (b, "rollcalls");
  json_builder_begin_array (b);
  for (guint i = 0; i < list->len; i++)
    build_rollcall (b, g_ptr_array_index (list, i), req->server->tz);
  json_builder_end_array (b);
  json_builder_end_object (b);
  sh_reply_builder (req, SOUP_STATUS_OK, b);
}

const ShRoute sh_rollcall_routes[] = {
  { "GET", "api/meetings/{id}/rollcalls", SH_ROUTE_SESSION, handle_list },
  { NULL },
};
