/* Meetings: scheduling, state changes, invitation links, a member's own
 * list and calendar feed.  SPDX-License-Identifier: Apache-2.0 */
#include "api-private.h"

#include "token.h"

#define INVITE_PURPOSE "invite"
#define CALENDAR_LINK_DAYS 365
/* A calendar feed shows meetings from this long ago onwards. */
#define CALENDAR_PAST_DAYS 90

static void
reply_meetings (ShRequest *req, GPtrArray *meetings)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "meetings");
  json_builder_begin_array (b);
  for (guint i = 0; i < meetings->len; i++)
    sh_build_meeting (req->server, b, g_ptr_array_index (meetings, i));
  json_builder_end_array (b);
  json_builder_end_object (b);
  sh_reply_builder (req, SOUP_STATUS_OK, b);
}

static gboolean
read_meeting_input (JsonObject *body, ShMeeting *m, GError **error)
{
  g_autofree char *type = NULL;

  if (!sh_json_get_string (body, "type", TRUE, 20, &type, error)
      || !sh_json_get_string (body, "title", TRUE, 200, &m->title, error)
      || !sh_json_get_time (body, "planned_start", TRUE, &m->planned_start, error)
      || !sh_json_get_time (body, "planned_end", TRUE, &m->planned_end, error)
      || !sh_json_get_string (body, "place", FALSE, 200, &m->place, error)
      || !sh_json_get_int (body, "chair_member_id", FALSE, 0, G_MAXINT64, &m->chair_member_id,
                           error)
      || !sh_json_get_int (body, "delegated_by_member_id", FALSE, 0, G_MAXINT64,
                           &m->delegated_by_member_id, error)
      || !sh_json_get_string (body, "delegation_note", FALSE, 500, &m->delegation_note, error)
      || !sh_json_get_int (body, "recorder_member_id", FALSE, 0, G_MAXINT64, &m->recorder_member_id,
                           error)
      || !sh_json_get_int (body, "lecturer_member_id", FALSE, 0, G_MAXINT64, &m->lecturer_member_id,
                           error)
      || !sh_json_get_string (body, "lecturer_name", FALSE, 100, &m->lecturer_name, error)
      || !sh_json_get_string (body, "topic", FALSE, 200, &m->topic, error)
      || !sh_json_get_string_array (body, "agenda", 50, 500, &m->agenda, error))
    return FALSE;
  if (!sh_meeting_type_from_string (type, &m->type)) {
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                         "字段“type”应为 general、committee、group、lesson 或 party_day");
    return FALSE;
  }
  return TRUE;
}

/* TRUE when the organization of the first path id exists; replies 404
 * otherwise. */
static gboolean
org_exists (ShRequest *req)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShOrg) org = sh_org_get (req->server->store, req->ids[0], &error);

  if (!org)
    sh_reply_gerror (req, error);
  return org != NULL;
}

/* Removes from @meetings those the caller's member is not concerned with. */
static gboolean
keep_own_meetings (ShRequest *req, GPtrArray *meetings, GError **error)
{
  g_autoptr (GPtrArray) own = NULL;
  g_autoptr (GHashTable) own_ids = g_hash_table_new (g_int64_hash, g_int64_equal);

  if (req->auth.account->member_id) {
    own = sh_meeting_list_for_member (req->server->store, req->auth.account->member_id, 0, 0,
                                      error);
    if (!own)
      return FALSE;
    for (guint i = 0; i < own->len; i++)
      g_hash_table_add (own_ids, &((ShMeeting *) g_ptr_array_index (own, i))->id);
  }
  for (guint i = meetings->len; i > 0; i--) {
    ShMeeting *m = g_ptr_array_index (meetings, i - 1);
    if (!g_hash_table_contains (own_ids, &m->id))
      g_ptr_array_remove_index (meetings, i - 1);
  }
  return TRUE;
}

static void
handle_list_org_meetings (ShRequest *req)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) meetings = NULL;
  gint64 from = 0, to = 0;
  g_autoptr (JsonObject) range = json_object_new ();

  if (!sh_authz_check (req->server->store, req->auth.roles, SH_PERM_READ_ORG, req->ids[0])) {
    /* An unknown organization and a forbidden one answer alike. */
    sh_reply_forbidden (req);
    return;
  }
  /* Administrators pass the check for any id: tell them it does not exist. */
  if (!org_exists (req))
    return;
  /* The query's from/to go through the same time parser as bodies. */
  if (sh_request_query (req, "from"))
    json_object_set_string_member (range, "from", sh_request_query (req, "from"));
  if (sh_request_query (req, "to"))
    json_object_set_string_member (range, "to", sh_request_query (req, "to"));
  if (!sh_json_get_time (range, "from", FALSE, &from, &error)
      || !sh_json_get_time (range, "to", FALSE, &to, &error)
      || !(meetings
           = sh_meeting_list_for_org (req->server->store, req->ids[0], from, to, &error))) {
    sh_reply_gerror (req, error);
    return;
  }
  /* A plain member sees the branch's schedule as far as it concerns them:
   * not the committee's meetings, nor other groups'. */
  if (!sh_authz_check (req->server->store, req->auth.roles, SH_PERM_READ_ROSTER, req->ids[0])
      && !keep_own_meetings (req, meetings, &error)) {
    sh_reply_gerror (req, error);
    return;
  }
  reply_meetings (req, meetings);
}

static void
handle_create_meeting (ShRequest *req)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShMeeting) m = sh_meeting_new ();
  g_autoptr (ShMeeting) stored = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  gint64 id;

  if (!sh_authz_check (req->server->store, req->auth.roles, SH_PERM_MANAGE_BRANCH, req->ids[0])) {
    sh_reply_forbidden (req);
    return;
  }
  if (!org_exists (req))
    return;
  m->org_id = req->ids[0];
  m->created_by = req->auth.account->id;
  if (!read_meeting_input (req->body, m, &error)
      || !sh_meeting_check_new_start (m->planned_start, g_get_real_time (), &error)
      || !(id = sh_meeting_create (req->server->store, m, &error))
      || !(stored = sh_meeting_get (req->server->store, id, &error))) {
    sh_reply_gerror (req, error);
    return;
  }
  g_message ("meeting %" G_GINT64_FORMAT " scheduled by account %" G_GINT64_FORMAT, id,
             req->auth.account->id);
  sh_build_meeting (req->server, b, stored);
  sh_reply_builder (req, SOUP_STATUS_CREATED, b);
}

ShMeeting *
sh_meeting_for_request (ShRequest *req, ShPermission perm, gboolean chair_ok)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShMeeting) m = sh_meeting_get (req->server->store, req->ids[0], &error);

  if (!m) {
    sh_reply_gerror (req, error);
    return NULL;
  }
  if (!(chair_ok && m->chair_member_id && m->chair_member_id == req->auth.account->member_id)
      && !sh_authz_check (req->server->store, req->auth.roles, perm, m->org_id)) {
    sh_reply_forbidden (req);
    return NULL;
  }
  return g_steal_pointer (&m);
}

/* TRUE when the caller's member is expected at @m, or chairs, records or
 * lectures it (the member role alone does not open every meeting of the
 * branch: a committee meeting is for the committee). */
static gboolean
caller_expected_at (ShRequest *req, const ShMeeting *m)
{
  g_autoptr (GPtrArray) mine = NULL;

  if (!req->auth.account->member_id)
    return FALSE;
  mine = sh_meeting_list_for_member (req->server->store, req->auth.account->member_id, 0, 0, NULL);
  for (guint i = 0; mine && i < mine->len; i++)
    if (((ShMeeting *) g_ptr_array_index (mine, i))->id == m->id)
      return TRUE;
  return FALSE;
}

static void
handle_get_meeting (ShRequest *req)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShMeeting) m = sh_meeting_get (req->server->store, req->ids[0], &error);
  g_autoptr (JsonBuilder) b = json_builder_new ();

  if (!m) {
    sh_reply_gerror (req, error);
    return;
  }
  /* docs/api.md: admin, inspector above, secretary, expected members. */
  if (!sh_authz_check (req->server->store, req->auth.roles, SH_PERM_READ_ROSTER, m->org_id)
      && !caller_expected_at (req, m)) {
    sh_reply_forbidden (req);
    return;
  }
  sh_build_meeting (req->server, b, m);
  sh_reply_builder (req, SOUP_STATUS_OK, b);
}

static void
handle_transition (ShRequest *req)
{
  g_autoptr (ShMeeting) m = sh_meeting_for_request (req, SH_PERM_MANAGE_BRANCH, TRUE);
  g_autoptr (ShMeeting) stored = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *to_text = NULL;
  g_autofree char *reason = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  ShMeetingState to;

  if (!m)
    return;
  if (!sh_json_get_string (req->body, "to", TRUE, 20, &to_text, &error)
      || !sh_json_get_string (req->body, "reason", FALSE, 500, &reason, &error)) {
    sh_reply_gerror (req, error);
    return;
  }
  if (!sh_meeting_state_from_string (to_text, &to)) {
    sh_reply_error (req, SOUP_STATUS_BAD_REQUEST, "bad_request", "字段“to”不是有效的会议状态");
    return;
  }
  if (!sh_meeting_transition (req->server->store, m->id, to, reason, &error)
      || !(stored = sh_meeting_get (req->server->store, m->id, &error))) {
    sh_reply_gerror (req, error);
    return;
  }
  g_message ("meeting %" G_GINT64_FORMAT " -> %s by account %" G_GINT64_FORMAT, m->id, to_text,
             req->auth.account->id);
  /* People in the meeting's room see the change at once. */
  sh_server_meeting_state_changed (req->server, m->id, req->auth.account->id);
  sh_build_meeting (req->server, b, stored);
  sh_reply_builder (req, SOUP_STATUS_OK, b);
}

static void
handle_create_invitation (ShRequest *req)
{
  g_autoptr (ShMeeting) m = sh_meeting_for_request (req, SH_PERM_MANAGE_BRANCH, FALSE);
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autofree char *subject = NULL;
  g_autofree char *token = NULL;
  g_autofree char *url = NULL;
  gint64 expires;

  if (!m)
    return;
  expires
      = g_get_real_time () + (gint64) req->server->config->invitation_hours * 3600 * G_USEC_PER_SEC;
  /* A link never outlives the meeting by more than a day. */
  expires = MIN (expires, m->planned_end + (gint64) 24 * 3600 * G_USEC_PER_SEC);
  subject = g_strdup_printf ("m%" G_GINT64_FORMAT, m->id);
  token = sh_token_sign (req->server->secret, INVITE_PURPOSE, subject, expires);
  url = g_strdup_printf ("%sinvite.html?token=%s", sh_server_public_url (req->server), token);
  json_builder_begin_object (b);
  sh_json_builder_add_string (b, "token", token);
  sh_json_builder_add_string (b, "url", url);
  sh_json_builder_add_time (b, "expires_at", expires, req->server->tz);
  json_builder_end_object (b);
  sh_reply_builder (req, SOUP_STATUS_CREATED, b);
}

/* The id after @prefix in a verified token subject, or 0. */
static gint64
subject_id (const char *subject, char prefix)
{
  guint64 id = 0;

  if (!subject || subject[0] != prefix
      || !g_ascii_string_to_unsigned (subject + 1, 10, 1, G_MAXINT64, &id, NULL))
    return 0;
  return (gint64) id;
}

static void
handle_get_invitation (ShRequest *req)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *subject = sh_token_verify (req->server->secret, req->words[0], INVITE_PURPOSE,
                                              g_get_real_time (), &error);
  g_autoptr (ShMeeting) m = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();

  if (!subject) {
    sh_reply_gerror (req, error);
    return;
  }
  m = sh_meeting_get (req->server->store, subject_id (subject, 'm'), &error);
  if (!m) {
    sh_reply_gerror (req, error);
    return;
  }
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "meeting");
  sh_build_meeting (req->server, b, m);
  json_builder_end_object (b);
  sh_reply_builder (req, SOUP_STATUS_OK, b);
}

static void
handle_my_meetings (ShRequest *req)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) meetings = NULL;

  if (!req->auth.account->member_id) {
    meetings = g_ptr_array_new ();
  } else {
    meetings = sh_meeting_list_for_member (req->server->store, req->auth.account->member_id, 0, 0,
                                           &error);
    if (!meetings) {
      sh_reply_gerror (req, error);
      return;
    }
  }
  reply_meetings (req, meetings);
}

static void
handle_my_calendar (ShRequest *req)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autofree char *token = NULL;
  g_autofree char *url = NULL;
  gint64 expires = g_get_real_time () + (gint64) CALENDAR_LINK_DAYS * 24 * 3600 * G_USEC_PER_SEC;

  if (!req->auth.account->member_id) {
    sh_reply_error (req, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid",
                    "该账号未关联党员，没有会议日历");
    return;
  }
  token = sh_token_calendar_sign (req->server->secret, req->auth.account->id,
                                  req->auth.account->calendar_generation, expires);
  url = g_strdup_printf ("%scalendar/%s.ics", sh_server_public_url (req->server), token);
  json_builder_begin_object (b);
  sh_json_builder_add_string (b, "url", url);
  sh_json_builder_add_time (b, "expires_at", expires, req->server->tz);
  json_builder_end_object (b);
  sh_reply_builder (req, SOUP_STATUS_OK, b);
}

/* A new link; the older ones stop working (a link given away by mistake). */
static void
handle_renew_calendar (ShRequest *req)
{
  g_autoptr (GError) error = NULL;
  gint64 generation;

  if (!req->auth.account->member_id) {
    handle_my_calendar (req);
    return;
  }
  generation = sh_account_renew_calendar (req->server->store, req->auth.account->id, &error);
  if (generation < 0) {
    sh_reply_gerror (req, error);
    return;
  }
  g_message ("calendar link of account %" G_GINT64_FORMAT " renewed", req->auth.account->id);
  req->auth.account->calendar_generation = generation;
  handle_my_calendar (req);
}

void
sh_calendar_feed (ShRequest *req)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *token = NULL;
  g_autoptr (ShAccount) account = NULL;
  g_autoptr (GPtrArray) meetings = NULL;
  g_autofree char *ics = NULL;
  gint64 now = g_get_real_time ();
  gint64 account_id = 0, generation = 0;

  if (!g_str_equal (req->method, "GET") || !g_str_has_prefix (req->path, "/calendar/")
      || !g_str_has_suffix (req->path, ".ics")) {
    sh_reply_not_found (req);
    return;
  }
  token = g_strndup (req->path + strlen ("/calendar/"),
                     strlen (req->path) - strlen ("/calendar/") - strlen (".ics"));
  if (!sh_token_calendar_verify (req->server->secret, token, now, &account_id, &generation,
                                 &error)) {
    sh_reply_gerror (req, error);
    return;
  }
  account = sh_account_get (req->server->store, account_id, &error);
  /* A renewed link or a changed password revokes the older links. */
  if (!account || account->disabled || !account->member_id
      || account->calendar_generation != generation) {
    sh_reply_not_found (req);
    return;
  }
  meetings = sh_meeting_list_for_member (
      req->server->store, account->member_id,
      now - (gint64) CALENDAR_PAST_DAYS * 24 * 3600 * G_USEC_PER_SEC, 0, &error);
  if (!meetings) {
    sh_reply_gerror (req, error);
    return;
  }
  ics = sh_meeting_ics (meetings, "三会一课", sh_server_public_url (req->server));
  soup_server_message_set_status (req->msg, SOUP_STATUS_OK, NULL);
  soup_message_headers_replace (soup_server_message_get_response_headers (req->msg),
                                "Cache-Control", "no-store");
  soup_server_message_set_response (req->msg, "text/calendar; charset=utf-8", SOUP_MEMORY_COPY, ics,
                                    strlen (ics));
}

static void
build_guest (ShRequest *req, JsonBuilder *b, const ShMeetingGuest *g)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_int_value (b, g->id);
  sh_json_builder_add_id (b, "meeting_id", g->meeting_id);
  sh_json_builder_add_id (b, "account_id", g->account_id);
  sh_json_builder_add_string (b, "name", g->name);
  sh_json_builder_add_id (b, "approved_by", g->approved_by);
  sh_json_builder_add_time (b, "at", g->at, req->server->tz);
  json_builder_end_object (b);
}

/* Guests (列席) approved for one meeting: an account by login or phone,
 * who may then join online, or a name for the record. */
static void
handle_add_guest (ShRequest *req)
{
  g_autoptr (ShMeeting) m = sh_meeting_for_request (req, SH_PERM_MANAGE_BRANCH, FALSE);
  g_autoptr (GError) error = NULL;
  g_autofree char *login = NULL;
  g_autofree char *name = NULL;
  g_autoptr (ShAccount) account = NULL;
  g_autoptr (GPtrArray) guests = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  gint64 id;

  if (!m)
    return;
  if (!sh_json_get_string (req->body, "login", FALSE, 32, &login, &error)
      || !sh_json_get_string (req->body, "name", FALSE, 100, &name, &error)) {
    sh_reply_gerror (req, error);
    return;
  }
  if (!login && !name) {
    sh_reply_error (req, SOUP_STATUS_BAD_REQUEST, "bad_request",
                    "请填写列席人员的账号（login）或姓名（name）");
    return;
  }
  /* Approving afterwards would write the record after the fact. */
  if (m->state != SH_MEETING_SCHEDULED && m->state != SH_MEETING_OPEN
      && m->state != SH_MEETING_IN_PROGRESS) {
    sh_reply_error (req, SOUP_STATUS_CONFLICT, "invalid_state",
                    "会议已结束或已取消，不能再添加列席人员");
    return;
  }
  if (login && !(account = sh_account_find (req->server->store, login, NULL))) {
    sh_reply_error (req, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid", "没有这个账号");
    return;
  }
  if (!(id = sh_meeting_guest_add (req->server->store, m->id, account ? account->id : 0, name,
                                   req->auth.account->id, &error))
      || !(guests = sh_meeting_guest_list (req->server->store, m->id, &error))) {
    sh_reply_gerror (req, error);
    return;
  }
  for (guint i = 0; i < guests->len; i++)
    if (((ShMeetingGuest *) g_ptr_array_index (guests, i))->id == id)
      build_guest (req, b, g_ptr_array_index (guests, i));
  sh_reply_builder (req, SOUP_STATUS_CREATED, b);
}

static void
handle_list_guests (ShRequest *req)
{
  g_autoptr (ShMeeting) m = sh_meeting_for_request (req, SH_PERM_READ_ROSTER, FALSE);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) guests = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();

  if (!m)
    return;
  if (!(guests = sh_meeting_guest_list (req->server->store, m->id, &error))) {
    sh_reply_gerror (req, error);
    return;
  }
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "guests");
  json_builder_begin_array (b);
  for (guint i = 0; i < guests->len; i++)
    build_guest (req, b, g_ptr_array_index (guests, i));
  json_builder_end_array (b);
  json_builder_end_object (b);
  sh_reply_builder (req, SOUP_STATUS_OK, b);
}

const ShRoute sh_meeting_routes[] = {
  { "GET", "api/orgs/{id}/meetings", SH_ROUTE_SESSION, handle_list_org_meetings },
  { "POST", "api/orgs/{id}/meetings", SH_ROUTE_SESSION | SH_ROUTE_JSON, handle_create_meeting },
  { "GET", "api/meetings/{id}", SH_ROUTE_SESSION, handle_get_meeting },
  { "POST", "api/meetings/{id}/transition", SH_ROUTE_SESSION | SH_ROUTE_JSON, handle_transition },
  { "POST", "api/meetings/{id}/invitations", SH_ROUTE_SESSION, handle_create_invitation },
  { "POST", "api/meetings/{id}/guests", SH_ROUTE_SESSION | SH_ROUTE_JSON, handle_add_guest },
  { "GET", "api/meetings/{id}/guests", SH_ROUTE_SESSION, handle_list_guests },
  { "GET", "api/invitations/{word}", SH_ROUTE_PUBLIC, handle_get_invitation },
  { "GET", "api/my/meetings", SH_ROUTE_SESSION, handle_my_meetings },
  { "GET", "api/my/calendar", SH_ROUTE_SESSION, handle_my_calendar },
  { "POST", "api/my/calendar", SH_ROUTE_SESSION, handle_renew_calendar },
  { NULL },
};
