/* sanhui-recorder.h — recording of meeting media. For now: the integrity
 * digest that every finished recording file gets in the archive.
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <gio/gio.h>

#include "sanhui-media.h"

G_BEGIN_DECLS

/* Streams the file at @path through SHA-256 without loading it whole.
 * Sets @size (may be NULL) to its length in bytes.
 * Returns: (transfer full) lower-case hex digest, or NULL with @error set. */
char *sh_recorder_file_sha256 (const char *path, guint64 *size, GCancellable *cancellable,
                               GError **error);

/* ---------------------------------------------------------------- live recording */

/* A meeting's live recording: a tap on the meeting's media room whose
 * every track is written, without transcoding, as Matroska fragments of at
 * most fragment_ns each into
 *   <directory>/track-<track>-<fragment:%05d>.mkv
 * Each fragment file stays playable when the process dies while writing
 * it. See docs/recording.md. */
typedef struct _ShRecorder ShRecorder;

/* One recorded track, borrowed for a callback. */
typedef struct {
  guint64 track;     /* the tap's track id, unique in the room */
  guint64 publisher; /* the participant's id */
  ShMediaTrackKind kind;
  const char *codec;            /* "opus", "VP8", "VP9", "H264" */
  const char *location_pattern; /* absolute, with one %05d for the fragment */
  gint64 started_at;            /* g_get_real_time() of the track's first packet */
  gint64 ended_at;              /* 0 while recording */
  /* Where the track's time 0 (its files' timestamps start near 0) falls
   * after the recording's start, lip sync applied. Grows more exact as
   * sender reports arrive: the last value given is the best. */
  gint64 offset_ns;
  guint64 dropped;  /* RTP packets the writer dropped: queue full, foreign payload type */
  guint64 backward; /* media buffers dropped for going back in time */
  /* track_ended(): why the writer stopped early, NULL when it was asked
   * to end; no_space when the disk was full (ENOSPC). */
  const char *error;
  gboolean no_space;
} ShRecorderTrack;

typedef struct {
  /* The track's first packet was written. */
  void (*track_started) (ShRecorder *recorder, const ShRecorderTrack *track, gpointer user_data);
  /* A fragment file @path is complete: nothing will be written to it. */
  void (*fragment_closed) (ShRecorder *recorder, const ShRecorderTrack *track, const char *path,
                           guint64 duration_ns, gpointer user_data);
  /* The track's last fragment closed (@track's ended_at is set), or its
   * writer stopped on an error (@track's error, no_space): the fragment it
   * was writing then has no fragment_closed(). */
  void (*track_ended) (ShRecorder *recorder, const ShRecorderTrack *track, gpointer user_data);
  /* After sh_recorder_stop(): every track has ended. */
  void (*stopped) (ShRecorder *recorder, gpointer user_data);
} ShRecorderCallbacks;

/* A recorder writing into @directory (made if missing), not yet on a room.
 * The callbacks run on the thread-default main context of the caller.
 * Returns: (transfer full). */
ShRecorder *sh_recorder_new (const char *directory, guint64 fragment_ns,
                             const ShRecorderCallbacks *callbacks, gpointer user_data);
/* The tap to put on the meeting's room (sh_media_room_add_tap(), on the
 * room's worker). Returns: (transfer none). */
ShMediaTap *sh_recorder_get_tap (ShRecorder *recorder);
/* g_get_real_time() when the recording started: offsets count from it. */
gint64 sh_recorder_get_started_at (ShRecorder *recorder);
/* Closes the tap and ends every track; stopped() follows. Idempotent. */
void sh_recorder_stop (ShRecorder *recorder);
/* Frees the recorder; one not stopped is stopped first, without further
 * callbacks. Main context of the caller of sh_recorder_new(). */
void sh_recorder_free (ShRecorder *recorder);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShRecorder, sh_recorder_free)

/* Reads the fragment at @path back through the Matroska demuxer (what
 * the crash recovery checks a fragment left by a kill with). Sets
 * @duration_ns (may be NULL) to the span of its blocks and @blocks (may
 * be NULL) to their number. Blocks; for a worker thread or start-up.
 * Returns FALSE with @error set when the file is missing or unreadable. */
gboolean sh_recorder_probe_fragment (const char *path, guint64 *duration_ns, guint64 *blocks,
                                     GError **error);
/* ---- Composite render (render-job.c, render.c, layout.c) ----
 * A finished (or crash-closed) recording is turned into one WebM (VP8/Opus)
 * and one MP4 (H.264/AAC, index at the front) by a separate process,
 * `sanhui-render JOBFILE`, so that a decoder crash never reaches a meeting.
 * The job below is what the server writes into JOBFILE. */

#define SH_RENDER_ERROR (sh_render_error_quark ())
GQuark sh_render_error_quark (void);

typedef enum {
  SH_RENDER_ERROR_INVALID,  /* the job itself is wrong: missing field, bad value, bad path */
  SH_RENDER_ERROR_IO,       /* a file could not be read or written */
  SH_RENDER_ERROR_PIPELINE, /* GStreamer failed while rendering */
} ShRenderError;

typedef enum {
  SH_RENDER_MICROPHONE,
  SH_RENDER_CAMERA,
  SH_RENDER_SCREEN,
} ShRenderKind;

/* The render's limits: anything beyond is refused as invalid. */
#define SH_RENDER_MAX_DURATION_NS (G_GINT64_CONSTANT (24) * 3600 * G_TIME_SPAN_SECOND * 1000)
#define SH_RENDER_MAX_TRACKS 64
#define SH_RENDER_MAX_FRAGMENTS 100000

typedef struct {
  ShRenderKind kind;
  char *name;        /* the member's display name, shown on the tile */
  char *publisher;   /* groups one member's camera and microphone */
  gint64 offset_ns;  /* where the track's time 0 falls after the meeting's start */
  gint64 end_ns;     /* meeting time when the track ended, or -1 if unknown */
  GStrv fragments;   /* Matroska fragments, in order, absolute paths */
  char *joined_path; /* NULL, or where the fragments are joined into one file */
} ShRenderTrack;

typedef struct {
  char *title;
  GDateTime *start; /* the meeting's start; shown in Asia/Shanghai */
  gint64 duration_ns;
  char *webm_path; /* NULL: no WebM */
  char *mp4_path;  /* NULL: no MP4 */
  guint width, height;
  GPtrArray *tracks; /* of ShRenderTrack, owned */
} ShRenderJob;

/* Returns: (transfer full) an empty job of 1280×720. */
ShRenderJob *sh_render_job_new (void);
void sh_render_job_free (ShRenderJob *job);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShRenderJob, sh_render_job_free)

/* Appends a track; @fragments is copied.
 * Returns: (transfer none) the new track, owned by @job. */
ShRenderTrack *sh_render_job_add_track (ShRenderJob *job, ShRenderKind kind, const char *name,
                                        const char *publisher, gint64 offset_ns, gint64 end_ns,
                                        const char *const *fragments);

/* Checks what the render relies on: sizes and times in range, absolute paths
 * without "..", every fragment a readable regular file, outputs in existing
 * directories. */
gboolean sh_render_job_validate (const ShRenderJob *job, GError **error);

/* The JSON file form (see docs/recording.md, "Composite render").
 * Returns: (transfer full) */
char *sh_render_job_to_json (const ShRenderJob *job);
/* Returns: (transfer full) a validated job, or NULL with @error set. */
ShRenderJob *sh_render_job_from_json (const char *json, gssize length, GError **error);
ShRenderJob *sh_render_job_load (const char *path, GError **error);
/* Writes atomically (temporary file renamed). */
gboolean sh_render_job_save (const ShRenderJob *job, const char *path, GError **error);

/* Joins a track's Matroska @fragments (in order), without transcoding,
 * into one Matroska file at @path whose timestamps start at 0; written as
 * @path.part and renamed when complete. Blocks.
 * Returns FALSE with @error set (SH_RENDER_ERROR) when it cannot. */
gboolean sh_recorder_join_track (const char *const *fragments, const char *path,
                                 GCancellable *cancellable, GError **error);

/* Called from the render's own thread with 0..1000. */
typedef void (*ShRenderProgressFunc) (guint permille, gpointer user_data);

/* Renders @job synchronously (it runs its own main context). Each output is
 * written to "PATH.part" and renamed to PATH only when complete, so a killed
 * render never leaves a half file under the final name; run it again from
 * the start to resume. gst_init() must have been called. */
gboolean sh_render_run (const ShRenderJob *job, ShRenderProgressFunc progress, gpointer user_data,
                        GCancellable *cancellable, GError **error);

G_END_DECLS
