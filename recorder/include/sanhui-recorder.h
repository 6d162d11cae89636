/* sanhui-recorder.h — recording of meeting media. For now: the integrity
 * digest that every finished recording file gets in the archive.
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Streams the file at @path through SHA-256 without loading it whole.
 * Sets @size (may be NULL) to its length in bytes.
 * Returns: (transfer full) lower-case hex digest, or NULL with @error set. */
char *sh_recorder_file_sha256 (const char *path, guint64 *size, GCancellable *cancellable,
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
  char *name;       /* the member's display name, shown on the tile */
  char *publisher;  /* groups one member's camera and microphone */
  gint64 offset_ns; /* where the track's time 0 falls after the meeting's start */
  gint64 end_ns;    /* meeting time when the track ended, or -1 if unknown */
  GStrv fragments;  /* Matroska fragments, in order, absolute paths */
} ShRenderTrack;

typedef struct {
  char *title;
  GDateTime *start;  /* the meeting's start; shown in Asia/Shanghai */
  gint64 duration_ns;
  char *webm_path;   /* NULL: no WebM */
  char *mp4_path;    /* NULL: no MP4 */
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

/* Called from the render's own thread with 0..1000. */
typedef void (*ShRenderProgressFunc) (guint permille, gpointer user_data);

/* Renders @job synchronously (it runs its own main context). Each output is
 * written to "PATH.part" and renamed to PATH only when complete, so a killed
 * render never leaves a half file under the final name; run it again from
 * the start to resume. gst_init() must have been called. */
gboolean sh_render_run (const ShRenderJob *job, ShRenderProgressFunc progress, gpointer user_data,
                        GCancellable *cancellable, GError **error);

G_END_DECLS
