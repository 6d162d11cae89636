/* bench-stats.c — nanoseconds per packet of the two per-packet updates that
 * feed RTCP and the active speaker: sh_speaker_update_packet() (the audio
 * level lookup and the smoothing bucket) and sh_rtp_recv_stats_update()
 * (sequence, loss window, jitter), each after an RTP parse, beside the
 * reference measured in the same run: the RTP parse alone. Also the cost of
 * one sh_speaker_tick() for a given number of participants.
 *
 * Fairness: the receiver statistics need a fresh sequence number on every
 * packet (a repeated one takes the duplicate path), so outside the timed
 * region a generator stamps a batch of consecutive Opus-like packets. The
 * three loops then read the same batch, timed batch by batch
 * (clock_gettime(CLOCK_MONOTONIC) around each) in rotating order, so drift in
 * load or clock frequency falls on all of them.
 * SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "bench-util.h"
#include "rtp-stats.h"
#include "rtp.h"
#include "speaker.h"

#define BATCH 128
#define PKT_LEN 188 /* 12 header + 16 extension block + 160 payload */
#define EXT_AUDIO_LEVEL 1
#define PACKET_US 20000 /* Opus frames */

enum { BASELINE, SPEAKER, STATS, N_SIDES };
static const char *const side_names[N_SIDES] = { "parse", "parse+speaker", "parse+rtp-stats" };

typedef struct {
  guint8 buf[BATCH][PKT_LEN];
} Batch;

/* A one-byte extension block like a browser's audio: audio level (id 1),
 * abs-send-time (2), transport-cc (3), mid (4). */
static const guint8 extension[] = { 0xbe, 0xde, 0x00, 0x03, 0x10, 0x9e, 0x22, 0x12,
                                    0x34, 0x56, 0x31, 0x00, 0x2a, 0x40, 0x30, 0x00 };

typedef struct {
  guint16 seq;
  guint32 timestamp;
  guint32 level_state;
} Generator;

static void
stamp (Generator *g, Batch *batch)
{
  for (guint i = 0; i < BATCH; i++) {
    guint8 *p = batch->buf[i];

    p[2] = (guint8) (g->seq >> 8);
    p[3] = (guint8) g->seq;
    p[4] = (guint8) (g->timestamp >> 24);
    p[5] = (guint8) (g->timestamp >> 16);
    p[6] = (guint8) (g->timestamp >> 8);
    p[7] = (guint8) g->timestamp;
    /* Levels that move like speech and silence: an LCG's high bits. */
    g->level_state = g->level_state * 1664525u + 1013904223u;
    p[12 + 5] = (guint8) (0x80 | (g->level_state >> 25));
    g->seq++;
    g->timestamp += 960;
  }
}

static void
template_init (Batch *batch)
{
  for (guint i = 0; i < BATCH; i++) {
    guint8 *p = batch->buf[i];

    memset (p, 0, PKT_LEN);
    p[0] = 0x90; /* V=2, X=1 */
    p[1] = 111;
    p[8] = 0x11, p[9] = 0x22, p[10] = 0x33, p[11] = 0x44;
    memcpy (p + 12, extension, sizeof extension);
    memset (p + 12 + sizeof extension, 0xa5, PKT_LEN - 12 - sizeof extension);
  }
}

typedef struct {
  ShSpeaker *speaker;
  ShSpeakerHandle handles[64];
  guint n_participants;
  ShRtpRecvStats stats;
  gint64 arrival_us;
  guint64 sink; /* keeps the compiler from dropping the baseline */
  Batch *batch;
  Generator *gen;
} State;

/* Untimed: stamps the next batch. */
static guint
fill (gpointer data)
{
  State *s = data;

  stamp (s->gen, s->batch);
  return BATCH;
}

/* One side over the batch of @data, a State. */
static void
run_side (guint side, gpointer data)
{
  State *s = data;
  const Batch *batch = s->batch;
  ShRtpView view;

  switch (side) {
    case BASELINE:
      for (guint i = 0; i < BATCH; i++) {
        if (G_UNLIKELY (sh_rtp_parse (&view, batch->buf[i], PKT_LEN) != SH_RTP_OK))
          abort ();
        s->sink += view.seq;
      }
      break;
    case SPEAKER:
      for (guint i = 0; i < BATCH; i++) {
        if (G_UNLIKELY (sh_rtp_parse (&view, batch->buf[i], PKT_LEN) != SH_RTP_OK))
          abort ();
        /* The packets of a meeting interleave their participants. */
        if (G_UNLIKELY (!sh_speaker_update_packet (s->speaker, s->handles[i % s->n_participants],
                                                   &view, EXT_AUDIO_LEVEL, TRUE, s->arrival_us)))
          abort ();
        s->arrival_us += PACKET_US / s->n_participants;
      }
      break;
    case STATS:
      for (guint i = 0; i < BATCH; i++) {
        if (G_UNLIKELY (sh_rtp_parse (&view, batch->buf[i], PKT_LEN) != SH_RTP_OK))
          abort ();
        if (G_UNLIKELY (sh_rtp_recv_stats_update (&s->stats, view.seq, view.timestamp,
                                                  view.payload_len, s->arrival_us)
                        != SH_RTP_STATS_IN_ORDER))
          abort ();
      }
      break;
    default:
      abort ();
  }
}

/* Nanoseconds per sh_speaker_tick() with @n participants that all speak. */
static double
tick_ns (guint n, guint ticks)
{
  g_autoptr (ShSpeaker) speaker = sh_speaker_new (NULL);
  g_autofree ShSpeakerHandle *handles = g_new (ShSpeakerHandle, n);
  gint64 t = 0, start, total = 0;

  for (guint i = 0; i < n; i++)
    handles[i] = sh_speaker_add (speaker, i, 0);
  for (guint k = 0; k < ticks; k++) {
    /* Five packets per participant between ticks, outside the timing. */
    for (guint p = 0; p < 5; p++, t += PACKET_US)
      for (guint i = 0; i < n; i++)
        sh_speaker_update (speaker, handles[i], (guint8) (20 + (i + k) % 40),
                           SH_SPEAKER_VAD_UNKNOWN, t);
    start = sh_bench_now_ns ();
    sh_speaker_tick (speaker, t, NULL, NULL);
    total += sh_bench_now_ns () - start;
  }
  return (double) total / ticks;
}

int
main (int argc, char **argv)
{
  gint packets = 2000000, reps = 7, participants = 8;
  GOptionEntry entries[] = {
    { "packets", 'n', 0, G_OPTION_ARG_INT, &packets, "packets per round (default 2000000)", "N" },
    { "reps", 'r', 0, G_OPTION_ARG_INT, &reps, "rounds (default 7)", "N" },
    { "participants", 'p', 0, G_OPTION_ARG_INT, &participants,
      "speakers the packets are spread over (default 8, at most 64)", "N" },
    { NULL },
  };
  g_autoptr (GError) error = NULL;
  g_autofree Batch *batch = g_new (Batch, 1);
  ShBenchPair fig[N_SIDES] = { 0 }; /* each side against the baseline */
  Generator gen = { 40000, 0xfffff000u, 1 };
  State s = { .batch = batch, .gen = &gen };
  ShBenchRounds rounds = {
    .n_sides = N_SIDES,
    .reference = BASELINE,
    .fill = fill,
    .run = run_side,
    .data = &s,
    .figures = fig,
  };
  guint batches;

  if (!sh_bench_parse_options ("— speaker and RTP statistics", entries, &argc, &argv, &error)) {
    fprintf (stderr, "%s\n", error->message);
    return 2;
  }
  if (packets < BATCH || reps < 1 || reps > SH_BENCH_MAX_REPS || participants < 1
      || participants > 64) {
    fprintf (stderr, "out of range: --packets >= %d, --reps 1..%d, --participants 1..64\n", BATCH,
             SH_BENCH_MAX_REPS);
    return 2;
  }
  batches = (guint) packets / BATCH;
  s.speaker = sh_speaker_new (NULL);
  s.n_participants = (guint) participants;
  for (guint i = 0; i < s.n_participants; i++)
    s.handles[i] = sh_speaker_add (s.speaker, i, 0);
  sh_rtp_recv_stats_init (&s.stats, 0x11223344u, 48000);
  template_init (batch);

  /* Round 0 warms up (a tenth of the packets) and is dropped. */
  rounds.warmup_batches = MAX (1u, batches / 10);
  rounds.batches = batches;
  sh_bench_rounds (&rounds, (guint) reps);
  /* The statistics must have seen every packet in order, no loss. */
  if (sh_rtp_recv_stats_lost (&s.stats) != 0)
    abort ();

  printf ("%d rounds of %u packets (188 B Opus-like, one-byte extensions), %u participants\n\n",
          reps, batches * BATCH, s.n_participants);
  printf ("| loop | median ns/packet | min ns/packet | ratio to parse | minus parse ns |\n");
  printf ("| --- | ---: | ---: | ---: | ---: |\n");
  for (int side = 0; side < N_SIDES; side++) {
    ShBenchPair *f = &fig[side];

    printf ("| %s | %.1f | %.1f | %.2f | %.1f |\n", side_names[side],
            sh_bench_series_median_mean (&f->subject), sh_bench_series_min (&f->subject),
            sh_bench_series_median_mean (&f->ratio), sh_bench_series_median_mean (&f->extra));
  }
  printf ("\n| participants | ns per sh_speaker_tick |\n| ---: | ---: |\n");
  for (guint n = 8; n <= 512; n *= 4)
    printf ("| %u | %.0f |\n", n, tick_ns (n, 2000));
  printf ("(sink %" G_GUINT64_FORMAT ")\n", s.sink % 10);
  sh_speaker_free (s.speaker);
  return 0;
}
