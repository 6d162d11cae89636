/* nack-generator.h — loss detection on one incoming stream (from a
 * publisher) and the generic NACKs (RFC 4585 section 6.2.1) that ask the
 * publisher to re-send what is missing.
 *
 * A gap in sequence numbers makes its packets "missing" at once; each is
 * requested right away (or after the configured reorder delay), then again
 * at most once per RTT, up to max_retries times, and forgotten when older
 * than max_age_us or SH_NACK_GENERATOR_WINDOW packets behind the newest. A
 * late arrival or an RTX copy removes it. A jump far beyond the window is a
 * restart of the numbering, confirmed by the next packet following it (as
 * RFC 3550 appendix A.1 does), and resets the state instead of asking for
 * thousands of packets.
 *
 * The state is a fixed ring of SH_NACK_GENERATOR_WINDOW entries, allocated
 * once; nothing allocates per packet. A generator belongs to one worker
 * thread and takes no lock. Time is always passed in (microseconds, any
 * monotonic origin).
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

#include "rtcp.h"

G_BEGIN_DECLS

/* Packets tracked behind the newest (a power of two). */
#define SH_NACK_GENERATOR_WINDOW 512

#define SH_NACK_GENERATOR_DEFAULT_RTT_US 100000
#define SH_NACK_GENERATOR_DEFAULT_MAX_RETRIES 5
#define SH_NACK_GENERATOR_DEFAULT_MAX_AGE_US 1000000
#define SH_NACK_GENERATOR_DEFAULT_RESET_JUMP 1000

typedef struct {
  /* Initial RTT estimate, until sh_nack_generator_set_rtt(): the wait
   * before a missing packet is requested again. */
  gint64 rtt_us;
  /* Wait after a gap appears before the first request, for reordering; 0
   * (the default) asks at once. */
  gint64 reorder_delay_us;
  guint max_retries; /* requests per missing packet */
  gint64 max_age_us; /* a missing packet older than this is given up */
  guint reset_jump;  /* a forward jump larger than this restarts the numbering */
} ShNackGeneratorConfig;

/* Counters since creation. expected - received is the cumulative loss of
 * RFC 3550 (after repair: a packet recovered by RTX counts as received). */
typedef struct {
  guint64 expected;      /* highest - first + 1, summed over restarts */
  guint64 received;      /* distinct packets, late ones and RTX recoveries included */
  guint64 recovered;     /* missing packets that came after all, late or by RTX */
  guint64 recovered_rtx; /* of those, by RTX */
  guint64 duplicates;    /* packets (or RTX copies) already received */
  guint64 nacked;        /* sequence numbers requested, each retry counted */
  guint64 given_up;      /* missing packets dropped: too old, too many tries, left the window */
  guint64 resets;        /* restarts of the numbering */
} ShNackGeneratorStats;

typedef struct _ShNackGenerator ShNackGenerator;

/* Fills @config with the defaults. */
void sh_nack_generator_config_init (ShNackGeneratorConfig *config);

/* Returns: (transfer full) a generator, or NULL when @config is invalid
 * (negative times). Zero fields take their defaults, except
 * reorder_delay_us. */
ShNackGenerator *sh_nack_generator_new (const ShNackGeneratorConfig *config);
void sh_nack_generator_free (ShNackGenerator *gen);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShNackGenerator, sh_nack_generator_free)

/* The RTT of the publisher's leg, from its RTCP: the wait between requests. */
void sh_nack_generator_set_rtt (ShNackGenerator *gen, gint64 rtt_us);

/* A media packet with sequence number @seq arrived at @now_us. Returns TRUE
 * when it revealed new missing packets that are due at once: write the
 * NACK now instead of waiting for the timer. */
gboolean sh_nack_generator_on_packet (ShNackGenerator *gen, guint16 seq, gint64 now_us);

/* An RTX packet arrived carrying original sequence number @osn (padding-only
 * RTX packets carry none: skip them). Never moves the newest; returns TRUE
 * when it repaired a missing packet. */
gboolean sh_nack_generator_on_rtx (ShNackGenerator *gen, guint16 osn, gint64 now_us);

/* Number of packets currently missing (requested or waiting). */
guint sh_nack_generator_n_missing (const ShNackGenerator *gen);

/* The earliest time at which sh_nack_generator_write() has work: a request
 * falls due, or a missing packet is to be given up. G_MAXINT64 when nothing
 * is missing. For the caller's timer. */
gint64 sh_nack_generator_next_due (const ShNackGenerator *gen);

/* Writes one RTPFB generic NACK packet for every missing packet due at
 * @now_us, oldest first, into @out (@cap bytes), and records those requests.
 * Packets that do not fit stay due for the next call. Drops (and counts as
 * given up) packets that are too old or were requested max_retries times.
 * Returns the packet's length, 0 when nothing is due, or a negative
 * ShRtcpError (SH_RTCP_ERR_NO_SPACE when @cap cannot hold one entry). */
int sh_nack_generator_write (ShNackGenerator *gen, gint64 now_us, guint32 sender_ssrc,
                             guint32 media_ssrc, guint8 *out, gsize cap);

void sh_nack_generator_get_stats (const ShNackGenerator *gen, ShNackGeneratorStats *stats);

/* Fills the loss fields of a receiver report block (RFC 3550 section 6.4.1
 * and appendix A.3): fraction_lost since the previous call, cumulative_lost
 * (clamped to 24 bits) and ext_highest_seq; starts the next interval. The
 * other fields (SSRC, jitter, LSR, DLSR) are the caller's. */
void sh_nack_generator_fill_report (ShNackGenerator *gen, ShRtcpReportBlock *block);

G_END_DECLS
