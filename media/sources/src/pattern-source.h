/* pattern-source.h — a live test picture and tone as RTP: VP8 moving ball
 * on a blue ground and a 440 Hz Opus tone, made by a GStreamer pipeline.
 * The echo service sends it to receive-only clients so that a user without
 * a camera can still check their screen and speakers.
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _ShPatternSource ShPatternSource;

/* One RTP packet (borrowed for the call), on the source's context. */
typedef void (*ShPatternSourcePacketFunc) (const guint8 *rtp, gsize len, gboolean is_video,
                                           gpointer user_data);

typedef struct {
  guint video_pt; /* VP8 payload type; 0: no video */
  guint32 video_ssrc;
  guint audio_pt; /* Opus payload type; 0: no audio */
  guint32 audio_ssrc;
  guint mtu; /* largest RTP packet; 0: 1200 */
} ShPatternSourceConfig;

/* Starts the pipeline. Packets are delivered on @context (transfer none, a
 * reference is kept), never on GStreamer's threads.
 * Returns: (transfer full) or NULL with @error set (a missing plugin). */
ShPatternSource *sh_pattern_source_new (GMainContext *context, const ShPatternSourceConfig *config,
                                        ShPatternSourcePacketFunc func, gpointer user_data,
                                        GError **error);

/* Asks the encoder for a keyframe (a PLI or FIR arrived). */
void sh_pattern_source_request_keyframe (ShPatternSource *source);

/* Stops the pipeline; no packet is delivered after this returns. Call it on
 * the source's context. */
void sh_pattern_source_free (ShPatternSource *source);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShPatternSource, sh_pattern_source_free)

G_END_DECLS
