/* One recorded track: its RTP in, Matroska fragments out (private to the
 * recorder module). See docs/recording.md.
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _ShTrackWriter ShTrackWriter;

typedef struct {
  /* A fragment file is complete: @location, its first and last time on the
   * track's clock (0 = the track's first packet). Runs on a GStreamer
   * streaming thread. */
  void (*fragment_closed) (ShTrackWriter *writer, const char *location, guint64 start_ns,
                           guint64 end_ns, gpointer user_data);
  /* The writer wrote its last fragment after sh_track_writer_finish(), or
   * stopped on an error (@error_message non-NULL). Any thread; once. */
  void (*finished) (ShTrackWriter *writer, const char *error_message, gpointer user_data);
} ShTrackWriterEvents;

/* Whether the writer records @codec ("opus", "VP8", "VP9", "H264", case
 * does not matter). */
gboolean sh_track_writer_supports (const char *codec);

/* A writer of @codec RTP with @payload_type at @clock_rate into files
 * named by @location_pattern (a printf pattern with one %05d), each at
 * most @fragment_ns long. Nothing is opened before the first packet.
 * Returns: (transfer full), or NULL with @error set (codec not supported,
 * GStreamer element missing). */
ShTrackWriter *sh_track_writer_new (const char *codec, guint clock_rate, guint8 payload_type,
                                    const char *location_pattern, guint64 fragment_ns,
                                    const ShTrackWriterEvents *events, gpointer user_data,
                                    GError **error);

/* Queues one RTP packet that arrived at @arrival_us
 * (g_get_monotonic_time()). Never blocks: a packet of another payload type,
 * one after finish, or one that does not fit the bounded queue is dropped
 * and counted. The first packet starts the pipeline; its arrival is the
 * track's time 0. Any thread, but one at a time. Returns FALSE on a drop. */
gboolean sh_track_writer_push (ShTrackWriter *writer, const guint8 *packet, gsize len,
                               gint64 arrival_us);

/* TRUE once after the pipeline asked for a keyframe (the track started, a
 * fragment must split, the depayloader lost a frame). Any thread. */
gboolean sh_track_writer_take_keyframe_request (ShTrackWriter *writer);

/* g_get_monotonic_time() of the first packet (the track's time 0); 0 before. */
gint64 sh_track_writer_get_zero_us (ShTrackWriter *writer);
guint64 sh_track_writer_get_dropped (ShTrackWriter *writer);

/* A sender report of the track (lip sync, lipsync.c). Any thread. */
void sh_track_writer_sender_report (ShTrackWriter *writer, guint32 ssrc, guint64 ntp,
                                    guint32 rtp_timestamp);
/* Where the written track puts the publisher's capture time: our
 * monotonic time − the publisher's NTP time, in ns, the same for the whole
 * track (docs/recording.md, "Lip sync"). FALSE before a sender report. Any
 * thread. */
gboolean sh_track_writer_get_transit_ns (ShTrackWriter *writer, gint64 *transit_ns);

/* Ends the stream: the last fragment is closed, then finished() runs. A
 * writer that never started finishes at once. Any thread; idempotent. */
void sh_track_writer_finish (ShTrackWriter *writer);

/* Stops the pipeline (what is written stays). Not from a streaming thread
 * of the writer. */
void sh_track_writer_free (ShTrackWriter *writer);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShTrackWriter, sh_track_writer_free)

G_END_DECLS
