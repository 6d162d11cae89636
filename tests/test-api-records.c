/* A meeting's kept records over the REST API: the chat and the room event
 * stream, after a real meeting on the WebSocket; who may read them.
 * SPDX-License-Identifier: Apache-2.0 */
#include "harness.h"

static TestServer *server;

/* A general meeting of the first branch starting in five minutes: inside
 * the join window, so joining opens it. */
static gint64
schedule_meeting (TestClient *secretary)
{
  gint64 branch = test_org_id (server, "第一党支部");
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (GDateTime) start = g_date_time_add_minutes (now, 5);
  g_autoptr (GDateTime) end = g_date_time_add_minutes (now, 65);
  g_autofree char *start_text = g_date_time_format_iso8601 (start);
  g_autofree char *end_text = g_date_time_format_iso8601 (end);
  g_autofree char *path = g_strdup_printf ("api/orgs/%" G_GINT64_FORMAT "/meetings", branch);
  g_autofree char *body = g_strdup_printf ("{\"type\":\"general\",\"title\":\"记录测试\","
                                           "\"planned_start\":\"%s\",\"planned_end\":\"%s\"}",
                                           start_text, end_text);
  g_autoptr (JsonNode) reply = NULL;

  g_assert_cmpuint (test_client_json (secretary, "POST", path, body, &reply), ==, 201);
  return json_object_get_int_member (json_node_get_object (reply), "id");
}

static gboolean
has_event (JsonArray *events, const char *kind, gint64 account)
{
  for (guint i = 0; i < json_array_get_length (events); i++) {
    JsonObject *e = json_array_get_object_element (events, i);
    if (g_str_equal (json_object_get_string_member (e, "kind"), kind)
        && (!account
            || (!json_object_get_null_member (e, "account_id")
                && json_object_get_int_member (e, "account_id") == account)))
      return TRUE;
  }
  return FALSE;
}

static void
test_chat_and_events (void)
{
  g_autoptr (TestClient) secretary = test_client_logged_in (server, "secretary");
  g_autoptr (TestClient) member = test_client_logged_in (server, "member");
  g_autoptr (TestClient) member2 = test_client_logged_in (server, "member2");
  g_autoptr (TestClient) inspector = test_client_logged_in (server, "inspector");
  g_autoptr (TestClient) anonymous = test_client_new (server);
  gint64 meeting = schedule_meeting (secretary);
  g_autofree char *chat_path = g_strdup_printf ("api/meetings/%" G_GINT64_FORMAT "/chat", meeting);
  g_autofree char *events_path
      = g_strdup_printf ("api/meetings/%" G_GINT64_FORMAT "/events", meeting);
  g_autoptr (JsonNode) chat = NULL;
  g_autoptr (JsonNode) events = NULL;
  g_autoptr (JsonNode) seen_by_inspector = NULL;
  g_autoptr (JsonNode) refused = NULL;
  JsonArray *lines, *list;
  gint64 member_account;

  {
    g_autoptr (TestWs) chair = test_ws_join (secretary, meeting, NULL);
    g_autoptr (TestWs) ws = test_ws_join (member, meeting, NULL);

    g_assert_cmpstr (
        test_ws_outcome (ws, "meeting.chat", "{\"text\":\"同志们好，会议开始前先签到\"}"), ==,
        "meeting.ok");
    g_assert_cmpstr (test_ws_outcome (ws, "meeting.hand.raise", NULL), ==, "meeting.ok");
    g_assert_cmpstr (test_ws_outcome (ws, "meeting.leave", NULL), ==, "meeting.left");
  }
  {
    g_autoptr (JsonNode) me = NULL;
    g_assert_cmpuint (test_client_json (member, "GET", "api/session", NULL, &me), ==, 200);
    member_account = json_object_get_int_member (
        json_object_get_object_member (json_node_get_object (me), "account"), "id");
  }

  /* The secretary reads what the meeting kept. */
  g_assert_cmpuint (test_client_json (secretary, "GET", chat_path, NULL, &chat), ==, 200);
  lines = json_object_get_array_member (json_node_get_object (chat), "chat");
  g_assert_cmpuint (json_array_get_length (lines), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (lines, 0), "text"),
                   ==, "同志们好，会议开始前先签到");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (lines, 0), "name"),
                   ==, "黄丽");
  /* Times in the configured zone, with the offset. */
  g_assert_true (g_str_has_suffix (
      json_object_get_string_member (json_array_get_object_element (lines, 0), "at"), "+08:00"));
  g_assert_cmpuint (test_client_json (secretary, "GET", events_path, NULL, &events), ==, 200);
  list = json_object_get_array_member (json_node_get_object (events), "events");
  g_assert_true (has_event (list, "joined", member_account));
  g_assert_true (has_event (list, "hand_raised", member_account));
  g_assert_true (has_event (list, "left", member_account));

  /* Inspectors audit; a plain member, strangers and nobody may not. */
  g_assert_cmpuint (test_client_json (inspector, "GET", events_path, NULL, &seen_by_inspector), ==,
                    200);
  g_assert_cmpuint (test_client_json (inspector, "GET", chat_path, NULL, NULL), ==, 200);
  g_assert_cmpuint (test_client_json (member2, "GET", events_path, NULL, &refused), ==, 403);
  g_assert_cmpstr (test_error_code (refused), ==, "forbidden");
  g_assert_cmpuint (test_client_json (member2, "GET", chat_path, NULL, NULL), ==, 403);
  g_assert_cmpuint (test_client_json (anonymous, "GET", chat_path, NULL, NULL), ==, 401);
  g_assert_cmpuint (test_client_json (secretary, "GET", "api/meetings/999999/events", NULL, NULL),
                    ==, 404);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  server = test_server_start (NULL);
  g_test_add_func ("/api/records/chat-and-events", test_chat_and_events);
  status = g_test_run ();
  test_server_stop (server);
  return status;
}
