/* The chair's live attendance panel: expected, present, on leave and
 * missing members, voting members present against the quorum, visitors and
 * guests apart, and the latest roll call. Present means in the room now
 * with one's own socket. A listener of the room event stream: every event
 * that moves a number (someone comes in, goes out, the meeting starts)
 * pushes `meeting.attendance` to the participants with chair powers, and
 * only to them; a chair who comes in gets it too. Changes close together
 * are sent once, from an idle callback, which also lets the join reply go
 * out before the panel. SPDX-License-Identifier: Apache-2.0 */
#include "meeting-attendance.h"

#include "json-util.h"

/* ------------------------------------------------------------ counting */

void
sh_attendance_panel_free (ShAttendancePanel *panel)
{
  if (!panel)
    return;
  g_ptr_array_unref (panel->present_list);
  g_ptr_array_unref (panel->missing);
  g_ptr_array_unref (panel->on_leave_list);
  g_ptr_array_unref (panel->visitors);
  g_ptr_array_unref (panel->excluded);
  g_ptr_array_unref (panel->guests);
  g_free (panel);
}

static const ShPanelPresence *
present_member (const ShPanelPresence *present, guint n, gint64 member_id)
{
  for (guint i = 0; member_id && i < n; i++)
    if (present[i].member_id == member_id)
      return &present[i];
  return NULL;
}

/* The entry of @a that @p matches: by member id, or a guest's account. */
static const ShAttendanceEntry *
entry_for (const ShAttendance *a, const ShPanelPresence *p)
{
  for (guint i = 0; i < a->entries->len; i++) {
    const ShAttendanceEntry *e = g_ptr_array_index (a->entries, i);

    if (p->member_id ? e->member_id == p->member_id
                     : (e->member_id == 0 && e->account_id && e->account_id == p->account_id))
      return e;
  }
  return NULL;
}

ShAttendancePanel *
sh_attendance_panel_count (const ShAttendance *a, ShMeetingType type,
                           const ShPanelPresence *present, guint n_present)
{
  ShAttendancePanel *panel = g_new0 (ShAttendancePanel, 1);

  g_return_val_if_fail (a != NULL, panel);
  g_return_val_if_fail (present != NULL || n_present == 0, panel);
  panel->present_list = g_ptr_array_new ();
  panel->missing = g_ptr_array_new ();
  panel->on_leave_list = g_ptr_array_new ();
  panel->visitors = g_ptr_array_new ();
  panel->excluded = g_ptr_array_new ();
  panel->guests = g_ptr_array_new ();
  panel->takes_votes = sh_rules_meeting_takes_votes (type);

  for (guint i = 0; i < a->entries->len; i++) {
    const ShAttendanceEntry *e = g_ptr_array_index (a->entries, i);

    if (e->role != SH_ATTENDANCE_EXPECTED)
      continue;
    panel->expected++;
    panel->voting += e->has_vote;
    if (present_member (present, n_present, e->member_id)) {
      panel->present++;
      panel->voting_present += e->has_vote;
      g_ptr_array_add (panel->present_list, (gpointer) e);
    } else if (e->leave_id && e->leave_state == SH_LEAVE_APPROVED) {
      panel->on_leave++;
      g_ptr_array_add (panel->on_leave_list, (gpointer) e);
    } else {
      panel->absent++;
      g_ptr_array_add (panel->missing, (gpointer) e);
    }
  }
  for (guint i = 0; i < n_present; i++) {
    const ShPanelPresence *p = &present[i];
    const ShAttendanceEntry *e = entry_for (a, p);

    if (e && e->role == SH_ATTENDANCE_EXPECTED)
      continue;
    if (e && e->role == SH_ATTENDANCE_EXCLUDED)
      g_ptr_array_add (panel->excluded, (gpointer) p);
    else if ((e && e->role == SH_ATTENDANCE_VISITOR) || p->role == SH_ROOM_ROLE_MIGRANT_VISITOR)
      g_ptr_array_add (panel->visitors, (gpointer) p);
    else
      g_ptr_array_add (panel->guests, (gpointer) p);
  }
  /* The quorum is of the frozen expected voting count, not of those who
   * happen to be counted here. */
  panel->quorum = sh_rules_quorum (type, a->voting);
  panel->quorum_met = panel->takes_votes && panel->voting_present >= panel->quorum;
  return panel;
}

/* ------------------------------------------------------------ the panel */

static void
add_uint (JsonBuilder *b, const char *field, guint value)
{
  json_builder_set_member_name (b, field);
  json_builder_add_int_value (b, value);
}

static void
add_entries (JsonBuilder *b, const char *field, GPtrArray *entries, const char *label)
{
  json_builder_set_member_name (b, field);
  json_builder_begin_array (b);
  for (guint i = 0; i < entries->len; i++) {
    const ShAttendanceEntry *e = g_ptr_array_index (entries, i);

    json_builder_begin_object (b);
    sh_json_builder_add_id (b, "member_id", e->member_id);
    sh_json_builder_add_string (b, "name", e->name);
    json_builder_set_member_name (b, "has_vote");
    json_builder_add_boolean_value (b, e->has_vote);
    sh_json_builder_add_string (b, "label", label);
    json_builder_end_object (b);
  }
  json_builder_end_array (b);
}

static void
add_people (JsonBuilder *b, const char *field, GPtrArray *people)
{
  json_builder_set_member_name (b, field);
  json_builder_begin_array (b);
  for (guint i = 0; i < people->len; i++) {
    const ShPanelPresence *p = g_ptr_array_index (people, i);

    json_builder_begin_object (b);
    sh_json_builder_add_id (b, "member_id", p->member_id);
    sh_json_builder_add_id (b, "account_id", p->account_id);
    sh_json_builder_add_string (b, "name", p->name);
    sh_json_builder_add_string (b, "role", sh_room_role_to_string (p->role));
    json_builder_end_object (b);
  }
  json_builder_end_array (b);
}

/* The meeting's latest roll call, open or not, with its entries; null
 * when there was none. */
static void
add_rollcall (JsonBuilder *b, ShServer *server, gint64 meeting_id)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) all = sh_rollcall_list (server->store, meeting_id, 0, &error);
  const ShRollcall *r;
  gint64 now = g_get_real_time ();

  json_builder_set_member_name (b, "rollcall");
  if (!all)
    g_warning ("meeting %" G_GINT64_FORMAT " roll calls: %s", meeting_id, error->message);
  if (!all || all->len == 0) {
    json_builder_add_null_value (b);
    return;
  }
  r = g_ptr_array_index (all, all->len - 1);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_int_value (b, r->id);
  json_builder_set_member_name (b, "open");
  json_builder_add_boolean_value (b, r->closed_at == 0);
  add_uint (b, "seconds", r->seconds);
  sh_json_builder_add_time (b, "started_at", r->started_at, server->tz);
  sh_json_builder_add_time (b, "deadline", r->deadline, server->tz);
  json_builder_set_member_name (b, "remaining_ms");
  json_builder_add_int_value (b, r->closed_at ? 0 : MAX (0, (r->deadline - now) / 1000));
  sh_json_builder_add_time (b, "closed_at", r->closed_at, server->tz);
  add_uint (b, "asked", r->asked);
  add_uint (b, "answered", r->answered);
  json_builder_set_member_name (b, "entries");
  json_builder_begin_array (b);
  for (guint i = 0; i < r->entries->len; i++) {
    const ShRollcallEntry *e = g_ptr_array_index (r->entries, i);

    json_builder_begin_object (b);
    sh_json_builder_add_id (b, "member_id", e->member_id);
    sh_json_builder_add_string (b, "name", e->name);
    json_builder_set_member_name (b, "expected");
    json_builder_add_boolean_value (b, e->expected);
    sh_json_builder_add_string (b, "outcome", sh_rollcall_outcome_to_string (e->outcome));
    sh_json_builder_add_string (b, "outcome_label", sh_rollcall_outcome_label (e->outcome));
    sh_json_builder_add_time (b, "answered_at", e->answered_at, server->tz);
    json_builder_end_object (b);
  }
  json_builder_end_array (b);
  json_builder_end_object (b);
}

/* The panel of @room as a `meeting.attendance` payload, or NULL (logged)
 * when the store cannot say. (transfer full) */
static JsonNode *
build_panel (ShServer *server, ShRoom *room)
{
  const ShMeeting *meeting = sh_room_meeting (room);
  GPtrArray *participants = sh_room_participants (room);
  g_autoptr (GArray) present = g_array_new (FALSE, TRUE, sizeof (ShPanelPresence));
  g_autoptr (ShAttendance) a = NULL;
  g_autoptr (ShAttendancePanel) panel = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autofree char *quorum_label = NULL;

  a = sh_attendance_expected (server->store, meeting->id, &error);
  if (!a) {
    g_warning ("meeting %" G_GINT64_FORMAT " attendance panel: %s", meeting->id, error->message);
    return NULL;
  }
  for (guint i = 0; i < participants->len; i++) {
    const ShRoomParticipant *p = g_ptr_array_index (participants, i);
    ShPanelPresence one = { p->member_id, p->account_id, p->name, p->role };

    if (p->client)
      g_array_append_val (present, one);
  }
  panel = sh_attendance_panel_count (a, meeting->type, (ShPanelPresence *) present->data,
                                     present->len);
  if (!panel->takes_votes)
    quorum_label = g_strdup ("无需法定人数");
  else
    quorum_label
        = g_strdup_printf ("有表决权的党员到会 %u 人，法定人数 %u 人，%s", panel->voting_present,
                           panel->quorum, panel->quorum_met ? "已达到" : "未达到");

  json_builder_begin_object (b);
  sh_json_builder_add_id (b, "meeting_id", meeting->id);
  json_builder_set_member_name (b, "frozen");
  json_builder_add_boolean_value (b, a->frozen);
  add_uint (b, "expected", panel->expected);
  add_uint (b, "present", panel->present);
  add_uint (b, "on_leave", panel->on_leave);
  add_uint (b, "absent", panel->absent);
  json_builder_set_member_name (b, "takes_votes");
  json_builder_add_boolean_value (b, panel->takes_votes);
  add_uint (b, "voting", panel->voting);
  add_uint (b, "voting_present", panel->voting_present);
  add_uint (b, "quorum", panel->quorum);
  json_builder_set_member_name (b, "quorum_met");
  json_builder_add_boolean_value (b, panel->quorum_met);
  sh_json_builder_add_string (b, "quorum_label", quorum_label);
  add_entries (b, "present_members", panel->present_list, "已到");
  add_entries (b, "missing", panel->missing, "未到");
  add_entries (b, "on_leave_members", panel->on_leave_list, "请假");
  add_people (b, "visitors", panel->visitors);
  add_people (b, "excluded", panel->excluded);
  add_people (b, "guests", panel->guests);
  add_rollcall (b, server, meeting->id);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* Sends the panel to every participant of @room with chair powers. */
static void
push (ShServer *server, ShRoom *room)
{
  GPtrArray *participants = sh_room_participants (room);
  g_autoptr (JsonNode) panel = NULL;

  for (guint i = 0; i < participants->len; i++) {
    const ShRoomParticipant *p = g_ptr_array_index (participants, i);

    if (!p->may_chair || !p->client)
      continue;
    if (!panel && !(panel = build_panel (server, room)))
      return;
    sh_ws_send_node (p->client, "meeting.attendance", NULL, panel);
  }
}

/* ------------------------------------------------------------- the state */

/* Per server: the pushes waiting for the idle callback, by meeting. */
typedef struct {
  ShServer *server;
  guint listener;
  GHashTable *pending; /* gint64 meeting id -> Pending */
} State;

typedef struct {
  State *state;
  gint64 meeting_id;
  guint source;
} Pending;

/* The servers' states (main thread only): a server is not a GObject and
 * has no slot of ours, and the REST and protocol handlers reach the panel
 * through their server. */
static GHashTable *states;

static State *
state_of (ShServer *server)
{
  return states ? g_hash_table_lookup (states, server) : NULL;
}

static void
pending_free (gpointer data)
{
  Pending *p = data;

  if (p->source)
    g_source_remove (p->source);
  g_free (p);
}

static gboolean
pending_fire (gpointer data)
{
  Pending *p = data;
  State *state = p->state;
  ShRoom *room = sh_rooms_lookup (state->server->rooms, p->meeting_id);

  p->source = 0;
  /* Frees @p: nothing of it is used below. */
  g_hash_table_remove (state->pending, &p->meeting_id);
  if (room)
    push (state->server, room);
  return G_SOURCE_REMOVE;
}

void
sh_meeting_attendance_changed (ShServer *server, gint64 meeting_id)
{
  State *state = state_of (server);
  Pending *p;

  if (!state || g_hash_table_contains (state->pending, &meeting_id))
    return;
  p = g_new0 (Pending, 1);
  p->state = state;
  p->meeting_id = meeting_id;
  p->source = g_idle_add (pending_fire, p);
  g_hash_table_insert (state->pending, &p->meeting_id, p);
}

static void
on_event (ShRoom *room, const ShRoomEvent *event, gpointer user_data)
{
  ShServer *server = user_data;

  switch (event->kind) {
    case SH_ROOM_EVENT_JOINED:
    case SH_ROOM_EVENT_LEFT:
    case SH_ROOM_EVENT_REMOVED:
    case SH_ROOM_EVENT_STATE:
      sh_meeting_attendance_changed (server, event->meeting_id);
      break;
    case SH_ROOM_EVENT_REPLACED:
      /* No number moved, but a chair on a new socket needs the panel. */
      if (event->participant && event->participant->may_chair)
        sh_meeting_attendance_changed (server, event->meeting_id);
      break;
    default:
      break;
  }
}

static void
state_free (State *state)
{
  g_hash_table_unref (state->pending);
  g_free (state);
}

static void
on_stop (ShServer *server, gpointer data)
{
  State *state = state_of (server);

  if (!state)
    return;
  sh_rooms_unsubscribe (server->rooms, state->listener);
  server->meeting_attendance_changed = NULL;
  g_hash_table_remove (states, server);
  if (g_hash_table_size (states) == 0)
    g_clear_pointer (&states, g_hash_table_unref);
}

void
sh_meeting_attendance_attach (ShServer *server)
{
  State *state = g_new0 (State, 1);

  if (!states)
    states
        = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, (GDestroyNotify) state_free);
  state->server = server;
  state->pending = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, pending_free);
  state->listener = sh_rooms_subscribe (server->rooms, on_event, server, NULL);
  g_hash_table_insert (states, server, state);
  /* REST decides leave while the meeting runs: the panel follows at once. */
  server->meeting_attendance_changed = sh_meeting_attendance_changed;
  sh_server_on_stop (server, on_stop, NULL);
}
