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
#include <string.h>

#include <glib.h>

#include "bench-util.h"
#include "nack-generator.h"
#include "rtp.h"

#define BATCH 128
#define PKT_LEN 1228
#define LOSS_PERCENT 1
#define TIMER_US 10000

typedef struct {
  guint8 buf[BATCH][PKT_LEN];
  gint64 arrival_us[BATCH];
  guint n;
} Batch;

typedef struct {
  ShNackGenerator *gen;
  gint64 next_timer_us;
  guint64 nack_bytes;
  guint64 sink;
} Receiver;

/* The benchmark's state: the generator, the parse-only baseline's sink and
 * the stream. */
typedef struct {
  Receiver gen;
  guint64 base_sink;
  Batch *batch;
  ShBenchStream stream;
} Bench;

/* The two sides of a round; the generator goes first on even batches. */
enum { GENERATOR, BASELINE };

/* Fills the batch with the next BATCH sent packets minus the lost ones;
 * returns how many arrived. */
static guint
next_batch (gpointer data)
{
  Bench *b = data;
  Batch *batch = b->batch;
  gsize header_len = sizeof sh_bench_video_header;

  batch->n = 0;
  while (batch->n < BATCH) {
    guint8 *p = batch->buf[batch->n];

    if (!sh_bench_stream_next (&b->stream))
      continue;
    memcpy (p, sh_bench_video_header, header_len);
    p[2] = (guint8) (b->stream.seq >> 8);
    p[3] = (guint8) b->stream.seq;
    memset (p + header_len, 0x5a, PKT_LEN - header_len);
    batch->arrival_us[batch->n++] = b->stream.send_us;
  }
  return batch->n;
}

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
      rx->nack_bytes += (guint) n;
      rx->next_timer_us = MAX (now + TIMER_US, sh_nack_generator_next_due (rx->gen));
    }
    rx->sink += view.payload_len;
  }
}

static void
run_side (guint side, gpointer data)
{
  Bench *b = data;

  if (side == GENERATOR)
    receive_generator (&b->gen, b->batch);
  else
    b->base_sink += sh_bench_parse_packets (b->batch->buf[0], PKT_LEN, PKT_LEN, b->batch->n);
}

int
main (int argc, char **argv)
{
  gint packets = 1000000, reps = 7;
  GOptionEntry entries[] = {
    { "packets", 'n', 0, G_OPTION_ARG_INT, &packets, "Packets sent per round", "N" },
    SH_BENCH_REPS_ENTRY (&reps),
    { NULL },
  };
  g_autoptr (GError) error = NULL;
  g_autoptr (GRand) rand = g_rand_new_with_seed (4585);
  g_autofree Batch *batch = g_new (Batch, 1);
  ShNackGeneratorConfig config;
  ShNackGeneratorStats stats;
  Bench bench
      = { .batch = batch, .stream = { .seq = 40000, .rand = rand, .loss_percent = LOSS_PERCENT } };
  ShBenchPair fig[2] = { 0 };
  ShBenchRounds rounds = {
    .n_sides = 2,
    .reference = BASELINE,
    .fill = next_batch,
    .run = run_side,
    .data = &bench,
    .figures = fig,
  };

  if (!sh_bench_parse_options ("- NACK generator benchmark", entries, &argc, &argv, &error)
      || packets < BATCH || reps < 1 || reps > SH_BENCH_MAX_REPS) {
    fprintf (stderr, "%s\n", error != NULL ? error->message : "bad --packets or --reps");
    return 2;
  }
  sh_nack_generator_config_init (&config);
  bench.gen.gen = sh_nack_generator_new (&config);
  /* Warm-up round (dropped), then the timed ones. */
  rounds.warmup_batches = rounds.batches = ((guint) packets + BATCH - 1) / BATCH;
  sh_bench_rounds (&rounds, (guint) reps);

  /* The work was real: losses were seen, asked for and given up. */
  sh_nack_generator_get_stats (bench.gen.gen, &stats);
  if (stats.nacked == 0 || stats.given_up == 0 || bench.gen.nack_bytes == 0)
    g_error ("no NACK was written");
  printf ("| loss | generator median ns | generator min ns | parse-only median ns | parse-only "
          "min ns | generator/parse | generator−parse ns |\n");
  printf ("| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
  printf ("| %d %% |", LOSS_PERCENT);
  sh_bench_pair_print_cells (
      &fig[GENERATOR], SH_BENCH_SUBJECT | SH_BENCH_REFERENCE | SH_BENCH_RATIO | SH_BENCH_EXTRA, 6,
      1);
  printf ("\n");
  printf ("\nexpected %" G_GUINT64_FORMAT ", received %" G_GUINT64_FORMAT
          ", NACKed seqs %" G_GUINT64_FORMAT ", given up %" G_GUINT64_FORMAT
          ", NACK bytes %" G_GUINT64_FORMAT "\n",
          stats.expected, stats.received, stats.nacked, stats.given_up, bench.gen.nack_bytes);
  sh_nack_generator_free (bench.gen.gen);
  return bench.gen.sink + bench.base_sink == 42 ? 1 : 0;
}
