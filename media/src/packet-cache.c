/* packet-cache.c — a ring of fixed-size slots holding the packets last sent
 * on one outgoing stream, and the RTX answers built from them.
 *
 * The bookkeeping of a slot (sequence number, length, times, re-send count)
 * lives in an array of its own, apart from the 1500-byte payload slots: a
 * lookup that misses, or a throttled request, then reads a few bytes instead
 * of touching a whole payload's cache line.
 * SPDX-License-Identifier: Apache-2.0 */
#include "packet-cache.h"

#include <string.h>

#include "rtp.h"
#include "rtp-bytes.h"

typedef struct {
  gint64 sent_us;
  gint64 last_rtx_us; /* meaningful when retransmits > 0 */
  guint16 seq;
  guint16 len; /* 0: the slot is empty */
  guint8 retransmits;
} Slot;

struct _ShPacketCache {
  guint n_slots; /* a power of two */
  guint mask;
  gint64 min_interval_us;
  gint64 interval_us; /* max(min_interval_us, rtt) */
  guint max_retransmits;
  guint32 rtx_ssrc;
  guint8 rtx_payload_type;
  guint16 rtx_seq; /* the next RTX packet's */
  gboolean have_newest;
  guint16 newest;
  ShPacketCacheStats stats;
  Slot *slots;   /* owned, n_slots */
  guint8 *bytes; /* owned, n_slots * SH_PACKET_CACHE_SLOT_SIZE */
};

void
sh_packet_cache_config_init (ShPacketCacheConfig *config)
{
  memset (config, 0, sizeof *config);
  config->n_slots = SH_PACKET_CACHE_DEFAULT_VIDEO_SLOTS;
  config->min_interval_us = SH_PACKET_CACHE_DEFAULT_MIN_INTERVAL_US;
  config->max_retransmits = SH_PACKET_CACHE_DEFAULT_MAX_RETRANSMITS;
}

ShPacketCache *
sh_packet_cache_new (const ShPacketCacheConfig *config)
{
  ShPacketCache *cache;
  guint want = config->n_slots != 0 ? config->n_slots : SH_PACKET_CACHE_DEFAULT_VIDEO_SLOTS;
  guint n = 1;

  if (want > SH_PACKET_CACHE_MAX_SLOTS || config->rtx_payload_type > 127
      || config->min_interval_us < 0)
    return NULL;
  while (n < want)
    n <<= 1;

  cache = g_new0 (ShPacketCache, 1);
  cache->n_slots = n;
  cache->mask = n - 1;
  cache->min_interval_us = config->min_interval_us != 0 ? config->min_interval_us
                                                        : SH_PACKET_CACHE_DEFAULT_MIN_INTERVAL_US;
  cache->interval_us = cache->min_interval_us;
  /* A slot counts its re-sends in a byte. */
  cache->max_retransmits
      = MIN (config->max_retransmits != 0 ? config->max_retransmits
                                          : SH_PACKET_CACHE_DEFAULT_MAX_RETRANSMITS,
             G_MAXUINT8);
  cache->rtx_ssrc = config->rtx_ssrc;
  cache->rtx_payload_type = config->rtx_payload_type;
  cache->rtx_seq = config->rtx_first_seq;
  cache->slots = g_new0 (Slot, n);
  /* Not zeroed: a slot's bytes are only read after an insert wrote them,
   * and untouched pages of a large allocation then cost no memory. */
  cache->bytes = g_malloc ((gsize) n * SH_PACKET_CACHE_SLOT_SIZE);
  return cache;
}

void
sh_packet_cache_free (ShPacketCache *cache)
{
  if (cache == NULL)
    return;
  g_free (cache->slots);
  g_free (cache->bytes);
  g_free (cache);
}

guint
sh_packet_cache_n_slots (const ShPacketCache *cache)
{
  return cache->n_slots;
}

void
sh_packet_cache_clear (ShPacketCache *cache)
{
  memset (cache->slots, 0, cache->n_slots * sizeof (Slot));
  cache->have_newest = FALSE;
}

void
sh_packet_cache_set_rtt (ShPacketCache *cache, gint64 rtt_us)
{
  cache->interval_us = MAX (cache->min_interval_us, rtt_us);
}

int
sh_packet_cache_insert (ShPacketCache *cache, const guint8 *packet, gsize len, gint64 now_us)
{
  guint16 seq;
  Slot *slot;

  /* The caller parsed and rewrote this packet already: only what the cache
   * itself relies on is checked here; the full parse waits for a NACK. */
  if (len < 12 || (packet[0] >> 6) != 2)
    return SH_PACKET_CACHE_ERR_MALFORMED;
  if (len > SH_PACKET_CACHE_SLOT_SIZE)
    return SH_PACKET_CACHE_ERR_TOO_LARGE;
  seq = sh_be16 (packet + 2);

  if (!cache->have_newest || sh_rtp_seq_newer (seq, cache->newest)) {
    /* Empty the slots of the numbers skipped (all of them after a jump of
     * a window or more): what they hold is leaving the window, and after
     * jumps around the whole cycle it could carry the very number asked
     * for later. So a non-empty slot always holds a number in the window.
     * Sent streams are numbered without gaps: this loop rarely runs. */
    if (cache->have_newest) {
      guint skipped = MIN ((guint16) (seq - cache->newest - 1), cache->n_slots);

      for (guint i = 1; i <= skipped; i++)
        cache->slots[(cache->newest + i) & cache->mask].len = 0;
    }
    cache->newest = seq;
    cache->have_newest = TRUE;
  } else if ((guint16) (cache->newest - seq) >= cache->n_slots) {
    return SH_PACKET_CACHE_ERR_TOO_OLD;
  }

  slot = &cache->slots[seq & cache->mask];
  slot->seq = seq;
  slot->len = (guint16) len;
  slot->sent_us = now_us;
  slot->retransmits = 0;
  slot->last_rtx_us = 0;
  memcpy (cache->bytes + (gsize) (seq & cache->mask) * SH_PACKET_CACHE_SLOT_SIZE, packet, len);
  cache->stats.stored++;
  return SH_PACKET_CACHE_OK;
}

/* The slot holding @seq, or NULL: the slot must hold that very number.
 * insert() keeps every non-empty slot inside the window; the window test
 * here is a cheap second guard. */
static Slot *
find (const ShPacketCache *cache, guint16 seq)
{
  Slot *slot = &cache->slots[seq & cache->mask];

  if (!cache->have_newest || slot->len == 0 || slot->seq != seq)
    return NULL;
  if ((guint16) (cache->newest - seq) >= cache->n_slots)
    return NULL;
  return slot;
}

const guint8 *
sh_packet_cache_lookup (const ShPacketCache *cache, guint16 seq, gsize *len, gint64 *sent_us)
{
  const Slot *slot = find (cache, seq);

  if (slot == NULL)
    return NULL;
  if (len != NULL)
    *len = slot->len;
  if (sent_us != NULL)
    *sent_us = slot->sent_us;
  return cache->bytes + (gsize) (seq & cache->mask) * SH_PACKET_CACHE_SLOT_SIZE;
}

int
sh_packet_cache_retransmit (ShPacketCache *cache, guint16 seq, gint64 now_us, guint8 *out,
                            gsize cap)
{
  Slot *slot = find (cache, seq);
  ShRtpView view;
  int n;

  if (slot == NULL) {
    cache->stats.not_found++;
    return SH_PACKET_CACHE_ERR_NOT_FOUND;
  }
  if (slot->retransmits >= cache->max_retransmits) {
    cache->stats.throttled++;
    return SH_PACKET_CACHE_ERR_LIMIT;
  }
  /* Receivers repeat a NACK until the packet arrives; a copy sent less than
   * a round trip ago may simply not have arrived yet. */
  if (slot->retransmits > 0 && now_us - slot->last_rtx_us < cache->interval_us) {
    cache->stats.throttled++;
    return SH_PACKET_CACHE_ERR_TOO_SOON;
  }
  if (sh_rtp_parse (&view, cache->bytes + (gsize) (seq & cache->mask) * SH_PACKET_CACHE_SLOT_SIZE,
                    slot->len)
      != SH_RTP_OK)
    return SH_PACKET_CACHE_ERR_MALFORMED;
  n = sh_rtp_rtx_wrap (&view, cache->rtx_ssrc, cache->rtx_payload_type, cache->rtx_seq, out, cap);
  if (n < 0)
    return n == SH_RTP_ERR_NO_SPACE ? SH_PACKET_CACHE_ERR_NO_SPACE : SH_PACKET_CACHE_ERR_MALFORMED;

  cache->rtx_seq++;
  slot->retransmits++;
  slot->last_rtx_us = now_us;
  cache->stats.retransmitted++;
  return n;
}

void
sh_packet_cache_get_stats (const ShPacketCache *cache, ShPacketCacheStats *stats)
{
  *stats = cache->stats;
}
