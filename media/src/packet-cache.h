/* packet-cache.h — the recently sent packets of one outgoing stream, so that
 * a subscriber's NACK (RFC 4585) is answered with RTX (RFC 4588) from the
 * server without asking the publisher again.
 *
 * Packets are stored as sent on the subscribe leg: already rewritten (SSRC,
 * sequence number, timestamp), not yet SRTP-protected. Storage is a ring of
 * fixed-size slots indexed by the low bits of the 16-bit sequence number, so
 * wraparound needs no special case and the packet path never allocates: the
 * only allocation is in sh_packet_cache_new().
 *
 * A cache belongs to one worker thread (the meeting's) and takes no lock.
 * Time is always passed in (microseconds, any monotonic origin), so that
 * tests are deterministic.
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Bytes per slot: an Ethernet MTU. WebRTC senders stay near 1200 bytes, so
 * every packet fits and its RTX copy (2 bytes longer) fits as well. */
#define SH_PACKET_CACHE_SLOT_SIZE 1500

#define SH_PACKET_CACHE_DEFAULT_VIDEO_SLOTS 512
#define SH_PACKET_CACHE_DEFAULT_AUDIO_SLOTS 128
/* Half the sequence space: beyond that, "how far behind the newest" is
 * ambiguous. */
#define SH_PACKET_CACHE_MAX_SLOTS 32768
#define SH_PACKET_CACHE_DEFAULT_MIN_INTERVAL_US 100000
#define SH_PACKET_CACHE_DEFAULT_MAX_RETRANSMITS 3

typedef enum {
  SH_PACKET_CACHE_OK = 0,
  SH_PACKET_CACHE_ERR_NOT_FOUND = -1, /* never stored, overwritten, or out of the window */
  SH_PACKET_CACHE_ERR_TOO_SOON = -2,  /* re-sent less than an interval ago */
  SH_PACKET_CACHE_ERR_LIMIT = -3,     /* already re-sent max_retransmits times */
  SH_PACKET_CACHE_ERR_NO_SPACE = -4,  /* the output buffer is too small */
  SH_PACKET_CACHE_ERR_TOO_LARGE = -5, /* the packet does not fit a slot */
  SH_PACKET_CACHE_ERR_MALFORMED = -6, /* not an RTP packet */
  SH_PACKET_CACHE_ERR_TOO_OLD = -7,   /* older than the window: not stored */
} ShPacketCacheError;

typedef struct {
  /* Slots; rounded up to a power of two (so that the slot index survives
   * the 16-bit wrap), at most SH_PACKET_CACHE_MAX_SLOTS. 0: the video
   * default. */
  guint n_slots;
  /* A packet is not re-sent twice within max(min_interval_us, RTT): the
   * first copy may still be on its way. 0: the default, 100 ms. */
  gint64 min_interval_us;
  /* Re-sends per packet; 0: the default, 3. */
  guint max_retransmits;
  /* The RTX stream paired with this one: its SSRC, its payload type (the
   * one whose apt= is the stream's), and its first sequence number (random,
   * chosen by the caller). */
  guint32 rtx_ssrc;
  guint8 rtx_payload_type;
  guint16 rtx_first_seq;
} ShPacketCacheConfig;

/* Counters since creation, for logs and statistics. */
typedef struct {
  guint64 stored;
  guint64 retransmitted; /* RTX packets built */
  guint64 not_found;     /* requests for packets no longer (or never) here */
  guint64 throttled;     /* requests refused as too soon or over the limit */
} ShPacketCacheStats;

typedef struct _ShPacketCache ShPacketCache;

/* Fills @config with the defaults (video size, no RTX identity). */
void sh_packet_cache_config_init (ShPacketCacheConfig *config);

/* Returns: (transfer full) a cache, or NULL when @config is invalid (an RTX
 * payload type above 127, or more slots than SH_PACKET_CACHE_MAX_SLOTS). */
ShPacketCache *sh_packet_cache_new (const ShPacketCacheConfig *config);
void sh_packet_cache_free (ShPacketCache *cache);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShPacketCache, sh_packet_cache_free)

/* The slot count after rounding. */
guint sh_packet_cache_n_slots (const ShPacketCache *cache);

/* Forgets every packet (the stream restarted); the RTX sequence counter
 * keeps counting, since the RTX stream itself goes on. */
void sh_packet_cache_clear (ShPacketCache *cache);

/* The RTT estimate of the subscriber's leg, when known: raises the re-send
 * interval above the configured minimum. */
void sh_packet_cache_set_rtt (ShPacketCache *cache, gint64 rtt_us);

/* Copies the RTP packet @packet (@len bytes, sent at @now_us) into its slot,
 * replacing whatever was there. Packets arrive in sending order, mostly:
 * one older than the newest is stored when it is still in the window.
 * Returns SH_PACKET_CACHE_OK or a negative ShPacketCacheError. */
int sh_packet_cache_insert (ShPacketCache *cache, const guint8 *packet, gsize len, gint64 now_us);

/* The packet with sequence number @seq if it is still here: not
 * overwritten, and not more than a window behind the newest.
 * Returns: (transfer none) the packet, valid until the next insert or clear;
 * NULL when absent. @len and @sent_us may be NULL. */
const guint8 *sh_packet_cache_lookup (const ShPacketCache *cache, guint16 seq, gsize *len,
                                      gint64 *sent_us);

/* Answers a NACK for @seq: builds the RTX packet of the cached original into
 * @out (@cap bytes; unprotected, for SRTP next), with the RTX SSRC and
 * payload type, the next RTX sequence number and the original sequence
 * number in the first two payload bytes; records the re-send. Refuses a
 * packet re-sent less than an interval ago or already max_retransmits
 * times. Returns the RTX packet's length or a negative ShPacketCacheError. */
int sh_packet_cache_retransmit (ShPacketCache *cache, guint16 seq, gint64 now_us, guint8 *out,
                                gsize cap);

void sh_packet_cache_get_stats (const ShPacketCache *cache, ShPacketCacheStats *stats);

G_END_DECLS
