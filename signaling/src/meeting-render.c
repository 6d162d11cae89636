/* The composite render of finished recordings (docs/recording.md, "After
 * the meeting"). The live side calls the hook when a recording completes
 * or a crash cut it; the render is queued in the store and run here, one at
 * a time (two cores are shared with the meetings), as a `sanhui-render`
 * subprocess at low priority: a decoder crash costs one attempt, never a
 * meeting. Its "progress N" lines go to the store for the secretary's page;
 * when it succeeds the two composites and the per-track files (each
 * track's fragments joined, written by the same subprocess) get their rows
 * (size, duration, SHA-256). A failed attempt is retried a bounded number of times; a render
 * queued or running when the server stopped runs again from the beginning
 * at the next start, without anyone asking.
 * SPDX-License-Identifier: Apache-2.0 */
#include "meeting-render.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

/* Between a failed attempt and the next. */
#define RETRY_DELAY_S 2
/* Progress is written to the store in steps of this many ‰. */
#define PROGRESS_STEP 10

struct _ShMeetingRender {
  ShServer *server;
  gboolean stopped; /* the server is stopping: nothing starts any more */
  GQueue pending;   /* recording ids (GINT_TO_POINTER is too small: gint64 *) */
  guint kick_source;
  /* The render running now, or none (child NULL). */
  GSubprocess *child;
  GCancellable *cancellable;
  ShRecordingRender *row;
  char *paths[2]; /* WebM, MP4 (final names; NULL when already stored) */
  GArray *joined; /* of Joined: the per-track files this render writes */
  gint64 duration_ns;
  char *last_error_line;
};

/* A per-track file: a track's fragments joined into one (track-join.c). */
typedef struct {
  gint64 track_id;
  char *path;
} Joined;

static void
joined_clear (gpointer data)
{
  g_free (((Joined *) data)->path);
}

static GArray *
joined_new (void)
{
  GArray *joined = g_array_new (FALSE, TRUE, sizeof (Joined));

  g_array_set_clear_func (joined, joined_clear);
  return joined;
}

static void kick (ShMeetingRender *self, guint delay_s);

/* ------------------------------------------------ the job from store rows */

static gboolean
kind_from_string (const char *kind, ShRenderKind *out)
{
  static const char *const names[] = { "microphone", "camera", "screen" };
  static const ShRenderKind kinds[] = { SH_RENDER_MICROPHONE, SH_RENDER_CAMERA, SH_RENDER_SCREEN };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_strcmp0 (kind, names[i]) == 0) {
      *out = kinds[i];
      return TRUE;
    }
  return FALSE;
}

static gint
compare_paths (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

ShRenderJob *
sh_meeting_render_build_job (const char *data_dir, const char *title, const ShRecording *recording,
                             GPtrArray *tracks, GPtrArray *files, const char *webm, const char *mp4,
                             GError **error)
{
  g_autoptr (ShRenderJob) job = sh_render_job_new ();
  g_autoptr (GDateTime) start = NULL;
  gint64 duration_ns;

  g_return_val_if_fail (data_dir != NULL && recording != NULL, NULL);
  g_return_val_if_fail (tracks != NULL && files != NULL, NULL);
  g_return_val_if_fail (webm != NULL || mp4 != NULL, NULL);
  if (recording->state == SH_RECORDING_RECORDING || recording->ended_at <= recording->started_at) {
    g_set_error (error, SH_RENDER_ERROR, SH_RENDER_ERROR_INVALID,
                 "recording %" G_GINT64_FORMAT " has not ended or has no length", recording->id);
    return NULL;
  }
  duration_ns = (recording->ended_at - recording->started_at) * 1000;
  start = g_date_time_new_from_unix_utc (recording->started_at / G_USEC_PER_SEC);
  job->start = g_date_time_add (start, recording->started_at % G_USEC_PER_SEC);
  job->title = g_strdup (title != NULL && *title != '\0' ? title : "会议录像");
  job->duration_ns = MIN (duration_ns, SH_RENDER_MAX_DURATION_NS);
  job->webm_path = g_strdup (webm);
  job->mp4_path = g_strdup (mp4);

  for (guint i = 0; i < tracks->len && job->tracks->len < SH_RENDER_MAX_TRACKS; i++) {
    const ShRecordingTrack *t = tracks->pdata[i];
    g_autoptr (GPtrArray) fragments = g_ptr_array_new_with_free_func (g_free);
    g_autofree char *publisher = NULL;
    ShRenderKind kind;
    gint64 end_ns = -1;

    if (t->recording_id != recording->id || !kind_from_string (t->kind, &kind) || t->offset_ns < 0
        || t->offset_ns >= job->duration_ns)
      continue;
    for (guint j = 0; j < files->len; j++) {
      const ShRecordingFile *f = files->pdata[j];
      g_autofree char *path = NULL;

      /* An empty fragment (opened just before a crash) holds nothing to
       * decode; a fragment gone from the disk would fail the whole job. */
      if (f->kind != SH_RECORDING_FILE_FRAGMENT || f->track_id != t->id || f->size == 0)
        continue;
      path = g_build_filename (data_dir, f->path, NULL);
      if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        g_ptr_array_add (fragments, g_steal_pointer (&path));
    }
    if (fragments->len == 0)
      continue;
    /* Fragment names count up with %05d: by name is their order. */
    g_ptr_array_sort (fragments, compare_paths);
    g_ptr_array_add (fragments, NULL);
    if (t->ended_at > 0)
      end_ns = CLAMP ((t->ended_at - recording->started_at) * 1000, t->offset_ns, job->duration_ns);
    publisher = g_strdup_printf ("p-%" G_GINT64_FORMAT, t->participant);
    sh_render_job_add_track (job, kind, t->display_name, publisher, t->offset_ns, end_ns,
                             (const char *const *) fragments->pdata);
  }
  return g_steal_pointer (&job);
}

/* ------------------------------------------------ the queue */

/* The `sanhui-render` to run: $SANHUI_RENDER, next to the server's own
 * executable (an installed server), or the build tree's. (transfer full) */
static char *
render_executable (void)
{
  const char *env = g_getenv ("SANHUI_RENDER");
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);

  if (env != NULL && *env != '\0')
    return g_strdup (env);
  if (self != NULL) {
    g_autofree char *dir = g_path_get_dirname (self);
    g_autofree char *next = g_build_filename (dir, "sanhui-render", NULL);

    if (g_file_test (next, G_FILE_TEST_IS_EXECUTABLE))
      return g_steal_pointer (&next);
  }
  return g_strdup (SH_RENDER_BUILD_PATH);
}

static gboolean
save_row (ShMeetingRender *self)
{
  g_autoptr (GError) error = NULL;

  if (sh_recording_render_update (self->server->store, self->row, &error))
    return TRUE;
  g_warning ("render of recording %" G_GINT64_FORMAT " not stored: %s", self->row->recording_id,
             error->message);
  return FALSE;
}

static void
remove_parts (ShMeetingRender *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (self->paths); i++)
    if (self->paths[i] != NULL) {
      g_autofree char *part = g_strconcat (self->paths[i], ".part", NULL);
      g_unlink (part);
    }
}

/* Forgets the running render (the child has exited or was killed). */
static void
clear_running (ShMeetingRender *self)
{
  g_clear_object (&self->child);
  /* Stops the line readers of this child, whose callbacks may still be
   * queued. */
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->row, sh_recording_render_free);
  for (guint i = 0; i < G_N_ELEMENTS (self->paths); i++)
    g_clear_pointer (&self->paths[i], g_free);
  g_clear_pointer (&self->joined, g_array_unref);
  g_clear_pointer (&self->last_error_line, g_free);
}

/* The attempt failed with @message: queued again or, after its last
 * attempt (or a job the renderer refuses, which fails the same way every
 * time), failed for good. */
static void
attempt_failed (ShMeetingRender *self, const char *message, gboolean final)
{
  ShRecordingRender *row = self->row;
  gint64 recording_id = row->recording_id;

  g_warning ("render of recording %" G_GINT64_FORMAT " failed (attempt %u): %s", recording_id,
             row->attempts, message);
  g_free (row->error);
  row->error = g_strdup (message);
  row->progress = 0;
  if (final || row->attempts >= SH_MEETING_RENDER_ATTEMPTS) {
    row->state = SH_RECORDING_RENDER_FAILED;
    row->finished_at = g_get_real_time ();
    save_row (self);
    remove_parts (self);
    clear_running (self);
    kick (self, 0);
    return;
  }
  row->state = SH_RECORDING_RENDER_QUEUED;
  save_row (self);
  remove_parts (self);
  clear_running (self);
  g_queue_push_tail (&self->pending, g_memdup2 (&recording_id, sizeof recording_id));
  kick (self, RETRY_DELAY_S);
}

/* The composites' digests, read on a worker thread: a long meeting's files
 * are gigabytes, which the main loop (every live meeting's signaling) must
 * not wait for. */
typedef struct {
  char *paths[2];
  char *sha256[2];
  guint64 size[2];
  GArray *joined; /* of Joined */
  GPtrArray *joined_sha256;
  guint64 *joined_size, *joined_duration;
} Digests;

static void
digests_free (gpointer data)
{
  Digests *d = data;

  for (guint i = 0; i < G_N_ELEMENTS (d->paths); i++) {
    g_free (d->paths[i]);
    g_free (d->sha256[i]);
  }
  g_array_unref (d->joined);
  g_ptr_array_unref (d->joined_sha256);
  g_free (d->joined_size);
  g_free (d->joined_duration);
  g_free (d);
}

static void
hash_outputs (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Digests *d = data;
  GError *error = NULL;

  (void) source;
  for (guint i = 0; i < G_N_ELEMENTS (d->paths); i++)
    if (d->paths[i] != NULL
        && !(d->sha256[i]
             = sh_recorder_file_sha256 (d->paths[i], &d->size[i], cancellable, &error))) {
      g_task_return_error (task, error);
      return;
    }
  for (guint i = 0; i < d->joined->len; i++) {
    const char *path = g_array_index (d->joined, Joined, i).path;
    char *sha256 = sh_recorder_file_sha256 (path, &d->joined_size[i], cancellable, &error);

    if (sha256 == NULL
        || !sh_recorder_probe_fragment (path, &d->joined_duration[i], NULL, &error)) {
      g_free (sha256);
      g_task_return_error (task, error);
      return;
    }
    g_ptr_array_add (d->joined_sha256, sha256);
  }
  g_task_return_boolean (task, TRUE);
}

/* The composites are on disk under their final names: their rows. */
static gboolean
store_outputs (ShMeetingRender *self, const Digests *d, GError **error)
{
  ShServer *server = self->server;

  for (guint i = 0; i < G_N_ELEMENTS (d->paths); i++) {
    g_autofree char *relative = NULL;

    if (d->paths[i] == NULL)
      continue;
    relative = sh_meeting_data_relative (server, d->paths[i]);
    if (relative == NULL) {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_FILENAME,
                   "%s is outside the data directory", d->paths[i]);
      return FALSE;
    }
    /* The renderer cuts both files to exactly the job's length. */
    ShRecordingFile file = {
      .recording_id = self->row->recording_id,
      .kind = SH_RECORDING_FILE_COMPOSITE,
      .path = relative,
      .size = (gint64) d->size[i],
      .duration_ns = self->duration_ns,
      .sha256 = d->sha256[i],
      .finished_at = g_get_real_time (),
    };
    if (sh_recording_add_file (server->store, &file, error) <= 0)
      return FALSE;
  }
  for (guint i = 0; i < d->joined->len; i++) {
    const Joined *j = &g_array_index (d->joined, Joined, i);
    g_autofree char *relative = sh_meeting_data_relative (server, j->path);

    if (relative == NULL) {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_FILENAME,
                   "%s is outside the data directory", j->path);
      return FALSE;
    }
    ShRecordingFile file = {
      .recording_id = self->row->recording_id,
      .track_id = j->track_id,
      .kind = SH_RECORDING_FILE_TRACK,
      .path = relative,
      .size = (gint64) d->joined_size[i],
      .duration_ns = (gint64) d->joined_duration[i],
      .sha256 = d->joined_sha256->pdata[i],
      .finished_at = g_get_real_time (),
    };
    if (sh_recording_add_file (server->store, &file, error) <= 0)
      return FALSE;
  }
  return TRUE;
}

static void
on_hashed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = G_TASK (result);
  g_autoptr (GError) error = NULL;
  ShMeetingRender *self;

  (void) source;
  /* Cancelled: the server is stopping, self may be gone. */
  if (g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    return;
  self = user_data;
  if (!g_task_propagate_boolean (task, &error)
      || !store_outputs (self, g_task_get_task_data (task), &error)) {
    attempt_failed (self, error->message, FALSE);
    return;
  }
  self->row->state = SH_RECORDING_RENDER_DONE;
  self->row->progress = 1000;
  self->row->finished_at = g_get_real_time ();
  g_clear_pointer (&self->row->error, g_free);
  save_row (self);
  g_message ("recording %" G_GINT64_FORMAT ": composite rendered", self->row->recording_id);
  clear_running (self);
  kick (self, 0);
}

static void
on_exited (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GSubprocess *child = G_SUBPROCESS (source);
  g_autoptr (GError) error = NULL;
  ShMeetingRender *self;
  int status;

  if (!g_subprocess_wait_finish (child, result, &error)
      && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return; /* the server is stopping: self may be gone */
  self = user_data;
  if (error != NULL) {
    attempt_failed (self, error->message, FALSE);
    return;
  }
  if (!g_subprocess_get_if_exited (child)) {
    g_autofree char *message
        = g_strdup_printf ("sanhui-render killed by signal %d", g_subprocess_get_term_sig (child));
    attempt_failed (self, message, FALSE);
    return;
  }
  status = g_subprocess_get_exit_status (child);
  if (status != 0) {
    g_autofree char *message = g_strdup_printf (
        "%s (exit status %d)",
        self->last_error_line ? self->last_error_line : "sanhui-render failed", status);
    /* 2: the job itself is wrong; running it again changes nothing. */
    attempt_failed (self, message, status == 2);
    return;
  }
  /* The child stays set until the rows are written: nothing else starts. */
  Digests *d = g_new0 (Digests, 1);
  g_autoptr (GTask) task = g_task_new (NULL, self->cancellable, on_hashed, self);

  for (guint i = 0; i < G_N_ELEMENTS (d->paths); i++)
    d->paths[i] = g_strdup (self->paths[i]);
  d->joined = joined_new ();
  for (guint i = 0; self->joined != NULL && i < self->joined->len; i++) {
    Joined j = g_array_index (self->joined, Joined, i);

    j.path = g_strdup (j.path);
    g_array_append_val (d->joined, j);
  }
  d->joined_sha256 = g_ptr_array_new_with_free_func (g_free);
  d->joined_size = g_new0 (guint64, d->joined->len);
  d->joined_duration = g_new0 (guint64, d->joined->len);
  g_task_set_task_data (task, d, digests_free);
  g_task_run_in_thread (task, hash_outputs);
}

/* One line of the child's stdout ("progress N") or stderr (the message
 * of a failure); reading goes on until the pipe closes. */
static void
on_line (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GDataInputStream *in = G_DATA_INPUT_STREAM (source);
  g_autoptr (GError) error = NULL;
  g_autofree char *line = g_data_input_stream_read_line_finish_utf8 (in, result, NULL, &error);
  gboolean is_stdout = GPOINTER_TO_INT (g_object_get_data (source, "sh-stdout"));
  GCancellable *cancellable = g_object_get_data (source, "sh-cancellable");
  ShMeetingRender *self;
  guint64 permille;

  /* Cancelled: the child is over, or the server is stopping (self may be
   * gone). */
  if (line == NULL || g_cancellable_is_cancelled (cancellable)) {
    g_object_unref (in);
    return; /* end of output, or cancelled (the server is stopping) */
  }
  self = user_data;
  if (is_stdout) {
    if (g_str_has_prefix (line, "progress ")
        && g_ascii_string_to_unsigned (line + 9, 10, 0, 1000, &permille, NULL)
        && permille / PROGRESS_STEP != self->row->progress / PROGRESS_STEP) {
      self->row->progress = (guint) permille;
      save_row (self);
    }
  } else if (*line != '\0') {
    g_free (self->last_error_line);
    self->last_error_line = g_steal_pointer (&line);
  }
  g_data_input_stream_read_line_async (in, G_PRIORITY_DEFAULT, cancellable, on_line, self);
}

static void
read_lines (ShMeetingRender *self, GInputStream *pipe, gboolean is_stdout)
{
  GDataInputStream *in = g_data_input_stream_new (pipe);

  g_object_set_data (G_OBJECT (in), "sh-stdout", GINT_TO_POINTER (is_stdout));
  g_object_set_data_full (G_OBJECT (in), "sh-cancellable", g_object_ref (self->cancellable),
                          g_object_unref);
  g_data_input_stream_read_line_async (in, G_PRIORITY_DEFAULT, self->cancellable, on_line, self);
}

/* Runs in the child between fork and exec: it dies with the server, even
 * by SIGKILL, so that no render outlives it as an orphan. */
static void
child_setup (gpointer data)
{
  pid_t server = (pid_t) GPOINTER_TO_INT (data);

  prctl (PR_SET_PDEATHSIG, SIGKILL);
  if (getppid () != server)
    _exit (1);
}

/* The per-track files the render writes besides the composites: one per
 * track of @job, <dir>/track-<track id>.mkv, unless stored already. A job
 * track is known by its first fragment's row. Returns: (transfer full). */
static GArray *
join_tracks (const char *data_dir, const char *dir, ShRenderJob *job, GPtrArray *files)
{
  GArray *joined = joined_new ();

  for (guint i = 0; i < job->tracks->len; i++) {
    ShRenderTrack *track = g_ptr_array_index (job->tracks, i);
    Joined j = { 0 };
    gboolean stored = FALSE;

    for (guint f = 0; f < files->len && j.track_id == 0; f++) {
      const ShRecordingFile *file = files->pdata[f];
      g_autofree char *path = g_build_filename (data_dir, file->path, NULL);

      if (file->kind == SH_RECORDING_FILE_FRAGMENT && g_str_equal (path, track->fragments[0]))
        j.track_id = file->track_id;
    }
    if (j.track_id == 0)
      continue;
    j.path = g_strdup_printf ("%s/track-%" G_GINT64_FORMAT ".mkv", dir, j.track_id);
    for (guint f = 0; f < files->len; f++) {
      const ShRecordingFile *file = files->pdata[f];
      g_autofree char *path = g_build_filename (data_dir, file->path, NULL);

      stored |= file->kind == SH_RECORDING_FILE_TRACK && g_str_equal (path, j.path);
    }
    if (stored) {
      g_free (j.path);
      continue;
    }
    track->joined_path = g_strdup (j.path);
    g_array_append_val (joined, j);
  }
  return joined;
}

/* The job file and outputs of a render, and the outputs that already have
 * their rows (a server stopped between storing them and marking the
 * render done): those are not rendered again. */
static ShRenderJob *
prepare (ShMeetingRender *self, char **job_path, GError **error)
{
  ShServer *server = self->server;
  gint64 recording_id = self->row->recording_id;
  g_autoptr (ShRecording) recording = NULL;
  g_autoptr (ShMeeting) meeting = NULL;
  g_autoptr (GPtrArray) tracks = NULL, files = NULL;
  g_autofree char *base = sh_config_recording_directory (server->config);
  g_autofree char *meeting_dir = NULL, *name = NULL, *dir = NULL;
  ShRenderJob *job;

  if (!(recording = sh_recording_get (server->store, recording_id, error))
      || !(meeting = sh_meeting_get (server->store, recording->meeting_id, error))
      || !(tracks = sh_recording_list_tracks (server->store, recording_id, error))
      || !(files = sh_recording_list_files (server->store, recording_id, 0, error)))
    return NULL;
  meeting_dir = g_strdup_printf ("%" G_GINT64_FORMAT, recording->meeting_id);
  name = g_strdup_printf ("%" G_GINT64_FORMAT, recording_id);
  dir = g_build_filename (base, meeting_dir, name, NULL);
  if (g_mkdir_with_parents (dir, 0700) != 0) {
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "cannot create %s: %s", dir,
                 g_strerror (errno));
    return NULL;
  }
  self->paths[0] = g_build_filename (dir, "composite.webm", NULL);
  self->paths[1] = g_build_filename (dir, "composite.mp4", NULL);
  for (guint i = 0; i < files->len; i++) {
    const ShRecordingFile *f = files->pdata[i];
    g_autofree char *path = NULL;

    if (f->kind != SH_RECORDING_FILE_COMPOSITE)
      continue;
    path = g_build_filename (server->config->data_dir, f->path, NULL);
    for (guint j = 0; j < G_N_ELEMENTS (self->paths); j++)
      if (g_strcmp0 (self->paths[j], path) == 0)
        g_clear_pointer (&self->paths[j], g_free);
  }
  if (self->paths[0] == NULL && self->paths[1] == NULL)
    return sh_render_job_new (); /* nothing left to render */
  job = sh_meeting_render_build_job (server->config->data_dir, meeting->title, recording, tracks,
                                     files, self->paths[0], self->paths[1], error);
  if (job == NULL)
    return NULL;
  self->duration_ns = job->duration_ns;
  self->joined = join_tracks (server->config->data_dir, dir, job, files);
  *job_path = g_build_filename (dir, "render-job.json", NULL);
  if (!sh_render_job_save (job, *job_path, error)) {
    sh_render_job_free (job);
    return NULL;
  }
  return job;
}

/* Starts the render of @recording_id; FALSE when there was nothing to run
 * (then the next one may start). */
static gboolean
run (ShMeetingRender *self, gint64 recording_id)
{
  ShServer *server = self->server;
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (ShRenderJob) job = NULL;
  g_autofree char *job_path = NULL, *exe = NULL;

  self->row = sh_recording_render_get (server->store, recording_id, &error);
  if (self->row == NULL) {
    g_warning ("render of recording %" G_GINT64_FORMAT " not found: %s", recording_id,
               error->message);
    return FALSE;
  }
  if (self->row->state == SH_RECORDING_RENDER_DONE
      || self->row->state == SH_RECORDING_RENDER_FAILED) {
    clear_running (self);
    return FALSE;
  }
  self->row->state = SH_RECORDING_RENDER_RUNNING;
  self->row->attempts++;
  self->row->progress = 0;
  self->row->started_at = g_get_real_time ();
  self->row->finished_at = 0;
  if (!save_row (self)) {
    clear_running (self);
    return FALSE;
  }
  job = prepare (self, &job_path, &error);
  if (job == NULL) {
    attempt_failed (self, error->message, FALSE);
    return TRUE;
  }
  if (job_path == NULL) {
    self->row->state = SH_RECORDING_RENDER_DONE;
    self->row->progress = 1000;
    self->row->finished_at = g_get_real_time ();
    save_row (self);
    clear_running (self);
    return FALSE;
  }
  exe = render_executable ();
  launcher
      = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, child_setup, GINT_TO_POINTER (getpid ()), NULL);
  self->child = g_subprocess_launcher_spawn (launcher, &error, exe, job_path, NULL);
  if (self->child == NULL) {
    attempt_failed (self, error->message, FALSE);
    return TRUE;
  }
  g_message ("recording %" G_GINT64_FORMAT ": rendering the composite (attempt %u)", recording_id,
             self->row->attempts);
  self->cancellable = g_cancellable_new ();
  read_lines (self, g_subprocess_get_stdout_pipe (self->child), TRUE);
  read_lines (self, g_subprocess_get_stderr_pipe (self->child), FALSE);
  g_subprocess_wait_async (self->child, self->cancellable, on_exited, self);
  return TRUE;
}

static gboolean
on_kick (gpointer data)
{
  ShMeetingRender *self = data;

  self->kick_source = 0;
  while (self->child == NULL && !g_queue_is_empty (&self->pending)) {
    g_autofree gint64 *id = g_queue_pop_head (&self->pending);

    if (run (self, *id))
      break;
  }
  return G_SOURCE_REMOVE;
}

/* The next render starts from the main loop (after @delay_s), never from
 * inside a callback of the one that just ended. */
static void
kick (ShMeetingRender *self, guint delay_s)
{
  if (self->kick_source != 0)
    return;
  self->kick_source
      = delay_s ? g_timeout_add_seconds (delay_s, on_kick, self) : g_idle_add (on_kick, self);
}

static gboolean
is_pending (ShMeetingRender *self, gint64 recording_id)
{
  for (GList *l = self->pending.head; l != NULL; l = l->next)
    if (*(gint64 *) l->data == recording_id)
      return TRUE;
  return self->row != NULL && self->row->recording_id == recording_id;
}

static void
enqueue (ShMeetingRender *self, gint64 recording_id)
{
  /* Stopping: the row stays queued for the next start. */
  if (self->stopped || is_pending (self, recording_id))
    return;
  g_queue_push_tail (&self->pending, g_memdup2 (&recording_id, sizeof recording_id));
  kick (self, 0);
}

void
sh_meeting_render_recording_finished (ShServer *server, gint64 recording_id, gboolean interrupted,
                                      gpointer user_data)
{
  ShMeetingRender *self = user_data;
  g_autoptr (GError) error = NULL;

  (void) interrupted;
  if (sh_recording_render_queue (server->store, recording_id, g_get_real_time (), &error) <= 0) {
    g_warning ("render of recording %" G_GINT64_FORMAT " not queued: %s", recording_id,
               error->message);
    return;
  }
  enqueue (self, recording_id);
}

/* The server stops: a running render is killed and reaped (no orphan, no
 * zombie); what it left is a .part, and its row stays "running" so that the
 * next start runs it again. */
static void
on_stop (ShServer *server, gpointer data)
{
  ShMeetingRender *self = data;

  (void) server;
  self->stopped = TRUE;
  if (self->kick_source != 0)
    g_clear_handle_id (&self->kick_source, g_source_remove);
  if (self->child != NULL) {
    g_cancellable_cancel (self->cancellable);
    g_subprocess_force_exit (self->child);
    g_subprocess_wait (self->child, NULL, NULL);
    remove_parts (self);
  }
  clear_running (self);
  g_queue_clear_full (&self->pending, g_free);
}

static void
render_free (gpointer data)
{
  on_stop (NULL, data);
  g_free (data);
}

/* The rooms' listeners are the server's attachments that it frees: the
 * queue goes with them, after the stop hooks have run. */
static void
on_room_event (ShRoom *room, const ShRoomEvent *e, gpointer user_data)
{
  (void) room;
  (void) e;
  (void) user_data;
}

ShMeetingRender *
sh_meeting_render_attach (ShServer *server)
{
  ShMeetingRender *self = g_new0 (ShMeetingRender, 1);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) open = sh_recording_render_list_unfinished (server->store, &error);

  self->server = server;
  g_queue_init (&self->pending);
  if (open == NULL)
    g_warning ("unfinished renders not resumed: %s", error->message);
  for (guint i = 0; open != NULL && i < open->len; i++) {
    const ShRecordingRender *r = open->pdata[i];

    g_message ("recording %" G_GINT64_FORMAT ": render resumed from the beginning",
               r->recording_id);
    enqueue (self, r->recording_id);
  }
  sh_server_on_stop (server, on_stop, self);
  sh_rooms_subscribe (server->rooms, on_room_event, self, render_free);
  return self;
}
