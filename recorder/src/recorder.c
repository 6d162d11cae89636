/* A meeting's live recording on a media tap: one track writer per
 * published track, lip sync from the publishers' sender reports, events
 * back on the owner's main context. See docs/recording.md.
 *
 * Threads: the tap's callbacks run on the room's worker and only copy
 * into the writers' bounded queues (under the recorder's lock, so that a
 * writer is never freed under a push); writers report from GStreamer's
 * streaming threads; both post events to the owner's context, where
 * writers are freed. No writer is finished or freed under the lock: a
 * streaming thread may be waiting for it.
 * SPDX-License-Identifier: Apache-2.0 */
#include "sanhui-recorder.h"

#include <errno.h>

#include "lipsync.h"
#include "track-writer.h"

typedef struct _RecTrack RecTrack;

struct _ShRecorder {
  gint refs; /* atomic */
  GMainContext *context;
  ShRecorderCallbacks callbacks;
  gpointer user_data;
  gboolean silent; /* freed by its owner: no more callbacks */
  char *directory;
  guint64 fragment_ns;
  gint64 started_mono;
  gint64 started_real;
  ShMediaTap *tap;
  gboolean stopping; /* written under the lock */
  gboolean stopped_told;

  GMutex lock;
  GHashTable *tracks; /* track id → RecTrack, until its end is handled */
};

struct _RecTrack {
  ShRecorder *recorder;
  guint64 id;
  guint64 publisher;
  ShMediaTrackKind kind;
  char *codec;
  char *location_pattern;
  ShTrackWriter *writer;
  gboolean started; /* under the lock */
  gint64 ended_at;  /* under the lock: when its end was asked for, 0 before */
};

typedef enum { EVENT_STARTED, EVENT_FRAGMENT, EVENT_ENDED } EventType;

typedef struct {
  ShRecorder *recorder; /* a reference */
  EventType type;
  guint64 id;
  ShRecorderTrack track; /* a snapshot, strings owned */
  char *path;
  guint64 duration_ns;
  char *error_message;
} Event;

static ShRecorder *
recorder_ref (ShRecorder *rec)
{
  g_atomic_int_inc (&rec->refs);
  return rec;
}

static void
rec_track_free (RecTrack *t)
{
  sh_track_writer_free (t->writer);
  g_free (t->codec);
  g_free (t->location_pattern);
  g_free (t);
}

static void
recorder_unref (gpointer data)
{
  ShRecorder *rec = data;

  GHashTableIter iter;
  gpointer value;

  if (!g_atomic_int_dec_and_test (&rec->refs))
    return;
  /* Tracks whose end never reached the owner's context. */
  g_hash_table_iter_init (&iter, rec->tracks);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    rec_track_free (value);
  g_hash_table_unref (rec->tracks);
  g_mutex_clear (&rec->lock);
  g_main_context_unref (rec->context);
  g_free (rec->directory);
  g_free (rec);
}

/* The track's offset with lip sync, under the lock. */
static gint64
offset_ns_locked (ShRecorder *rec, RecTrack *t)
{
  g_autoptr (GArray) others = g_array_new (FALSE, FALSE, sizeof (gint64));
  GHashTableIter iter;
  gpointer value;
  gint64 zero_us = sh_track_writer_get_zero_us (t->writer);
  gint64 transit = 0;
  gboolean have = sh_track_writer_get_transit_ns (t->writer, &transit);

  g_hash_table_iter_init (&iter, rec->tracks);
  while (g_hash_table_iter_next (&iter, NULL, &value)) {
    RecTrack *other = value;
    gint64 other_transit;

    if (other != t && other->publisher == t->publisher
        && sh_track_writer_get_transit_ns (other->writer, &other_transit))
      g_array_append_val (others, other_transit);
  }
  return (zero_us - rec->started_mono) * 1000
         + sh_lipsync_correction_ns (have, transit, (const gint64 *) others->data, others->len);
}

static void
snapshot_locked (ShRecorder *rec, RecTrack *t, ShRecorderTrack *out)
{
  gint64 zero_us = sh_track_writer_get_zero_us (t->writer);

  *out = (ShRecorderTrack){
    .track = t->id,
    .publisher = t->publisher,
    .kind = t->kind,
    .codec = g_strdup (t->codec),
    .location_pattern = g_strdup (t->location_pattern),
    .started_at = rec->started_real + (zero_us - rec->started_mono),
    .offset_ns = offset_ns_locked (rec, t),
    .dropped = sh_track_writer_get_dropped (t->writer),
  };
}

static void
event_free (Event *e)
{
  g_free ((char *) e->track.codec);
  g_free ((char *) e->track.location_pattern);
  g_free (e->path);
  g_free (e->error_message);
  recorder_unref (e->recorder);
  g_free (e);
}

static void
maybe_stopped (ShRecorder *rec)
{
  gboolean empty;

  g_mutex_lock (&rec->lock);
  empty = g_hash_table_size (rec->tracks) == 0;
  g_mutex_unlock (&rec->lock);
  if (rec->stopping && empty && !rec->stopped_told) {
    rec->stopped_told = TRUE;
    if (!rec->silent && rec->callbacks.stopped != NULL)
      rec->callbacks.stopped (rec, rec->user_data);
  }
}

static gboolean
dispatch_event (gpointer data)
{
  Event *e = data;
  ShRecorder *rec = e->recorder;
  gboolean tell = !rec->silent;

  switch (e->type) {
    case EVENT_STARTED:
      if (tell && rec->callbacks.track_started != NULL)
        rec->callbacks.track_started (rec, &e->track, rec->user_data);
      break;
    case EVENT_FRAGMENT:
      if (tell && rec->callbacks.fragment_closed != NULL)
        rec->callbacks.fragment_closed (rec, &e->track, e->path, e->duration_ns, rec->user_data);
      break;
    case EVENT_ENDED: {
      RecTrack *t;
      gboolean started;

      g_mutex_lock (&rec->lock);
      t = g_hash_table_lookup (rec->tracks, &e->id);
      started = t != NULL && t->started;
      if (t != NULL)
        g_hash_table_steal (rec->tracks, &e->id);
      g_mutex_unlock (&rec->lock);
      if (e->error_message != NULL)
        g_warning ("recording of track %" G_GUINT64_FORMAT " stopped: %s", e->id, e->error_message);
      if (started && tell && rec->callbacks.track_ended != NULL)
        rec->callbacks.track_ended (rec, &e->track, rec->user_data);
      if (t != NULL)
        rec_track_free (t);
      maybe_stopped (rec);
      break;
    }
  }
  return G_SOURCE_REMOVE;
}

static void
post (ShRecorder *rec, Event *e)
{
  e->recorder = recorder_ref (rec);
  g_main_context_invoke_full (rec->context, G_PRIORITY_DEFAULT, dispatch_event, e,
                              (GDestroyNotify) event_free);
}

static void
on_fragment_closed (ShTrackWriter *writer, const char *location, guint64 start_ns, guint64 end_ns,
                    gpointer user_data)
{
  RecTrack *t = user_data;
  ShRecorder *rec = t->recorder;
  Event *e = g_new0 (Event, 1);

  (void) writer;
  e->type = EVENT_FRAGMENT;
  e->id = t->id;
  e->path = g_strdup (location);
  e->duration_ns = end_ns - start_ns;
  g_mutex_lock (&rec->lock);
  snapshot_locked (rec, t, &e->track);
  g_mutex_unlock (&rec->lock);
  post (rec, e);
}

static void
on_finished (ShTrackWriter *writer, const char *error_message, gpointer user_data)
{
  RecTrack *t = user_data;
  ShRecorder *rec = t->recorder;
  Event *e = g_new0 (Event, 1);

  (void) writer;
  e->type = EVENT_ENDED;
  e->id = t->id;
  e->error_message = g_strdup (error_message);
  g_mutex_lock (&rec->lock);
  snapshot_locked (rec, t, &e->track);
  /* The track ended when its end was asked for; the writer's flushing
   * afterwards is not part of it. */
  e->track.ended_at = t->ended_at != 0 ? t->ended_at : g_get_real_time ();
  g_mutex_unlock (&rec->lock);
  post (rec, e);
}

static const ShTrackWriterEvents writer_events = {
  .fragment_closed = on_fragment_closed,
  .finished = on_finished,
};

/* ------------------------------------------------------ tap callbacks (worker) */

static void
tap_track_added (ShMediaTap *tap, const ShMediaTapTrack *track, gpointer user_data)
{
  ShRecorder *rec = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *name = NULL;
  RecTrack *t;

  (void) tap;
  if (!sh_track_writer_supports (track->codec)) {
    g_warning ("recording: track %" G_GUINT64_FORMAT " has codec %s, not recorded", track->track,
               track->codec);
    return;
  }
  t = g_new0 (RecTrack, 1);
  t->recorder = rec;
  t->id = track->track;
  t->publisher = track->publisher;
  t->kind = track->kind;
  t->codec = g_strdup (track->codec);
  name = g_strdup_printf ("track-%" G_GUINT64_FORMAT "-%%05d.mkv", track->track);
  t->location_pattern = g_build_filename (rec->directory, name, NULL);
  t->writer
      = sh_track_writer_new (track->codec, track->clock_rate, track->payload_type,
                             t->location_pattern, rec->fragment_ns, &writer_events, t, &error);
  if (t->writer == NULL) {
    g_warning ("recording: track %" G_GUINT64_FORMAT ": %s", track->track, error->message);
    rec_track_free (t);
    return;
  }
  g_mutex_lock (&rec->lock);
  /* A callback already running when the tap was closed: stop() has
   * collected its writers, so this one would never finish. */
  if (rec->stopping) {
    g_mutex_unlock (&rec->lock);
    rec_track_free (t);
    return;
  }
  g_hash_table_insert (rec->tracks, &t->id, t);
  g_mutex_unlock (&rec->lock);
}

static void
tap_rtp (ShMediaTap *tap, guint64 track, const guint8 *packet, gsize len, gint64 arrival_us,
         gpointer user_data)
{
  ShRecorder *rec = user_data;
  RecTrack *t;
  Event *started = NULL;
  gboolean keyframe = FALSE;

  g_mutex_lock (&rec->lock);
  t = g_hash_table_lookup (rec->tracks, &track);
  if (t != NULL && len >= 12) {
    if (sh_track_writer_push (t->writer, packet, len, arrival_us) && !t->started) {
      t->started = TRUE;
      started = g_new0 (Event, 1);
      started->type = EVENT_STARTED;
      started->id = t->id;
      snapshot_locked (rec, t, &started->track);
    }
    keyframe = sh_track_writer_take_keyframe_request (t->writer);
  }
  g_mutex_unlock (&rec->lock);
  if (started != NULL)
    post (rec, started);
  if (keyframe)
    sh_media_tap_request_keyframe (tap, track);
}

static void
tap_sender_report (ShMediaTap *tap, guint64 track, const ShMediaTapSenderReport *report,
                   gpointer user_data)
{
  ShRecorder *rec = user_data;
  RecTrack *t;

  (void) tap;
  g_mutex_lock (&rec->lock);
  t = g_hash_table_lookup (rec->tracks, &track);
  if (t != NULL)
    sh_track_writer_sender_report (t->writer, report->ssrc, report->ntp_timestamp,
                                   report->rtp_timestamp);
  g_mutex_unlock (&rec->lock);
}

static void
tap_track_removed (ShMediaTap *tap, guint64 track, gpointer user_data)
{
  ShRecorder *rec = user_data;
  ShTrackWriter *writer = NULL;
  RecTrack *t;

  (void) tap;
  g_mutex_lock (&rec->lock);
  t = g_hash_table_lookup (rec->tracks, &track);
  if (t != NULL) {
    writer = t->writer;
    if (t->ended_at == 0)
      t->ended_at = g_get_real_time ();
  }
  g_mutex_unlock (&rec->lock);
  /* Only the owner's context frees a writer, after this finish. */
  if (writer != NULL)
    sh_track_writer_finish (writer);
}

static const ShMediaTapCallbacks tap_callbacks = {
  .version = SH_MEDIA_TAP_VERSION,
  .track_added = tap_track_added,
  .rtp = tap_rtp,
  .sender_report = tap_sender_report,
  .track_removed = tap_track_removed,
};

/* ------------------------------------------------------------- public */

ShRecorder *
sh_recorder_new (const char *directory, guint64 fragment_ns, const ShRecorderCallbacks *callbacks,
                 gpointer user_data)
{
  ShRecorder *rec;

  g_return_val_if_fail (directory != NULL && callbacks != NULL && fragment_ns > 0, NULL);

  rec = g_new0 (ShRecorder, 1);
  rec->refs = 1;
  rec->context = g_main_context_ref_thread_default ();
  rec->callbacks = *callbacks;
  rec->user_data = user_data;
  rec->directory = g_strdup (directory);
  rec->fragment_ns = fragment_ns;
  rec->started_mono = g_get_monotonic_time ();
  rec->started_real = g_get_real_time ();
  g_mutex_init (&rec->lock);
  rec->tracks = g_hash_table_new (g_int64_hash, g_int64_equal);
  if (g_mkdir_with_parents (directory, 0750) != 0)
    g_warning ("recording: cannot make %s: %s", directory, g_strerror (errno));
  rec->tap = sh_media_tap_new (&tap_callbacks, 0, recorder_ref (rec), recorder_unref);
  return rec;
}

ShMediaTap *
sh_recorder_get_tap (ShRecorder *rec)
{
  g_return_val_if_fail (rec != NULL, NULL);
  return rec->tap;
}

gint64
sh_recorder_get_started_at (ShRecorder *rec)
{
  g_return_val_if_fail (rec != NULL, 0);
  return rec->started_real;
}

void
sh_recorder_stop (ShRecorder *rec)
{
  g_autoptr (GPtrArray) writers = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer value;

  g_return_if_fail (rec != NULL);
  if (rec->stopping)
    return;
  sh_media_tap_close (rec->tap);
  g_mutex_lock (&rec->lock);
  rec->stopping = TRUE;
  g_hash_table_iter_init (&iter, rec->tracks);
  while (g_hash_table_iter_next (&iter, NULL, &value)) {
    RecTrack *t = value;

    if (t->ended_at == 0)
      t->ended_at = g_get_real_time ();
    g_ptr_array_add (writers, t->writer);
  }
  g_mutex_unlock (&rec->lock);
  for (guint i = 0; i < writers->len; i++)
    sh_track_writer_finish (writers->pdata[i]);
  maybe_stopped (rec);
}

void
sh_recorder_free (ShRecorder *rec)
{
  if (rec == NULL)
    return;
  rec->silent = TRUE;
  sh_recorder_stop (rec);
  g_clear_pointer (&rec->tap, sh_media_tap_unref);
  recorder_unref (rec);
}
