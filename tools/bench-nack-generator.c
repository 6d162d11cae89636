/* bench-nack-generator.c — nanoseconds per incoming packet of the NACK
 * generator (media/src/nack-generator.c) on a stream with 1 % random loss,
 * beside its baseline in the same run:
 *
 *   baseline   sh_rtp_parse of each arriving packet (what the receive path
 *              does anyway);
 *   generator  the same parse, then sh_nack_generator_on_packet, and
 *              sh_nack_generator_write when it reports a gap or when the
 *              caller's 10 ms timer would fire (sh_nack_generator_next_due
 *              is asked each time, as a worker setting its timer would).
 *
 * Losses are drawn once (seeded), outside the timed region; packets arrive
 * 1 ms apart (1000 packets/s, a busy video stream), so every loss is
 * requested five times over 500 ms (RTT 100 ms) and then given up. Both sides
 * parse byte-identical batches of real 1228-byte packets, batch by batch in
 * alternating order, so drift in load or clock frequency falls on both.
 * SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <glib.h>

#include "nack-generator.h"
#include "rtp.h"

#define BATCH 128
#define PKT_LEN 1228
#define MAX_REPS 99
#define LOSS_PERCENT 1
#define TIMER_US 10000

static gint64
now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (gint64)ts.tv_sec * G_GINT64_CONSTANT (1000000000) + ts.tv_nsec;
}

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return (x > y) - (x < y);
}

typedef struct {
  guint8 buf[BATCH][PKT_LEN];
  gint64 arrival_us[BATCH];
  guint n;
} Batch;

/* Fills @batch with the next BATCH sent packets minus the lost ones. */
static void
next_batch (Batch *batch, guint16 *seq, gint64 *now_us, GRand *rand)
{
  static const guint8 header[] = {
    0x90, 96,   0x00, 0x00, 0x00, 0x01, 0x5f, 0x90, 0x12, 0x34, 0x56, 0x78, /* fixed */
    0xbe, 0xde, 0x00, 0x03, 0x22, 0x12, 0x34, 0x56, 0x31, 0x00, 0x2a, 0x40, /* ext */
    '1',  0x00, 0x00, 0x00,
  };

  batch->n = 0;
  while (batch->n < BATCH) {
    guint8 *p = batch->buf[batch->n];

    (*seq)++;
    *now_us += 1000;
    if (g_rand_int_range (rand, 0, 100) < LOSS_PERCENT)
      continue;
    memcpy (p, header, sizeof header);
    p[2] = (guint8)(*seq >> 8);
    p[3] = (guint8)*seq;
    memset (p + sizeof header, 0x5a, PKT_LEN - sizeof header);
    batch->arrival_us[batch->n++] = *now_us;
  }
}

typedef struct {
  ShNackGenerator *gen;
  gint64 next_timer_us;
  guint64 nack_bytes;
  guint64 sink;
} Receiver;

static void
receive_generator (Receiver *rx, const Batch *batch)
{
  guint8 out[1500];

  for (guint i = 0; i < batch->n; i++) {
    ShRtpView view;
    gint64 now = batch->arrival_us[i];
    gboolean due;

    if (sh_rtp_parse (&view, batch->buf[i], PKT_LEN) != SH_RTP_OK)
      g_error ("parse failed");
    due = sh_nack_generator_on_packet (rx->gen, view.seq, now);
    if (due || now >= rx->next_timer_us) {
      int n = sh_nack_generator_write (rx->gen, now, 1, view.ssrc, out, sizeof out);

      if (n < 0)
        g_error ("write failed: %d", n);
      rx->nack_bytes += (guint)n;
      rx->next_timer_us = MAX (now + TIMER_US, sh_nack_generator_next_due (rx->gen));
    }
    rx->sink += view.payload_len;
  }
}

static void
receive_baseline (Receiver *rx, const Batch *batch)
{
  for (guint i = 0; i < batch->n; i++) {
    ShRtpView view;

    if (sh_rtp_parse (&view, batch->buf[i], PKT_LEN) != SH_RTP_OK)
      g_error ("parse failed");
    rx->sink += view.payload_len + view.seq;
  }
}

int
main (int argc, char **argv)
{
  gint packets = 1000000, reps = 7;
  GOptionEntry entries[] = {
    { "packets", 'n', 0, G_OPTION_ARG_INT, &packets, "Packets sent per round", "N" },
    { "reps", 0, 0, G_OPTION_ARG_INT, &reps, "Timed rounds (median and min of them)", "N" },
    { NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("- NACK generator benchmark");
  g_autoptr (GError) error = NULL;
  g_autoptr (GRand) rand = g_rand_new_with_seed (4585);
  g_autofree Batch *batch = g_new (Batch, 1);
  ShNackGeneratorConfig config;
  ShNackGeneratorStats stats;
  Receiver gen_rx = { 0 }, base_rx = { 0 };
  double gen_ns[MAX_REPS], base_ns[MAX_REPS], ratio[MAX_REPS], extra[MAX_REPS];
  guint16 seq = 40000;
  gint64 now_us = 0;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || packets < BATCH || reps < 1
      || reps > MAX_REPS) {
    fprintf (stderr, "%s\n", error != NULL ? error->message : "bad --packets or --reps");
    return 2;
  }
  sh_nack_generator_config_init (&config);
  gen_rx.gen = sh_nack_generator_new (&config);

  /* Warm-up round (dropped), then the timed ones. */
  for (gint r = 0; r <= reps; r++) {
    gint64 t_gen = 0, t_base = 0, t0;
    guint64 received = 0;

    for (gint sent = 0; sent < packets; sent += BATCH) {
      gboolean gen_first = ((sent / BATCH) & 1) == 0;

      next_batch (batch, &seq, &now_us, rand);
      received += batch->n;
      for (guint side = 0; side < 2; side++) {
        gboolean do_gen = (side == 0) == gen_first;

        t0 = now_ns ();
        if (do_gen) {
          receive_generator (&gen_rx, batch);
          t_gen += now_ns () - t0;
        } else {
          receive_baseline (&base_rx, batch);
          t_base += now_ns () - t0;
        }
      }
    }
    if (r > 0) {
      gen_ns[r - 1] = (double)t_gen / (double)received;
      base_ns[r - 1] = (double)t_base / (double)received;
      ratio[r - 1] = (double)t_gen / (double)t_base;
      extra[r - 1] = gen_ns[r - 1] - base_ns[r - 1];
    }
  }

  /* The work was real: losses were seen, asked for and given up. */
  sh_nack_generator_get_stats (gen_rx.gen, &stats);
  if (stats.nacked == 0 || stats.given_up == 0 || gen_rx.nack_bytes == 0)
    g_error ("no NACK was written");
  for (double *v[] = { gen_ns, base_ns, ratio, extra, NULL }, **a = v; *a != NULL; a++)
    qsort (*a, (gsize)reps, sizeof (double), cmp_double);
  printf ("| loss | generator median ns | generator min ns | parse-only median ns | parse-only "
          "min ns | generator/parse | generator−parse ns |\n");
  printf ("| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
  printf ("| %d %% | %6.1f | %6.1f | %6.1f | %6.1f | %5.2f | %5.1f |\n", LOSS_PERCENT,
          gen_ns[reps / 2], gen_ns[0], base_ns[reps / 2], base_ns[0], ratio[reps / 2],
          extra[reps / 2]);
  printf ("\nexpected %" G_GUINT64_FORMAT ", received %" G_GUINT64_FORMAT
          ", NACKed seqs %" G_GUINT64_FORMAT ", given up %" G_GUINT64_FORMAT
          ", NACK bytes %" G_GUINT64_FORMAT "\n",
          stats.expected, stats.received, stats.nacked, stats.given_up, gen_rx.nack_bytes);
  sh_nack_generator_free (gen_rx.gen);
  return gen_rx.sink + base_rx.sink == 42 ? 1 : 0;
}
