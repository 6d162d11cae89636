/* speaker.h — active (dominant) speaker detection from the ssrc-audio-level
 * header extension (RFC 6464) of every participant's audio.
 *
 * Per packet the caller feeds one level (-dBov, 0 loudest .. 127 silence)
 * into the participant's slot: a few integer operations into a ring of time
 * buckets, no allocation, no clock call. Every 100–300 ms the meeting's
 * worker calls sh_speaker_tick(): it smooths each participant's level over
 * the window, decides who is speaking and who dominates, with hysteresis, and
 * says whether the dominant speaker changed. sh_speaker_levels() gives the
 * per-participant meters computed by the last tick.
 *
 * Loudness is measured in dB above the silence threshold: a sample at
 * -30 dBov with a threshold of -60 dBov counts 30, a sample at or below the
 * threshold (or marked "no voice" by the V flag) counts 0, and a bucket
 * without any packet (Opus DTX stops sending in silence) counts 0 too.
 *
 * Time is passed in (microseconds, any monotonic clock, the same for every
 * call), so that tests are deterministic. A detector belongs to one meeting
 * and is used from that meeting's worker thread only: no locking.
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

#include "rtp.h"

G_BEGIN_DECLS

#define SH_SPEAKER_MAX_BUCKETS 32

typedef struct {
  guint bucket_ms;        /* width of one smoothing bucket */
  guint window_buckets;   /* buckets averaged: window = bucket_ms * window_buckets */
  guint8 silence_dbov;    /* levels at or above this -dBov are silence */
  guint8 speaking_min;    /* smoothed loudness (dB above silence) to count as speaking */
  guint8 margin;          /* how much louder a challenger must be than the speaker */
  guint challenge_ms;     /* how long a challenger must stay louder to take the floor */
  guint min_switch_ms;    /* no switch from one speaker to another more often than this */
  guint silence_clear_ms; /* the speaker quiet this long: nobody dominates */
} ShSpeakerConfig;

/* The defaults: 100 ms buckets over an 800 ms window, silence at -60 dBov,
 * speaking from 6 dB, margin 6 dB for 300 ms, switch at most every 1 s,
 * cleared after 2 s of silence. */
void sh_speaker_config_init (ShSpeakerConfig *config);

/* Vad bit of the extension: RFC 6464 makes it optional (the "vad" extmap
 * attribute); without it the level alone decides. */
typedef enum {
  SH_SPEAKER_VAD_UNKNOWN = 0, /* no V flag negotiated: use the level */
  SH_SPEAKER_VAD_VOICE = 1,
  SH_SPEAKER_VAD_NO_VOICE = 2, /* the sender's detector says silence: counts as silence */
} ShSpeakerVad;

/* A participant's slot; stays valid until sh_speaker_remove(). A handle of a
 * removed participant is refused, even when its slot has been reused. */
typedef guint32 ShSpeakerHandle;
#define SH_SPEAKER_INVALID_HANDLE ((ShSpeakerHandle) 0)

typedef struct ShSpeaker ShSpeaker;

/* Returns: (transfer full) a detector; @config NULL for the defaults. NULL
 * when @config is out of range (no bucket, more than SH_SPEAKER_MAX_BUCKETS,
 * or a zero bucket width). */
ShSpeaker *sh_speaker_new (const ShSpeakerConfig *config);
void sh_speaker_free (ShSpeaker *speaker);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShSpeaker, sh_speaker_free)

/* Adds participant @id (the caller's identity, unique in the detector).
 * Allocates only when the slot table grows. Returns its handle, or
 * SH_SPEAKER_INVALID_HANDLE when @id is already present. */
ShSpeakerHandle sh_speaker_add (ShSpeaker *speaker, guint64 id, gint64 now_us);

/* Removes @id. If it was the dominant speaker, the next tick reports the
 * change. FALSE when unknown. */
gboolean sh_speaker_remove (ShSpeaker *speaker, guint64 id);

/* The handle of @id (a linear scan: for joins and tests, not per packet). */
ShSpeakerHandle sh_speaker_find (const ShSpeaker *speaker, guint64 id);

guint sh_speaker_count (const ShSpeaker *speaker);

/* The packet path: one audio level of @handle's participant received at
 * @now_us. FALSE for a stale or invalid handle. */
gboolean sh_speaker_update (ShSpeaker *speaker, ShSpeakerHandle handle, guint8 level,
                            ShSpeakerVad vad, gint64 now_us);

/* The same from a parsed RTP packet and the negotiated extension id.
 * @use_vad: whether the V flag was negotiated (extmap "vad=on"). FALSE when
 * the packet carries no audio level or the handle is stale. */
gboolean sh_speaker_update_packet (ShSpeaker *speaker, ShSpeakerHandle handle,
                                   const ShRtpView *view, guint8 ext_id, gboolean use_vad,
                                   gint64 now_us);

/* Smooths, decides and returns TRUE when the dominant speaker changed since
 * the last tick; then *@has_dominant says whether anyone dominates and
 * *@dominant who (either may be NULL). */
gboolean sh_speaker_tick (ShSpeaker *speaker, gint64 now_us, gboolean *has_dominant,
                          guint64 *dominant);

/* The current dominant speaker, as of the last tick. */
gboolean sh_speaker_dominant (const ShSpeaker *speaker, guint64 *dominant);

typedef struct {
  guint64 id;
  guint8 loudness;   /* smoothed dB above the silence threshold, 0 = silent */
  gboolean speaking; /* loudness >= speaking_min */
  gboolean dominant;
} ShSpeakerLevel;

/* Copies the meters of the last tick into @levels (at most @max, in slot
 * order) and returns the number of participants. */
guint sh_speaker_levels (const ShSpeaker *speaker, ShSpeakerLevel *levels, guint max);

G_END_DECLS
