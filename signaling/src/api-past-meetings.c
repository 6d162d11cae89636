/* Layer: REST API. A meeting held offline, entered afterwards (补录):
 *   POST /api/meetings/{id}/record-past {"started_at", "ended_at",
 *        "attendance": [{"member_id", "status"}, ...]}
 *   GET  /api/meetings/{id}/record-past
 * The branch secretary and administrators only, as for the other changes
 * to a meeting. The rules are minutes/'s (past-meeting.c); this file reads
 * the request, checks who asks and answers.
 * SPDX-License-Identifier: Apache-2.0 */
#include "api-past-meetings.h"

#include "authz.h"
#include "json-util.h"

/* More than any branch has members: a list longer is refused unread. */
#define MAX_ENTRIES 1000

static gboolean
status_from_string (const char *s, ShAttendanceStatus *out)
{
  for (guint i = 0; s && i < SH_ATTENDANCE_STATUS_COUNT; i++) {
    if (g_str_equal (s, sh_attendance_status_to_string ((ShAttendanceStatus) i))
        && sh_past_status_allowed ((ShAttendanceStatus) i)) {
      *out = (ShAttendanceStatus) i;
      return TRUE;
    }
  }
  return FALSE;
}

static gboolean
bad (GError **error, const char *message)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, message);
  return FALSE;
}

/* The "attendance" array of the body. Returns: (transfer full) on *@out. */
static gboolean
read_statuses (JsonObject *body, GArray **out, GError **error)
{
  JsonNode *node = json_object_get_member (body, "attendance");
  g_autoptr (GArray) statuses = g_array_new (FALSE, FALSE, sizeof (ShPastAttendance));
  JsonArray *array;

  if (!node || JSON_NODE_TYPE (node) != JSON_NODE_ARRAY)
    return bad (error, "字段“attendance”必须是数组");
  array = json_node_get_array (node);
  if (json_array_get_length (array) > MAX_ENTRIES)
    return bad (error, "字段“attendance”的人数过多");
  for (guint i = 0; i < json_array_get_length (array); i++) {
    JsonNode *item = json_array_get_element (array, i);
    g_autofree char *status = NULL;
    ShPastAttendance a = { 0 };

    if (JSON_NODE_TYPE (item) != JSON_NODE_OBJECT)
      return bad (error, "字段“attendance”的每一项必须是对象");
    if (!sh_json_get_int (json_node_get_object (item), "member_id", TRUE, 1, G_MAXINT64,
                          &a.member_id, error)
        || !sh_json_get_string (json_node_get_object (item), "status", TRUE, 20, &status, error))
      return FALSE;
    if (!status_from_string (status, &a.status))
      return bad (error, "出勤状态只能是 present、late、left_early、absent 或 on_leave");
    g_array_append_val (statuses, a);
  }
  *out = g_steal_pointer (&statuses);
  return TRUE;
}

static void
reply_past (ShRequest *req, guint status, gint64 meeting_id)
{
  ShStore *store = req->server->store;
  GTimeZone *tz = req->server->tz;
  g_autoptr (GError) error = NULL;
  g_autoptr (ShPastMeeting) past = sh_past_meeting_get (store, meeting_id, &error);
  g_autoptr (ShAccount) by = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();

  if (!past) {
    sh_reply_gerror (req, error);
    return;
  }
  by = past->entered_by ? sh_account_get (store, past->entered_by, NULL) : NULL;
  json_builder_begin_object (b);
  sh_json_builder_add_id (b, "meeting_id", meeting_id);
  json_builder_set_member_name (b, "recorded_after");
  json_builder_add_boolean_value (b, TRUE);
  sh_json_builder_add_time (b, "started_at", past->started_at, tz);
  sh_json_builder_add_time (b, "ended_at", past->ended_at, tz);
  sh_json_builder_add_id (b, "entered_by", past->entered_by);
  sh_json_builder_add_string (b, "entered_by_name", by ? by->display_name : NULL);
  sh_json_builder_add_time (b, "entered_at", past->entered_at, tz);
  json_builder_set_member_name (b, "attendance");
  json_builder_begin_array (b);
  for (guint i = 0; i < past->statuses->len; i++) {
    const ShPastAttendance *a = &g_array_index (past->statuses, ShPastAttendance, i);
    g_autoptr (ShMember) member = sh_member_get (store, a->member_id, NULL);

    json_builder_begin_object (b);
    sh_json_builder_add_id (b, "member_id", a->member_id);
    sh_json_builder_add_string (b, "name", member ? member->name : NULL);
    sh_json_builder_add_string (b, "status", sh_attendance_status_to_string (a->status));
    sh_json_builder_add_string (b, "status_label", sh_attendance_status_label (a->status));
    json_builder_end_object (b);
  }
  json_builder_end_array (b);
  json_builder_end_object (b);
  sh_reply_builder (req, status, b);
}

static void
handle_record_past (ShRequest *req)
{
  g_autoptr (ShMeeting) m = sh_meeting_for_request (req, SH_PERM_MANAGE_BRANCH, FALSE);
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) statuses = NULL;
  gint64 started_at = 0, ended_at = 0;

  if (!m)
    return;
  if (!sh_json_get_time (req->body, "started_at", TRUE, &started_at, &error)
      || !sh_json_get_time (req->body, "ended_at", TRUE, &ended_at, &error)
      || !read_statuses (req->body, &statuses, &error)
      || !sh_meeting_record_past (req->server->store, m->id, started_at, ended_at,
                                  (const ShPastAttendance *) (gpointer) statuses->data,
                                  statuses->len, req->auth.account->id, g_get_real_time (),
                                  &error)) {
    sh_reply_gerror (req, error);
    return;
  }
  g_message ("meeting %" G_GINT64_FORMAT " entered afterwards (补录) by account %" G_GINT64_FORMAT,
             m->id, req->auth.account->id);
  /* Anyone waiting in an open meeting's room learns that it is over. */
  sh_server_meeting_state_changed (req->server, m->id, req->auth.account->id);
  reply_past (req, SOUP_STATUS_CREATED, m->id);
}

static void
handle_get_past (ShRequest *req)
{
  g_autoptr (ShMeeting) m = sh_meeting_for_request (req, SH_PERM_READ_ROSTER, TRUE);

  if (m)
    reply_past (req, SOUP_STATUS_OK, m->id);
}

const ShRoute sh_past_meeting_routes[] = {
  { "POST", "api/meetings/{id}/record-past", SH_ROUTE_SESSION | SH_ROUTE_JSON, handle_record_past },
  { "GET", "api/meetings/{id}/record-past", SH_ROUTE_SESSION, handle_get_past },
  { NULL },
};
