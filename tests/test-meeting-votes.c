/* Votes in the live meeting (signaling/src/meeting-votes.c, docs/votes.md)
 * over real sockets against the real server with the demo data: the chair
 * starts a vote only with quorum and one at a time; members with a vote
 * vote once, from one socket; a hostile client's double vote, second
 * socket, vote without a right, vote while none is open and after close
 * change nothing; a secret ballot's result publishes counts and receipts
 * without choices; written opinions count unless their member attends; the
 * quorum lost part-way voids the vote; a tied election's runoff (另行选举)
 * and the votes CSV.
 *
 * The first branch expects six voting members (王建国, 李红梅, 张伟, 刘洋,
 * 陈静, 黄丽; 杨帆 is abroad and excluded, 赵磊 is under 留党察看, two are
 * probationary): the quorum is 4, and a motion passes with 4 in favour.
 * SPDX-License-Identifier: Apache-2.0 */
#include "harness.h"

static TestServer *server;
static gint64 first_branch;
static gint64 chair_member;

static char *
iso_in (gint64 minutes)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (GDateTime) at = g_date_time_add_minutes (now, (gint) minutes);

  return g_date_time_format_iso8601 (at);
}

static gint64
schedule (const char *type)
{
  g_autoptr (TestClient) secretary = test_client_logged_in (server, "secretary");
  g_autofree char *start = iso_in (5);
  g_autofree char *end = iso_in (125);
  g_autofree char *path = g_strdup_printf ("api/orgs/%" G_GINT64_FORMAT "/meetings", first_branch);
  g_autofree char *body = g_strdup_printf (
      "{\"type\":\"%s\",\"title\":\"表决测试\",\"planned_start\":\"%s\",\"planned_end\":\"%s\","
      "\"chair_member_id\":%" G_GINT64_FORMAT ",\"lecturer_member_id\":%" G_GINT64_FORMAT
      ",\"topic\":\"学习\"}",
      type, start, end, chair_member, chair_member);
  g_autoptr (JsonNode) reply = NULL;

  g_assert_cmpuint (test_client_json (secretary, "POST", path, body, &reply), ==, 201);
  return json_object_get_int_member (json_node_get_object (reply), "id");
}

/* Announces a motion as the secretary. Returns: its id. */
static gint64
announce (gint64 meeting, const char *body)
{
  g_autoptr (TestClient) secretary = test_client_logged_in (server, "secretary");
  g_autofree char *path = g_strdup_printf ("api/meetings/%" G_GINT64_FORMAT "/motions", meeting);
  g_autoptr (JsonNode) reply = NULL;

  g_assert_cmpuint (test_client_json (secretary, "POST", path, body, &reply), ==, 201);
  return json_object_get_int_member (json_node_get_object (reply), "id");
}

static guint
opinion (const char *login, gint64 motion, const char *choice)
{
  g_autoptr (TestClient) c = test_client_logged_in (server, login);
  g_autofree char *path = g_strdup_printf ("api/motions/%" G_GINT64_FORMAT "/opinion", motion);
  g_autofree char *body = g_strdup_printf ("{\"choice\":\"%s\",\"text\":\"书面意见\"}", choice);

  return test_client_json (c, "POST", path, body, NULL);
}

static char *
start_payload (gint64 motion)
{
  return g_strdup_printf ("{\"motion_id\":%" G_GINT64_FORMAT "}", motion);
}

static char *
cast_payload (gint64 vote, const char *choice)
{
  return g_strdup_printf ("{\"vote_id\":%" G_GINT64_FORMAT ",\"choice\":\"%s\"}", vote, choice);
}

static gint64
vote_id_of (JsonNode *opened)
{
  return json_object_get_int_member (
      json_object_get_object_member (test_ws_payload (opened), "vote"), "id");
}

/* Casts and returns the receipt's hash. (transfer full) */
static char *
cast_ok (TestWs *ws, gint64 vote, const char *choice)
{
  g_autofree char *payload = cast_payload (vote, choice);
  g_autoptr (JsonNode) reply = test_ws_request (ws, "vote.cast", payload);

  g_assert_cmpstr (test_ws_type (reply), ==, "vote.counted");
  g_assert_cmpstr (test_ws_pstr (reply, "message"), ==, "您的选票已计入");
  g_assert_cmpuint (strlen (test_ws_pstr (reply, "receipt")), ==, 32);
  return g_strdup (test_ws_pstr (reply, "receipt_hash"));
}

static const char *
cast_outcome (TestWs *ws, gint64 vote, const char *choice)
{
  g_autofree char *payload = cast_payload (vote, choice);

  return test_ws_outcome (ws, "vote.cast", payload);
}

typedef struct {
  TestClient *client;
  TestWs *ws;
} Seat;

static void
sit (Seat *s, const char *login, gint64 meeting)
{
  s->client = test_client_logged_in (server, login);
  s->ws = test_ws_join (s->client, meeting, NULL);
}

static void
stand (Seat *s)
{
  g_clear_pointer (&s->ws, test_ws_free);
  g_clear_pointer (&s->client, test_client_free);
}

static void
test_secret_ballot_hostile (void)
{
  gint64 meeting = schedule ("general");
  gint64 ordinary = announce (meeting, "{\"kind\":\"ordinary\",\"title\":\"审议年度工作计划\","
                                       "\"secret\":true}");
  gint64 admission = announce (meeting, "{\"kind\":\"admission\",\"title\":\"接收王某为预备党员\","
                                        "\"candidate\":\"王某\"}");
  Seat chair = { 0 }, member = { 0 }, member2 = { 0 }, li = { 0 }, zhao = { 0 }, sun = { 0 };
  g_autoptr (JsonNode) opened = NULL;
  g_autoptr (JsonNode) watched_opened = NULL;
  g_autoptr (JsonNode) result = NULL;
  g_autoptr (TestClient) member_again = NULL;
  g_autoptr (TestWs) member_ws2 = NULL;
  g_autofree char *payload = NULL;
  g_autofree char *mine = NULL;
  g_autofree char *tmp = NULL;
  JsonObject *vote;
  JsonArray *receipts, *voters;
  gint64 vote_id;
  gboolean found = FALSE;

  /* Written opinions before the meeting: 张伟 stays away, 刘洋 comes. */
  g_assert_cmpuint (opinion ("zhangwei", admission, "for"), ==, 200);
  g_assert_cmpuint (opinion ("member2", admission, "against"), ==, 200);
  g_assert_cmpuint (opinion ("zhangwei", admission, "for"), ==, 409);
  g_assert_cmpuint (opinion ("zhaolei", admission, "for"), ==, 422); /* 留党察看: no vote */
  g_assert_cmpuint (opinion ("zhangwei", ordinary, "for"), ==, 422);

  sit (&chair, "secretary", meeting);
  sit (&member, "member", meeting);
  sit (&member2, "member2", meeting);
  g_assert_cmpstr (test_ws_outcome (chair.ws, "meeting.start", NULL), ==, "meeting.ok");
  g_assert_cmpuint (opinion ("chenjing", admission, "for"), ==, 409); /* started: STATE */

  /* Nothing open yet. */
  g_assert_cmpstr (cast_outcome (member.ws, 1, "for"), ==, "no_vote_open");
  /* Three of six voting members present: no quorum, whatever else is in
   * the room (留党察看, a visiting migrant). */
  sit (&zhao, "zhaolei", meeting);
  sit (&sun, "sunhao", meeting);
  payload = start_payload (ordinary);
  g_assert_cmpstr (test_ws_outcome (chair.ws, "vote.start", payload), ==, "no_quorum");
  g_assert_cmpstr (test_ws_outcome (chair.ws, "vote.start", "{\"title\":\"临时动议\"}"), ==,
                   "no_quorum");
  /* Not a motion of another meeting. */
  {
    gint64 other = schedule ("general");
    gint64 foreign = announce (other, "{\"title\":\"别的会议的事项\"}");
    g_autofree char *foreign_payload = start_payload (foreign);

    g_assert_cmpstr (test_ws_outcome (chair.ws, "vote.start", foreign_payload), ==, "not_found");
  }
  /* The fourth: quorum. Only the chair starts a vote. */
  sit (&li, "lihongmei", meeting);
  g_assert_cmpstr (test_ws_outcome (member.ws, "vote.start", payload), ==, "forbidden");
  test_ws_discard (member.ws);
  test_ws_discard (zhao.ws);
  g_assert_cmpstr (test_ws_outcome (chair.ws, "vote.start", payload), ==, "meeting.ok");
  opened = test_ws_next_of_type (member.ws, "vote.opened");
  vote_id = vote_id_of (opened);
  g_assert_true (test_ws_pbool (opened, "may_vote"));
  watched_opened = test_ws_next_of_type (zhao.ws, "vote.opened");
  g_assert_false (test_ws_pbool (watched_opened, "may_vote"));
  /* One vote at a time. */
  g_assert_cmpstr (test_ws_outcome (chair.ws, "vote.start", "{\"title\":\"另一项\"}"), ==,
                   "vote_open");

  /* Hostile: no vote right, a double vote, a second socket, a stale id. */
  g_assert_cmpstr (cast_outcome (zhao.ws, vote_id, "for"), ==, "no_vote_right");
  g_assert_cmpstr (cast_outcome (sun.ws, vote_id, "for"), ==, "no_vote_right");
  mine = cast_ok (member.ws, vote_id, "for");
  g_assert_cmpstr (cast_outcome (member.ws, vote_id, "against"), ==, "already_voted");
  member_again = test_client_logged_in (server, "member");
  member_ws2 = test_ws_join (member_again, meeting, NULL);
  g_assert_cmpstr (cast_outcome (member_ws2, vote_id, "against"), ==, "already_voted");
  g_assert_cmpstr (cast_outcome (chair.ws, vote_id + 1000, "for"), ==, "vote_closed");
  g_assert_cmpstr (cast_outcome (chair.ws, vote_id, "maybe"), ==, "bad_request");
  g_free (cast_ok (chair.ws, vote_id, "for"));
  g_free (cast_ok (member2.ws, vote_id, "against"));
  g_free (cast_ok (li.ws, vote_id, "for"));
  {
    g_autoptr (JsonNode) progress = test_ws_next_of_type (chair.ws, "vote.progress");

    g_assert_nonnull (progress);
  }
  test_ws_discard (zhao.ws);
  g_assert_cmpstr (test_ws_outcome (chair.ws, "vote.close", NULL), ==, "meeting.ok");
  result = test_ws_next_of_type (zhao.ws, "vote.result");
  vote = json_object_get_object_member (test_ws_payload (result), "vote");
  g_assert_cmpstr (json_object_get_string_member (vote, "state"), ==, "closed");
  g_assert_cmpint (
      json_object_get_int_member (json_object_get_object_member (vote, "ballots"), "for"), ==, 3);
  /* Three in favour of six expected: not passed, though a majority of those
   * present. */
  g_assert_false (json_object_get_boolean_member (vote, "passed"));
  receipts = json_object_get_array_member (test_ws_payload (result), "receipts");
  voters = json_object_get_array_member (test_ws_payload (result), "voters");
  g_assert_cmpuint (json_array_get_length (receipts), ==, 4);
  g_assert_cmpuint (json_array_get_length (voters), ==, 4);
  for (guint i = 0; i < json_array_get_length (receipts); i++)
    found = found || g_str_equal (json_array_get_string_element (receipts, i), mine);
  g_assert_true (found);
  for (guint i = 0; i < json_array_get_length (voters); i++)
    g_assert_true (
        json_object_get_null_member (json_array_get_object_element (voters, i), "choice"));
  /* After close. */
  g_assert_cmpstr (cast_outcome (li.ws, vote_id, "for"), ==, "no_vote_open");
  g_assert_cmpstr (test_ws_outcome (chair.ws, "vote.close", NULL), ==, "no_vote_open");
  /* A decided motion is not voted again. */
  g_assert_cmpstr (test_ws_outcome (chair.ws, "vote.start", payload), ==, "invalid_state");

  /* Admission: refused until the higher organization's approval is on
   * record; then 4 ballots for and 张伟's written opinion pass it; 刘洋's
   * opinion is void, as he attended. */
  g_free (payload);
  payload = start_payload (admission);
  g_assert_cmpstr (test_ws_outcome (chair.ws, "vote.start", payload), ==, "invalid_state");
  {
    g_autoptr (TestClient) secretary = test_client_logged_in (server, "secretary");
    g_autofree char *path
        = g_strdup_printf ("api/meetings/%" G_GINT64_FORMAT "/vote-approval", meeting);

    g_assert_cmpuint (test_client_json (secretary, "POST", path,
                                        "{\"approval\":\"示范街道党工委同意网上表决\"}", NULL),
                      ==, 201);
  }
  test_ws_discard (member.ws);
  g_assert_cmpstr (test_ws_outcome (chair.ws, "vote.start", payload), ==, "meeting.ok");
  g_clear_pointer (&opened, json_node_unref);
  opened = test_ws_next_of_type (member_ws2, "vote.opened");
  vote_id = vote_id_of (opened);
  g_free (cast_ok (chair.ws, vote_id, "for"));
  g_free (cast_ok (member_ws2, vote_id, "for"));
  g_free (cast_ok (member2.ws, vote_id, "for"));
  g_free (cast_ok (li.ws, vote_id, "abstain"));
  test_ws_discard (zhao.ws);
  g_assert_cmpstr (test_ws_outcome (chair.ws, "vote.close", NULL), ==, "meeting.ok");
  g_clear_pointer (&result, json_node_unref);
  result = test_ws_next_of_type (zhao.ws, "vote.result");
  vote = json_object_get_object_member (test_ws_payload (result), "vote");
  g_assert_cmpint (
      json_object_get_int_member (json_object_get_object_member (vote, "ballots"), "for"), ==, 3);
  g_assert_cmpint (
      json_object_get_int_member (json_object_get_object_member (vote, "opinions"), "for"), ==, 1);
  g_assert_cmpint (
      json_object_get_int_member (json_object_get_object_member (vote, "opinions"), "against"), ==,
      0);
  g_assert_true (json_object_get_boolean_member (vote, "passed"));

  /* The quorum lost part-way voids the vote, and everyone is told. */
  test_ws_discard (chair.ws);
  g_assert_cmpstr (test_ws_outcome (chair.ws, "vote.start", "{\"title\":\"临时动议\"}"), ==,
                   "meeting.ok");
  tmp = cast_ok (member2.ws, vote_id_of (opened) + 1, "for");
  stand (&li);
  g_clear_pointer (&result, json_node_unref);
  result = test_ws_next_of_type (chair.ws, "vote.void");
  g_assert_nonnull (strstr (test_ws_pstr (result, "reason"), "法定人数"));
  g_assert_cmpstr (cast_outcome (zhao.ws, vote_id_of (opened) + 1, "for"), ==, "no_vote_open");

  /* A time limit closes the vote as the chair would. */
  sit (&li, "lihongmei", meeting);
  test_ws_discard (chair.ws);
  g_assert_cmpstr (
      test_ws_outcome (chair.ws, "vote.start", "{\"title\":\"限时表决\",\"seconds\":1}"), ==,
      "meeting.ok");
  g_clear_pointer (&result, json_node_unref);
  result = test_ws_next_of_type (chair.ws, "vote.result");
  vote = json_object_get_object_member (test_ws_payload (result), "vote");
  g_assert_cmpstr (json_object_get_string_member (vote, "state"), ==, "closed");
  g_assert_false (json_object_get_boolean_member (vote, "passed"));

  /* Nothing in the server's log gives a ballot away. */
  g_assert_null (strstr (test_server_log (server), "\"choice\""));
  stand (&chair);
  stand (&member);
  stand (&member2);
  stand (&li);
  stand (&zhao);
  stand (&sun);
}

/* An election over real sockets: 差额, three candidates for two seats.
 * Six expected voting members: the election quorum (80%) is 5, not the
 * meeting's 4; a candidate needs 4 approvals. Hostile ballots: unknown or
 * repeated candidates, more marks than candidates, a plain choice, a
 * second ballot; one approving three is cast but void. */
static void
record_approval (gint64 meeting)
{
  g_autoptr (TestClient) secretary = test_client_logged_in (server, "secretary");
  g_autofree char *path
      = g_strdup_printf ("api/meetings/%" G_GINT64_FORMAT "/vote-approval", meeting);

  g_assert_cmpuint (test_client_json (secretary, "POST", path,
                                      "{\"approval\":\"示范街道党工委同意网上选举\"}", NULL),
                    ==, 201);
}

static const char *
ballot_outcome (TestWs *ws, gint64 vote, const char *marks, JsonNode **reply_out)
{
  g_autofree char *payload
      = g_strdup_printf ("{\"vote_id\":%" G_GINT64_FORMAT ",\"marks\":%s}", vote, marks);
  JsonNode *reply = test_ws_request (ws, "vote.cast", payload);
  const char *type = test_ws_type (reply);
  static char outcome[64];

  g_strlcpy (outcome,
             g_str_equal (type, "error")
                 ? json_object_get_string_member (test_ws_payload (reply), "code")
                 : type,
             sizeof outcome);
  if (reply_out)
    *reply_out = reply;
  else
    json_node_unref (reply);
  return outcome;
}

static void
test_election_hostile (void)
{
  gint64 meeting = schedule ("general");
  gint64 election = announce (meeting, "{\"kind\":\"election\",\"title\":\"选举支部委员\","
                                       "\"candidates\":[\"张三\",\"李四\",\"王五\"],"
                                       "\"seats\":2}");
  g_autoptr (TestClient) secretary = test_client_logged_in (server, "secretary");
  g_autofree char *path = g_strdup_printf ("api/meetings/%" G_GINT64_FORMAT "/motions", meeting);
  g_autofree char *payload = start_payload (election);
  g_autofree char *vote_path = NULL;
  Seat chair = { 0 }, member = { 0 }, member2 = { 0 }, li = { 0 }, chen = { 0 };
  g_autoptr (JsonNode) opened = NULL;
  g_autoptr (JsonNode) result = NULL;
  g_autoptr (JsonNode) listed = NULL;
  g_autoptr (JsonNode) counted = NULL;
  g_autoptr (JsonNode) rest = NULL;
  JsonObject *vote, *e;
  JsonArray *candidates;
  gint64 vote_id;

  /* Candidates only on an election, 2..30 of them, seats within. */
  g_assert_cmpuint (test_client_json (secretary, "POST", path,
                                      "{\"kind\":\"election\",\"title\":\"选举\","
                                      "\"candidates\":[\"张三\"],\"seats\":1}",
                                      NULL),
                    ==, 422);
  g_assert_cmpuint (test_client_json (secretary, "POST", path,
                                      "{\"kind\":\"election\",\"title\":\"选举\","
                                      "\"candidates\":[\"张三\",\"张三\"],\"seats\":1}",
                                      NULL),
                    ==, 422);
  g_assert_cmpuint (test_client_json (secretary, "POST", path,
                                      "{\"kind\":\"election\",\"title\":\"选举\","
                                      "\"candidates\":[\"张三\",\"李四\"],\"seats\":3}",
                                      NULL),
                    ==, 422);
  g_assert_cmpuint (test_client_json (secretary, "POST", path,
                                      "{\"title\":\"审议\",\"candidates\":[\"张三\",\"李四\"]}",
                                      NULL),
                    ==, 400);
  g_assert_cmpuint (test_client_json (secretary, "GET", path, NULL, &listed), ==, 200);
  e = json_object_get_object_member (
      json_array_get_object_element (
          json_object_get_array_member (json_node_get_object (listed), "motions"), 0),
      "election");
  g_assert_cmpint (json_object_get_int_member (e, "seats"), ==, 2);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (e, "candidates")), ==, 3);

  record_approval (meeting);
  sit (&chair, "secretary", meeting);
  sit (&member, "member", meeting);
  sit (&member2, "member2", meeting);
  sit (&li, "lihongmei", meeting);
  g_assert_cmpstr (test_ws_outcome (chair.ws, "meeting.start", NULL), ==, "meeting.ok");
  /* Four of six: a quorum for a motion, not for an election. */
  g_assert_cmpstr (test_ws_outcome (chair.ws, "vote.start", payload), ==, "no_quorum");
  sit (&chen, "chenjing", meeting);
  test_ws_discard (member.ws);
  g_assert_cmpstr (test_ws_outcome (chair.ws, "vote.start", payload), ==, "meeting.ok");
  opened = test_ws_next_of_type (member.ws, "vote.opened");
  vote_id = vote_id_of (opened);
  e = json_object_get_object_member (
      json_object_get_object_member (test_ws_payload (opened), "vote"), "election");
  g_assert_cmpint (json_object_get_int_member (e, "seats"), ==, 2);
  candidates = json_object_get_array_member (e, "candidates");
  g_assert_cmpstr (
      json_object_get_string_member (json_array_get_object_element (candidates, 1), "name"), ==,
      "李四");

  /* Hostile ballots change nothing. */
  g_assert_cmpstr (
      ballot_outcome (member2.ws, vote_id, "[{\"candidate\":5,\"choice\":\"for\"}]", NULL), ==,
      "bad_request");
  g_assert_cmpstr (
      ballot_outcome (member2.ws, vote_id, "[{\"candidate\":-1,\"choice\":\"for\"}]", NULL), ==,
      "bad_request");
  g_assert_cmpstr (ballot_outcome (member2.ws, vote_id,
                                   "[{\"candidate\":0,\"choice\":\"for\"},"
                                   "{\"candidate\":0,\"choice\":\"against\"}]",
                                   NULL),
                   ==, "bad_request");
  g_assert_cmpstr (ballot_outcome (member2.ws, vote_id,
                                   "[{\"candidate\":0,\"choice\":\"for\"},"
                                   "{\"candidate\":1,\"choice\":\"for\"},"
                                   "{\"candidate\":2,\"choice\":\"against\"},"
                                   "{\"candidate\":3,\"choice\":\"for\"}]",
                                   NULL),
                   ==, "bad_request");
  g_assert_cmpstr (
      ballot_outcome (member2.ws, vote_id, "[{\"candidate\":\"0\",\"choice\":\"for\"}]", NULL), ==,
      "bad_request");
  g_assert_cmpstr (ballot_outcome (member2.ws, vote_id, "{\"0\":\"for\"}", NULL), ==,
                   "bad_request");
  g_assert_cmpstr (
      ballot_outcome (member2.ws, vote_id, "[{\"candidate\":0,\"choice\":\"yes\"}]", NULL), ==,
      "bad_request");
  g_assert_cmpstr (cast_outcome (member2.ws, vote_id, "for"), ==, "bad_request");
  /* Ballots: 张三 4 approvals (elected), 李四 2, 王五 2; one void. */
  g_assert_cmpstr (ballot_outcome (chair.ws, vote_id,
                                   "[{\"candidate\":0,\"choice\":\"for\"},"
                                   "{\"candidate\":1,\"choice\":\"for\"}]",
                                   NULL),
                   ==, "vote.counted");
  g_assert_cmpstr (
      ballot_outcome (chair.ws, vote_id, "[{\"candidate\":2,\"choice\":\"for\"}]", NULL), ==,
      "already_voted");
  g_assert_cmpstr (ballot_outcome (member.ws, vote_id,
                                   "[{\"candidate\":0,\"choice\":\"for\"},"
                                   "{\"candidate\":1,\"choice\":\"for\"},"
                                   "{\"candidate\":2,\"choice\":\"for\"}]",
                                   &counted),
                   ==, "vote.counted");
  g_assert_false (test_ws_pbool (counted, "valid"));
  g_assert_cmpuint (strlen (test_ws_pstr (counted, "receipt")), ==, 32);
  g_assert_cmpstr (ballot_outcome (member2.ws, vote_id,
                                   "[{\"candidate\":0,\"choice\":\"for\"},"
                                   "{\"candidate\":2,\"choice\":\"for\"},"
                                   "{\"candidate\":1,\"choice\":\"against\"}]",
                                   NULL),
                   ==, "vote.counted");
  g_assert_cmpstr (ballot_outcome (li.ws, vote_id,
                                   "[{\"candidate\":1,\"choice\":\"for\"},"
                                   "{\"candidate\":0,\"choice\":\"for\"}]",
                                   NULL),
                   ==, "vote.counted");
  g_clear_pointer (&counted, json_node_unref);
  g_assert_cmpstr (ballot_outcome (chen.ws, vote_id,
                                   "[{\"candidate\":0,\"choice\":\"for\"},"
                                   "{\"candidate\":2,\"choice\":\"for\"}]",
                                   &counted),
                   ==, "vote.counted");
  g_assert_true (test_ws_pbool (counted, "valid"));
  test_ws_discard (member.ws);
  g_assert_cmpstr (test_ws_outcome (chair.ws, "vote.close", NULL), ==, "meeting.ok");
  result = test_ws_next_of_type (member.ws, "vote.result");
  vote = json_object_get_object_member (test_ws_payload (result), "vote");
  g_assert_false (json_object_get_boolean_member (vote, "passed")); /* one seat left empty */
  e = json_object_get_object_member (vote, "election");
  g_assert_cmpint (json_object_get_int_member (e, "invalid"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (e, "elected"), ==, 1);
  g_assert_false (json_object_get_boolean_member (e, "runoff"));
  candidates = json_object_get_array_member (e, "candidates");
  {
    static const gint64 approvals[3] = { 4, 2, 2 };

    for (guint i = 0; i < 3; i++) {
      JsonObject *c = json_array_get_object_element (candidates, i);

      g_assert_cmpint (
          json_object_get_int_member (json_object_get_object_member (c, "marks"), "for"), ==,
          approvals[i]);
      g_assert_cmpint (json_object_get_boolean_member (c, "elected"), ==, i == 0);
    }
  }
  g_assert_cmpuint (
      json_array_get_length (json_object_get_array_member (test_ws_payload (result), "receipts")),
      ==, 5);
  /* The same through REST. */
  vote_path = g_strdup_printf ("api/votes/%" G_GINT64_FORMAT, vote_id);
  g_assert_cmpuint (test_client_json (secretary, "GET", vote_path, NULL, &rest), ==, 200);
  e = json_object_get_object_member (
      json_object_get_object_member (json_node_get_object (rest), "vote"), "election");
  g_assert_cmpint (json_object_get_int_member (e, "elected"), ==, 1);
  g_assert_null (strstr (test_server_log (server), "\"marks\""));
  stand (&chair);
  stand (&member);
  stand (&member2);
  stand (&li);
  stand (&chen);
}

static char *
pair_marks (guint a, guint b)
{
  return g_strdup_printf ("[{\"candidate\":%u,\"choice\":\"for\"},"
                          "{\"candidate\":%u,\"choice\":\"for\"}]",
                          a, b);
}

/* Each of the six casts a ballot approving the pair @pairs[i]. */
static void
cast_pairs (Seat *seats, gint64 vote, const guint pairs[6][2])
{
  for (guint i = 0; i < 6; i++) {
    g_autofree char *marks = pair_marks (pairs[i][0], pairs[i][1]);

    g_assert_cmpstr (ballot_outcome (seats[i].ws, vote, marks, NULL), ==, "vote.counted");
  }
}

/* Closes the open vote as the chair; returns the result's election. */
static JsonObject *
close_election (Seat *seats, JsonNode **result)
{
  test_ws_discard (seats[1].ws);
  g_assert_cmpstr (test_ws_outcome (seats[0].ws, "vote.close", NULL), ==, "meeting.ok");
  *result = test_ws_next_of_type (seats[1].ws, "vote.result");
  return json_object_get_object_member (
      json_object_get_object_member (test_ws_payload (*result), "vote"), "election");
}

/* A three-way tie for two seats (4 approvals each of 6): nobody is
 * elected and all three may stand again. The chair starts the runoff
 * (另行选举) with one message; a member, a start while a vote is open, an
 * unknown election, a mixed payload, a second runoff and a runoff of a
 * filled election are refused. The runoff fills both seats; the combined
 * result and the CSV say who. */
static void
test_election_runoff (void)
{
  static const char *const logins[6]
      = { "secretary", "member", "member2", "lihongmei", "zhangwei", "chenjing" };
  static const guint tie[6][2] = { { 0, 1 }, { 0, 1 }, { 0, 2 }, { 0, 2 }, { 1, 2 }, { 1, 2 } };
  static const guint second[6][2] = { { 0, 1 }, { 0, 1 }, { 0, 1 }, { 0, 1 }, { 0, 2 }, { 0, 2 } };
  gint64 meeting = schedule ("general");
  gint64 election = announce (meeting, "{\"kind\":\"election\",\"title\":\"选举支部委员\","
                                       "\"candidates\":[\"张三\",\"李四\",\"王五\"],"
                                       "\"seats\":2}");
  g_autofree char *payload = start_payload (election);
  g_autofree char *runoff = g_strdup_printf ("{\"runoff_of\":%" G_GINT64_FORMAT "}", election);
  g_autofree char *mixed
      = g_strdup_printf ("{\"runoff_of\":%" G_GINT64_FORMAT ",\"motion_id\":%" G_GINT64_FORMAT "}",
                         election, election);
  g_autofree char *again = NULL;
  g_autofree char *csv_path
      = g_strdup_printf ("api/meetings/%" G_GINT64_FORMAT "/motions?format=csv", meeting);
  g_autoptr (JsonNode) opened = NULL;
  g_autoptr (JsonNode) result = NULL;
  g_autoptr (JsonNode) result2 = NULL;
  g_autoptr (GBytes) raw = NULL;
  g_autoptr (TestClient) outsider = NULL;
  g_auto (GStrv) lines = NULL;
  Seat seats[6] = { 0 };
  JsonObject *e, *plan, *combined, *vote;
  JsonArray *elected;
  gint64 vote_id, runoff_id;
  const char *csv;

  record_approval (meeting);
  for (guint i = 0; i < 6; i++)
    sit (&seats[i], logins[i], meeting);
  g_assert_cmpstr (test_ws_outcome (seats[0].ws, "meeting.start", NULL), ==, "meeting.ok");
  test_ws_discard (seats[1].ws);
  g_assert_cmpstr (test_ws_outcome (seats[0].ws, "vote.start", payload), ==, "meeting.ok");
  opened = test_ws_next_of_type (seats[1].ws, "vote.opened");
  vote_id = vote_id_of (opened);
  /* Nothing to run off while the election itself is open. */
  g_assert_cmpstr (test_ws_outcome (seats[0].ws, "vote.start", runoff), ==, "vote_open");
  cast_pairs (seats, vote_id, tie);
  e = close_election (seats, &result);
  g_assert_cmpint (json_object_get_int_member (e, "elected"), ==, 0);
  g_assert_true (json_object_get_boolean_member (e, "runoff"));
  plan = json_object_get_object_member (e, "runoff_plan");
  g_assert_cmpint (json_object_get_int_member (plan, "seats"), ==, 2);
  g_assert_true (json_object_get_boolean_member (plan, "tie"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (plan, "candidates")), ==,
                    3);
  combined = json_object_get_object_member (e, "combined");
  g_assert_cmpint (json_object_get_int_member (combined, "open_seats"), ==, 2);

  /* Hostile starts. */
  g_assert_cmpstr (test_ws_outcome (seats[1].ws, "vote.start", runoff), ==, "forbidden");
  g_assert_cmpstr (test_ws_outcome (seats[0].ws, "vote.start", "{\"runoff_of\":987654}"), ==,
                   "not_found");
  g_assert_cmpstr (test_ws_outcome (seats[0].ws, "vote.start", mixed), ==, "bad_request");

  test_ws_discard (seats[1].ws);
  g_assert_cmpstr (test_ws_outcome (seats[0].ws, "vote.start", runoff), ==, "meeting.ok");
  g_clear_pointer (&opened, json_node_unref);
  opened = test_ws_next_of_type (seats[1].ws, "vote.opened");
  vote_id = vote_id_of (opened);
  vote = json_object_get_object_member (test_ws_payload (opened), "vote");
  g_assert_cmpstr (json_object_get_string_member (vote, "title"), ==, "选举支部委员（另行选举）");
  runoff_id = json_object_get_int_member (vote, "motion_id");
  e = json_object_get_object_member (vote, "election");
  g_assert_cmpint (json_object_get_int_member (e, "runoff_of"), ==, election);
  g_assert_cmpint (json_object_get_int_member (e, "seats"), ==, 2);
  g_assert_cmpint (vote_id, >, 0);
  /* Not twice, not while it is open. */
  g_assert_cmpstr (test_ws_outcome (seats[0].ws, "vote.start", runoff), ==, "vote_open");
  cast_pairs (seats, vote_id, second); /* 张三 6, 李四 4, 王五 2 */
  e = close_election (seats, &result2);
  g_assert_cmpint (json_object_get_int_member (e, "elected"), ==, 2);
  g_assert_true (json_object_get_null_member (e, "runoff_plan"));
  combined = json_object_get_object_member (e, "combined");
  g_assert_cmpint (json_object_get_int_member (combined, "motion_id"), ==, election);
  g_assert_cmpint (json_object_get_int_member (combined, "open_seats"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (combined, "rounds"), ==, 2);
  elected = json_object_get_array_member (combined, "elected");
  g_assert_cmpuint (json_array_get_length (elected), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (elected, 0), ==, "张三");
  g_assert_cmpstr (json_array_get_string_element (elected, 1), ==, "李四");
  g_assert_cmpstr (test_ws_outcome (seats[0].ws, "vote.start", runoff), ==, "invalid_state");
  again = g_strdup_printf ("{\"runoff_of\":%" G_GINT64_FORMAT "}", runoff_id);
  g_assert_cmpstr (test_ws_outcome (seats[0].ws, "vote.start", again), ==, "invalid_state");

  /* The CSV: a row per election and per candidate, counts only. */
  g_assert_cmpuint (test_client_send (seats[1].client, "GET", csv_path, NULL, NULL, 0, NULL, &raw),
                    ==, 200);
  csv = g_bytes_get_data (raw, NULL);
  g_assert_true (g_str_has_prefix (csv, "\xEF\xBB\xBF表决事项,"));
  lines = g_strsplit (csv, "\r\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 10); /* header, 2 × (1 + 3), the empty tail */
  g_assert_true (g_str_has_prefix (lines[5], "选举支部委员（另行选举）,选举,无记名投票,"));
  g_assert_nonnull (strstr (lines[5], ",选举支部委员,张三、李四（应选 2 人，已选满）,"));
  g_assert_true (g_str_has_prefix (lines[6], "选举支部委员（另行选举）,候选人,"));
  g_assert_nonnull (strstr (lines[6], ",张三,6,0,0,,,,,当选,是,选举支部委员,,"));
  for (guint i = 0; i < 6; i++)
    g_assert_null (strstr (csv, i == 0 ? "王建国" : i == 1 ? "黄丽" : "刘洋"));
  /* The same access as the results: a session, and whoever reads them. */
  outsider = test_client_new (server);
  g_clear_pointer (&raw, g_bytes_unref);
  g_assert_cmpuint (test_client_send (outsider, "GET", csv_path, NULL, NULL, 0, NULL, &raw), ==,
                    401);
  for (guint i = 0; i < 6; i++)
    stand (&seats[i]);
}

/* The election quorum lost part-way voids it: five of six present, one
 * leaves; four would still be a meeting's quorum. */
static void
test_election_quorum_lost (void)
{
  gint64 meeting = schedule ("general");
  gint64 election = announce (meeting, "{\"kind\":\"election\",\"title\":\"选举书记\","
                                       "\"candidates\":[\"张三\",\"李四\"],\"seats\":1}");
  g_autofree char *payload = start_payload (election);
  Seat chair = { 0 }, member = { 0 }, member2 = { 0 }, li = { 0 }, chen = { 0 };
  g_autoptr (JsonNode) result = NULL;

  record_approval (meeting);
  sit (&chair, "secretary", meeting);
  sit (&member, "member", meeting);
  sit (&member2, "member2", meeting);
  sit (&li, "lihongmei", meeting);
  sit (&chen, "chenjing", meeting);
  g_assert_cmpstr (test_ws_outcome (chair.ws, "meeting.start", NULL), ==, "meeting.ok");
  test_ws_discard (chair.ws);
  g_assert_cmpstr (test_ws_outcome (chair.ws, "vote.start", payload), ==, "meeting.ok");
  stand (&chen);
  result = test_ws_next_of_type (chair.ws, "vote.void");
  g_assert_nonnull (strstr (test_ws_pstr (result, "reason"), "法定人数"));
  stand (&chair);
  stand (&member);
  stand (&member2);
  stand (&li);
}

/* A lesson takes no votes; a motion cannot be announced on it either. */
static void
test_no_votes_in_a_lesson (void)
{
  gint64 meeting = schedule ("lesson");
  g_autoptr (TestClient) secretary = test_client_logged_in (server, "secretary");
  g_autofree char *path = g_strdup_printf ("api/meetings/%" G_GINT64_FORMAT "/motions", meeting);
  Seat chair = { 0 };

  g_assert_cmpuint (test_client_json (secretary, "POST", path, "{\"title\":\"审议\"}", NULL), ==,
                    422);
  sit (&chair, "secretary", meeting);
  g_assert_cmpstr (test_ws_outcome (chair.ws, "meeting.start", NULL), ==, "meeting.ok");
  g_assert_cmpstr (test_ws_outcome (chair.ws, "vote.start", "{\"title\":\"临时\"}"), ==, "invalid");
  stand (&chair);
}

int
main (int argc, char **argv)
{
  /* The hostile ballots and starts below come faster than any person
   * votes or chairs: more than the default bursts per account. */
  const char *sets[] = { "websocket.hand_burst=40", "websocket.chair_burst=60", NULL };
  int status;

  g_test_init (&argc, &argv, NULL);
  server = test_server_start (sets);
  first_branch = test_org_id (server, "第一党支部");
  chair_member = test_member_id (server, first_branch, "王建国");
  /* The demo gives 张伟, 李红梅, 陈静, 赵磊 and 孙浩 their accounts. */
  g_test_add_func ("/votes/secret-ballot-hostile", test_secret_ballot_hostile);
  g_test_add_func ("/votes/none-in-a-lesson", test_no_votes_in_a_lesson);
  g_test_add_func ("/votes/election-hostile", test_election_hostile);
  g_test_add_func ("/votes/election-quorum-lost", test_election_quorum_lost);
  g_test_add_func ("/votes/election-runoff", test_election_runoff);
  status = g_test_run ();
  test_server_stop (server);
  return status;
}
