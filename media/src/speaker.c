/* speaker.c — active speaker detection; see speaker.h.
 *
 * Each participant has a ring of window_buckets + 1 time buckets aligned on
 * one grid for the whole detector (so that every participant's window covers
 * the same span at a tick). The newest bucket is still filling and is left
 * out of the average: a half-filled bucket would make the score saw up and
 * down with the tick phase. Each bucket keeps the sum and the number of
 * samples; its mean is its loudness and an empty bucket counts 0, which is
 * how DTX silence (no packets at all) lowers the score.
 * SPDX-License-Identifier: Apache-2.0 */
#include "speaker.h"

#define RING_MAX (SH_SPEAKER_MAX_BUCKETS + 1)
#define Q 8 /* scores are fixed point with 8 fraction bits */

typedef struct {
  guint64 id;
  gboolean in_use;
  guint16 generation;     /* bumped on every add, so old handles stop matching */
  gint64 bucket_start_us; /* start of the filling bucket */
  guint bucket_index;     /* its position in the ring */
  guint32 sum[RING_MAX];
  guint16 count[RING_MAX];
  guint32 score_q8; /* as of the last tick */
  gboolean speaking;
} Slot;

struct ShSpeaker {
  ShSpeakerConfig config;
  gint64 bucket_us;
  guint ring;  /* window_buckets + 1 */
  Slot *slots; /* owned; grows on add only */
  guint n_slots;
  guint cap_slots;
  guint n_participants;

  gboolean has_dominant;
  guint64 dominant;
  gboolean dominant_removed; /* a change to report at the next tick */
  gint64 last_switch_us;
  gint64 quiet_since_us; /* the dominant speaker not speaking since; -1 if speaking */
  gboolean challenging;
  guint64 challenger;
  gint64 challenge_since_us;
};

void
sh_speaker_config_init (ShSpeakerConfig *config)
{
  *config = (ShSpeakerConfig){
    .bucket_ms = 100,
    .window_buckets = 8,
    .silence_dbov = 60,
    .speaking_min = 6,
    .margin = 6,
    .challenge_ms = 300,
    .min_switch_ms = 1000,
    .silence_clear_ms = 2000,
  };
}

ShSpeaker *
sh_speaker_new (const ShSpeakerConfig *config)
{
  ShSpeaker *speaker;
  ShSpeakerConfig defaults;

  if (config == NULL) {
    sh_speaker_config_init (&defaults);
    config = &defaults;
  }
  if (config->bucket_ms == 0 || config->window_buckets == 0
      || config->window_buckets > SH_SPEAKER_MAX_BUCKETS)
    return NULL;
  speaker = g_new0 (ShSpeaker, 1);
  speaker->config = *config;
  speaker->bucket_us = (gint64) config->bucket_ms * 1000;
  speaker->ring = config->window_buckets + 1;
  speaker->quiet_since_us = -1;
  return speaker;
}

void
sh_speaker_free (ShSpeaker *speaker)
{
  if (speaker == NULL)
    return;
  g_free (speaker->slots);
  g_free (speaker);
}

/* Start of the grid bucket holding @now_us (floor, also for negative times). */
static gint64
grid_floor (const ShSpeaker *speaker, gint64 now_us)
{
  gint64 rem = now_us % speaker->bucket_us;

  return rem < 0 ? now_us - rem - speaker->bucket_us : now_us - rem;
}

static ShSpeakerHandle
make_handle (guint index, guint16 generation)
{
  return ((guint32) generation << 16) | (guint32) (index + 1);
}

static Slot *
slot_of (const ShSpeaker *speaker, ShSpeakerHandle handle)
{
  guint index = (handle & 0xffff) - 1;
  Slot *slot;

  if ((handle & 0xffff) == 0 || index >= speaker->n_slots)
    return NULL;
  slot = &speaker->slots[index];
  if (!slot->in_use || slot->generation != handle >> 16)
    return NULL;
  return slot;
}

ShSpeakerHandle
sh_speaker_find (const ShSpeaker *speaker, guint64 id)
{
  for (guint i = 0; i < speaker->n_slots; i++) {
    const Slot *slot = &speaker->slots[i];

    if (slot->in_use && slot->id == id)
      return make_handle (i, slot->generation);
  }
  return SH_SPEAKER_INVALID_HANDLE;
}

guint
sh_speaker_count (const ShSpeaker *speaker)
{
  return speaker->n_participants;
}

ShSpeakerHandle
sh_speaker_add (ShSpeaker *speaker, guint64 id, gint64 now_us)
{
  guint index = speaker->n_slots;
  Slot *slot;
  guint16 generation;

  if (sh_speaker_find (speaker, id) != SH_SPEAKER_INVALID_HANDLE)
    return SH_SPEAKER_INVALID_HANDLE;
  for (guint i = 0; i < speaker->n_slots; i++) {
    if (!speaker->slots[i].in_use) {
      index = i;
      break;
    }
  }
  if (index == speaker->n_slots) {
    if (index >= 0xffff)
      return SH_SPEAKER_INVALID_HANDLE; /* the handle holds a 16-bit index */
    if (index == speaker->cap_slots) {
      speaker->cap_slots = MAX (8u, speaker->cap_slots * 2);
      speaker->slots = g_renew (Slot, speaker->slots, speaker->cap_slots);
    }
    speaker->slots[index].generation = 0;
    speaker->n_slots++;
  }
  slot = &speaker->slots[index];
  /* Never generation 0 after the first add, so a zeroed handle cannot match. */
  generation = (guint16) (slot->generation + 1);
  if (generation == 0)
    generation = 1;
  *slot = (Slot){ 0 };
  slot->id = id;
  slot->in_use = TRUE;
  slot->generation = generation;
  slot->bucket_start_us = grid_floor (speaker, now_us);
  speaker->n_participants++;
  return make_handle (index, generation);
}

gboolean
sh_speaker_remove (ShSpeaker *speaker, guint64 id)
{
  ShSpeakerHandle handle = sh_speaker_find (speaker, id);
  Slot *slot = slot_of (speaker, handle);

  if (slot == NULL)
    return FALSE;
  slot->in_use = FALSE;
  speaker->n_participants--;
  if (speaker->has_dominant && speaker->dominant == id) {
    speaker->has_dominant = FALSE;
    speaker->dominant_removed = TRUE;
    speaker->quiet_since_us = -1;
  }
  if (speaker->challenging && speaker->challenger == id)
    speaker->challenging = FALSE;
  return TRUE;
}

/* Moves @slot's filling bucket forward to the one holding @now_us, emptying
 * the buckets it passes. Earlier times (a caller's clock that stepped back)
 * stay in the filling bucket. */
static void
advance (const ShSpeaker *speaker, Slot *slot, gint64 now_us)
{
  gint64 steps;

  if (now_us < slot->bucket_start_us + speaker->bucket_us)
    return;
  steps = (now_us - slot->bucket_start_us) / speaker->bucket_us;
  if (steps >= speaker->ring) {
    for (guint i = 0; i < speaker->ring; i++) {
      slot->sum[i] = 0;
      slot->count[i] = 0;
    }
    slot->bucket_index = (guint) ((slot->bucket_index + steps) % speaker->ring);
  } else {
    for (gint64 i = 0; i < steps; i++) {
      slot->bucket_index = slot->bucket_index + 1 == speaker->ring ? 0 : slot->bucket_index + 1;
      slot->sum[slot->bucket_index] = 0;
      slot->count[slot->bucket_index] = 0;
    }
  }
  slot->bucket_start_us += steps * speaker->bucket_us;
}

gboolean
sh_speaker_update (ShSpeaker *speaker, ShSpeakerHandle handle, guint8 level, ShSpeakerVad vad,
                   gint64 now_us)
{
  Slot *slot = slot_of (speaker, handle);
  guint value = 0;

  if (G_UNLIKELY (slot == NULL))
    return FALSE;
  level &= 0x7f;
  if (vad != SH_SPEAKER_VAD_NO_VOICE && level < speaker->config.silence_dbov)
    value = speaker->config.silence_dbov - level;
  advance (speaker, slot, now_us);
  /* A bucket holds at most 65535 samples; more in 100 ms is not audio. */
  if (G_LIKELY (slot->count[slot->bucket_index] < G_MAXUINT16)) {
    slot->sum[slot->bucket_index] += value;
    slot->count[slot->bucket_index]++;
  }
  return TRUE;
}

gboolean
sh_speaker_update_packet (ShSpeaker *speaker, ShSpeakerHandle handle, const ShRtpView *view,
                          guint8 ext_id, gboolean use_vad, gint64 now_us)
{
  gboolean voice;
  guint8 level;
  ShSpeakerVad vad;

  if (!sh_rtp_ext_audio_level (view, ext_id, &voice, &level))
    return FALSE;
  vad = !use_vad ? SH_SPEAKER_VAD_UNKNOWN : voice ? SH_SPEAKER_VAD_VOICE : SH_SPEAKER_VAD_NO_VOICE;
  return sh_speaker_update (speaker, handle, level, vad, now_us);
}

/* Mean loudness of the completed buckets of the window, Q8. */
static guint32
window_score (const ShSpeaker *speaker, const Slot *slot)
{
  guint64 total = 0;
  guint index = slot->bucket_index;

  for (guint i = 0; i < speaker->config.window_buckets; i++) {
    index = index == 0 ? speaker->ring - 1 : index - 1;
    if (slot->count[index] > 0)
      total += ((guint64) slot->sum[index] << Q) / slot->count[index];
  }
  return (guint32) (total / speaker->config.window_buckets);
}

static Slot *
slot_by_id (ShSpeaker *speaker, guint64 id)
{
  return slot_of (speaker, sh_speaker_find (speaker, id));
}

/* The rules, at one tick, once scores are fresh. */
static void
decide (ShSpeaker *speaker, gint64 now_us)
{
  const ShSpeakerConfig *config = &speaker->config;
  Slot *current = speaker->has_dominant ? slot_by_id (speaker, speaker->dominant) : NULL;
  Slot *best = NULL;
  guint32 floor_q8 = 0;

  for (guint i = 0; i < speaker->n_slots; i++) {
    Slot *slot = &speaker->slots[i];

    if (!slot->in_use || slot == current || !slot->speaking)
      continue;
    if (best == NULL || slot->score_q8 > best->score_q8)
      best = slot;
  }

  if (current != NULL) {
    if (current->speaking)
      speaker->quiet_since_us = -1;
    else if (speaker->quiet_since_us < 0)
      speaker->quiet_since_us = now_us;
    if (speaker->quiet_since_us >= 0
        && now_us - speaker->quiet_since_us >= (gint64) config->silence_clear_ms * 1000) {
      speaker->has_dominant = FALSE;
      speaker->quiet_since_us = -1;
      current = NULL;
    } else {
      floor_q8 = current->score_q8 + ((guint32) config->margin << Q);
    }
  }

  /* A challenger must hold its lead on every tick of the challenge: one
   * tick below the bar starts it over, so a cough or a crossing of two
   * voices of about the same loudness does not move the floor. */
  if (best == NULL || (current != NULL && best->score_q8 < floor_q8)) {
    speaker->challenging = FALSE;
    return;
  }
  if (!speaker->challenging || speaker->challenger != best->id) {
    speaker->challenging = TRUE;
    speaker->challenger = best->id;
    speaker->challenge_since_us = now_us;
  }
  if (now_us - speaker->challenge_since_us < (gint64) config->challenge_ms * 1000)
    return;
  if (current != NULL && now_us - speaker->last_switch_us < (gint64) config->min_switch_ms * 1000)
    return;
  speaker->has_dominant = TRUE;
  speaker->dominant = best->id;
  speaker->last_switch_us = now_us;
  speaker->quiet_since_us = -1;
  speaker->challenging = FALSE;
}

gboolean
sh_speaker_tick (ShSpeaker *speaker, gint64 now_us, gboolean *has_dominant, guint64 *dominant)
{
  gboolean had = speaker->has_dominant;
  guint64 was = speaker->dominant;
  gboolean changed;

  for (guint i = 0; i < speaker->n_slots; i++) {
    Slot *slot = &speaker->slots[i];

    if (!slot->in_use)
      continue;
    advance (speaker, slot, now_us);
    slot->score_q8 = window_score (speaker, slot);
    slot->speaking = slot->score_q8 >= ((guint32) speaker->config.speaking_min << Q);
  }
  decide (speaker, now_us);

  changed = speaker->dominant_removed || had != speaker->has_dominant
            || (had && was != speaker->dominant);
  speaker->dominant_removed = FALSE;
  if (has_dominant != NULL)
    *has_dominant = speaker->has_dominant;
  if (dominant != NULL)
    *dominant = speaker->has_dominant ? speaker->dominant : 0;
  return changed;
}

gboolean
sh_speaker_dominant (const ShSpeaker *speaker, guint64 *dominant)
{
  if (dominant != NULL)
    *dominant = speaker->has_dominant ? speaker->dominant : 0;
  return speaker->has_dominant;
}

guint
sh_speaker_levels (const ShSpeaker *speaker, ShSpeakerLevel *levels, guint max)
{
  guint n = 0;

  for (guint i = 0; i < speaker->n_slots; i++) {
    const Slot *slot = &speaker->slots[i];

    if (!slot->in_use)
      continue;
    if (n < max) {
      levels[n] = (ShSpeakerLevel){
        .id = slot->id,
        .loudness = (guint8) MIN (127u, (slot->score_q8 + (1u << (Q - 1))) >> Q),
        .speaking = slot->speaking,
        .dominant = speaker->has_dominant && speaker->dominant == slot->id,
      };
    }
    n++;
  }
  return n;
}
