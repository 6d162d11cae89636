/* Layer: REST API. Expected attendance of a meeting and leave requests
 * (请假): GET /api/meetings/{id}/attendance/expected, the meeting's leave
 * requests, a member asking for leave, the secretary's or chair's decision
 * and the member's withdrawal. The rules are minutes/'s (attendance.c,
 * leave.c); this file decides who may ask what.
 * SPDX-License-Identifier: Apache-2.0 */
#include "api-private.h"
#include "authz.h"
#include "json-util.h"

#define NOTE_MAX_CHARS 500

/* Whether the caller may see every request of @m and decide them: the
 * branch secretary, an administrator, or the meeting's chair. */
static gboolean
may_decide (ShRequest *req, const ShMeeting *m)
{
  gint64 member_id = req->auth.account->member_id;

  return (member_id && m->chair_member_id == member_id)
         || sh_authz_check (req->server->store, req->auth.roles, SH_PERM_MANAGE_BRANCH, m->org_id);
}

static void
build_leave (ShRequest *req, JsonBuilder *b, const ShLeaveRequest *r)
{
  g_autoptr (ShMember) member = sh_member_get (req->server->store, r->member_id, NULL);
  GTimeZone *tz = req->server->tz;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_int_value (b, r->id);
  sh_json_builder_add_id (b, "meeting_id", r->meeting_id);
  sh_json_builder_add_id (b, "member_id", r->member_id);
  sh_json_builder_add_string (b, "member_name", member ? member->name : NULL);
  sh_json_builder_add_string (b, "reason", r->reason);
  sh_json_builder_add_string (b, "state", sh_leave_state_to_string (r->state));
  sh_json_builder_add_string (b, "state_label", sh_leave_state_label (r->state));
  sh_json_builder_add_id (b, "requested_by", r->requested_by);
  sh_json_builder_add_time (b, "requested_at", r->requested_at, tz);
  sh_json_builder_add_id (b, "decided_by", r->decided_by);
  sh_json_builder_add_time (b, "decided_at", r->decided_at, tz);
  sh_json_builder_add_string (b, "decision_note", r->decision_note);
  json_builder_end_object (b);
}

static void
reply_leave (ShRequest *req, guint status, gint64 id)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShLeaveRequest) r = sh_leave_get (req->server->store, id, &error);
  g_autoptr (JsonBuilder) b = json_builder_new ();

  if (!r) {
    sh_reply_gerror (req, error);
    return;
  }
  build_leave (req, b, r);
  sh_reply_builder (req, status, b);
}

static void
build_entry (JsonBuilder *b, const ShAttendanceEntry *e)
{
  json_builder_begin_object (b);
  sh_json_builder_add_string (b, "role", sh_attendance_role_to_string (e->role));
  sh_json_builder_add_id (b, "member_id", e->member_id);
  sh_json_builder_add_id (b, "account_id", e->account_id);
  sh_json_builder_add_string (b, "name", e->name);
  sh_json_builder_add_string (b, "status",
                              e->member_id ? sh_member_status_to_string (e->status) : NULL);
  json_builder_set_member_name (b, "under_probation");
  json_builder_add_boolean_value (b, e->under_probation);
  json_builder_set_member_name (b, "has_vote");
  json_builder_add_boolean_value (b, e->has_vote);
  sh_json_builder_add_string (b, "reason", e->reason);
  json_builder_set_member_name (b, "leave");
  if (e->leave_id) {
    json_builder_begin_object (b);
    json_builder_set_member_name (b, "id");
    json_builder_add_int_value (b, e->leave_id);
    sh_json_builder_add_string (b, "state", sh_leave_state_to_string (e->leave_state));
    sh_json_builder_add_string (b, "state_label", sh_leave_state_label (e->leave_state));
    json_builder_end_object (b);
  } else
    json_builder_add_null_value (b);
  json_builder_end_object (b);
}

/* GET /api/meetings/{id}/attendance/expected: secretary, chair,
 * administrators and inspectors. */
static void
handle_expected (ShRequest *req)
{
  g_autoptr (ShMeeting) m = sh_meeting_for_request (req, SH_PERM_READ_ROSTER, TRUE);
  g_autoptr (ShAttendance) a = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();

  if (!m)
    return;
  a = sh_attendance_expected (req->server->store, m->id, &error);
  if (!a) {
    sh_reply_gerror (req, error);
    return;
  }
  json_builder_begin_object (b);
  sh_json_builder_add_id (b, "meeting_id", a->meeting_id);
  json_builder_set_member_name (b, "frozen");
  json_builder_add_boolean_value (b, a->frozen);
  sh_json_builder_add_time (b, "at", a->at, req->server->tz);
  sh_json_builder_add_time (b, "frozen_at", a->frozen_at, req->server->tz);
  json_builder_set_member_name (b, "expected");
  json_builder_add_int_value (b, a->expected);
  json_builder_set_member_name (b, "voting");
  json_builder_add_int_value (b, a->voting);
  json_builder_set_member_name (b, "entries");
  json_builder_begin_array (b);
  for (guint i = 0; i < a->entries->len; i++)
    build_entry (b, g_ptr_array_index (a->entries, i));
  json_builder_end_array (b);
  json_builder_end_object (b);
  sh_reply_builder (req, SOUP_STATUS_OK, b);
}

/* POST /api/meetings/{id}/leave {"reason"}: the member themself, for
 * themself only (nobody asks leave for someone else). */
static void
handle_ask (ShRequest *req)
{
  ShStore *store = req->server->store;
  g_autoptr (GError) error = NULL;
  g_autoptr (ShMeeting) m = sh_meeting_get (store, req->ids[0], &error);
  g_autofree char *reason = NULL;
  gint64 member_id = req->auth.account->member_id;
  gint64 id;

  if (!m) {
    sh_reply_gerror (req, error);
    return;
  }
  if (!member_id || !sh_authz_check (store, req->auth.roles, SH_PERM_READ_ORG, m->org_id)) {
    sh_reply_error (req, SOUP_STATUS_FORBIDDEN, "forbidden",
                    "只有应参加本次会议的党员本人可以请假");
    return;
  }
  if (!sh_json_get_string (req->body, "reason", TRUE, SH_LEAVE_REASON_MAX_CHARS, &reason, &error)
      || !(id
           = sh_leave_request (store, m->id, member_id, reason, req->auth.account->id, &error))) {
    sh_reply_gerror (req, error);
    return;
  }
  g_message ("leave %" G_GINT64_FORMAT " asked by member %" G_GINT64_FORMAT
             " for meeting %" G_GINT64_FORMAT,
             id, member_id, m->id);
  reply_leave (req, SOUP_STATUS_CREATED, id);
}

/* GET /api/meetings/{id}/leave: every request for the secretary, chair,
 * administrators and inspectors; a member's own for a member. */
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
  if (!may_decide (req, m)
      && !sh_authz_check (store, req->auth.roles, SH_PERM_READ_ROSTER, m->org_id)) {
    if (!member_id || !sh_authz_check (store, req->auth.roles, SH_PERM_READ_ORG, m->org_id)) {
      sh_reply_forbidden (req);
      return;
    }
    only = member_id;
  }
  list = sh_leave_list (store, m->id, only, &error);
  if (!list) {
    sh_reply_gerror (req, error);
    return;
  }
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "requests");
  json_builder_begin_array (b);
  for (guint i = 0; i < list->len; i++)
    build_leave (req, b, g_ptr_array_index (list, i));
  json_builder_end_array (b);
  json_builder_end_object (b);
  sh_reply_builder (req, SOUP_STATUS_OK, b);
}

/* POST /api/leave/{id}/approve|refuse {"note"}: the secretary, the chair
 * or an administrator; POST /api/leave/{id}/withdraw: the member. */
static void
handle_action (ShRequest *req)
{
  ShStore *store = req->server->store;
  const ShAccount *account = req->auth.account;
  const char *action = req->words[0];
  gboolean withdraw = g_str_equal (action, "withdraw");
  g_autoptr (GError) error = NULL;
  g_autoptr (ShLeaveRequest) r = NULL;
  g_autoptr (ShMeeting) m = NULL;
  g_autofree char *note = NULL;
  gboolean ok;

  if (!withdraw && !g_str_equal (action, "approve") && !g_str_equal (action, "refuse")) {
    sh_reply_not_found (req);
    return;
  }
  r = sh_leave_get (store, req->ids[0], &error);
  if (!r || !(m = sh_meeting_get (store, r->meeting_id, &error))) {
    sh_reply_gerror (req, error);
    return;
  }
  if (withdraw ? !(account->member_id && account->member_id == r->member_id)
               : !may_decide (req, m)) {
    sh_reply_forbidden (req);
    return;
  }
  if (!sh_json_get_string (req->body, "note", FALSE, NOTE_MAX_CHARS, &note, &error)) {
    sh_reply_gerror (req, error);
    return;
  }
  if (withdraw)
    ok = sh_leave_withdraw (store, r->id, account->id, &error);
  else if (g_str_equal (action, "approve"))
    ok = sh_leave_approve (store, r->id, account->id, note, &error);
  else
    ok = sh_leave_refuse (store, r->id, account->id, note, &error);
  if (!ok) {
    sh_reply_gerror (req, error);
    return;
  }
  g_message ("leave %" G_GINT64_FORMAT " of member %" G_GINT64_FORMAT
             ": %s by account %" G_GINT64_FORMAT,
             r->id, r->member_id, action, account->id);
  reply_leave (req, SOUP_STATUS_OK, r->id);
}

const ShRoute sh_attendance_routes[] = {
  { "GET", "api/meetings/{id}/attendance/expected", SH_ROUTE_SESSION, handle_expected },
  { "GET", "api/meetings/{id}/leave", SH_ROUTE_SESSION, handle_list },
  { "POST", "api/meetings/{id}/leave", SH_ROUTE_SESSION | SH_ROUTE_JSON, handle_ask },
  { "POST", "api/leave/{id}/{word}", SH_ROUTE_SESSION | SH_ROUTE_JSON, handle_action },
  { NULL },
};
