/* What a meeting kept: its chat and its room event stream (who joined and
 * left when, mutes, hands, the floor, lock, lesson mode, start and end),
 * read by the secretary and by inspectors for the record and attendance.
 * Both are append-only in the store.  SPDX-License-Identifier: Apache-2.0 */
#include "api-private.h"

static void
handle_chat (ShRequest *req)
{
  g_autoptr (ShMeeting) m = sh_meeting_for_request (req, SH_PERM_READ_ROSTER, TRUE);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) lines = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();

  if (!m)
    return;
  if (!(lines = sh_meeting_chat_list (req->server->store, m->id, 0, &error))) {
    sh_reply_gerror (req, error);
    return;
  }
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "chat");
  json_builder_begin_array (b);
  for (guint i = 0; i < lines->len; i++) {
    const ShChatMessage *c = g_ptr_array_index (lines, i);
    json_builder_begin_object (b);
    json_builder_set_member_name (b, "id");
    json_builder_add_int_value (b, c->id);
    sh_json_builder_add_id (b, "account_id", c->account_id);
    sh_json_builder_add_id (b, "member_id", c->member_id);
    sh_json_builder_add_string (b, "name", c->name);
    sh_json_builder_add_string (b, "text", c->text);
    sh_json_builder_add_time (b, "at", c->at, req->server->tz);
    json_builder_end_object (b);
  }
  json_builder_end_array (b);
  json_builder_end_object (b);
  sh_reply_builder (req, SOUP_STATUS_OK, b);
}

static void
handle_events (ShRequest *req)
{
  g_autoptr (ShMeeting) m = sh_meeting_for_request (req, SH_PERM_READ_ROSTER, TRUE);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) events = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();

  if (!m)
    return;
  if (!(events = sh_meeting_event_list (req->server->store, m->id, &error))) {
    sh_reply_gerror (req, error);
    return;
  }
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "events");
  json_builder_begin_array (b);
  for (guint i = 0; i < events->len; i++) {
    const ShMeetingEvent *e = g_ptr_array_index (events, i);
    json_builder_begin_object (b);
    json_builder_set_member_name (b, "id");
    json_builder_add_int_value (b, e->id);
    sh_json_builder_add_string (b, "kind", sh_meeting_event_kind_to_string (e->kind));
    sh_json_builder_add_id (b, "account_id", e->account_id);
    sh_json_builder_add_id (b, "member_id", e->member_id);
    /* The detail is a small JSON object the server wrote itself. */
    json_builder_set_member_name (b, "detail");
    if (e->detail) {
      g_autoptr (JsonParser) parser = json_parser_new ();
      if (json_parser_load_from_data (parser, e->detail, -1, NULL))
        json_builder_add_value (b, json_node_copy (json_parser_get_root (parser)));
      else
        json_builder_add_null_value (b);
    } else {
      json_builder_add_null_value (b);
    }
    sh_json_builder_add_time (b, "at", e->at, req->server->tz);
    json_builder_end_object (b);
  }
  json_builder_end_array (b);
  json_builder_end_object (b);
  sh_reply_builder (req, SOUP_STATUS_OK, b);
}

const ShRoute sh_meeting_record_routes[] = {
  { "GET", "api/meetings/{id}/chat", SH_ROUTE_SESSION, handle_chat },
  { "GET", "api/meetings/{id}/events", SH_ROUTE_SESSION, handle_events },
  { NULL },
};
