/* The composite render after the meeting (docs/recording.md, "After the
 * meeting"): a queue per server that runs `sanhui-render` on each finished
 * recording, one at a time, and stores its progress and files.
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "meeting-private.h"
#include "sanhui-recorder.h"

G_BEGIN_DECLS

typedef struct _ShMeetingRender ShMeetingRender;

/* How often a failed render is tried in all. */
#define SH_MEETING_RENDER_ATTEMPTS 3

/* The server's render queue: renders left unfinished by the last run are
 * queued again (from the beginning). Freed by the server's stop hooks,
 * which kill a running render. Returns: (transfer none) owned by @server. */
ShMeetingRender *sh_meeting_render_attach (ShServer *server);

/* The recording hook (ShRecordingFinishedFunc): queues @recording_id's
 * render; @user_data is the ShMeetingRender. */
void sh_meeting_render_recording_finished (ShServer *server, gint64 recording_id,
                                           gboolean interrupted, gpointer user_data);

/* The job of @recording from its store rows: @tracks (ShRecordingTrack)
 * and @files (ShRecordingFile, fragments by track; others ignored), paths
 * relative to @data_dir; @title of the meeting. Tracks without a fragment
 * on disk, or starting after the recording's end, are left out. @webm and
 * @mp4 (nullable, not both) are the outputs. INVALID when the recording
 * has not ended or has no length.
 * Returns: (transfer full) */
ShRenderJob *sh_meeting_render_build_job (const char *data_dir, const char *title,
                                          const ShRecording *recording, GPtrArray *tracks,
                                          GPtrArray *files, const char *webm, const char *mp4,
                                          GError **error);

G_END_DECLS
