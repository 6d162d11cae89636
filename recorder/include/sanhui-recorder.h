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
  const char *codec; /* "opus", "VP8", "VP9", "H264" */
  const char *location_pattern; /* absolute, with one %05d for the fragment */
  gint64 started_at; /* g_get_real_time() of the track's first packet */
  gint64 ended_at;   /* 0 while recording */
  /* Where the track's time 0 (its files' timestamps start near 0) falls
   * after the recording's start, lip sync applied. Grows more exact as
   * sender reports arrive: the last value given is the best. */
  gint64 offset_ns;
  guint64 dropped; /* RTP packets the writer dropped: queue full, foreign payload type */
} ShRecorderTrack;

typedef struct {
  /* The track's first packet was written. */
  void (*track_started) (ShRecorder *recorder, const ShRecorderTrack *track, gpointer user_data);
  /* A fragment file @path is complete: nothing will be written to it. */
  void (*fragment_closed) (ShRecorder *recorder, const ShRecorderTrack *track, const char *path,
                           guint64 duration_ns, gpointer user_data);
  /* The track's last fragment closed (@track's ended_at is set). */
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

G_END_DECLS
