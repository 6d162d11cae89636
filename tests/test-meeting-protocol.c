/* The meeting protocol on /ws (docs/protocol.md, "Meeting protocol")
 * against the real server with the demo data: who may join, who may send
 * what, malformed messages, the roster, chat, the chair's powers as the
 * others see them, replaced connections, and a meeting ending with
 * everyone connected.  SPDX-License-Identifier: Apache-2.0 */
#include "harness.h"

#include <sqlite3.h>

static TestServer *server;
static gint64 first_branch;
static gint64 chair_member;    /* 王建国, the secretary */
static gint64 lecturer_member; /* 陈静 */

/* ---------------------------------------------------------------- setup */

/* The "you" object of a meeting.joined snapshot. */
static JsonObject *
pyou (JsonNode *snapshot)
{
  return json_object_get_object_member (test_ws_payload (snapshot), "you");
}

static void
create_account (TestClient *admin, const char *login, const char *display, gint64 member_id)
{
  g_autofree char *member
      = member_id ? g_strdup_printf ("%" G_GINT64_FORMAT, member_id) : g_strdup ("null");
  g_autofree char *body = g_strdup_printf (
      "{\"login\":\"%s\",\"display_name\":\"%s\",\"member_id\":%s,\"password\":\"%s\"}", login,
      display, member, TEST_PASSWORD);

  g_assert_cmpuint (test_client_json (admin, "POST", "api/accounts", body, NULL), ==, 201);
}

static char *
iso_in (gint64 minutes)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (GDateTime) at = g_date_time_add_minutes (now, (gint) minutes);

  return g_date_time_format_iso8601 (at);
}

/* Schedules a meeting of the first branch as its secretary, starting
 * @start_min from now; returns its id. */
static gint64
schedule (const char *type, gint64 start_min)
{
  g_autoptr (TestClient) secretary = test_client_logged_in (server, "secretary");
  g_autofree char *start = iso_in (start_min);
  g_autofree char *end = iso_in (start_min + 120);
  g_autofree char *path = g_strdup_printf ("api/orgs/%" G_GINT64_FORMAT "/meetings", first_branch);
  g_autofree char *body = g_strdup_printf (
      "{\"type\":\"%s\",\"title\":\"测试会议\",\"planned_start\":\"%s\",\"planned_end\":\"%s\","
      "\"chair_member_id\":%" G_GINT64_FORMAT ",\"lecturer_member_id\":%" G_GINT64_FORMAT
      ",\"topic\":\"学习\"}",
      type, start, end, chair_member, lecturer_member);
  g_autoptr (JsonNode) reply = NULL;

  g_assert_cmpuint (test_client_json (secretary, "POST", path, body, &reply), ==, 201);
  return json_object_get_int_member (json_node_get_object (reply), "id");
}

static char *
join_payload (gint64 meeting)
{
  return g_strdup_printf ("{\"meeting_id\":%" G_GINT64_FORMAT "}", meeting);
}

static void
assert_ok (TestWs *ws, const char *type, const char *payload)
{
  g_assert_cmpstr (test_ws_outcome (ws, type, payload), ==, "meeting.ok");
}

static gint64
account_id (JsonNode *snapshot)
{
  return json_object_get_int_member (pyou (snapshot), "participant");
}

/* Events of @kind recorded for @meeting, read from the database file. */
static gint64
count_events (gint64 meeting, const char *kind)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 n;

  g_assert_cmpint (sqlite3_open_v2 (server->db_path, &db, SQLITE_OPEN_READONLY, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "SELECT count(*) FROM meeting_events"
                                       " WHERE meeting_id = ? AND kind = ?",
                                       -1, &stmt, NULL),
                   ==, SQLITE_OK);
  sqlite3_bind_int64 (stmt, 1, meeting);
  sqlite3_bind_text (stmt, 2, kind, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

static const char *
meeting_state (gint64 meeting)
{
  static char state[32];
  g_autoptr (TestClient) secretary = test_client_logged_in (server, "secretary");
  g_autofree char *path = g_strdup_printf ("api/meetings/%" G_GINT64_FORMAT, meeting);
  g_autoptr (JsonNode) reply = NULL;

  g_assert_cmpuint (test_client_json (secretary, "GET", path, NULL, &reply), ==, 200);
  g_strlcpy (state, json_object_get_string_member (json_node_get_object (reply), "state"),
             sizeof state);
  return state;
}

/* Finds @participant in a roster array. */
static JsonObject *
roster_entry (JsonArray *roster, gint64 participant)
{
  for (guint i = 0; i < json_array_get_length (roster); i++) {
    JsonObject *o = json_array_get_object_element (roster, i);
    if (json_object_get_int_member (o, "participant") == participant)
      return o;
  }
  return NULL;
}

/* ---------------------------------------------------------------- tests */

static void
test_join_and_roster (void)
{
  gint64 meeting = schedule ("general", 5);
  g_autoptr (TestClient) member = test_client_logged_in (server, "member");
  g_autoptr (TestClient) secretary = test_client_logged_in (server, "secretary");
  g_autoptr (JsonNode) snap = NULL;
  g_autoptr (JsonNode) chair_snap = NULL;
  g_autoptr (JsonNode) roster = NULL;
  g_autoptr (TestWs) m = test_ws_join (member, meeting, &snap);
  g_autoptr (TestWs) s = NULL;
  JsonObject *p = test_ws_payload (snap);
  JsonObject *you = json_object_get_object_member (p, "you");
  JsonObject *entry;

  g_assert_cmpstr (json_object_get_string_member (p, "state"), ==, "open");
  g_assert_cmpstr (meeting_state (meeting), ==, "open");
  g_assert_false (json_object_get_boolean_member (p, "locked"));
  g_assert_false (json_object_get_boolean_member (p, "lesson_mode"));
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (p, "meeting"), "id"),
                   ==, meeting);
  g_assert_cmpstr (json_object_get_string_member (you, "name"), ==, "黄丽");
  g_assert_cmpstr (json_object_get_string_member (you, "role"), ==, "member");
  g_assert_true (json_object_get_boolean_member (you, "has_vote"));
  g_assert_false (json_object_get_boolean_member (you, "chair"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (p, "roster")), ==, 1);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (p, "chat_history")), ==,
                    0);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (p, "hands")), ==, 0);

  s = test_ws_join (secretary, meeting, &chair_snap);
  you = pyou (chair_snap);
  g_assert_cmpstr (json_object_get_string_member (you, "role"), ==, "chair");
  g_assert_true (json_object_get_boolean_member (you, "chair"));
  g_assert_cmpuint (test_ws_plen (chair_snap, "roster"), ==, 2);
  /* The member hears of the chair. */
  roster = test_ws_next_of_type (m, "meeting.roster");
  g_assert_cmpstr (test_ws_pstr (roster, "op"), ==, "join");
  entry = roster_entry (json_object_get_array_member (test_ws_payload (roster), "participants"),
                        account_id (chair_snap));
  g_assert_nonnull (entry);
  g_assert_cmpstr (json_object_get_string_member (entry, "name"), ==, "王建国");
  g_assert_cmpint (count_events (meeting, "joined"), ==, 2);

  /* Leaving: a reply to the leaver, a roster leave to the others. */
  {
    g_autoptr (JsonNode) left = test_ws_request (m, "meeting.leave", NULL);
    g_autoptr (JsonNode) gone = test_ws_next_of_type (s, "meeting.roster");

    g_assert_cmpstr (test_ws_type (left), ==, "meeting.left");
    g_assert_cmpstr (test_ws_pstr (gone, "op"), ==, "leave");
    g_assert_cmpstr (test_ws_pstr (gone, "reason"), ==, "left");
    g_assert_cmpint (count_events (meeting, "left"), ==, 1);
    g_assert_cmpstr (test_ws_outcome (m, "meeting.chat", "{\"text\":\"还在吗\"}"), ==,
                     "not_in_meeting");
  }
}

static void
test_join_refusals (void)
{
  gint64 meeting = schedule ("general", 5);
  gint64 later = schedule ("general", 30 * 24 * 60);
  gint64 cancelled = schedule ("general", 5);
  gint64 committee = schedule ("committee", 5);
  g_autoptr (TestClient) outsider = test_client_logged_in (server, "mali");
  g_autoptr (TestClient) member = test_client_logged_in (server, "member");
  g_autoptr (TestClient) migrant = test_client_logged_in (server, "sunhao");
  g_autoptr (TestClient) secretary = test_client_logged_in (server, "secretary");
  g_autoptr (TestClient) inspector = test_client_logged_in (server, "inspector");
  g_autoptr (TestWs) o = test_ws_connect (outsider);
  g_autoptr (TestWs) m = test_ws_connect (member);
  g_autoptr (TestWs) i = test_ws_connect (inspector);
  g_autoptr (TestWs) v = NULL;
  g_autoptr (JsonNode) refusal = NULL;
  g_autoptr (JsonNode) visitor = NULL;
  g_autofree char *payload = join_payload (meeting);
  g_autofree char *later_payload = join_payload (later);
  g_autofree char *cancelled_payload = join_payload (cancelled);
  g_autofree char *committee_payload = join_payload (committee);
  g_autofree char *cancel_path
      = g_strdup_printf ("api/meetings/%" G_GINT64_FORMAT "/transition", cancelled);
  JsonObject *you;

  /* Not invited: the member of the other branch; an inspector. */
  refusal = test_ws_request (o, "meeting.join", payload);
  g_assert_cmpstr (test_ws_error_code (refusal), ==, "not_invited");
  g_assert_cmpstr (test_ws_pstr (refusal, "message"), ==, "您不在本次会议的参会名单中，无法入会");
  g_assert_cmpstr (test_ws_outcome (i, "meeting.join", payload), ==, "not_invited");

  /* Not open yet: the message says when, in Beijing time. */
  g_clear_pointer (&refusal, json_node_unref);
  refusal = test_ws_request (m, "meeting.join", later_payload);
  g_assert_cmpstr (test_ws_error_code (refusal), ==, "not_open");
  g_assert_nonnull (strstr (test_ws_pstr (refusal, "message"), "北京时间"));
  g_assert_true (json_object_has_member (test_ws_payload (refusal), "opens_at"));
  g_assert_cmpstr (meeting_state (later), ==, "scheduled");

  /* Cancelled. */
  g_assert_cmpuint (test_client_json (secretary, "POST", cancel_path,
                                      "{\"to\":\"cancelled\",\"reason\":\"台风停课\"}", NULL),
                    ==, 200);
  g_clear_pointer (&refusal, json_node_unref);
  refusal = test_ws_request (m, "meeting.join", cancelled_payload);
  g_assert_cmpstr (test_ws_error_code (refusal), ==, "cancelled");
  g_assert_nonnull (strstr (test_ws_pstr (refusal, "message"), "台风停课"));

  /* No such meeting; forged and wrong-purpose links. */
  g_assert_cmpstr (test_ws_outcome (m, "meeting.join", "{\"meeting_id\":999999}"), ==, "not_found");
  g_assert_cmpstr (test_ws_outcome (m, "meeting.join", "{\"token\":\"v1.invite.m1.1.forged\"}"), ==,
                   "token_invalid");

  /* A visiting migrant member joins a general meeting without a vote, but
   * not the committee's meeting. */
  v = test_ws_connect (migrant);
  g_assert_cmpstr (test_ws_outcome (v, "meeting.join", committee_payload), ==, "not_invited");
  visitor = test_ws_request (v, "meeting.join", payload);
  g_assert_cmpstr (test_ws_type (visitor), ==, "meeting.joined");
  you = pyou (visitor);
  g_assert_cmpstr (json_object_get_string_member (you, "role"), ==, "migrant_visitor");
  g_assert_false (json_object_get_boolean_member (you, "has_vote"));
  /* Nothing of a refusal reached the meeting. */
  g_assert_cmpint (count_events (meeting, "joined"), ==, 1);
}

static void
test_invitation_and_guests (void)
{
  gint64 meeting = schedule ("general", 5);
  g_autoptr (TestClient) secretary = test_client_logged_in (server, "secretary");
  g_autoptr (TestClient) member = test_client_logged_in (server, "member");
  g_autoptr (TestClient) activist = test_client_logged_in (server, "activist");
  g_autoptr (TestWs) a = test_ws_connect (activist);
  g_autoptr (TestWs) m = test_ws_connect (member);
  g_autoptr (JsonNode) invitation = NULL;
  g_autoptr (JsonNode) reply = NULL;
  g_autoptr (JsonNode) guest = NULL;
  g_autoptr (JsonNode) list = NULL;
  g_autofree char *inv_path
      = g_strdup_printf ("api/meetings/%" G_GINT64_FORMAT "/invitations", meeting);
  g_autofree char *guest_path
      = g_strdup_printf ("api/meetings/%" G_GINT64_FORMAT "/guests", meeting);
  g_autofree char *payload = join_payload (meeting);
  g_autofree char *token_payload = NULL;

  g_assert_cmpuint (test_client_json (secretary, "POST", inv_path, NULL, &invitation), ==, 201);
  token_payload = g_strdup_printf (
      "{\"token\":\"%s\"}",
      json_object_get_string_member (json_node_get_object (invitation), "token"));
  /* The link names the meeting; it does not invite whoever holds it. */
  g_assert_cmpstr (test_ws_outcome (a, "meeting.join", token_payload), ==, "not_invited");
  reply = test_ws_request (m, "meeting.join", token_payload);
  g_assert_cmpstr (test_ws_type (reply), ==, "meeting.joined");

  /* The secretary approves the activist as a guest (列席). */
  g_assert_cmpuint (test_client_json (member, "POST", guest_path, "{\"login\":\"activist\"}", NULL),
                    ==, 403);
  g_assert_cmpuint (test_client_json (secretary, "POST", guest_path, "{}", NULL), ==, 400);
  g_assert_cmpuint (
      test_client_json (secretary, "POST", guest_path, "{\"login\":\"activist\"}", &guest), ==,
      201);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (guest), "name"), ==,
                   "入党积极分子");
  g_assert_cmpuint (test_client_json (secretary, "GET", guest_path, NULL, &list), ==, 200);
  g_assert_cmpuint (
      json_array_get_length (json_object_get_array_member (json_node_get_object (list), "guests")),
      ==, 1);
  g_clear_pointer (&reply, json_node_unref);
  reply = test_ws_request (a, "meeting.join", payload);
  g_assert_cmpstr (test_ws_type (reply), ==, "meeting.joined");
  g_assert_cmpstr (json_object_get_string_member (pyou (reply), "role"), ==, "guest");
  g_assert_false (json_object_get_boolean_member (pyou (reply), "has_vote"));
}

static void
test_permissions (void)
{
  static const char *const chair_only[][2] = {
    { "meeting.start", NULL },
    { "meeting.end", NULL },
    { "meeting.chair.mute", "{\"participant\":1,\"audio\":true}" },
    { "meeting.chair.mute_all", "{\"audio\":true}" },
    { "meeting.chair.remove", "{\"participant\":1}" },
    { "meeting.chair.lock", "{\"locked\":true}" },
    { "meeting.chair.lesson_mode", "{\"enabled\":true}" },
    { "meeting.chair.floor.give", "{\"participant\":1}" },
    { "meeting.chair.floor.take", "{\"participant\":1}" },
  };
  static const char *const participant_only[][2] = {
    { "meeting.leave", NULL },
    { "meeting.chat", "{\"text\":\"你好\"}" },
    { "meeting.mute", "{\"audio\":true}" },
    { "meeting.hand.raise", NULL },
    { "meeting.hand.lower", NULL },
  };
  gint64 meeting = schedule ("general", 5);
  g_autoptr (TestClient) member = test_client_logged_in (server, "member");
  g_autoptr (TestClient) outsider = test_client_logged_in (server, "mali");
  g_autoptr (TestWs) m = test_ws_join (member, meeting, NULL);
  g_autoptr (TestWs) o = test_ws_connect (outsider);
  gint64 chat_rows = test_count_rows (server, "meeting_chat");

  for (gsize i = 0; i < G_N_ELEMENTS (chair_only); i++) {
    /* A member is refused; someone outside any meeting is not in one. */
    g_assert_cmpstr (test_ws_outcome (m, chair_only[i][0], chair_only[i][1]), ==, "forbidden");
    g_assert_cmpstr (test_ws_outcome (o, chair_only[i][0], chair_only[i][1]), ==, "not_in_meeting");
  }
  for (gsize i = 0; i < G_N_ELEMENTS (participant_only); i++)
    g_assert_cmpstr (test_ws_outcome (o, participant_only[i][0], participant_only[i][1]), ==,
                     "not_in_meeting");
  /* Nothing changed. */
  g_assert_cmpstr (meeting_state (meeting), ==, "open");
  g_assert_cmpint (test_count_rows (server, "meeting_chat"), ==, chat_rows);
  g_assert_cmpint (count_events (meeting, "locked"), ==, 0);
  g_assert_cmpint (count_events (meeting, "lesson_mode_on"), ==, 0);
}

static void
test_malformed (void)
{
  static const char *const cases[][3] = {
    /* missing fields */
    { "meeting.chat", "{}", "bad_request" },
    { "meeting.chat", "{\"text\":\"   \"}", "bad_request" },
    { "meeting.mute", "{}", "bad_request" },
    { "meeting.chair.mute", "{\"audio\":true}", "bad_request" },
    { "meeting.chair.mute", "{\"participant\":PID}", "bad_request" },
    { "meeting.chair.mute_all", "{}", "bad_request" },
    { "meeting.chair.lock", "{}", "bad_request" },
    { "meeting.chair.lesson_mode", "{}", "bad_request" },
    { "meeting.chair.floor.give", "{}", "bad_request" },
    { "meeting.chair.remove", "{\"reason\":\"吵闹\"}", "bad_request" },
    { "meeting.join", "{}", "bad_request" },
    { "meeting.join", "{\"meeting_id\":MID,\"token\":\"x\"}", "bad_request" },
    /* wrong types */
    { "meeting.chat", "{\"text\":5}", "bad_request" },
    { "meeting.mute", "{\"audio\":\"yes\"}", "bad_request" },
    { "meeting.chair.lock", "{\"locked\":1}", "bad_request" },
    { "meeting.chair.mute", "{\"participant\":\"PID\",\"audio\":true}", "bad_request" },
    { "meeting.chair.floor.take", "{\"participant\":[1]}", "bad_request" },
    { "meeting.join", "{\"meeting_id\":\"MID\"}", "bad_request" },
    { "meeting.join", "{\"meeting_id\":-3}", "bad_request" },
    /* unknown participant, oneself as a target */
    { "meeting.chair.mute", "{\"participant\":999999,\"audio\":true}", "unknown_participant" },
    { "meeting.chair.remove", "{\"participant\":999999}", "unknown_participant" },
    { "meeting.chair.floor.give", "{\"participant\":999999}", "unknown_participant" },
    { "meeting.chair.remove", "{\"participant\":CID}", "invalid_target" },
    { "meeting.chair.mute", "{\"participant\":CID,\"audio\":true}", "invalid_target" },
    /* not allowed in this state */
    { "meeting.end", NULL, "invalid_state" },
    /* unknown */
    { "meeting.explode", NULL, "unknown_type" },
  };
  gint64 meeting = schedule ("general", 5);
  g_autoptr (TestClient) secretary = test_client_logged_in (server, "secretary");
  g_autoptr (TestClient) member = test_client_logged_in (server, "member");
  g_autoptr (JsonNode) chair_snap = NULL;
  g_autoptr (JsonNode) member_snap = NULL;
  g_autoptr (TestWs) s = test_ws_join (secretary, meeting, &chair_snap);
  g_autoptr (TestWs) m = test_ws_join (member, meeting, &member_snap);
  g_autofree char *mid = g_strdup_printf ("%" G_GINT64_FORMAT, meeting);
  g_autofree char *pid = g_strdup_printf ("%" G_GINT64_FORMAT, account_id (member_snap));
  g_autofree char *cid = g_strdup_printf ("%" G_GINT64_FORMAT, account_id (chair_snap));
  g_autoptr (GString) long_text = g_string_new ("{\"text\":\"");
  gint64 chat_rows = test_count_rows (server, "meeting_chat");
  gint64 events = test_count_rows (server, "meeting_events");

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr (GString) payload = g_string_new (cases[i][1]);

    if (cases[i][1]) {
      g_string_replace (payload, "PID", pid, 0);
      g_string_replace (payload, "MID", mid, 0);
      g_string_replace (payload, "CID", cid, 0);
    }
    g_assert_cmpstr (test_ws_outcome (s, cases[i][0], cases[i][1] ? payload->str : NULL), ==,
                     cases[i][2]);
  }
  for (int i = 0; i < 1001; i++)
    g_string_append (long_text, "言");
  g_string_append (long_text, "\"}");
  g_assert_cmpstr (test_ws_outcome (m, "meeting.chat", long_text->str), ==, "bad_request");
  /* Nothing was stored or changed, and both sockets still work. */
  g_assert_cmpint (test_count_rows (server, "meeting_chat"), ==, chat_rows);
  g_assert_cmpint (test_count_rows (server, "meeting_events"), ==, events);
  g_assert_cmpstr (meeting_state (meeting), ==, "open");
  assert_ok (m, "meeting.hand.raise", NULL);
  assert_ok (s, "meeting.chat", "{\"text\":\"继续\"}");
}

static void
test_chat_kept_and_replayed (void)
{
  gint64 meeting = schedule ("general", 5);
  g_autoptr (TestClient) secretary = test_client_logged_in (server, "secretary");
  g_autoptr (TestClient) member = test_client_logged_in (server, "member");
  g_autoptr (TestClient) zhang = test_client_logged_in (server, "zhangwei");
  g_autoptr (TestWs) s = test_ws_join (secretary, meeting, NULL);
  g_autoptr (TestWs) m = test_ws_join (member, meeting, NULL);
  g_autoptr (JsonNode) heard = NULL;
  g_autoptr (JsonNode) echoed = NULL;
  g_autoptr (JsonNode) late = NULL;
  JsonObject *chat;
  JsonArray *history;
  gint64 rows = test_count_rows (server, "meeting_chat");

  assert_ok (m, "meeting.chat", "{\"text\":\"  同意支部的工作安排。 \"}");
  heard = test_ws_next_of_type (s, "meeting.chat");
  chat = test_ws_payload (heard);
  g_assert_cmpstr (json_object_get_string_member (chat, "text"), ==, "同意支部的工作安排。");
  g_assert_cmpstr (json_object_get_string_member (chat, "name"), ==, "黄丽");
  g_assert_true (json_object_has_member (chat, "id"));
  g_assert_true (json_object_has_member (chat, "from"));
  g_assert_true (json_object_has_member (chat, "at"));
  /* The sender gets it too, before the reply. */
  echoed = test_ws_next_of_type (m, "meeting.chat");
  g_assert_cmpint (json_object_get_int_member (test_ws_payload (echoed), "id"), ==,
                   json_object_get_int_member (chat, "id"));
  g_assert_cmpint (test_count_rows (server, "meeting_chat"), ==, rows + 1);

  /* Someone joining later reads it. */
  g_autoptr (TestWs) z = test_ws_join (zhang, meeting, &late);
  history = json_object_get_array_member (test_ws_payload (late), "chat_history");
  g_assert_cmpuint (json_array_get_length (history), ==, 1);
  g_assert_cmpstr (
      json_object_get_string_member (json_array_get_object_element (history, 0), "text"), ==,
      "同意支部的工作安排。");
}

static void
test_chair_controls (void)
{
  gint64 meeting = schedule ("general", 5);
  g_autoptr (TestClient) secretary = test_client_logged_in (server, "secretary");
  g_autoptr (TestClient) member = test_client_logged_in (server, "member");
  g_autoptr (TestClient) zhang = test_client_logged_in (server, "zhangwei");
  g_autoptr (TestClient) admin = test_client_logged_in (server, "admin");
  g_autoptr (TestClient) migrant = test_client_logged_in (server, "sunhao");
  g_autoptr (JsonNode) member_snap = NULL;
  g_autoptr (JsonNode) zhang_snap = NULL;
  g_autoptr (TestWs) s = test_ws_join (secretary, meeting, NULL);
  g_autoptr (TestWs) m = test_ws_join (member, meeting, &member_snap);
  g_autoptr (TestWs) z = test_ws_join (zhang, meeting, &zhang_snap);
  gint64 mid = account_id (member_snap);
  gint64 zid = account_id (zhang_snap);
  g_autofree char *mute_member
      = g_strdup_printf ("{\"participant\":%" G_GINT64_FORMAT ",\"audio\":true}", mid);
  g_autofree char *unmute_member
      = g_strdup_printf ("{\"participant\":%" G_GINT64_FORMAT ",\"audio\":false}", mid);
  g_autofree char *member_target = g_strdup_printf ("{\"participant\":%" G_GINT64_FORMAT "}", mid);
  g_autofree char *remove_zhang = g_strdup_printf (
      "{\"participant\":%" G_GINT64_FORMAT ",\"reason\":\"与会议无关的发言\"}", zid);
  g_autofree char *payload = join_payload (meeting);

  /* Mute one: the member is told directly, the others by the roster. */
  test_ws_discard (m);
  test_ws_discard (z);
  assert_ok (s, "meeting.chair.mute", mute_member);
  {
    g_autoptr (JsonNode) notice = test_ws_next_of_type (m, "meeting.muted");
    g_autoptr (JsonNode) update = test_ws_next_of_type (z, "meeting.roster");
    JsonObject *audio = json_object_get_object_member (test_ws_payload (notice), "audio");
    JsonObject *entry = roster_entry (
        json_object_get_array_member (test_ws_payload (update), "participants"), mid);

    g_assert_true (json_object_get_boolean_member (audio, "muted"));
    g_assert_true (json_object_get_boolean_member (audio, "by_chair"));
    g_assert_cmpstr (test_ws_pstr (update, "op"), ==, "update");
    g_assert_true (json_object_get_boolean_member (json_object_get_object_member (entry, "audio"),
                                                   "by_chair"));
  }
  /* The member cannot lift it; the chair can. */
  g_assert_cmpstr (test_ws_outcome (m, "meeting.mute", "{\"audio\":false}"), ==, "muted_by_chair");
  assert_ok (m, "meeting.mute", "{\"video\":true}");
  assert_ok (s, "meeting.chair.mute", unmute_member);
  assert_ok (m, "meeting.mute", "{\"audio\":false,\"video\":false}");
  g_assert_cmpint (count_events (meeting, "muted"), ==, 2);
  g_assert_cmpint (count_events (meeting, "unmuted"), ==, 2);

  /* Mute all spares the chair. */
  test_ws_discard (z);
  assert_ok (s, "meeting.chair.mute_all", "{\"audio\":true}");
  {
    g_autoptr (JsonNode) notice = test_ws_next_of_type (z, "meeting.muted");
    g_autoptr (JsonNode) state = test_ws_next_of_type (z, "meeting.state");

    g_assert_true (test_ws_pbool (state, "all_muted"));
  }
  g_assert_cmpstr (test_ws_outcome (z, "meeting.mute", "{\"audio\":false}"), ==, "muted_by_chair");
  assert_ok (s, "meeting.mute", "{\"audio\":false}");

  /* Hands and the floor. */
  test_ws_discard (s);
  assert_ok (m, "meeting.hand.raise", NULL);
  {
    g_autoptr (JsonNode) hands = test_ws_next_of_type (s, "meeting.hands");
    JsonArray *queue = json_object_get_array_member (test_ws_payload (hands), "hands");

    g_assert_cmpuint (json_array_get_length (queue), ==, 1);
    g_assert_cmpint (
        json_object_get_int_member (json_array_get_object_element (queue, 0), "participant"), ==,
        mid);
  }
  test_ws_discard (z);
  assert_ok (s, "meeting.chair.floor.give", member_target);
  {
    g_autoptr (JsonNode) floor = test_ws_next_of_type (z, "meeting.floor");
    g_autoptr (JsonNode) hands = test_ws_next_of_type (z, "meeting.hands");
    JsonArray *holders = json_object_get_array_member (test_ws_payload (floor), "floor");

    g_assert_cmpuint (json_array_get_length (holders), ==, 1);
    g_assert_cmpint (json_array_get_int_element (holders, 0), ==, mid);
    g_assert_cmpuint (test_ws_plen (hands, "hands"), ==, 0);
  }
  /* Given the floor, the member may speak despite "mute all". */
  assert_ok (m, "meeting.mute", "{\"audio\":false}");
  assert_ok (s, "meeting.chair.floor.take", member_target);
  g_assert_cmpstr (test_ws_outcome (m, "meeting.mute", "{\"audio\":false}"), ==, "muted_by_chair");
  assert_ok (s, "meeting.chair.mute_all", "{\"audio\":false}");

  /* Lesson mode is seen by the others. */
  test_ws_discard (m);
  assert_ok (s, "meeting.chair.lesson_mode", "{\"enabled\":true}");
  {
    /* A state broadcast of the "mute all" just before may still be on its
     * way to this socket: the lesson mode is in the next one or two. */
    g_autoptr (JsonNode) state = test_ws_next_of_type (m, "meeting.state");
    if (!test_ws_pbool (state, "lesson_mode")) {
      g_clear_pointer (&state, json_node_unref);
      state = test_ws_next_of_type (m, "meeting.state");
    }
    g_assert_true (test_ws_pbool (state, "lesson_mode"));
  }
  g_assert_cmpint (count_events (meeting, "lesson_mode_on"), ==, 1);

  /* Remove: the removed one is told and cannot come back. */
  test_ws_discard (m);
  assert_ok (s, "meeting.chair.remove", remove_zhang);
  {
    g_autoptr (JsonNode) removed = test_ws_next_of_type (z, "meeting.removed");
    g_autoptr (JsonNode) leave = test_ws_next_of_type (m, "meeting.roster");

    g_assert_cmpstr (test_ws_pstr (removed, "reason"), ==, "与会议无关的发言");
    g_assert_cmpstr (test_ws_pstr (leave, "op"), ==, "leave");
    g_assert_cmpstr (test_ws_pstr (leave, "reason"), ==, "removed");
  }
  g_assert_cmpstr (test_ws_outcome (z, "meeting.chat", "{\"text\":\"我还在\"}"), ==,
                   "not_in_meeting");
  g_assert_cmpstr (test_ws_outcome (z, "meeting.join", payload), ==, "removed");
  g_assert_cmpint (count_events (meeting, "removed"), ==, 1);

  /* Lock: a newcomer is kept out; someone who was in and the admin get in. */
  test_ws_discard (m);
  assert_ok (s, "meeting.chair.lock", "{\"locked\":true}");
  {
    g_autoptr (JsonNode) state = test_ws_next_of_type (m, "meeting.state");
    g_assert_true (test_ws_pbool (state, "locked"));
  }
  {
    g_autoptr (TestWs) v = test_ws_connect (migrant);
    g_autoptr (TestWs) a = test_ws_connect (admin);
    g_autoptr (JsonNode) admin_in = NULL;

    g_assert_cmpstr (test_ws_outcome (v, "meeting.join", payload), ==, "locked");
    admin_in = test_ws_request (a, "meeting.join", payload);
    g_assert_cmpstr (test_ws_type (admin_in), ==, "meeting.joined");
    g_assert_true (json_object_get_boolean_member (pyou (admin_in), "chair"));
  }
  {
    g_autoptr (JsonNode) left = test_ws_request (m, "meeting.leave", NULL);
    g_autoptr (JsonNode) back = test_ws_request (m, "meeting.join", payload);

    g_assert_cmpstr (test_ws_type (back), ==, "meeting.joined");
  }
  assert_ok (s, "meeting.chair.lock", "{\"locked\":false}");
  g_assert_cmpint (count_events (meeting, "unlocked"), ==, 1);
}

static void
test_replaced_connection (void)
{
  gint64 meeting = schedule ("general", 5);
  g_autoptr (TestClient) member = test_client_logged_in (server, "member");
  g_autoptr (TestClient) phone = test_client_logged_in (server, "member");
  g_autoptr (TestClient) secretary = test_client_logged_in (server, "secretary");
  g_autoptr (TestWs) s = test_ws_join (secretary, meeting, NULL);
  g_autoptr (TestWs) first = test_ws_join (member, meeting, NULL);
  g_autoptr (JsonNode) snap = NULL;
  g_autoptr (TestWs) second = NULL;
  g_autoptr (JsonNode) replaced = NULL;

  assert_ok (first, "meeting.hand.raise", NULL);
  test_ws_discard (s);
  second = test_ws_join (phone, meeting, &snap);
  replaced = test_ws_next_of_type (first, "meeting.replaced");
  g_assert_cmpint (json_object_get_int_member (test_ws_payload (replaced), "meeting_id"), ==,
                   meeting);
  /* One participant, the hand kept; the old socket is out of the meeting. */
  g_assert_cmpuint (test_ws_plen (snap, "roster"), ==, 2);
  g_assert_cmpuint (test_ws_plen (snap, "hands"), ==, 1);
  g_assert_cmpstr (test_ws_outcome (first, "meeting.chat", "{\"text\":\"旧页面\"}"), ==,
                   "not_in_meeting");
  assert_ok (second, "meeting.chat", "{\"text\":\"新页面\"}");
  /* The chair saw no one leave. */
  test_ws_settle (100);
  while (!g_queue_is_empty (&s->messages)) {
    g_autoptr (JsonNode) msg = test_ws_next (s);
    g_assert_cmpstr (test_ws_type (msg), !=, "meeting.roster");
  }
  g_assert_cmpint (count_events (meeting, "replaced"), ==, 1);
  g_assert_cmpint (count_events (meeting, "left"), ==, 0);
}

static void
test_disconnect_is_leaving (void)
{
  gint64 meeting = schedule ("general", 5);
  g_autoptr (TestClient) member = test_client_logged_in (server, "member");
  g_autoptr (TestClient) secretary = test_client_logged_in (server, "secretary");
  g_autoptr (TestWs) s = test_ws_join (secretary, meeting, NULL);
  TestWs *m = test_ws_join (member, meeting, NULL);
  g_autoptr (JsonNode) gone = NULL;

  test_ws_free (m);
  /* The chair heard the member join first. */
  do {
    g_clear_pointer (&gone, json_node_unref);
    gone = test_ws_next_of_type (s, "meeting.roster");
  } while (g_str_equal (test_ws_pstr (gone, "op"), "join"));
  g_assert_cmpstr (test_ws_pstr (gone, "op"), ==, "leave");
  g_assert_cmpstr (test_ws_pstr (gone, "reason"), ==, "disconnected");
}

static void
test_start_and_end_with_everyone_connected (void)
{
  gint64 meeting = schedule ("general", 5);
  g_autoptr (TestClient) secretary = test_client_logged_in (server, "secretary");
  g_autoptr (TestClient) member = test_client_logged_in (server, "member");
  g_autoptr (TestClient) zhang = test_client_logged_in (server, "zhangwei");
  g_autoptr (TestClient) migrant = test_client_logged_in (server, "sunhao");
  g_autoptr (TestWs) s = test_ws_join (secretary, meeting, NULL);
  g_autoptr (TestWs) m = test_ws_join (member, meeting, NULL);
  g_autoptr (TestWs) z = test_ws_join (zhang, meeting, NULL);
  g_autoptr (TestWs) v = test_ws_join (migrant, meeting, NULL);
  TestWs *all[] = { s, m, z, v };
  g_autofree char *payload = join_payload (meeting);
  g_autoptr (GBytes) health = NULL;

  assert_ok (s, "meeting.start", NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (all); i++) {
    g_autoptr (JsonNode) state = test_ws_next_of_type (all[i], "meeting.state");
    g_assert_cmpstr (test_ws_pstr (state, "state"), ==, "in_progress");
  }
  g_assert_cmpstr (meeting_state (meeting), ==, "in_progress");
  g_assert_cmpstr (test_ws_outcome (s, "meeting.start", NULL), ==, "invalid_state");
  assert_ok (m, "meeting.chat", "{\"text\":\"散会前最后一句\"}");

  assert_ok (s, "meeting.end", NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (all); i++) {
    g_autoptr (JsonNode) state = test_ws_next_of_type (all[i], "meeting.state");
    g_assert_cmpstr (test_ws_pstr (state, "state"), ==, "ended");
    /* Detached: the socket is no longer in the meeting, but still open. */
    g_assert_cmpstr (test_ws_outcome (all[i], "meeting.hand.raise", NULL), ==, "not_in_meeting");
    g_assert_false (all[i]->closed);
  }
  g_assert_cmpstr (meeting_state (meeting), ==, "ended");
  g_assert_cmpstr (test_ws_outcome (m, "meeting.join", payload), ==, "not_open");
  g_assert_cmpint (count_events (meeting, "started"), ==, 1);
  g_assert_cmpint (count_events (meeting, "ended"), ==, 1);
  g_assert_cmpint (count_events (meeting, "left"), ==, 4);
  /* The server carries on. */
  g_assert_cmpuint (test_client_send (secretary, "GET", "healthz", NULL, NULL, 0, NULL, &health),
                    ==, 200);
  {
    g_autoptr (JsonNode) pong = test_ws_request (m, "ping", NULL);
    g_assert_cmpstr (test_ws_type (pong), ==, "pong");
  }
}

/* The secretary ends a meeting over REST: the room follows. */
static void
test_rest_transition_reaches_the_room (void)
{
  gint64 meeting = schedule ("general", 5);
  g_autoptr (TestClient) secretary = test_client_logged_in (server, "secretary");
  g_autoptr (TestClient) member = test_client_logged_in (server, "member");
  g_autoptr (TestWs) m = test_ws_join (member, meeting, NULL);
  g_autofree char *path = g_strdup_printf ("api/meetings/%" G_GINT64_FORMAT "/transition", meeting);
  g_autoptr (JsonNode) started = NULL;
  g_autoptr (JsonNode) ended = NULL;

  g_assert_cmpuint (test_client_json (secretary, "POST", path, "{\"to\":\"in_progress\"}", NULL),
                    ==, 200);
  started = test_ws_next_of_type (m, "meeting.state");
  g_assert_cmpstr (test_ws_pstr (started, "state"), ==, "in_progress");
  g_assert_cmpuint (test_client_json (secretary, "POST", path, "{\"to\":\"ended\"}", NULL), ==,
                    200);
  ended = test_ws_next_of_type (m, "meeting.state");
  g_assert_cmpstr (test_ws_pstr (ended, "state"), ==, "ended");
  g_assert_cmpstr (test_ws_outcome (m, "meeting.chat", "{\"text\":\"结束了吗\"}"), ==,
                   "not_in_meeting");
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  server = test_server_start (NULL);
  first_branch = test_org_id (server, "第一党支部");
  chair_member = test_member_id (server, first_branch, "王建国");
  lecturer_member = test_member_id (server, first_branch, "陈静");
  {
    g_autoptr (TestClient) admin = test_client_logged_in (server, "admin");
    gint64 second = test_org_id (server, "第二党支部");

    /* The demo gives 张伟 and 孙浩 their accounts. */
    create_account (admin, "mali", "马兰", test_member_id (server, second, "马兰"));
    create_account (admin, "activist", "入党积极分子", 0);
  }
  g_test_add_func ("/meeting/join-and-roster", test_join_and_roster);
  g_test_add_func ("/meeting/join-refusals", test_join_refusals);
  g_test_add_func ("/meeting/invitation-and-guests", test_invitation_and_guests);
  g_test_add_func ("/meeting/permissions", test_permissions);
  g_test_add_func ("/meeting/malformed", test_malformed);
  g_test_add_func ("/meeting/chat-kept-and-replayed", test_chat_kept_and_replayed);
  g_test_add_func ("/meeting/chair-controls", test_chair_controls);
  g_test_add_func ("/meeting/replaced-connection", test_replaced_connection);
  g_test_add_func ("/meeting/disconnect-is-leaving", test_disconnect_is_leaving);
  g_test_add_func ("/meeting/start-and-end-with-everyone-connected",
                   test_start_and_end_with_everyone_connected);
  g_test_add_func ("/meeting/rest-transition-reaches-the-room",
                   test_rest_transition_reaches_the_room);
  status = g_test_run ();
  test_server_stop (server);
  return status;
}
