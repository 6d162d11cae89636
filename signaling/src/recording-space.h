/* Disk space of a recording (docs/recording.md, "Disk space"): the free
 * space of the recordings' file system, the recording's write rate, the
 * floor crossing and the chair's message. Pure but for the statvfs.
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The write rate counts over this window (a few fragments of each track). */
#define SH_RECORDING_SPACE_WINDOW_S 60
/* Before any fragment has closed: one camera at the demo's bitrate and its
 * microphone (docs/recording.md, "Disk space"), in bytes per second. */
#define SH_RECORDING_SPACE_NOMINAL_RATE 80000.0
/* A recording that a full disk stopped resumes once the free space is at
 * the floor again, or this much without a floor. */
#define SH_RECORDING_SPACE_RESUME_BYTES (G_GUINT64_CONSTANT (64) * 1024 * 1024)

typedef struct {
  gint64 at[8];     /* monotonic µs of the samples, oldest first */
  guint64 bytes[8]; /* bytes written by then */
  guint n;
  gboolean low; /* below the floor since the last crossing */
} ShRecordingSpace;

/* Bytes available to an unprivileged writer on the file system holding
 * @path (statvfs). FALSE with @error set when it cannot be read. */
gboolean sh_recording_space_free_bytes (const char *path, guint64 *free_bytes, GError **error);

/* A sample: @written bytes in all at @now_us. */
void sh_recording_space_sample (ShRecordingSpace *space, gint64 now_us, guint64 written);

/* Bytes per second over the last window; the nominal rate while fewer
 * than two samples or no bytes are known. */
double sh_recording_space_rate (const ShRecordingSpace *space);

/* TRUE once when @free_bytes falls below @floor_bytes; the warning is
 * armed again only when free space rises a tenth of the floor (at least
 * 64 MiB) above it, so that a disk hovering at the floor does not repeat
 * it. A floor of 0 never warns. */
gboolean sh_recording_space_crossed (ShRecordingSpace *space, guint64 free_bytes,
                                     guint64 floor_bytes);

/* Whole minutes @free_bytes last at @rate bytes per second. */
guint64 sh_recording_space_minutes_left (guint64 free_bytes, double rate);

/* The chair's notice: "录像存储空间不足：剩余 1.5 GB，约可再录 42 分钟".
 * Returns: (transfer full) */
char *sh_recording_space_message (guint64 free_bytes, guint64 minutes_left);

G_END_DECLS
