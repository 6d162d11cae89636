/* Layer: REST API. Expected attendance of a meeting and leave requests
 * (请假): GET /api/meetings/{id}/attendance/expected, the meeting's leave
 * requests, a member asking for leave, the secretary's or chair's decision
 * and the member's withdrawal; the attendance record of a meeting, of a
 * member and of a branch over a period, as JSON or CSV. The rules are
 * minutes/'s (attendance.c, leave.c, attendance-record.c); this file
 * decides who may ask what.
 * SPDX-License-Identifier: Apache-2.0 */
#include "api-private.h"
#include "attendance-csv.h"
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
  /* A live chair's panel counts who is on leave. */
  sh_server_meeting_attendance_changed (req->server, r->meeting_id);
  reply_leave (req, SOUP_STATUS_OK, r->id);
}

/* ------------------------------------------------- attendance record */

static ShAttendancePolicy
policy_of (ShRequest *req)
{
  return (ShAttendancePolicy){
    .share_percent = req->server->config->attendance_share_percent,
    .grace_us = (gint64) req->server->config->attendance_grace_minutes * 60 * G_USEC_PER_SEC,
  };
}

static gboolean
wants_csv (ShRequest *req)
{
  return g_strcmp0 (sh_request_query (req, "format"), "csv") == 0;
}

/* Replies with @csv as a download named @filename. */
static void
reply_csv (ShRequest *req, GString *csv, const char *ascii_name, const char *filename)
{
  g_autofree char *disposition = sh_csv_content_disposition (ascii_name, filename);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (req->msg);
  gsize length = csv->len;

  soup_server_message_set_status (req->msg, SOUP_STATUS_OK, NULL);
  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  soup_message_headers_replace (headers, "Content-Disposition", disposition);
  soup_server_message_set_response (req->msg, "text/csv; charset=utf-8", SOUP_MEMORY_TAKE,
                                    g_string_free (csv, FALSE), length);
}

/* The period of ?from=&to= (RFC 3339, both optional). */
static gboolean
period_of (ShRequest *req, gint64 *from, gint64 *to)
{
  g_autoptr (JsonObject) range = json_object_new ();
  g_autoptr (GError) error = NULL;

  *from = *to = 0;
  if (sh_request_query (req, "from"))
    json_object_set_string_member (range, "from", sh_request_query (req, "from"));
  if (sh_request_query (req, "to"))
    json_object_set_string_member (range, "to", sh_request_query (req, "to"));
  if (!sh_json_get_time (range, "from", FALSE, from, &error)
      || !sh_json_get_time (range, "to", FALSE, to, &error)) {
    sh_reply_gerror (req, error);
    return FALSE;
  }
  return TRUE;
}

static void
add_uint (JsonBuilder *b, const char *name, guint value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, value);
}

static void
add_bool (JsonBuilder *b, const char *name, gboolean value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_boolean_value (b, value);
}

static void
build_span (JsonBuilder *b, const ShAttendanceRecord *r, GTimeZone *tz)
{
  sh_json_builder_add_time (b, "started_at", r->start, tz);
  sh_json_builder_add_time (b, "ended_at", r->live ? 0 : r->end, tz);
  add_bool (b, "live", r->live);
  json_builder_set_member_name (b, "duration_seconds");
  json_builder_add_int_value (b, (r->end - r->start) / G_USEC_PER_SEC);
  /* 补录: the statuses were entered by the secretary, not taken live. */
  add_bool (b, "recorded_after", r->recorded_after);
  if (r->recorded_after) {
    sh_json_builder_add_id (b, "entered_by", r->entered_by);
    sh_json_builder_add_time (b, "entered_at", r->entered_at, tz);
  }
}

static void
build_counts (JsonBuilder *b, const ShAttendanceRecord *r)
{
  json_builder_set_member_name (b, "counts");
  json_builder_begin_object (b);
  add_uint (b, "expected", r->expected_count);
  add_uint (b, "voting_expected", r->voting_expected);
  add_uint (b, "present", r->present);
  add_uint (b, "voting_present", r->voting_present);
  add_uint (b, "fully_present", r->counts[SH_ATTENDANCE_PRESENT]);
  add_uint (b, "partly_present", r->counts[SH_ATTENDANCE_PARTLY]);
  add_uint (b, "late", r->counts[SH_ATTENDANCE_LATE]);
  add_uint (b, "left_early", r->counts[SH_ATTENDANCE_LEFT_EARLY]);
  add_uint (b, "absent", r->counts[SH_ATTENDANCE_ABSENT]);
  add_uint (b, "on_leave", r->counts[SH_ATTENDANCE_ON_LEAVE]);
  add_uint (b, "excluded", r->counts[SH_ATTENDANCE_IS_EXCLUDED]);
  add_uint (b, "guests", r->guests);
  add_uint (b, "visitors", r->visitors);
  json_builder_end_object (b);
}

static void
build_interval (JsonBuilder *b, const ShPresenceInterval *in, GTimeZone *tz)
{
  json_builder_begin_object (b);
  sh_json_builder_add_time (b, "started_at", in->started_at, tz);
  sh_json_builder_add_time (b, "ended_at", in->ended_at, tz);
  sh_json_builder_add_string (b, "end_reason",
                              in->ended_at ? sh_presence_end_to_string (in->end_reason) : NULL);
  sh_json_builder_add_string (b, "end_label",
                              in->ended_at ? sh_presence_end_label (in->end_reason) : NULL);
  sh_json_builder_add_string (b, "device", sh_device_to_string (in->device));
  add_bool (b, "video", in->video);
  json_builder_end_object (b);
}

/* One person's part of a record: status, time, intervals, leave. */
static void
build_presence (JsonBuilder *b, const ShAttendanceRecord *r, const ShAttendanceRow *row,
                GTimeZone *tz)
{
  const ShAttendanceEntry *e = row->entry;
  gint64 duration = r->end - r->start;

  sh_json_builder_add_string (b, "role", sh_attendance_role_to_string (row->role));
  sh_json_builder_add_string (b, "status", sh_attendance_status_to_string (row->status));
  sh_json_builder_add_string (b, "status_label", sh_attendance_status_label (row->status));
  add_bool (b, "late", row->tally.late);
  add_bool (b, "left_early", row->tally.left_early);
  json_builder_set_member_name (b, "total_seconds");
  json_builder_add_int_value (b, row->tally.total_us / G_USEC_PER_SEC);
  json_builder_set_member_name (b, "share");
  json_builder_add_double_value (
      b, duration > 0 ? (double) (row->tally.total_us * 10000 / duration) / 10000.0 : 0.0);
  sh_json_builder_add_time (b, "first_arrival", row->tally.first_arrival, tz);
  sh_json_builder_add_time (b, "last_departure", row->tally.last_departure, tz);
  json_builder_set_member_name (b, "intervals");
  json_builder_begin_array (b);
  for (guint i = 0; i < row->intervals->len; i++)
    build_interval (b, g_ptr_array_index (row->intervals, i), tz);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "leave");
  if (e && e->leave_id) {
    json_builder_begin_object (b);
    json_builder_set_member_name (b, "id");
    json_builder_add_int_value (b, e->leave_id);
    sh_json_builder_add_string (b, "state", sh_leave_state_to_string (e->leave_state));
    sh_json_builder_add_string (b, "state_label", sh_leave_state_label (e->leave_state));
    json_builder_end_object (b);
  } else
    json_builder_add_null_value (b);
}

/* The person's outcome in each of the meeting's @rollcalls, in order;
 * null where they had no entry (a guest, or neither expected nor in the
 * room while it was open). */
static void
build_rollcalls (JsonBuilder *b, const ShAttendanceRow *row, GPtrArray *rollcalls, GTimeZone *tz)
{
  json_builder_set_member_name (b, "rollcalls");
  json_builder_begin_array (b);
  for (guint i = 0; i < rollcalls->len; i++) {
    const ShRollcall *rc = g_ptr_array_index (rollcalls, i);
    const ShRollcallEntry *e = sh_rollcall_entry_of (rc, row->member_id);

    json_builder_begin_object (b);
    json_builder_set_member_name (b, "id");
    json_builder_add_int_value (b, rc->id);
    sh_json_builder_add_time (b, "started_at", rc->started_at, tz);
    sh_json_builder_add_string (b, "outcome", e ? sh_rollcall_outcome_to_string (e->outcome) : NULL);
    sh_json_builder_add_string (b, "outcome_label",
                                e ? sh_rollcall_outcome_label (e->outcome) : NULL);
    sh_json_builder_add_time (b, "answered_at", e ? e->answered_at : 0, tz);
    json_builder_end_object (b);
  }
  json_builder_end_array (b);
}

static void
build_row (JsonBuilder *b, const ShAttendanceRecord *r, const ShAttendanceRow *row,
           GPtrArray *rollcalls, GTimeZone *tz)
{
  json_builder_begin_object (b);
  sh_json_builder_add_id (b, "member_id", row->member_id);
  sh_json_builder_add_id (b, "account_id", row->member_id ? 0 : row->account_id);
  sh_json_builder_add_string (b, "name", row->name);
  add_bool (b, "has_vote", row->entry && row->entry->has_vote);
  build_presence (b, r, row, tz);
  build_rollcalls (b, row, rollcalls, tz);
  json_builder_end_object (b);
}

/* Rows of @r whose role is in @roles (a bit per ShAttendanceRole), of
 * @only_member (unless 0) only. */
static void
build_rows (JsonBuilder *b, const char *name, const ShAttendanceRecord *r, guint roles,
            gint64 only_member, GPtrArray *rollcalls, GTimeZone *tz)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_array (b);
  for (guint i = 0; i < r->rows->len; i++) {
    const ShAttendanceRow *row = g_ptr_array_index (r->rows, i);

    if ((roles & (1u << row->role)) && (!only_member || row->member_id == only_member))
      build_row (b, r, row, rollcalls, tz);
  }
  json_builder_end_array (b);
}

/* The record of @m, or NULL after replying with the error. */
static ShAttendanceRecord *
record_of (ShRequest *req, const ShMeeting *m)
{
  g_autoptr (GError) error = NULL;
  ShAttendancePolicy policy = policy_of (req);
  ShAttendanceRecord *r
      = sh_attendance_record (req->server->store, m->id, &policy, g_get_real_time (), &error);

  if (!r)
    sh_reply_gerror (req, error);
  return r;
}

/* GET /api/meetings/{id}/attendance[?format=csv]: the whole record for the
 * secretary, the chair, administrators and inspectors above; a member of
 * the branch gets the counts and their own row only (JSON only). */
static void
handle_record (ShRequest *req)
{
  ShStore *store = req->server->store;
  GTimeZone *tz = req->server->tz;
  g_autoptr (GError) error = NULL;
  g_autoptr (ShMeeting) m = sh_meeting_get (store, req->ids[0], &error);
  g_autoptr (ShAttendanceRecord) r = NULL;
  g_autoptr (GPtrArray) rollcalls = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  gint64 member_id = req->auth.account->member_id;
  gint64 only = 0;

  if (!m) {
    sh_reply_gerror (req, error);
    return;
  }
  if (!may_decide (req, m)
      && !sh_authz_check (store, req->auth.roles, SH_PERM_READ_ROSTER, m->org_id)) {
    if (wants_csv (req) || !member_id
        || !sh_authz_check (store, req->auth.roles, SH_PERM_READ_ORG, m->org_id)) {
      sh_reply_forbidden (req);
      return;
    }
    only = member_id;
  }
  if (!(r = record_of (req, m)))
    return;
  if (!(rollcalls = sh_rollcall_list (store, m->id, 0, &error))) {
    sh_reply_gerror (req, error);
    return;
  }
  if (wants_csv (req)) {
    g_autofree char *ascii = g_strdup_printf ("attendance-meeting-%" G_GINT64_FORMAT ".csv", m->id);
    g_autofree char *name = g_strdup_printf ("出勤记录-%s.csv", m->title);

    reply_csv (req, sh_csv_meeting_attendance (m, r, rollcalls, tz), ascii, name);
    return;
  }
  json_builder_begin_object (b);
  sh_json_builder_add_id (b, "meeting_id", m->id);
  sh_json_builder_add_string (b, "title", m->title);
  sh_json_builder_add_string (b, "state", sh_meeting_state_to_string (m->state));
  build_span (b, r, tz);
  add_bool (b, "own_only", only != 0);
  json_builder_set_member_name (b, "policy");
  json_builder_begin_object (b);
  add_uint (b, "share_percent", req->server->config->attendance_share_percent);
  add_uint (b, "grace_minutes", req->server->config->attendance_grace_minutes);
  json_builder_end_object (b);
  build_counts (b, r);
  build_rows (b, "members", r, 1u << SH_ATTENDANCE_EXPECTED | 1u << SH_ATTENDANCE_EXCLUDED, only,
              rollcalls, tz);
  build_rows (b, "visitors", r, 1u << SH_ATTENDANCE_VISITOR, only, rollcalls, tz);
  build_rows (b, "guests", r, 1u << SH_ATTENDANCE_GUEST, only, rollcalls, tz);
  json_builder_end_object (b);
  sh_reply_builder (req, SOUP_STATUS_OK, b);
}

static gboolean
started (const ShMeeting *m)
{
  return m->state == SH_MEETING_IN_PROGRESS || m->state == SH_MEETING_ENDED
         || m->state == SH_MEETING_ARCHIVED;
}

/* The records of @meetings that started, as ShAttendanceItems (taking the
 * meetings), each with the row of @member_id when not 0 (a meeting where
 * the member has none is left out). NULL after replying with the error. */
static GPtrArray *
items_of (ShRequest *req, GPtrArray *meetings, gint64 member_id)
{
  g_autoptr (GPtrArray) items
      = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_attendance_item_free);

  for (guint i = 0; i < meetings->len; i++) {
    ShMeeting *m = g_ptr_array_index (meetings, i);
    g_autoptr (ShAttendanceRecord) r = NULL;
    const ShAttendanceRow *row = NULL;
    ShAttendanceItem *it;

    if (!started (m))
      continue;
    if (!(r = record_of (req, m)))
      return NULL;
    for (guint k = 0; member_id && k < r->rows->len && !row; k++)
      if (((ShAttendanceRow *) g_ptr_array_index (r->rows, k))->member_id == member_id)
        row = g_ptr_array_index (r->rows, k);
    if (member_id && !row)
      continue;
    it = g_new0 (ShAttendanceItem, 1);
    it->meeting = g_ptr_array_steal_index (meetings, i--);
    it->record = g_steal_pointer (&r);
    it->row = row;
    g_ptr_array_add (items, it);
  }
  return g_steal_pointer (&items);
}

static void
build_meeting_head (JsonBuilder *b, const ShAttendanceItem *it, GTimeZone *tz)
{
  sh_json_builder_add_id (b, "meeting_id", it->meeting->id);
  sh_json_builder_add_string (b, "title", it->meeting->title);
  sh_json_builder_add_string (b, "type", sh_meeting_type_to_string (it->meeting->type));
  sh_json_builder_add_time (b, "planned_start", it->meeting->planned_start, tz);
  build_span (b, it->record, tz);
}

/* GET /api/members/{id}/attendance?from=&to=[&format=csv]: the member
 * themself, the secretary of their branch, inspectors above,
 * administrators. */
static void
handle_member_history (ShRequest *req)
{
  ShStore *store = req->server->store;
  GTimeZone *tz = req->server->tz;
  g_autoptr (GError) error = NULL;
  g_autoptr (ShMember) member = NULL;
  g_autoptr (GPtrArray) meetings = NULL;
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  gint64 from, to;

  member = sh_member_get (store, req->ids[0], NULL);
  /* An unknown member and a forbidden one answer alike. */
  if (!member
      || (req->auth.account->member_id != member->id
          && !sh_authz_check (store, req->auth.roles, SH_PERM_READ_ROSTER, member->branch_id))) {
    sh_reply_forbidden (req);
    return;
  }
  if (!period_of (req, &from, &to))
    return;
  if (!(meetings = sh_meeting_list_for_member (store, member->id, from, to, &error))) {
    sh_reply_gerror (req, error);
    return;
  }
  if (!(items = items_of (req, meetings, member->id)))
    return;
  if (wants_csv (req)) {
    g_autofree char *ascii
        = g_strdup_printf ("attendance-member-%" G_GINT64_FORMAT ".csv", member->id);
    g_autofree char *name = g_strdup_printf ("出勤记录-%s.csv", member->name);

    reply_csv (req, sh_csv_member_attendance (member->name, items, tz), ascii, name);
    return;
  }
  json_builder_begin_object (b);
  sh_json_builder_add_id (b, "member_id", member->id);
  sh_json_builder_add_string (b, "name", member->name);
  sh_json_builder_add_time (b, "from", from, tz);
  sh_json_builder_add_time (b, "to", to, tz);
  json_builder_set_member_name (b, "meetings");
  json_builder_begin_array (b);
  for (guint i = 0; i < items->len; i++) {
    const ShAttendanceItem *it = g_ptr_array_index (items, i);

    json_builder_begin_object (b);
    build_meeting_head (b, it, tz);
    build_presence (b, it->record, it->row, tz);
    json_builder_end_object (b);
  }
  json_builder_end_array (b);
  json_builder_end_object (b);
  sh_reply_builder (req, SOUP_STATUS_OK, b);
}

/* GET /api/orgs/{id}/attendance?from=&to=[&format=csv]: the secretary,
 * inspectors above, administrators. */
static void
handle_org_history (ShRequest *req)
{
  ShStore *store = req->server->store;
  GTimeZone *tz = req->server->tz;
  g_autoptr (GError) error = NULL;
  g_autoptr (ShOrg) org = NULL;
  g_autoptr (GPtrArray) meetings = NULL;
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (GPtrArray) totals = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  gint64 from, to;

  if (!sh_authz_check (store, req->auth.roles, SH_PERM_READ_ROSTER, req->ids[0])
      || !(org = sh_org_get (store, req->ids[0], NULL))) {
    sh_reply_forbidden (req);
    return;
  }
  if (!period_of (req, &from, &to))
    return;
  if (!(meetings = sh_meeting_list_for_org (store, org->id, from, to, &error))) {
    sh_reply_gerror (req, error);
    return;
  }
  if (!(items = items_of (req, meetings, 0)))
    return;
  totals = sh_attendance_totals (items);
  if (wants_csv (req)) {
    g_autofree char *ascii = g_strdup_printf ("attendance-org-%" G_GINT64_FORMAT ".csv", org->id);
    g_autofree char *name = g_strdup_printf ("出勤统计-%s.csv", org->name);

    reply_csv (req, sh_csv_org_attendance (org->name, items, totals, tz), ascii, name);
    return;
  }
  json_builder_begin_object (b);
  sh_json_builder_add_id (b, "org_id", org->id);
  sh_json_builder_add_string (b, "name", org->name);
  sh_json_builder_add_time (b, "from", from, tz);
  sh_json_builder_add_time (b, "to", to, tz);
  json_builder_set_member_name (b, "meetings");
  json_builder_begin_array (b);
  for (guint i = 0; i < items->len; i++) {
    const ShAttendanceItem *it = g_ptr_array_index (items, i);

    json_builder_begin_object (b);
    build_meeting_head (b, it, tz);
    build_counts (b, it->record);
    json_builder_end_object (b);
  }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "members");
  json_builder_begin_array (b);
  for (guint i = 0; i < totals->len; i++) {
    const ShAttendanceTotals *t = g_ptr_array_index (totals, i);

    json_builder_begin_object (b);
    sh_json_builder_add_id (b, "member_id", t->member_id);
    sh_json_builder_add_string (b, "name", t->name);
    add_uint (b, "expected", t->expected);
    add_uint (b, "present", t->present);
    add_uint (b, "partly_present", t->partly);
    add_uint (b, "late", t->late);
    add_uint (b, "left_early", t->left_early);
    add_uint (b, "absent", t->absent);
    add_uint (b, "on_leave", t->on_leave);
    add_uint (b, "excluded", t->excluded);
    json_builder_set_member_name (b, "total_seconds");
    json_builder_add_int_value (b, t->total_us / G_USEC_PER_SEC);
    json_builder_end_object (b);
  }
  json_builder_end_array (b);
  json_builder_end_object (b);
  sh_reply_builder (req, SOUP_STATUS_OK, b);
}

const ShRoute sh_attendance_routes[] = {
  { "GET", "api/meetings/{id}/attendance", SH_ROUTE_SESSION, handle_record },
  { "GET", "api/members/{id}/attendance", SH_ROUTE_SESSION, handle_member_history },
  { "GET", "api/orgs/{id}/attendance", SH_ROUTE_SESSION, handle_org_history },
  { "GET", "api/meetings/{id}/attendance/expected", SH_ROUTE_SESSION, handle_expected },
  { "GET", "api/meetings/{id}/leave", SH_ROUTE_SESSION, handle_list },
  { "POST", "api/meetings/{id}/leave", SH_ROUTE_SESSION | SH_ROUTE_JSON, handle_ask },
  { "POST", "api/leave/{id}/{word}", SH_ROUTE_SESSION | SH_ROUTE_JSON, handle_action },
  { NULL },
};
