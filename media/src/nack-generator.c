/* nack-generator.c — missing-packet tracking over a ring of
 * SH_NACK_GENERATOR_WINDOW entries indexed by the low bits of the extended
 * sequence number.
 *
 * Every extended sequence number in (newest - WINDOW, newest] owns the entry
 * at its index once the newest has passed it, so moving the newest forward
 * evicts exactly the numbers that leave the window, and a missing packet
 * never lives outside the window.
 *
 * Beside the ring, a list (itself a ring, in ascending order, since new gaps
 * always open above the newest) names the numbers that went missing, so
 * that write() and next_due() visit the few missing packets instead of the
 * whole window. Repairs only change the entry's state; the stale names are
 * dropped by the next write() or when they leave the window. Names are
 * distinct numbers inside the window, so WINDOW of them always fit.
 * SPDX-License-Identifier: Apache-2.0 */
#include "nack-generator.h"

#include <string.h>

#include "rtp.h"

#define WINDOW SH_NACK_GENERATOR_WINDOW
#define MASK (WINDOW - 1)
#define NACK_HEADER_LEN 12 /* RTCP header, sender and media SSRC */
#define NACK_ENTRY_LEN 4

G_STATIC_ASSERT ((WINDOW & MASK) == 0);

enum {
  EMPTY = 0,    /* before the first packet of the numbering */
  RECEIVED = 1, /* arrived (or repaired) */
  MISSING = 2,  /* in a gap, being requested */
  LOST = 3,     /* given up; may still arrive late */
};

typedef struct {
  gint64 ext;         /* the extended sequence number this entry describes */
  gint64 detected_us; /* when the gap showed it missing */
  gint64 sent_us;     /* last request; meaningful when tries > 0 */
  guint8 state;
  guint8 tries; /* requests sent */
} Entry;

struct _ShNackGenerator {
  gint64 rtt_us;
  gint64 reorder_delay_us;
  gint64 max_age_us;
  guint max_retries;
  guint reset_jump;

  gboolean started;
  gint64 newest; /* extended sequence number of the newest packet */
  gint64 first;  /* the first of the current numbering */
  gboolean probing;
  guint16 probe_seq; /* the packet that confirms a restart */
  guint n_missing;
  guint list_head; /* the oldest name in list[] */
  guint list_len;

  guint64 expected_before; /* expected over earlier numberings */
  guint64 expected_prior;  /* at the previous report */
  guint64 received_prior;
  ShNackGeneratorStats stats; /* expected is computed on demand */

  Entry ring[WINDOW];
  gint64 list[WINDOW]; /* extended numbers that went missing, oldest first */
};

void
sh_nack_generator_config_init (ShNackGeneratorConfig *config)
{
  memset (config, 0, sizeof *config);
  config->rtt_us = SH_NACK_GENERATOR_DEFAULT_RTT_US;
  config->max_retries = SH_NACK_GENERATOR_DEFAULT_MAX_RETRIES;
  config->max_age_us = SH_NACK_GENERATOR_DEFAULT_MAX_AGE_US;
  config->reset_jump = SH_NACK_GENERATOR_DEFAULT_RESET_JUMP;
}

ShNackGenerator *
sh_nack_generator_new (const ShNackGeneratorConfig *config)
{
  ShNackGenerator *gen;

  if (config->rtt_us < 0 || config->reorder_delay_us < 0 || config->max_age_us < 0)
    return NULL;
  gen = g_new0 (ShNackGenerator, 1);
  gen->rtt_us = config->rtt_us != 0 ? config->rtt_us : SH_NACK_GENERATOR_DEFAULT_RTT_US;
  gen->reorder_delay_us = config->reorder_delay_us;
  gen->max_age_us
      = config->max_age_us != 0 ? config->max_age_us : SH_NACK_GENERATOR_DEFAULT_MAX_AGE_US;
  gen->max_retries
      = MIN (config->max_retries != 0 ? config->max_retries : SH_NACK_GENERATOR_DEFAULT_MAX_RETRIES,
             G_MAXUINT8);
  gen->reset_jump
      = config->reset_jump != 0 ? config->reset_jump : SH_NACK_GENERATOR_DEFAULT_RESET_JUMP;
  return gen;
}

void
sh_nack_generator_free (ShNackGenerator *gen)
{
  g_free (gen);
}

void
sh_nack_generator_set_rtt (ShNackGenerator *gen, gint64 rtt_us)
{
  if (rtt_us > 0)
    gen->rtt_us = rtt_us;
}

static Entry *
entry_of (ShNackGenerator *gen, gint64 ext)
{
  return &gen->ring[(guint64) ext & MASK];
}

/* Gives up on missing entry @e: it stays LOST so that a late arrival is
 * still counted as received. */
static void
give_up (ShNackGenerator *gen, Entry *e)
{
  e->state = LOST;
  gen->n_missing--;
  gen->stats.given_up++;
}

/* Starts a numbering at extended sequence number @ext (received). */
static void
start (ShNackGenerator *gen, gint64 ext)
{
  Entry *e;

  memset (gen->ring, 0, sizeof gen->ring);
  gen->started = TRUE;
  gen->first = ext;
  gen->newest = ext;
  gen->n_missing = 0;
  gen->list_head = 0;
  gen->list_len = 0;
  e = entry_of (gen, ext);
  e->ext = ext;
  e->state = RECEIVED;
  gen->stats.received++;
}

/* The numbering restarted: the probe pair (@seq - 1, @seq) begins it. */
static void
restart (ShNackGenerator *gen, guint16 seq)
{
  Entry *e;

  gen->expected_before += (guint64) (gen->newest - gen->first + 1);
  gen->stats.given_up += gen->n_missing;
  gen->stats.resets++;
  gen->probing = FALSE;
  start (gen, (gint64) seq - 1);
  gen->newest = seq;
  e = entry_of (gen, seq);
  e->ext = seq;
  e->state = RECEIVED;
  gen->stats.received++;
}

/* Moves the newest forward to @ext: numbers in between become missing. */
static gboolean
advance (ShNackGenerator *gen, gint64 ext, gint64 now_us)
{
  gint64 from = MAX (gen->newest + 1, ext - WINDOW + 1);
  gboolean gap = ext > gen->newest + 1;

  /* Numbers that skip the window entirely were never requested. */
  gen->stats.given_up += (guint64) (from - (gen->newest + 1));
  /* Names leaving the window go first: the rest, and the new ones, are
   * distinct numbers inside it. */
  while (gen->list_len > 0 && gen->list[gen->list_head] <= ext - WINDOW) {
    gen->list_head = (gen->list_head + 1) & MASK;
    gen->list_len--;
  }
  for (gint64 n = from; n <= ext; n++) {
    Entry *e = entry_of (gen, n);

    if (e->state == MISSING)
      give_up (gen, e); /* leaves the window */
    e->ext = n;
    e->tries = 0;
    if (n == ext) {
      e->state = RECEIVED;
    } else {
      e->state = MISSING;
      e->detected_us = now_us;
      gen->n_missing++;
      gen->list[(gen->list_head + gen->list_len++) & MASK] = n;
    }
  }
  gen->newest = ext;
  gen->stats.received++;
  return gap && gen->reorder_delay_us == 0;
}

/* Packet @ext, at most a window behind the newest, arrived again or late. */
static gboolean
arrive_late (ShNackGenerator *gen, gint64 ext, gboolean rtx)
{
  Entry *e = entry_of (gen, ext);

  /* Before the first packet of the numbering: nothing was expected of it. */
  if (e->ext != ext || e->state == EMPTY)
    return FALSE;
  switch (e->state) {
    case MISSING:
      gen->n_missing--;
      gen->stats.recovered++;
      if (rtx)
        gen->stats.recovered_rtx++;
      e->state = RECEIVED;
      gen->stats.received++;
      return TRUE;
    case LOST:
      /* Too late to count as repaired, but it did arrive. */
      e->state = RECEIVED;
      gen->stats.received++;
      return FALSE;
    default:
      gen->stats.duplicates++;
      return FALSE;
  }
}

gboolean
sh_nack_generator_on_packet (ShNackGenerator *gen, guint16 seq, gint64 now_us)
{
  gint16 d;

  if (!gen->started) {
    start (gen, seq);
    return FALSE;
  }
  d = sh_rtp_seq_diff (seq, (guint16) gen->newest);
  if (d > 0 && (guint) d <= gen->reset_jump) {
    gen->probing = FALSE;
    return advance (gen, gen->newest + d, now_us);
  }
  if (d <= 0 && -(gint) d < WINDOW) {
    (void) arrive_late (gen, gen->newest + d, FALSE);
    return FALSE; /* a late packet opens no gap */
  }

  /* Far from the newest: a restart of the numbering if the next packet
   * follows this one, else a stray (a very late packet) to ignore. */
  if (gen->probing && seq == gen->probe_seq) {
    restart (gen, seq);
    return FALSE;
  }
  gen->probing = TRUE;
  gen->probe_seq = (guint16) (seq + 1);
  return FALSE;
}

gboolean
sh_nack_generator_on_rtx (ShNackGenerator *gen, guint16 osn, gint64 now_us)
{
  gint16 d;

  (void) now_us;
  if (!gen->started)
    return FALSE;
  d = sh_rtp_seq_diff (osn, (guint16) gen->newest);
  /* A repair is of something already seen missing, never ahead of it. */
  if (d > 0 || -(gint) d >= WINDOW)
    return FALSE;
  return arrive_late (gen, gen->newest + d, TRUE);
}

guint
sh_nack_generator_n_missing (const ShNackGenerator *gen)
{
  return gen->n_missing;
}

/* When missing entry @e next needs attention: a request, or giving up. */
static gint64
due_at (const ShNackGenerator *gen, const Entry *e)
{
  gint64 expire = e->detected_us + gen->max_age_us;
  gint64 at = e->tries == 0 ? e->detected_us + gen->reorder_delay_us : e->sent_us + gen->rtt_us;

  return MIN (at, expire);
}

gint64
sh_nack_generator_next_due (const ShNackGenerator *gen)
{
  gint64 best = G_MAXINT64;

  for (guint i = 0; i < gen->list_len; i++) {
    gint64 n = gen->list[(gen->list_head + i) & MASK];
    const Entry *e = &gen->ring[(guint64) n & MASK];

    if (e->ext == n && e->state == MISSING)
      best = MIN (best, due_at (gen, e));
  }
  return best;
}

int
sh_nack_generator_write (ShNackGenerator *gen, gint64 now_us, guint32 sender_ssrc,
                         guint32 media_ssrc, guint8 *out, gsize cap)
{
  /* One request per missing packet at most: WINDOW bounds every list. */
  guint16 seqs[WINDOW];
  Entry *due[WINDOW];
  ShRtcpNackEntry entries[WINDOW];
  guint n_due = 0, n_sent, kept = 0;
  gsize max_entries;
  int n_entries, written;

  if (cap < NACK_HEADER_LEN + NACK_ENTRY_LEN)
    return SH_RTCP_ERR_NO_SPACE;
  max_entries = (cap - NACK_HEADER_LEN) / NACK_ENTRY_LEN;

  /* Visits the missing packets oldest first and keeps in the list those
   * still missing afterwards. */
  for (guint i = 0; i < gen->list_len; i++) {
    gint64 n = gen->list[(gen->list_head + i) & MASK];
    Entry *e = entry_of (gen, n);

    if (e->ext != n || e->state != MISSING)
      continue; /* repaired or gone */
    if (now_us - e->detected_us >= gen->max_age_us) {
      give_up (gen, e);
      continue;
    }
    gen->list[(gen->list_head + kept++) & MASK] = n;
    if (e->tries == 0 ? now_us - e->detected_us < gen->reorder_delay_us
                      : now_us - e->sent_us < gen->rtt_us)
      continue;
    if (e->tries >= gen->max_retries) {
      give_up (gen, e);
      kept--;
      continue;
    }
    seqs[n_due] = (guint16) n;
    due[n_due] = e;
    n_due++;
  }
  gen->list_len = kept;
  if (n_due == 0)
    return 0;

  /* The list is in order and spans less than a window, so the sort inside
   * leaves it (and due[] beside it) as it is. */
  n_entries = sh_rtcp_nack_build (seqs, n_due, entries, WINDOW);
  if (n_entries < 0)
    return n_entries;
  n_sent = n_due;
  if ((gsize) n_entries > max_entries) {
    /* Send the oldest that fit; the rest stay due for the next packet. */
    const ShRtcpNackEntry *last = &entries[max_entries - 1];
    guint16 last_seq
        = (guint16) (last->pid + (last->blp != 0 ? g_bit_nth_msf (last->blp, -1) + 1 : 0));

    n_entries = (int) max_entries;
    n_sent = 0;
    while (n_sent < n_due && sh_rtp_seq_diff (seqs[n_sent], last_seq) <= 0)
      n_sent++;
  }
  written = sh_rtcp_write_nack (out, cap, sender_ssrc, media_ssrc, entries, (guint) n_entries);
  if (written < 0)
    return written;
  for (guint i = 0; i < n_sent; i++) {
    due[i]->tries++;
    due[i]->sent_us = now_us;
  }
  gen->stats.nacked += n_sent;
  return written;
}

static guint64
expected (const ShNackGenerator *gen)
{
  if (!gen->started)
    return 0;
  return gen->expected_before + (guint64) (gen->newest - gen->first + 1);
}

void
sh_nack_generator_get_stats (const ShNackGenerator *gen, ShNackGeneratorStats *stats)
{
  *stats = gen->stats;
  stats->expected = expected (gen);
}

void
sh_nack_generator_fill_report (ShNackGenerator *gen, ShRtcpReportBlock *block)
{
  guint64 exp = expected (gen);
  gint64 expected_interval = (gint64) (exp - gen->expected_prior);
  gint64 lost_interval = expected_interval - (gint64) (gen->stats.received - gen->received_prior);
  gint64 cumulative = (gint64) exp - (gint64) gen->stats.received;

  /* A negative interval loss (duplicates or late packets counted now) is
   * reported as none, as RFC 3550 appendix A.3 does. */
  block->fraction_lost = expected_interval <= 0 || lost_interval <= 0
                             ? 0
                             : (guint8) MIN ((lost_interval << 8) / expected_interval, 255);
  block->cumulative_lost = (gint32) CLAMP (cumulative, -0x800000, 0x7fffff);
  block->ext_highest_seq = (guint32) gen->newest;
  gen->expected_prior = exp;
  gen->received_prior = gen->stats.received;
}
