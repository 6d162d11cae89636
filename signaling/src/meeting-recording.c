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
 * SPDX-License-Identifier: Apache-2.0 */
#include <gst/gst.h>

#include <glib/gstdio.h>

#include "meeting-private.h"
#include "sanhui-recorder.h"

/* Smaller than a Matroska header with one cluster of media in it. */
#define EMPTY_FRAGMENT_BYTES 1024

typedef struct {
  ShServer *server;
  GHashTable *active; /* meeting id → Rec */
  ShRecordingFinishedFunc finished;
  gpointer finished_data;
} Recordings;

typedef struct {
  Recordings *owner;
  gint64 meeting_id;
  gint64 recording_id;
  ShRecorder *recorder;
  GHashTable *track_rows; /* room track id → recording_tracks id */
} Rec;

static void
rec_free (gpointer data)
{
  Rec *rec = data;

  g_clear_pointer (&rec->recorder, sh_recorder_free);
  g_hash_table_unref (rec->track_rows);
  g_free (rec);
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

/* The row of a finished file: size and SHA-256 read from the disk. */
static gboolean
store_file (ShServer *server, gint64 recording_id, gint64 track_row, const char *path,
            guint64 duration_ns, GError **error)
{
  g_autofree char *relative = sh_meeting_data_relative (server, path);
  g_autofree char *sha = NULL;
  guint64 size = 0;

  if (relative == NULL) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_FILENAME, "%s is outside the data directory",
                 path);
    return FALSE;
  }
  sha = sh_recorder_file_sha256 (path, &size, NULL, error);
  if (sha == NULL)
    return FALSE;
  ShRecordingFile file = {
    .recording_id = recording_id,
    .track_id = track_row,
    .kind = SH_RECORDING_FILE_FRAGMENT,
    .path = relative,
    .size = (gint64) size,
    .duration_ns = (gint64) duration_ns,
    .sha256 = sha,
    .finished_at = g_get_real_time (),
  };
  return sh_recording_add_file (server->store, &file, error) > 0;
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

static void
on_fragment_closed (ShRecorder *recorder, const ShRecorderTrack *track, const char *path,
                    guint64 duration_ns, gpointer user_data)
{
  Rec *rec = user_data;
  ShServer *server = rec->owner->server;
  gint64 row = track_row (rec, track->track);
  g_autoptr (GError) error = NULL;

  (void) recorder;
  if (row == 0)
    return;
  if (!store_file (server, rec->recording_id, row, path, duration_ns, &error)
      || !sh_recording_update_track (server->store, row, track->offset_ns, 0, &error))
    g_warning ("meeting %" G_GINT64_FORMAT ": fragment %s not stored: %s", rec->meeting_id, path,
               error->message);
}

static void
on_track_ended (ShRecorder *recorder, const ShRecorderTrack *track, gpointer user_data)
{
  Rec *rec = user_data;
  gint64 row = track_row (rec, track->track);
  g_autoptr (GError) error = NULL;

  (void) recorder;
  if (row != 0
      && !sh_recording_update_track (rec->owner->server->store, row, track->offset_ns,
                                     track->ended_at, &error))
    g_warning ("meeting %" G_GINT64_FORMAT ": track end not stored: %s", rec->meeting_id,
               error->message);
}

static void
on_stopped (ShRecorder *recorder, gpointer user_data)
{
  Rec *rec = user_data;
  Recordings *owner = rec->owner;
  ShServer *server = owner->server;
  gint64 recording_id = rec->recording_id;
  ShRecordingFinishedFunc finished = owner->finished;
  gpointer finished_data = owner->finished_data;
  g_autoptr (GError) error = NULL;

  (void) recorder;
  if (!sh_recording_complete (server->store, recording_id, g_get_real_time (), &error))
    g_warning ("recording %" G_GINT64_FORMAT " not completed: %s", recording_id, error->message);
  /* Frees the recorder too: it keeps itself alive until this returns. */
  g_hash_table_remove (owner->active, &rec->meeting_id);
  if (finished != NULL)
    finished (server, recording_id, FALSE, finished_data);
}

static const ShRecorderCallbacks recorder_callbacks = {
  .track_started = on_track_started,
  .fragment_closed = on_fragment_closed,
  .track_ended = on_track_ended,
  .stopped = on_stopped,
};

/* ------------------------------------------------ the room event stream */

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
  rec->recorder = sh_recorder_new (
      recording_dir, (guint64) server->config->recording_fragment_seconds * GST_SECOND,
      &recorder_callbacks, rec);
  g_hash_table_insert (owner->active, g_memdup2 (&meeting_id, sizeof meeting_id), rec);
  sh_meeting_media_add_tap (server, room, sh_recorder_get_tap (rec->recorder));
  g_message ("meeting %" G_GINT64_FORMAT ": recording %" G_GINT64_FORMAT " into %s", meeting_id,
             recording_id, recording_dir);
}

static void
on_room_event (ShRoom *room, const ShRoomEvent *e, gpointer user_data)
{
  Recordings *owner = user_data;
  gint64 meeting_id = sh_room_meeting_id (room);
  Rec *rec = g_hash_table_lookup (owner->active, &meeting_id);
  const ShMeeting *meeting = sh_room_meeting (room);

  /* Ended, or the room closes: the recorder finishes its files. */
  if (e->kind == SH_ROOM_EVENT_CLOSING
      || (e->kind == SH_ROOM_EVENT_STATE && sh_room_state (room) != SH_MEETING_IN_PROGRESS)) {
    if (rec != NULL)
      sh_recorder_stop (rec->recorder);
    return;
  }
  /* Started: by the chair in the room, or before anyone came in (through
   * the REST API), then the room's first event finds it in progress. */
  if (rec == NULL && sh_room_state (room) == SH_MEETING_IN_PROGRESS && meeting != NULL
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
recover_track (ShServer *server, const ShRecordingTrack *track, GHashTable *known)
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
      if (g_stat (path, &st) == 0 && st.st_size < EMPTY_FRAGMENT_BYTES && g_unlink (path) == 0) {
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
      recover_track (server, tracks->pdata[j], known);
    g_message ("recording %" G_GINT64_FORMAT " of meeting %" G_GINT64_FORMAT
               " was cut by a crash: closed as interrupted",
               r->id, r->meeting_id);
    if (finished != NULL)
      finished (server, r->id, TRUE, finished_data);
  }
}

static void
recordings_free (gpointer data)
{
  Recordings *owner = data;

  g_hash_table_unref (owner->active);
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
  sh_rooms_subscribe (server->rooms, on_room_event, owner, recordings_free);
}
