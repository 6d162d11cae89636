/* bench-twcc-recorder.c — nanoseconds per incoming packet of the
 * transport-wide feedback recorder (media/src/twcc-recorder.c), beside its
 * baseline in the same run:
 *
 *   baseline   sh_rtp_parse of each arriving packet (what the receive path
 *              does anyway);
 *   recorder   the same parse, sh_rtp_ext_transport_seq, then
 *              sh_twcc_recorder_record; and every 50 ms of arrival time
 *              (the caller's feedback timer) sh_twcc_recorder_write into an
 *              MTU-sized buffer, its cost spread over the packets (and
 *              timed alone: ns per feedback).
 *
 * Packets arrive 1 ms apart with up to 300 µs of seeded jitter (1000
 * packets/s, a busy publisher), 1 % lost, so a feedback carries about 50
 * statuses with a few losses. Losses and jitter are drawn outside the timed
 * region. Both sides parse byte-identical batches of real 1220-byte packets,
 * in alternating order, so drift in load or clock frequency falls on both.
 * SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "bench-util.h"
#include "rtcp.h"
#include "rtp.h"
#include "twcc-recorder.h"

#define BATCH 128
#define PKT_LEN 1220
#define LOSS_PERCENT 1
#define FEEDBACK_US 50000
#define TRANSPORT_CC_ID 3

typedef struct {
  guint8 buf[BATCH][PKT_LEN];
  gint64 arrival_us[BATCH];
  guint n;
} Batch;

typedef struct {
  ShTwccRecorder *rec;
  gint64 next_feedback_us;
  guint64 feedbacks;
  guint64 feedback_bytes;
  gint64 write_ns; /* inside the recorder loop's time: the writes alone */
  guint64 sink;
} Receiver;

/* The benchmark's state: the recorder, the parse-only baseline's sink and
 * the stream. */
typedef struct {
  Receiver rec;
  guint64 base_sink;
  Batch *batch;
  ShBenchStream stream;
  gint64 write_mark; /* rec.write_ns and rec.feedbacks when a round began */
  guint64 feedbacks_mark;
  ShBenchSeries write_ns; /* per feedback, round by round */
} Bench;

/* The two sides of a round; the recorder goes first on even batches. */
enum { RECORDER, BASELINE };

/* Fills the batch with the next BATCH sent packets minus the lost ones;
 * the transport-wide number sits in a one-byte extension element. Returns
 * how many arrived. */
static guint
next_batch (gpointer data)
{
  static const guint8 header[] = {
    0x90, 96,   0x00, 0x00, 0x00,
    0x01, 0x5f, 0x90, 0x12, 0x34,
    0x56, 0x78, /* fixed */
    0xbe, 0xde, 0x00, 0x01, (TRANSPORT_CC_ID << 4) | 1,
    0x00, 0x00, 0x00, /* ext */
  };
  Bench *b = data;
  Batch *batch = b->batch;

  batch->n = 0;
  while (batch->n < BATCH) {
    guint8 *p = batch->buf[batch->n];

    if (!sh_bench_stream_next (&b->stream))
      continue;
    memcpy (p, header, sizeof header);
    p[2] = p[17] = (guint8) (b->stream.seq >> 8);
    p[3] = p[18] = (guint8) b->stream.seq;
    memset (p + sizeof header, 0x5a, PKT_LEN - sizeof header);
    batch->arrival_us[batch->n++] = b->stream.send_us + g_rand_int_range (b->stream.rand, 0, 300);
  }
  return batch->n;
}

static void
receive_recorder (Receiver *rx, const Batch *batch)
{
  guint8 out[1500];

  for (guint i = 0; i < batch->n; i++) {
    ShRtpView view;
    gint64 now = batch->arrival_us[i];
    guint16 tseq;

    if (sh_rtp_parse (&view, batch->buf[i], PKT_LEN) != SH_RTP_OK)
      g_error ("parse failed");
    if (!sh_rtp_ext_transport_seq (&view, TRANSPORT_CC_ID, &tseq))
      g_error ("no transport-wide sequence number");
    sh_twcc_recorder_record (rx->rec, tseq, now);
    if (now >= rx->next_feedback_us) {
      gint64 t0 = sh_bench_now_ns ();
      int n = sh_twcc_recorder_write (rx->rec, 1, view.ssrc, out, sizeof out);

      rx->write_ns += sh_bench_now_ns () - t0;

      if (n <= 0)
        g_error ("write failed: %d", n);
      rx->feedbacks++;
      rx->feedback_bytes += (guint) n;
      rx->next_feedback_us = now + FEEDBACK_US;
    }
    rx->sink += view.payload_len;
  }
}

static void
run_side (guint side, gpointer data)
{
  Bench *b = data;

  if (side == RECORDER)
    receive_recorder (&b->rec, b->batch);
  else
    b->base_sink += sh_bench_parse_packets (b->batch->buf[0], PKT_LEN, PKT_LEN, b->batch->n);
}

/* The writes alone: ns per feedback in each timed round. */
static void
round_done (gboolean warmup, gpointer data)
{
  Bench *b = data;

  if (!warmup)
    sh_bench_series_add (&b->write_ns, (double) (b->rec.write_ns - b->write_mark)
                                           / (double) (b->rec.feedbacks - b->feedbacks_mark));
  b->write_mark = b->rec.write_ns;
  b->feedbacks_mark = b->rec.feedbacks;
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
  g_autoptr (GRand) rand = g_rand_new_with_seed (8888);
  g_autofree Batch *batch = g_new (Batch, 1);
  ShTwccRecorderStats stats;
  Bench bench
      = { .batch = batch, .stream = { .seq = 65000, .rand = rand, .loss_percent = LOSS_PERCENT } };
  Receiver *rec_rx = &bench.rec;
  ShBenchSeries *write_ns = &bench.write_ns;
  ShBenchPair fig[2] = { 0 };
  ShBenchRounds rounds = {
    .n_sides = 2,
    .reference = BASELINE,
    .fill = next_batch,
    .run = run_side,
    .round_done = round_done,
    .data = &bench,
    .figures = fig,
  };

  if (!sh_bench_parse_options ("- TWCC recorder benchmark", entries, &argc, &argv, &error)
      || packets < BATCH || reps < 1 || reps > SH_BENCH_MAX_REPS) {
    fprintf (stderr, "%s\n", error != NULL ? error->message : "bad --packets or --reps");
    return 2;
  }
  rec_rx->rec = sh_twcc_recorder_new ();
  /* Warm-up round (dropped), then the timed ones. */
  rounds.warmup_batches = rounds.batches = ((guint) packets + BATCH - 1) / BATCH;
  sh_bench_rounds (&rounds, (guint) reps);

  /* The work was real: every status went out, losses among them. */
  sh_twcc_recorder_get_stats (rec_rx->rec, &stats);
  if (stats.feedbacks == 0 || stats.statuses <= stats.recorded || stats.dropped != 0)
    g_error ("feedback incomplete");
  printf ("| loop | median ns/packet | min ns/packet | ratio to parse | minus parse ns |\n");
  printf ("| --- | ---: | ---: | ---: | ---: |\n");
  printf ("| parse |");
  sh_bench_pair_print_cells (&fig[RECORDER], SH_BENCH_REFERENCE, 6, 1);
  printf (" 1.00 | 0.0 |\n");
  printf ("| parse + record + write every 50 ms |");
  sh_bench_pair_print_cells (&fig[RECORDER], SH_BENCH_SUBJECT | SH_BENCH_RATIO | SH_BENCH_EXTRA, 6,
                             1);
  printf ("\n");
  printf ("\nrecorded %" G_GUINT64_FORMAT ", statuses %" G_GUINT64_FORMAT
          ", feedbacks %" G_GUINT64_FORMAT " (%.1f statuses, %.1f bytes each)\n",
          stats.recorded, stats.statuses, stats.feedbacks,
          (double) stats.statuses / (double) stats.feedbacks,
          (double) rec_rx->feedback_bytes / (double) rec_rx->feedbacks);
  printf ("write: median %.0f ns, min %.0f ns per feedback (clock reads around it included), "
          "%.1f ns per packet amortized\n",
          sh_bench_series_median (write_ns), sh_bench_series_min (write_ns),
          sh_bench_series_median (write_ns) * (double) stats.feedbacks / (double) stats.recorded);
  sh_twcc_recorder_free (rec_rx->rec);
  return rec_rx->sink + bench.base_sink == 42 ? 1 : 0;
}
