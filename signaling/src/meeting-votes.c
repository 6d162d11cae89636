/* Votes in the live meeting (docs/votes.md, docs/protocol.md "Votes"): the
 * chair opens a vote on an announced motion or an ad hoc one, with quorum;
 * members with a vote get a ballot and vote once; the chair closes it, or
 * its time limit does; the quorum lost part-way voids it. The rules and
 * the store are minutes/'s (vote.c, ballot-box.c); this file keeps the one
 * open vote per meeting with its in-memory ballot box, follows the room
 * event stream for the quorum, and tells everyone.
 *
 * Secrecy: no choice is logged, stored or sent to anyone but the voter's
 * own reply (and for an open vote the result); progress counts ballots,
 * never choices. SPDX-License-Identifier: Apache-2.0 */
#include "meeting-private.h"
#include "vote-json.h"

#define VOTE_MAX_SECONDS 3600

typedef struct {
  gint64 meeting_id;
  ShVote *vote;
  ShBallotBox *box;
  guint timer; /* the time limit's source, 0 if none */
  gint64 ends_at;
} LiveVote;

typedef struct {
  ShServer *server;
  GHashTable *live;    /* meeting id -> LiveVote */
  GHashTable *pending; /* meeting ids with a quorum check queued */
  guint idle;
} Votes;

/* One Votes per server, for the handlers (which see only the server). */
static GHashTable *votes_of_server;

static void
live_vote_free (LiveVote *lv)
{
  if (lv->timer)
    g_source_remove (lv->timer);
  sh_vote_free (lv->vote);
  sh_ballot_box_free (lv->box);
  g_free (lv);
}

static Votes *
votes_for (ShServer *server)
{
  return votes_of_server ? g_hash_table_lookup (votes_of_server, server) : NULL;
}

static LiveVote *
live_of (ShServer *server, gint64 meeting_id)
{
  Votes *votes = votes_for (server);

  return votes ? g_hash_table_lookup (votes->live, &meeting_id) : NULL;
}

/* Member ids of the participants with a vote who are in the room now, on a
 * socket, with no media connection lost. (transfer full) */
static GArray *
present_voters (ShRoom *room)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  GPtrArray *participants = room ? sh_room_participants (room) : NULL;

  for (guint i = 0; participants && i < participants->len; i++) {
    ShRoomParticipant *p = g_ptr_array_index (participants, i);

    if (p->has_vote && p->member_id && p->client && !p->legs_lost)
      g_array_append_val (ids, p->member_id);
  }
  return ids;
}

static void
add_open_vote (JsonBuilder *b, ShServer *server, const LiveVote *lv)
{
  g_autoptr (ShMotion) mo = sh_motion_get (server->store, lv->vote->motion_id, NULL);

  json_builder_set_member_name (b, "vote");
  sh_build_vote (server->store, server->tz, b, lv->vote);
  json_builder_set_member_name (b, "candidate");
  if (mo && mo->candidate)
    json_builder_add_string_value (b, mo->candidate);
  else
    json_builder_add_null_value (b);
  sh_json_builder_add_time (b, "ends_at", lv->ends_at, server->tz);
  json_builder_set_member_name (b, "cast");
  json_builder_add_int_value (b, sh_ballot_box_count (lv->box));
}

/* vote.opened to each participant, with whether they may vote. */
static void
send_opened (ShServer *server, ShRoom *room, const LiveVote *lv)
{
  GPtrArray *participants = sh_room_participants (room);

  for (guint i = 0; i < participants->len; i++) {
    ShRoomParticipant *p = g_ptr_array_index (participants, i);
    g_autoptr (JsonBuilder) b = NULL;

    if (!p->client)
      continue;
    b = json_builder_new ();
    json_builder_begin_object (b);
    add_open_vote (b, server, lv);
    json_builder_set_member_name (b, "may_vote");
    json_builder_add_boolean_value (b, p->has_vote && p->member_id != 0);
    json_builder_end_object (b);
    sh_ws_send (p->client, "vote.opened", NULL, b);
  }
}

static void
broadcast (ShRoom *room, const char *type, JsonBuilder *b)
{
  g_autoptr (JsonNode) node = json_builder_get_root (b);

  if (room)
    sh_meeting_broadcast (room, type, node, NULL);
}

static void
send_progress (ShServer *server, ShRoom *room, const LiveVote *lv)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (GArray) present = present_voters (room);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "vote_id");
  json_builder_add_int_value (b, lv->vote->id);
  json_builder_set_member_name (b, "cast");
  json_builder_add_int_value (b, sh_ballot_box_count (lv->box));
  json_builder_set_member_name (b, "present_voting");
  json_builder_add_int_value (b, present->len);
  json_builder_end_object (b);
  broadcast (room, "vote.progress", b);
}

/* Takes the live vote of @meeting_id out. (transfer full) */
static LiveVote *
take_live (ShServer *server, gint64 meeting_id)
{
  Votes *votes = votes_for (server);
  gpointer key = NULL, value = NULL;

  if (!votes || !g_hash_table_steal_extended (votes->live, &meeting_id, &key, &value))
    return NULL;
  g_free (key);
  return value;
}

/* Voids the open vote of @meeting_id for @reason and tells everyone. */
static void
void_vote (ShServer *server, gint64 meeting_id, const char *reason)
{
  LiveVote *lv = take_live (server, meeting_id);
  ShRoom *room = sh_rooms_lookup (server->rooms, meeting_id);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();

  if (!lv)
    return;
  if (!sh_vote_void (server->store, lv->vote->id, reason, &error))
    g_warning ("vote %" G_GINT64_FORMAT " void: %s", lv->vote->id, error->message);
  g_message ("vote %" G_GINT64_FORMAT " of meeting %" G_GINT64_FORMAT " void: %s", lv->vote->id,
             meeting_id, reason);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "vote_id");
  json_builder_add_int_value (b, lv->vote->id);
  sh_json_builder_add_string (b, "reason", reason);
  json_builder_end_object (b);
  broadcast (room, "vote.void", b);
  live_vote_free (lv);
}

/* Counts the open vote of @meeting_id and tells everyone the result.
 * Returns: FALSE with @error when it could not be counted. */
static gboolean
close_vote (ShServer *server, gint64 meeting_id, GError **error)
{
  LiveVote *lv = take_live (server, meeting_id);
  ShRoom *room = sh_rooms_lookup (server->rooms, meeting_id);
  g_autoptr (ShVote) result = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();

  if (!lv)
    return TRUE;
  result = sh_vote_close (server->store, lv->vote->id, lv->box, error);
  if (!result) {
    live_vote_free (lv);
    return FALSE;
  }
  g_message ("vote %" G_GINT64_FORMAT " of meeting %" G_GINT64_FORMAT " closed: %u ballots, %s",
             result->id, meeting_id, sh_ballot_box_count (lv->box),
             result->passed ? "passed" : "not passed");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "vote");
  sh_build_vote (server->store, server->tz, b, result);
  sh_build_vote_record (server->store, b, result);
  json_builder_end_object (b);
  broadcast (room, "vote.result", b);
  live_vote_free (lv);
  return TRUE;
}

typedef struct {
  ShServer *server;
  gint64 meeting_id;
} TimerData;

static gboolean
time_limit_reached (gpointer user_data)
{
  TimerData *t = user_data;
  LiveVote *lv = live_of (t->server, t->meeting_id);
  g_autoptr (GError) error = NULL;

  if (lv)
    lv->timer = 0; /* this source ends by returning REMOVE */
  if (lv && !close_vote (t->server, t->meeting_id, &error))
    void_vote (t->server, t->meeting_id, "计票失败，表决无效");
  return G_SOURCE_REMOVE;
}

/* The room changed: is the open vote's quorum still present? Run from the
 * main loop after the event, when whoever left is gone from the room. */
static gboolean
check_quorums (gpointer user_data)
{
  Votes *votes = user_data;
  g_autoptr (GList) ids = g_hash_table_get_keys (votes->pending);
  g_autoptr (GArray) copy = g_array_new (FALSE, FALSE, sizeof (gint64));

  votes->idle = 0;
  for (GList *l = ids; l; l = l->next)
    g_array_append_val (copy, *(gint64 *) l->data);
  g_hash_table_remove_all (votes->pending);
  for (guint i = 0; i < copy->len; i++) {
    gint64 meeting_id = g_array_index (copy, gint64, i);
    LiveVote *lv = g_hash_table_lookup (votes->live, &meeting_id);
    ShRoom *room = sh_rooms_lookup (votes->server->rooms, meeting_id);
    g_autoptr (GArray) present = NULL;
    g_autoptr (GError) error = NULL;

    if (!lv)
      continue;
    if (!room || sh_room_state (room) != SH_MEETING_IN_PROGRESS) {
      void_vote (votes->server, meeting_id, "会议已结束，表决无效");
      continue;
    }
    present = present_voters (room);
    if (!sh_vote_quorum_held (votes->server->store, lv->vote, present, &error)) {
      if (error)
        g_warning ("vote %" G_GINT64_FORMAT " quorum: %s", lv->vote->id, error->message);
      void_vote (votes->server, meeting_id, "表决过程中到会有表决权的党员不足法定人数，表决无效");
      continue;
    }
    send_progress (votes->server, room, lv);
  }
  return G_SOURCE_REMOVE;
}

static void
on_room_event (ShRoom *room, const ShRoomEvent *event, gpointer user_data)
{
  Votes *votes = user_data;
  LiveVote *lv = g_hash_table_lookup (votes->live, &event->meeting_id);

  if (!lv)
    return;
  switch (event->kind) {
    case SH_ROOM_EVENT_JOINED:
      /* Attending the vote voids one's written opinion. */
      if (event->participant)
        sh_ballot_box_mark_present (lv->box, event->participant->member_id);
      break;
    case SH_ROOM_EVENT_LEFT:
    case SH_ROOM_EVENT_REMOVED:
    case SH_ROOM_EVENT_CONNECTION_LOST:
    case SH_ROOM_EVENT_STATE:
    case SH_ROOM_EVENT_CLOSING:
      g_hash_table_add (votes->pending, g_memdup2 (&event->meeting_id, sizeof (gint64)));
      if (!votes->idle)
        votes->idle = g_idle_add (check_quorums, votes);
      break;
    default:
      break;
  }
}

static void
votes_free (gpointer data)
{
  Votes *votes = data;

  if (votes->idle)
    g_source_remove (votes->idle);
  g_hash_table_unref (votes->live);
  g_hash_table_unref (votes->pending);
  if (votes_of_server)
    g_hash_table_remove (votes_of_server, votes->server);
  g_free (votes);
}

void
sh_meeting_votes_attach (ShServer *server)
{
  Votes *votes = g_new0 (Votes, 1);
  g_autoptr (GError) error = NULL;
  gint n;

  /* Ballots live only in memory: a vote left open by a stopped server
   * cannot be counted. */
  n = sh_vote_void_all_open (server->store, "服务器重启，表决无效", &error);
  if (n < 0)
    g_warning ("voiding open votes: %s", error->message);
  else if (n > 0)
    g_message ("%d vote(s) left open by the last run are void", n);
  votes->server = server;
  votes->live = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                       (GDestroyNotify) live_vote_free);
  votes->pending = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  if (!votes_of_server)
    votes_of_server = g_hash_table_new (g_direct_hash, g_direct_equal);
  g_hash_table_insert (votes_of_server, server, votes);
  sh_rooms_subscribe (server->rooms, on_room_event, votes, votes_free);
}

static void
reply_error_from (ShWsMessage *m, const GError *error)
{
  const char *code = "internal";

  if (g_error_matches (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_STATE))
    code = "invalid_state";
  else if (g_error_matches (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID))
    code = "invalid";
  else if (g_error_matches (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_CONFLICT))
    code = "vote_open";
  else if (g_error_matches (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_NOT_FOUND))
    code = "not_found";
  if (g_str_equal (code, "internal")) {
    g_warning ("vote: %s", error->message);
    sh_ws_send_error (m->client, m->id, code, "服务器内部错误，请稍后重试");
    return;
  }
  sh_ws_send_error (m->client, m->id, code, error->message);
}

/* Whether a new motion of @kind may be put to the vote now (the meeting
 * takes votes, its quorum, for an election the approval), checked before
 * it is made so that a refused start leaves no motion behind. Returns:
 * FALSE after replying. */
static gboolean
may_start_new (ShWsMessage *m, const ShMeeting *meeting, ShMotionKind kind, GArray *present)
{
  ShServer *server = m->client->server;
  g_autoptr (GError) error = NULL;
  g_autoptr (ShAttendance) a = NULL;
  g_autoptr (ShVoteApproval) approval = NULL;
  ShVoteSettings settings;
  guint n_present = 0;

  if (!(a = sh_attendance_expected (server->store, meeting->id, &error))
      || !sh_vote_settings_get (server->store, meeting->org_id, &settings, &error)) {
    reply_error_from (m, error);
    return FALSE;
  }
  if (kind == SH_MOTION_ELECTION) {
    approval = sh_vote_approval_get (server->store, meeting->id, &error);
    if (error) {
      reply_error_from (m, error);
      return FALSE;
    }
  }
  for (guint i = 0; i < a->entries->len; i++) {
    const ShAttendanceEntry *e = g_ptr_array_index (a->entries, i);

    for (guint j = 0; e->role == SH_ATTENDANCE_EXPECTED && e->has_vote && j < present->len; j++)
      if (g_array_index (present, gint64, j) == e->member_id)
        n_present++;
  }
  if (!sh_vote_check_start (
          meeting->type, kind, a->voting, n_present, settings.election_share_percent,
          kind == SH_MOTION_ELECTION && settings.approval_required, approval != NULL, &error)) {
    sh_ws_send_error (m->client, m->id,
                      g_error_matches (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID)
                          ? "invalid"
                          : "no_quorum",
                      error->message);
    return FALSE;
  }
  return TRUE;
}

/* The runoff (另行选举) of the payload's runoff_of, an election of this
 * meeting whose result allows one: made (or the one made before and not
 * yet counted) once the start is known to be allowed. Returns: its id, 0
 * after replying. */
static gint64
runoff_for (ShWsMessage *m, const ShMeeting *meeting, gint64 runoff_of, GArray *present)
{
  ShServer *server = m->client->server;
  g_autoptr (ShMotion) original = sh_motion_get (server->store, runoff_of, NULL);
  g_autoptr (ShElectionRunoff) plan = NULL;
  g_autoptr (GError) error = NULL;
  gint64 id;

  if (!original || original->meeting_id != meeting->id) {
    sh_ws_send_error (m->client, m->id, "not_found", "本次会议没有该选举");
    return 0;
  }
  if (!(plan = sh_election_runoff_plan (server->store, runoff_of, &error))) {
    reply_error_from (m, error);
    return 0;
  }
  if (!plan->existing && !may_start_new (m, meeting, SH_MOTION_ELECTION, present))
    return 0;
  id = sh_election_runoff_create (server->store, runoff_of, m->client->account_id, &error);
  if (!id)
    reply_error_from (m, error);
  return id;
}

/* The motion to vote on: the payload's motion_id, the runoff of its
 * runoff_of, or a new ad hoc one from its title, after the quorum was
 * checked so that a refused start leaves no motion behind. Returns: its
 * id, 0 after replying. */
static gint64
motion_for (ShWsMessage *m, ShRoom *room, GArray *present)
{
  ShServer *server = m->client->server;
  const ShMeeting *meeting = sh_room_meeting (room);
  g_autofree char *title = sh_meeting_payload_string (m, "title");
  g_autoptr (GError) error = NULL;
  gint64 id = sh_meeting_payload_int (m, "motion_id", 0);
  gint64 runoff_of = sh_meeting_payload_int (m, "runoff_of", 0);

  if (runoff_of) {
    if (id || title) {
      sh_ws_send_error (m->client, m->id, "bad_request", "另行选举不能同时指定其他表决事项");
      return 0;
    }
    return runoff_for (m, meeting, runoff_of, present);
  }
  if (id) {
    g_autoptr (ShMotion) motion = sh_motion_get (server->store, id, NULL);

    /* A motion of another meeting is not this chair's to put. */
    if (!motion || motion->meeting_id != meeting->id) {
      sh_ws_send_error (m->client, m->id, "not_found", "本次会议没有该表决事项");
      return 0;
    }
    return id;
  }
  if (!title) {
    sh_ws_send_error (m->client, m->id, "bad_request", "请选择表决事项或填写临时表决事项");
    return 0;
  }
  if (!may_start_new (m, meeting, SH_MOTION_ORDINARY, present))
    return 0;
  id = sh_motion_create_ad_hoc (server->store, meeting->id, title,
                                sh_meeting_payload_bool (m, "secret", FALSE), m->client->account_id,
                                &error);
  if (!id)
    reply_error_from (m, error);
  return id;
}

static void
handle_start (ShWsMessage *m)
{
  ShServer *server = m->client->server;
  Votes *votes = votes_for (server);
  ShRoom *room = sh_rooms_of_client (server->rooms, m->client);
  gint64 meeting_id = sh_room_meeting_id (room);
  gint64 seconds = sh_meeting_payload_int (m, "seconds", 0);
  g_autoptr (GArray) present = present_voters (room);
  g_autoptr (GError) error = NULL;
  g_autoptr (ShElection) election = NULL;
  GPtrArray *participants;
  LiveVote *lv;
  ShVote *v;
  gint64 motion_id;

  if (!votes)
    return;
  if (g_hash_table_contains (votes->live, &meeting_id)) {
    sh_ws_send_error (m->client, m->id, "vote_open", "已有一项表决正在进行，请先结束该表决");
    return;
  }
  if (!(motion_id = motion_for (m, room, present)))
    return;
  v = sh_vote_open (server->store, motion_id, present, m->client->account_id, &error);
  if (!v) {
    if (g_error_matches (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_STATE)
        && g_strstr_len (error->message, -1, "不足"))
      sh_ws_send_error (m->client, m->id, "no_quorum", error->message);
    else
      reply_error_from (m, error);
    return;
  }
  lv = g_new0 (LiveVote, 1);
  lv->meeting_id = meeting_id;
  lv->vote = v;
  election = sh_election_get (server->store, v->motion_id, &error);
  if (error) {
    reply_error_from (m, error);
    sh_vote_void (server->store, v->id, "读取候选人名单失败，表决无效", NULL);
    g_free (lv);
    sh_vote_free (v);
    return;
  }
  lv->box = election
                ? sh_ballot_box_new_election (g_strv_length (election->candidates), election->seats)
                : sh_ballot_box_new (v->secret);
  participants = sh_room_participants (room);
  for (guint i = 0; i < participants->len; i++)
    sh_ballot_box_mark_present (
        lv->box, ((ShRoomParticipant *) g_ptr_array_index (participants, i))->member_id);
  if (seconds > 0) {
    TimerData *t = g_new0 (TimerData, 1);

    t->server = server;
    t->meeting_id = meeting_id;
    seconds = MIN (seconds, VOTE_MAX_SECONDS);
    lv->ends_at = g_get_real_time () + seconds * G_USEC_PER_SEC;
    lv->timer = g_timeout_add_seconds_full (G_PRIORITY_DEFAULT, (guint) seconds, time_limit_reached,
                                            t, g_free);
  }
  g_hash_table_insert (votes->live, g_memdup2 (&meeting_id, sizeof meeting_id), lv);
  g_message ("vote %" G_GINT64_FORMAT " opened in meeting %" G_GINT64_FORMAT
             " by account %" G_GINT64_FORMAT " (%s, %u of %u voting present)",
             v->id, meeting_id, m->client->account_id, v->secret ? "secret" : "open",
             v->present_at_start, v->expected_voting);
  send_opened (server, room, lv);
  sh_meeting_reply_ok (m);
}

static gboolean
refuse (GError **error, const char *message)
{
  g_set_error_literal (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID, message);
  return FALSE;
}

/* An election ballot's marks, one per candidate in ballot order, from
 * the payload's "marks": [{"candidate": position, "choice"}, ...]; a
 * candidate not listed is 弃权. Unknown or repeated candidates are
 * refused. Returns: FALSE with a message for the voter. */
static gboolean
parse_marks (JsonObject *payload, ShVoteChoice *marks, guint n, GError **error)
{
  JsonNode *node = json_object_get_member (payload, "marks");
  g_autofree gboolean *seen = g_new0 (gboolean, n);
  JsonArray *array;

  for (guint i = 0; i < n; i++)
    marks[i] = SH_VOTE_ABSTAIN;
  if (!node || JSON_NODE_HOLDS_NULL (node))
    return refuse (error, "请对候选人逐一表态");
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return refuse (error, "选票格式不正确");
  array = json_node_get_array (node);
  if (json_array_get_length (array) > n)
    return refuse (error, "选票上的表态多于候选人数");
  for (guint i = 0; i < json_array_get_length (array); i++) {
    JsonNode *item = json_array_get_element (array, i);
    JsonObject *o = JSON_NODE_HOLDS_OBJECT (item) ? json_node_get_object (item) : NULL;
    JsonNode *cand = o ? json_object_get_member (o, "candidate") : NULL;
    JsonNode *choice = o ? json_object_get_member (o, "choice") : NULL;
    gint64 position;
    ShVoteChoice c;

    if (!cand || !JSON_NODE_HOLDS_VALUE (cand) || json_node_get_value_type (cand) != G_TYPE_INT64
        || !choice || !JSON_NODE_HOLDS_VALUE (choice)
        || json_node_get_value_type (choice) != G_TYPE_STRING)
      return refuse (error, "选票格式不正确");
    position = json_node_get_int (cand);
    if (position < 0 || position >= (gint64) n)
      return refuse (error, "选票上有不在名单中的候选人");
    if (seen[position])
      return refuse (error, "选票上同一候选人出现了两次");
    if (!sh_vote_choice_from_string (json_node_get_string (choice), &c))
      return refuse (error, "请对每位候选人选择赞成、不赞成或弃权");
    seen[position] = TRUE;
    marks[position] = c;
  }
  return TRUE;
}

static void
handle_cast (ShWsMessage *m)
{
  ShServer *server = m->client->server;
  ShRoom *room = sh_rooms_of_client (server->rooms, m->client);
  ShRoomParticipant *p = sh_rooms_participant_for_client (server->rooms, m->client);
  LiveVote *lv = live_of (server, sh_room_meeting_id (room));
  g_autofree char *choice_s = sh_meeting_payload_string (m, "choice");
  g_autofree char *receipt = NULL;
  g_autofree char *hash = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonBuilder) b = NULL;
  ShVoteChoice choice;
  guint n_candidates;
  gboolean valid = TRUE, cast;

  if (!lv) {
    sh_ws_send_error (m->client, m->id, "no_vote_open", "当前没有进行中的表决");
    return;
  }
  if (sh_meeting_payload_int (m, "vote_id", 0) != lv->vote->id) {
    sh_ws_send_error (m->client, m->id, "vote_closed", "该表决已结束");
    return;
  }
  if (!p->has_vote || !p->member_id) {
    sh_ws_send_error (m->client, m->id, "no_vote_right", "您在本次会议没有表决权");
    return;
  }
  n_candidates = sh_ballot_box_candidates (lv->box);
  if (n_candidates) {
    g_autofree ShVoteChoice *marks = g_new (ShVoteChoice, n_candidates);

    if (!parse_marks (m->payload, marks, n_candidates, &error)) {
      sh_ws_send_error (m->client, m->id, "bad_request", error->message);
      return;
    }
    /* One ballot per member, whichever socket carries them. The marks
     * are added to the counters and forgotten with this frame. */
    cast = sh_ballot_box_cast_election (lv->box, p->member_id, marks, n_candidates, &valid,
                                        &receipt, &error);
  } else {
    if (!sh_vote_choice_from_string (choice_s, &choice)) {
      sh_ws_send_error (m->client, m->id, "bad_request", "请选择赞成、反对或弃权");
      return;
    }
    cast = sh_ballot_box_cast (lv->box, p->member_id, choice, &receipt, &error);
  }
  if (!cast) {
    sh_ws_send_error (m->client, m->id,
                      g_error_matches (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_CONFLICT)
                          ? "already_voted"
                          : "internal",
                      error->message);
    return;
  }
  hash = sh_ballot_receipt_hash (receipt);
  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "vote_id");
  json_builder_add_int_value (b, lv->vote->id);
  sh_json_builder_add_string (b, "receipt", receipt);
  sh_json_builder_add_string (b, "receipt_hash", hash);
  if (n_candidates) {
    json_builder_set_member_name (b, "valid");
    json_builder_add_boolean_value (b, valid);
  }
  sh_json_builder_add_string (
      b, "message", valid ? "您的选票已计入" : "您的选票已计入，但赞成人数多于应选人数，为无效票");
  json_builder_end_object (b);
  sh_ws_send (m->client, "vote.counted", m->id, b);
  send_progress (server, room, lv);
}

static void
handle_close (ShWsMessage *m)
{
  ShServer *server = m->client->server;
  gint64 meeting_id = sh_room_meeting_id (sh_rooms_of_client (server->rooms, m->client));
  LiveVote *lv = live_of (server, meeting_id);
  g_autoptr (GError) error = NULL;

  if (!lv) {
    sh_ws_send_error (m->client, m->id, "no_vote_open", "当前没有进行中的表决");
    return;
  }
  if (sh_meeting_payload_int (m, "vote_id", lv->vote->id) != lv->vote->id) {
    sh_ws_send_error (m->client, m->id, "vote_closed", "该表决已结束");
    return;
  }
  if (!close_vote (server, meeting_id, &error)) {
    reply_error_from (m, error);
    void_vote (server, meeting_id, "计票失败，表决无效");
    return;
  }
  sh_meeting_reply_ok (m);
}

static void
handle_status (ShWsMessage *m)
{
  ShServer *server = m->client->server;
  ShRoom *room = sh_rooms_of_client (server->rooms, m->client);
  ShRoomParticipant *p = sh_rooms_participant_for_client (server->rooms, m->client);
  LiveVote *lv = live_of (server, sh_room_meeting_id (room));
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  if (lv) {
    add_open_vote (b, server, lv);
    json_builder_set_member_name (b, "may_vote");
    json_builder_add_boolean_value (b, p->has_vote && p->member_id != 0);
    json_builder_set_member_name (b, "voted");
    json_builder_add_boolean_value (b, sh_ballot_box_has_voted (lv->box, p->member_id));
  } else {
    json_builder_set_member_name (b, "vote");
    json_builder_add_null_value (b);
  }
  json_builder_end_object (b);
  sh_ws_send (m->client, "vote.status", m->id, b);
}

static const ShWsField start_fields[]
    = { { "motion_id", SH_WS_FIELD_INT, FALSE, G_MAXINT64 },
        { "runoff_of", SH_WS_FIELD_INT, FALSE, G_MAXINT64 },
        { "title", SH_WS_FIELD_STRING, FALSE, SH_MOTION_TITLE_MAX_CHARS },
        { "secret", SH_WS_FIELD_BOOL, FALSE },
        { "seconds", SH_WS_FIELD_INT, FALSE, VOTE_MAX_SECONDS },
        { NULL } };
/* "choice" for a motion; an election's "marks" are checked by parse_marks(). */
static const ShWsField cast_fields[] = { { "vote_id", SH_WS_FIELD_INT, TRUE, G_MAXINT64 },
                                         { "choice", SH_WS_FIELD_STRING, FALSE, 10 },
                                         { NULL } };
static const ShWsField close_fields[]
    = { { "vote_id", SH_WS_FIELD_INT, FALSE, G_MAXINT64 }, { NULL } };

static const ShWsMessageDef vote_messages[] = {
  { "vote.start", handle_start, SH_WS_CHAIR, SH_WS_KIND_CHAIR, start_fields },
  { "vote.cast", handle_cast, SH_WS_PARTICIPANT, SH_WS_KIND_HAND, cast_fields },
  { "vote.close", handle_close, SH_WS_CHAIR, SH_WS_KIND_CHAIR, close_fields },
  { "vote.status", handle_status, SH_WS_PARTICIPANT, SH_WS_KIND_HAND, NULL },
  { NULL },
};

const ShWsProtocol sh_meeting_votes_protocol = {
  .messages = vote_messages,
  .socket_closed = NULL,
};
