/* The live recording of meetings (docs/recording.md). A listener of the
 * room event stream: a meeting whose type [recording] requires starts a
 * recording as it starts (a recorder on a tap of its media room) and stops
 * it as it ends. Every fragment the recorder closes gets its row with
 * size, duration and SHA-256; each track its row with the publisher and
 * its offset on the recording's clock.
 *
 * At start-up, before any meeting opens, recordings a crash left open are
 * closed as interrupted at the crash moment, and the fragments they left
 * are read back and get their rows: nobody has to ask.
 *
 * Disk space: every SPACE_CHECK_S the free space of the recordings' file
 * system is read; below [recording] min_free_mb each recorded meeting's
 * chair is told once per crossing. A writer that finds the disk full stops
 * its recording (the meeting goes on), which is closed as interrupted
 * with what was written, and starts again as a new recording when space
 * is back. A server stopped in mid meeting closes its recordings the same
 * way, within SHUTDOWN_WAIT_MS.
 * SPDX-License-Identifier: Apache-2.0 */
#include <gst/gst.h>

#include <glib/gstdio.h>

#include "meeting-private.h"
#include "recording-space.h"
#include "sanhui-recorder.h"

/* Smaller than a Matroska header with one cluster of media in it. */
#define EMPTY_FRAGMENT_BYTES 1024
/* How often free space is read while something is recorded. */
#define SPACE_CHECK_S 10
/* How long a stopping server waits for its writers to close their
 * fragments; what is not closed by then is left to the crash recovery. */
#define SHUTDOWN_WAIT_MS 4000
#define NO_SPACE_MESSAGE "磁盘已满，录像已停止，已录内容已保存"

typedef struct {
  ShServer *server;
  GHashTable *active;   /* meeting id → Rec */
  GHashTable *no_space; /* meeting ids whose recording a full disk stopped, waiting for space */
  ShRecordingFinishedFunc finished;
  gpointer finished_data;
  guint space_source;
  gboolean stopping; /* the server stops: recordings close as interrupted */
  gint64 stopped_at;
} Recordings;

typedef struct {
  Recordings *owner;
  gint64 meeting_id;
  gint64 recording_id;
  ShRecorder *recorder;
  GHashTable *track_rows;    /* room track id → recording_tracks id */
  GCancellable *cancellable; /* the SHA-256s on worker threads */
  guint hashing;             /* fragments whose SHA-256 is being computed */
  gboolean recorder_stopped; /* every track ended; the row waits for the hashes */
  gint64 no_space_at;        /* when a writer found the disk full, 0 */
  guint64 written;           /* bytes of the fragments closed */
  ShRecordingSpace space;
  char *low_message; /* the last floor warning while space.low, for a chair who comes in */
  guint64 low_free;
  guint64 low_minutes;
} Rec;

static void
rec_free (gpointer data)
{
  Rec *rec = data;

  g_cancellable_cancel (rec->cancellable);
  g_clear_object (&rec->cancellable);
  g_clear_pointer (&rec->recorder, sh_recorder_free);
  g_hash_table_unref (rec->track_rows);
  g_free (rec->low_message);
  g_free (rec);
}

static void start (Recordings *owner, ShRoom *room);
static void recover_open_fragments (ShServer *server, gint64 recording_id);

/* One notice of the recording ("meeting.recording", docs/protocol.md). */
static void
send_notice (ShWsClient *client, const char *event, guint64 free_bytes, gint64 minutes_left,
             const char *message)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "event");
  json_builder_add_string_value (b, event);
  json_builder_set_member_name (b, "free_bytes");
  json_builder_add_int_value (b, (gint64) MIN (free_bytes, (guint64) G_MAXINT64));
  if (minutes_left >= 0) {
    json_builder_set_member_name (b, "minutes_left");
    json_builder_add_int_value (b, minutes_left);
  }
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, message);
  json_builder_end_object (b);
  sh_ws_send (client, "meeting.recording", NULL, b);
}

/* The recording's notices go to everyone in the room with chair powers:
 * the chair, a delegating or branch secretary, an admin. */
static void
notify_chairs (ShServer *server, gint64 meeting_id, const char *event, guint64 free_bytes,
               gint64 minutes_left, const char *message)
{
  ShRoom *room = sh_rooms_lookup (server->rooms, meeting_id);
  GPtrArray *participants;

  if (room == NULL)
    return;
  participants = sh_room_participants (room);
  for (guint i = 0; i < participants->len; i++) {
    const ShRoomParticipant *p = g_ptr_array_index (participants, i);

    if (p->may_chair && p->client != NULL)
      send_notice (p->client, event, free_bytes, minutes_left, message);
  }
}

char *
sh_meeting_data_relative (ShServer *server, const char *path)
{
  g_autofree char *data = g_canonicalize_filename (server->config->data_dir, NULL);
  g_autofree char *full = g_canonicalize_filename (path, NULL);
  gsize n = strlen (data);

  if (strncmp (full, data, n) != 0 || full[n] != G_DIR_SEPARATOR)
    return NULL;
  return g_strdup (full + n + 1);
}

/* The row of a finished fragment whose size and SHA-256 are known. */
static gboolean
store_row (ShServer *server, gint64 recording_id, gint64 track_row, const char *path,
           guint64 duration_ns, const char *sha, guint64 size, GError **error)
{
  g_autofree char *relative = sh_meeting_data_relative (server, path);

  if (relative == NULL) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_FILENAME, "%s is outside the data directory",
                 path);
    return FALSE;
  }
  ShRecordingFile file = {
    .recording_id = recording_id,
    .track_id = track_row,
    .kind = SH_RECORDING_FILE_FRAGMENT,
    .path = relative,
    .size = (gint64) size,
    .duration_ns = (gint64) duration_ns,
    .sha256 = (char *) sha,
    .finished_at = g_get_real_time (),
  };
  return sh_recording_add_file (server->store, &file, error) > 0;
}

/* The row of a finished file: size and SHA-256 read from the disk, here
 * (the crash recovery at start-up). */
static gboolean
store_file (ShServer *server, gint64 recording_id, gint64 track_row, const char *path,
            guint64 duration_ns, GError **error)
{
  g_autofree char *sha = NULL;
  guint64 size = 0;

  sha = sh_recorder_file_sha256 (path, &size, NULL, error);
  if (sha == NULL)
    return FALSE;
  return store_row (server, recording_id, track_row, path, duration_ns, sha, size, error);
}

/* ------------------------------------------------ recorder callbacks */

static void
on_track_started (ShRecorder *recorder, const ShRecorderTrack *track, gpointer user_data)
{
  Rec *rec = user_data;
  ShServer *server = rec->owner->server;
  ShRoom *room = sh_rooms_lookup (server->rooms, rec->meeting_id);
  ShRoomParticipant *p = room ? sh_room_find (room, (gint64) track->publisher) : NULL;
  g_autofree char *location = sh_meeting_data_relative (server, track->location_pattern);
  g_autoptr (GError) error = NULL;
  gint64 row;

  (void) recorder;
  if (location == NULL)
    return;
  ShRecordingTrack t = {
    .recording_id = rec->recording_id,
    .track = track->track,
    .kind = (char *) sh_media_track_kind_to_string (track->kind),
    .codec = (char *) track->codec,
    .participant = (gint64) track->publisher,
    .member_id = p ? p->member_id : 0,
    .display_name = p && p->name ? p->name : "",
    .location = location,
    .offset_ns = track->offset_ns,
    .started_at = track->started_at,
  };
  row = sh_recording_add_track (server->store, &t, &error);
  if (row <= 0) {
    g_warning ("meeting %" G_GINT64_FORMAT ": recorded track not stored: %s", rec->meeting_id,
               error->message);
    return;
  }
  g_hash_table_insert (rec->track_rows, g_memdup2 (&track->track, sizeof track->track),
                       g_memdup2 (&row, sizeof row));
}

static gint64
track_row (Rec *rec, guint64 track)
{
  gint64 *row = g_hash_table_lookup (rec->track_rows, &track);

  return row ? *row : 0;
}

static void finish (Rec *rec);

/* A closed fragment on its way to its row: read whole on a worker thread
 * (a 10 s 1080p fragment takes milliseconds to tens of them on a busy
 * disk, too long for the thread that serves signaling). */
typedef struct {
  char *path;
  guint64 duration_ns;
  gint64 row;
  gint64 offset_ns;
  char *sha;
  guint64 size;
  gboolean headless; /* the disk did not take its header: removed, no row */
} Hash;

static void
hash_free (gpointer data)
{
  Hash *h = data;

  g_free (h->path);
  g_free (h->sha);
  g_free (h);
}

/* Whether @path starts with Matroska's EBML magic. A fragment closed while
 * the disk was full may have lost its first writes; nothing can read it,
 * and it has no row to keep. */
static gboolean
has_header (const char *path)
{
  static const guint8 ebml[4] = { 0x1a, 0x45, 0xdf, 0xa3 };
  guint8 head[4] = { 0 };
  FILE *f = g_fopen (path, "rb");
  gboolean ok;

  if (f == NULL)
    return TRUE; /* the hash reports it */
  ok = fread (head, 1, sizeof head, f) == sizeof head && memcmp (head, ebml, sizeof ebml) == 0;
  fclose (f);
  return ok;
}

static void
hash_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Hash *h = data;
  GError *error = NULL;

  (void) source;
  if (!has_header (h->path)) {
    h->headless = g_unlink (h->path) == 0;
    if (h->headless) {
      g_task_return_boolean (task, TRUE);
      return;
    }
  }
  h->sha = sh_recorder_file_sha256 (h->path, &h->size, cancellable, &error);
  if (h->sha == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
hash_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = G_TASK (result);
  Hash *h = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  ShServer *server;
  Rec *rec;

  (void) source;
  /* Cancelled: the Rec is gone (the server is being freed). */
  if (g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    return;
  rec = user_data;
  server = rec->owner->server;
  rec->hashing--;
  if (h->headless)
    g_warning ("meeting %" G_GINT64_FORMAT ": fragment %s has no readable header (a full disk?):"
               " removed",
               rec->meeting_id, h->path);
  else if (!g_task_propagate_boolean (task, &error)
           || !store_row (server, rec->recording_id, h->row, h->path, h->duration_ns, h->sha,
                          h->size, &error)
           || !sh_recording_update_track (server->store, h->row, h->offset_ns, 0, &error))
    g_warning ("meeting %" G_GINT64_FORMAT ": fragment %s not stored: %s", rec->meeting_id, h->path,
               error->message);
  else
    rec->written += h->size;
  if (rec->recorder_stopped && rec->hashing == 0)
    finish (rec);
}

static void
on_fragment_closed (ShRecorder *recorder, const ShRecorderTrack *track, const char *path,
                    guint64 duration_ns, gpointer user_data)
{
  Rec *rec = user_data;
  gint64 row = track_row (rec, track->track);
  g_autoptr (GTask) task = NULL;
  Hash *h;

  (void) recorder;
  if (row == 0)
    return;
  h = g_new0 (Hash, 1);
  h->path = g_strdup (path);
  h->duration_ns = duration_ns;
  h->row = row;
  h->offset_ns = track->offset_ns;
  task = g_task_new (NULL, rec->cancellable, hash_done, rec);
  g_task_set_task_data (task, h, hash_free);
  rec->hashing++;
  g_task_run_in_thread (task, hash_thread);
}

static void
on_track_ended (ShRecorder *recorder, const ShRecorderTrack *track, gpointer user_data)
{
  Rec *rec = user_data;
  ShServer *server = rec->owner->server;
  gint64 row = track_row (rec, track->track);
  g_autoptr (GError) error = NULL;

  if (track->backward > 0)
    g_message ("meeting %" G_GINT64_FORMAT ": track %" G_GUINT64_FORMAT ": %" G_GUINT64_FORMAT
               " buffers dropped for going back in time",
               rec->meeting_id, track->track, track->backward);
  if (row != 0
      && !sh_recording_update_track (server->store, row, track->offset_ns, track->ended_at, &error))
    g_warning ("meeting %" G_GINT64_FORMAT ": track end not stored: %s", rec->meeting_id,
               error->message);
  if (!track->no_space || rec->no_space_at != 0)
    return;
  /* The disk is full: every track stops (the meeting goes on), what was
   * written keeps its rows, and the recording closes as interrupted. */
  rec->no_space_at = g_get_real_time ();
  server->metrics.recording_no_space_total++;
  g_warning ("meeting %" G_GINT64_FORMAT ": recording %" G_GINT64_FORMAT
             " stopped: the disk is full (%s)",
             rec->meeting_id, rec->recording_id, track->error ? track->error : "no space left");
  notify_chairs (server, rec->meeting_id, "no_space", 0, 0, NO_SPACE_MESSAGE);
  /* Last: stopped() may follow at once and free @rec. */
  sh_recorder_stop (recorder);
}

/* Every track ended and every fragment has its row: the recording's own
 * row closes, then what follows (the composite render) is called. */
static void
finish (Rec *rec)
{
  Recordings *owner = rec->owner;
  ShServer *server = owner->server;
  gint64 recording_id = rec->recording_id;
  gint64 meeting_id = rec->meeting_id;
  ShRecordingFinishedFunc finished = owner->finished;
  gpointer finished_data = owner->finished_data;
  g_autoptr (GError) error = NULL;
  gboolean interrupted = rec->no_space_at != 0 || owner->stopping;

  if (rec->no_space_at != 0) {
    /* The fragments the full disk cut (no closing message) are read back
     * like after a crash, kept up to their last whole block. */
    recover_open_fragments (server, recording_id);
    if (!sh_recording_interrupt (server->store, recording_id, rec->no_space_at, &error))
      g_warning ("recording %" G_GINT64_FORMAT " not closed: %s", recording_id, error->message);
    g_hash_table_add (owner->no_space, g_memdup2 (&meeting_id, sizeof meeting_id));
  } else if (owner->stopping) {
    /* A recording without tracks ends as it is stopped, before the
     * moment is taken. */
    gint64 at = owner->stopped_at != 0 ? owner->stopped_at : g_get_real_time ();

    if (!sh_recording_interrupt (server->store, recording_id, at, &error))
      g_warning ("recording %" G_GINT64_FORMAT " not closed: %s", recording_id, error->message);
    else
      g_message ("recording %" G_GINT64_FORMAT " of meeting %" G_GINT64_FORMAT
                 " closed as interrupted: the server stopped",
                 recording_id, meeting_id);
  } else if (!sh_recording_complete (server->store, recording_id, g_get_real_time (), &error)) {
    g_warning ("recording %" G_GINT64_FORMAT " not completed: %s", recording_id, error->message);
  }
  /* Frees the recorder too: it keeps itself alive until its callback
   * returns. */
  g_hash_table_remove (owner->active, &meeting_id);
  if (finished != NULL)
    finished (server, recording_id, interrupted, finished_data);
}

static void
on_stopped (ShRecorder *recorder, gpointer user_data)
{
  Rec *rec = user_data;

  (void) recorder;
  rec->recorder_stopped = TRUE;
  if (rec->hashing == 0)
    finish (rec);
}

static const ShRecorderCallbacks recorder_callbacks = {
  .track_started = on_track_started,
  .fragment_closed = on_fragment_closed,
  .track_ended = on_track_ended,
  .stopped = on_stopped,
};

/* ------------------------------------------------ the room event stream */

/* ------------------------------------------------ disk space */

/* Reads the free space (the recordings' directory, or its data directory
 * before it exists). FALSE when it cannot be read. */
static gboolean
free_space (Recordings *owner, guint64 *free_bytes)
{
  ShServer *server = owner->server;
  g_autofree char *base = sh_config_recording_directory (server->config);
  g_autoptr (GError) error = NULL;

  if (!sh_recording_space_free_bytes (base, free_bytes, NULL)
      && !sh_recording_space_free_bytes (server->config->data_dir, free_bytes, &error)) {
    g_warning ("free space of %s not read: %s", base, error->message);
    server->metrics.recording_free_bytes = -1;
    return FALSE;
  }
  server->metrics.recording_free_bytes = (gint64) MIN (*free_bytes, (guint64) G_MAXINT64);
  return TRUE;
}

static void
check_space (Recordings *owner, Rec *rec)
{
  ShServer *server = owner->server;
  guint64 floor = (guint64) server->config->recording_min_free_mb * 1024 * 1024;
  guint64 free_bytes = 0, minutes;
  g_autofree char *message = NULL;

  sh_recording_space_sample (&rec->space, g_get_monotonic_time (), rec->written);
  if (rec->no_space_at != 0 || !free_space (owner, &free_bytes))
    return;
  if (!sh_recording_space_crossed (&rec->space, free_bytes, floor)) {
    if (!rec->space.low)
      g_clear_pointer (&rec->low_message, g_free);
    return;
  }
  minutes = sh_recording_space_minutes_left (free_bytes, sh_recording_space_rate (&rec->space));
  message = sh_recording_space_message (free_bytes, minutes);
  g_free (rec->low_message);
  rec->low_message = g_strdup (message);
  rec->low_free = free_bytes;
  rec->low_minutes = minutes;
  server->metrics.recording_low_space_total++;
  g_warning ("meeting %" G_GINT64_FORMAT ": %s (below [recording] min_free_mb = %u)",
             rec->meeting_id, message, server->config->recording_min_free_mb);
  notify_chairs (server, rec->meeting_id, "low_space", free_bytes, (gint64) minutes, message);
}

/* Every SPACE_CHECK_S: each recording's free space, and a recording a full
 * disk stopped starts again (a new recording) once space is back. */
static gboolean
on_space_timer (gpointer user_data)
{
  Recordings *owner = user_data;
  ShServer *server = owner->server;
  g_autoptr (GPtrArray) recs = g_ptr_array_new ();
  g_autoptr (GArray) waiting = g_array_new (FALSE, FALSE, sizeof (gint64));
  GHashTableIter iter;
  gpointer key, value;
  guint64 free_bytes = 0, floor;

  if (owner->stopping)
    return G_SOURCE_CONTINUE;
  g_hash_table_iter_init (&iter, owner->active);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (recs, value);
  for (guint i = 0; i < recs->len; i++)
    check_space (owner, recs->pdata[i]);

  g_hash_table_iter_init (&iter, owner->no_space);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_array_append_val (waiting, *(gint64 *) key);
  floor = (guint64) server->config->recording_min_free_mb * 1024 * 1024;
  if (waiting->len == 0 || !free_space (owner, &free_bytes)
      || free_bytes < (floor > 0 ? floor : SH_RECORDING_SPACE_RESUME_BYTES))
    return G_SOURCE_CONTINUE;
  for (guint i = 0; i < waiting->len; i++) {
    gint64 meeting_id = g_array_index (waiting, gint64, i);
    ShRoom *room = sh_rooms_lookup (server->rooms, meeting_id);

    g_hash_table_remove (owner->no_space, &meeting_id);
    if (room == NULL || sh_room_state (room) != SH_MEETING_IN_PROGRESS
        || g_hash_table_contains (owner->active, &meeting_id))
      continue;
    g_message ("meeting %" G_GINT64_FORMAT ": disk space is back, recording again", meeting_id);
    start (owner, room);
    notify_chairs (server, meeting_id, "resumed", free_bytes, -1, "存储空间已恢复，录像已继续");
  }
  return G_SOURCE_CONTINUE;
}

static void
start (Recordings *owner, ShRoom *room)
{
  ShServer *server = owner->server;
  gint64 meeting_id = sh_room_meeting_id (room);
  g_autoptr (GError) error = NULL;
  g_autofree char *base = sh_config_recording_directory (server->config);
  g_autofree char *meeting_dir = NULL, *recording_dir = NULL, *name = NULL;
  Rec *rec;
  gint64 recording_id;

  recording_id = sh_recording_start (server->store, meeting_id, g_get_real_time (), &error);
  if (recording_id <= 0) {
    g_warning ("meeting %" G_GINT64_FORMAT " not recorded: %s", meeting_id, error->message);
    return;
  }
  meeting_dir = g_strdup_printf ("%" G_GINT64_FORMAT, meeting_id);
  name = g_strdup_printf ("%" G_GINT64_FORMAT, recording_id);
  recording_dir = g_build_filename (base, meeting_dir, name, NULL);
  rec = g_new0 (Rec, 1);
  rec->owner = owner;
  rec->meeting_id = meeting_id;
  rec->recording_id = recording_id;
  rec->track_rows = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  rec->cancellable = g_cancellable_new ();
  rec->recorder = sh_recorder_new (
      recording_dir, (guint64) server->config->recording_fragment_seconds * GST_SECOND,
      &recorder_callbacks, rec);
  g_hash_table_insert (owner->active, g_memdup2 (&meeting_id, sizeof meeting_id), rec);
  sh_meeting_media_add_tap (server, room, sh_recorder_get_tap (rec->recorder));
  g_message ("meeting %" G_GINT64_FORMAT ": recording %" G_GINT64_FORMAT " into %s", meeting_id,
             recording_id, recording_dir);
  check_space (owner, rec);
}

static void
on_room_event (ShRoom *room, const ShRoomEvent *e, gpointer user_data)
{
  Recordings *owner = user_data;
  gint64 meeting_id = sh_room_meeting_id (room);
  Rec *rec = g_hash_table_lookup (owner->active, &meeting_id);
  const ShMeeting *meeting = sh_room_meeting (room);

  /* A chair who comes in while the space is low, or the disk is full,
   * learns it too. */
  if ((e->kind == SH_ROOM_EVENT_JOINED || e->kind == SH_ROOM_EVENT_REPLACED)
      && e->participant != NULL && e->participant->may_chair && e->participant->client != NULL) {
    if (rec != NULL && rec->low_message != NULL)
      send_notice (e->participant->client, "low_space", rec->low_free, (gint64) rec->low_minutes,
                   rec->low_message);
    else if (g_hash_table_contains (owner->no_space, &meeting_id))
      send_notice (e->participant->client, "no_space", 0, 0, NO_SPACE_MESSAGE);
  }
  /* Ended, or the room closes: the recorder finishes its files. */
  if (e->kind == SH_ROOM_EVENT_CLOSING
      || (e->kind == SH_ROOM_EVENT_STATE && sh_room_state (room) != SH_MEETING_IN_PROGRESS)) {
    g_hash_table_remove (owner->no_space, &meeting_id);
    if (rec != NULL)
      sh_recorder_stop (rec->recorder);
    return;
  }
  /* Started: by the chair in the room, or before anyone came in (through
   * the REST API), then the room's first event finds it in progress. Not
   * while the disk is full (the space timer starts it again), nor while the
   * server stops. */
  if (rec == NULL && !owner->stopping && !g_hash_table_contains (owner->no_space, &meeting_id)
      && sh_room_state (room) == SH_MEETING_IN_PROGRESS && meeting != NULL
      && sh_config_records_meeting_type (owner->server->config,
                                         sh_meeting_type_to_string (meeting->type)))
    start (owner, room);
}

gboolean
sh_meeting_recording_active (ShServer *server, gint64 meeting_id)
{
  ShRoom *room = sh_rooms_lookup (server->rooms, meeting_id);
  const ShMeeting *meeting = room ? sh_room_meeting (room) : NULL;

  /* The recording starts with the meeting when its type requires it. */
  return meeting != NULL && sh_room_state (room) == SH_MEETING_IN_PROGRESS
         && sh_config_records_meeting_type (server->config,
                                            sh_meeting_type_to_string (meeting->type));
}

/* ------------------------------------------------ crash recovery */

/* Fragment @i's name from the track's pattern (one %05d). (transfer full) */
static char *
fragment_name (const char *pattern, guint i)
{
  const char *at = strstr (pattern, "%05d");

  if (at == NULL)
    return g_strdup (pattern);
  return g_strdup_printf ("%.*s%05u%s", (int) (at - pattern), pattern, i, at + 4);
}

/* The fragments of one track that have no row yet, read back and stored. */
static void
recover_track (ShServer *server, const ShRecordingTrack *track, GHashTable *known,
               gboolean drop_unreadable)
{
  /* Fragment numbers are consecutive; a few missing in a row end the set. */
  for (guint i = 0, missing = 0; missing < 3 && i < 100000; i++) {
    g_autofree char *relative = fragment_name (track->location, i);
    g_autofree char *path = g_build_filename (server->config->data_dir, relative, NULL);
    g_autoptr (GError) error = NULL;
    guint64 duration = 0;

    if (!g_file_test (path, G_FILE_TEST_IS_REGULAR)) {
      missing++;
      continue;
    }
    missing = 0;
    if (g_hash_table_contains (known, relative))
      continue;
    if (!sh_recorder_probe_fragment (path, &duration, NULL, &error)) {
      GStatBuf st;

      /* A fragment the crash caught while its header was being written
       * holds no media: nothing is lost by taking it away. */
      /* After a full disk, a fragment nothing can read is one whose header
       * the disk did not take: no media in it either. */
      if (g_stat (path, &st) == 0 && (drop_unreadable || st.st_size < EMPTY_FRAGMENT_BYTES)
          && g_unlink (path) == 0) {
        g_message ("recording %" G_GINT64_FORMAT ": fragment %s begun at the crash held no media"
                   " (%" G_GINT64_FORMAT " bytes): removed",
                   track->recording_id, relative, (gint64) st.st_size);
        continue;
      }
      g_warning ("recording %" G_GINT64_FORMAT ": fragment %s unreadable: %s", track->recording_id,
                 relative, error->message);
      g_clear_error (&error);
    }
    if (!store_file (server, track->recording_id, track->id, path, duration, &error))
      g_warning ("recording %" G_GINT64_FORMAT ": fragment %s not stored: %s", track->recording_id,
                 relative, error->message);
  }
}

/* The fragments of @recording_id without a row (cut by a full disk), read
 * back and stored like after a crash. */
static void
recover_open_fragments (ShServer *server, gint64 recording_id)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) tracks = sh_recording_list_tracks (server->store, recording_id, &error);
  g_autoptr (GPtrArray) files = NULL;
  g_autoptr (GHashTable) known = g_hash_table_new (g_str_hash, g_str_equal);

  if (tracks != NULL)
    files = sh_recording_list_files (server->store, recording_id, 0, &error);
  if (files == NULL) {
    g_warning ("recording %" G_GINT64_FORMAT ": open fragments not stored: %s", recording_id,
               error->message);
    return;
  }
  for (guint j = 0; j < files->len; j++)
    g_hash_table_add (known, ((ShRecordingFile *) files->pdata[j])->path);
  for (guint j = 0; j < tracks->len; j++)
    recover_track (server, tracks->pdata[j], known, TRUE);
}

static void
recover (ShServer *server, ShRecordingFinishedFunc finished, gpointer finished_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) closed = sh_recording_close_after_crash (server->store, &error);

  if (closed == NULL) {
    g_warning ("recordings left open by a crash not closed: %s", error->message);
    return;
  }
  for (guint i = 0; i < closed->len; i++) {
    ShRecording *r = closed->pdata[i];
    g_autoptr (GPtrArray) tracks = sh_recording_list_tracks (server->store, r->id, &error);
    g_autoptr (GPtrArray) files = sh_recording_list_files (server->store, r->id, 0, &error);
    g_autoptr (GHashTable) known = g_hash_table_new (g_str_hash, g_str_equal);

    if (tracks == NULL || files == NULL) {
      g_warning ("recording %" G_GINT64_FORMAT ": not recovered: %s", r->id, error->message);
      g_clear_error (&error);
      continue;
    }
    for (guint j = 0; j < files->len; j++)
      g_hash_table_add (known, ((ShRecordingFile *) files->pdata[j])->path);
    for (guint j = 0; j < tracks->len; j++)
      recover_track (server, tracks->pdata[j], known, FALSE);
    g_message ("recording %" G_GINT64_FORMAT " of meeting %" G_GINT64_FORMAT
               " was cut by a crash: closed as interrupted",
               r->id, r->meeting_id);
    if (finished != NULL)
      finished (server, r->id, TRUE, finished_data);
  }
}

static gboolean
on_shutdown_timeout (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* The server stops (SIGTERM, SIGINT): every recording ends its tracks and
 * closes as interrupted at this moment, its rows written, instead of
 * being left to the next start's crash recovery. Bounded: a writer that
 * has not closed within SHUTDOWN_WAIT_MS is left to the recovery. */
static void
on_server_stop (ShServer *server, gpointer data)
{
  Recordings *owner = data;
  g_autoptr (GPtrArray) recs = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer value;
  gboolean timed_out = FALSE;
  guint timeout;

  (void) server;
  g_clear_handle_id (&owner->space_source, g_source_remove);
  if (g_hash_table_size (owner->active) == 0)
    return;
  owner->stopping = TRUE;
  /* The main loop has returned, so nobody owns the main context: a
   * streaming thread's g_main_context_invoke() would then run the
   * recorder's events on that thread, and freeing a writer from its own
   * streaming thread deadlocks. Owning it queues them for this loop. */
  g_main_context_acquire (g_main_context_default ());
  g_hash_table_iter_init (&iter, owner->active);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (recs, value);
  for (guint i = 0; i < recs->len; i++)
    sh_recorder_stop (((Rec *) recs->pdata[i])->recorder);
  /* After every track's end: no track ends after its recording. */
  if (owner->stopped_at == 0)
    owner->stopped_at = g_get_real_time ();
  timeout = g_timeout_add (SHUTDOWN_WAIT_MS, on_shutdown_timeout, &timed_out);
  while (g_hash_table_size (owner->active) > 0 && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (timeout);
  else
    g_warning ("%u recordings not closed within %d ms: left to the crash recovery",
               g_hash_table_size (owner->active), SHUTDOWN_WAIT_MS);
  g_main_context_release (g_main_context_default ());
}

static void
recordings_free (gpointer data)
{
  Recordings *owner = data;

  g_clear_handle_id (&owner->space_source, g_source_remove);
  g_hash_table_unref (owner->active);
  g_hash_table_unref (owner->no_space);
  g_free (owner);
}

void
sh_meeting_recording_attach (ShServer *server, ShRecordingFinishedFunc finished,
                             gpointer finished_data)
{
  Recordings *owner = g_new0 (Recordings, 1);

  recover (server, finished, finished_data);
  owner->server = server;
  owner->finished = finished;
  owner->finished_data = finished_data;
  owner->active = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, rec_free);
  owner->no_space = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  server->metrics.recording_free_bytes = -1;
  owner->space_source = g_timeout_add_seconds (SPACE_CHECK_S, on_space_timer, owner);
  sh_server_on_stop (server, on_server_stop, owner);
  sh_rooms_subscribe (server->rooms, on_room_event, owner, recordings_free);
}
