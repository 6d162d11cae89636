/* bench-rewriter.c — nanoseconds per packet of sh_rewriter_rewrite(), the
 * down track's in-place SSRC/sequence/timestamp (and VP8 picture id) rewrite,
 * beside a reference measured in the same run: a plain memcpy of the same
 * packet, the least any forwarding does with it.
 *
 * Fairness: the rewriter needs a fresh sequence number on every packet (a
 * repeated one would take its late-packet path), so outside the timed region
 * a generator stamps a batch of consecutive packets from a template. The
 * rewrite then runs in place on the batch; the reference copies the same
 * batch into a second buffer. Both are timed batch by batch
 * (clock_gettime(CLOCK_MONOTONIC) around each batch), in alternating order,
 * so drift in load or clock frequency falls on both.
 * SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "bench-util.h"
#include "rewriter.h"
#include "rtp.h"

#define BATCH 128
#define PKT_CAP 1500
#define IN_SSRC 0x11223344u
#define OUT_SSRC 0x99887766u

typedef struct {
  const char *name;
  ShRewriterCodec codec;
  guint32 clock_rate;
  gsize payload_len;     /* RTP payload bytes, descriptor included */
  guint32 frame_ticks;   /* timestamp step per frame */
  guint frame_packets;   /* packets per frame (marker on the last) */
  guint keyframe_period; /* frames between keyframes (video) */
} Shape;

static const Shape shapes[] = {
  { "audio", SH_REWRITER_AUDIO, 48000, 160, 960, 1, 0 },
  { "vp8", SH_REWRITER_VP8, 90000, 1200, 3000, 5, 300 },
  { "h264", SH_REWRITER_H264, 90000, 1200, 3000, 5, 300 },
};

typedef struct {
  guint8 buf[BATCH][PKT_CAP];
  gsize len[BATCH];
} Batch;

/* The publisher's stream: consecutive packets stamped from a template. */
typedef struct {
  const Shape *shape;
  guint8 template[PKT_CAP];
  gsize len;
  gsize payload_offset;
  guint16 seq;
  guint32 timestamp;
  guint16 picture_id;
  guint8 tl0;
  guint count;
} Generator;

/* A one-byte extension block like a browser's (abs-send-time,
 * transport-cc, mid), so that the parse walks what it walks in production. */
static const guint8 extension[] = { 0xbe, 0xde, 0x00, 0x03, 0x22, 0x12, 0x34, 0x56,
                                    0x31, 0x00, 0x2a, 0x40, 0x30, 0x00, 0x00, 0x00 };

static void
generator_init (Generator *g, const Shape *shape)
{
  memset (g, 0, sizeof *g);
  g->shape = shape;
  g->template[0] = 0x90; /* V=2, X=1 */
  g->template[1] = shape->codec == SH_REWRITER_AUDIO ? 111 : 96;
  g->template[8] = (guint8) (IN_SSRC >> 24);
  g->template[9] = (guint8) (IN_SSRC >> 16);
  g->template[10] = (guint8) (IN_SSRC >> 8);
  g->template[11] = (guint8) IN_SSRC;
  memcpy (g->template + 12, extension, sizeof extension);
  g->payload_offset = 12 + sizeof extension;
  for (gsize i = 0; i < shape->payload_len; i++)
    g->template[g->payload_offset + i] = (guint8) (i * 7 + 3);
  g->len = g->payload_offset + shape->payload_len;
  g->seq = 40000; /* wraps during a run */
  g->timestamp = 0xfff00000u;
  g->picture_id = 0x7f00;
}

/* Stamps the next packet of the stream into @out. */
static gsize
generator_next (Generator *g, guint8 *out)
{
  const Shape *s = g->shape;
  guint in_frame = g->count % s->frame_packets;
  guint frame = g->count / s->frame_packets;
  gboolean first = in_frame == 0;
  gboolean key = s->keyframe_period > 0 && frame % s->keyframe_period == 0;
  guint8 *payload = out + g->payload_offset;

  memcpy (out, g->template, g->len);
  out[1] = (guint8) ((out[1] & 0x7f) | (in_frame + 1 == s->frame_packets ? 0x80 : 0));
  out[2] = (guint8) (g->seq >> 8);
  out[3] = (guint8) g->seq;
  out[4] = (guint8) (g->timestamp >> 24);
  out[5] = (guint8) (g->timestamp >> 16);
  out[6] = (guint8) (g->timestamp >> 8);
  out[7] = (guint8) g->timestamp;
  if (s->codec == SH_REWRITER_VP8) {
    /* X, S on the first packet; I, L, T; 15-bit picture id; TL0PICIDX; TID. */
    payload[0] = (guint8) (0x80 | (first ? 0x10 : 0));
    payload[1] = 0xe0;
    payload[2] = (guint8) (0x80 | (g->picture_id >> 8));
    payload[3] = (guint8) g->picture_id;
    payload[4] = g->tl0;
    payload[5] = 0x00;
    payload[6] = first && key ? 0x10 : 0x11; /* P bit: 0 on a keyframe */
  } else if (s->codec == SH_REWRITER_H264) {
    /* FU-A of an IDR (keyframe) or non-IDR slice; S on the first. */
    payload[0] = key ? 0x7c : 0x5c;
    payload[1] = (guint8) ((first ? 0x80 : 0) | (key ? 5 : 1));
  }

  g->seq++;
  g->count++;
  if (g->count % s->frame_packets == 0) {
    g->timestamp += s->frame_ticks;
    g->picture_id = (guint16) ((g->picture_id + 1) & 0x7fff);
    g->tl0++;
  }
  return g->len;
}

static void
fill_batch (Generator *g, Batch *b)
{
  for (guint i = 0; i < BATCH; i++)
    b->len[i] = generator_next (g, b->buf[i]);
}

/* The timed functions are not inlined, so that profilers can find them. */
static G_GNUC_NO_INLINE guint64
rewrite_batch (ShRewriter *r, Batch *b, gint64 arrival_us)
{
  guint64 sink = 0;

  for (guint i = 0; i < BATCH; i++) {
    ShRewriteInfo info;

    if (sh_rewriter_rewrite (r, b->buf[i], b->len[i], arrival_us, &info) != SH_REWRITE_FORWARD) {
      fprintf (stderr, "bench-rewriter: packet %u not forwarded\n", i);
      exit (1);
    }
    sink += info.out_seq;
  }
  return sink;
}

static G_GNUC_NO_INLINE guint64
memcpy_batch (Batch *dst, const Batch *src)
{
  guint64 sink = 0;

  for (guint i = 0; i < BATCH; i++) {
    memcpy (dst->buf[i], src->buf[i], src->len[i]);
    sink += dst->buf[i][3];
  }
  return sink;
}

/* Checks one batch before timing: consecutive output numbers under the
 * down track's SSRC, picture ids continuing. */
static void
verify (const Shape *shape)
{
  static Batch batch;
  ShRewriter r;
  Generator g;
  guint16 expect = 1000;

  generator_init (&g, shape);
  sh_rewriter_init (&r, shape->codec, OUT_SSRC, shape->clock_rate, expect, 12345);
  sh_rewriter_switch_source (&r, IN_SSRC, TRUE);
  for (guint round = 0; round < 600; round++) {
    fill_batch (&g, &batch);
    rewrite_batch (&r, &batch, round);
    for (guint i = 0; i < BATCH; i++, expect++) {
      ShRtpView view;

      if (sh_rtp_parse (&view, batch.buf[i], batch.len[i]) != SH_RTP_OK || view.ssrc != OUT_SSRC
          || view.seq != expect) {
        fprintf (stderr, "bench-rewriter: %s: wrong output at packet %u\n", shape->name, i);
        exit (1);
      }
    }
  }
}

/* The two sides of a round; the rewrite goes first on even batches. */
enum { REWRITE, MEMCPY };

typedef struct {
  Generator *g;
  ShRewriter *r;
  Batch *in;
  Batch *copy;
  gint64 arrival_us;
  guint64 sink;
} Sides;

static void
run_side (guint side, gpointer data)
{
  Sides *s = data;

  if (side == REWRITE)
    s->sink += rewrite_batch (s->r, s->in, s->arrival_us);
  else
    s->sink += memcpy_batch (s->copy, s->in);
}

/* Untimed: the next batch, 20 ms after the last one. */
static guint
fill (gpointer data)
{
  Sides *s = data;

  fill_batch (s->g, s->in);
  s->arrival_us += 20000;
  return BATCH;
}

static void
run (const Shape *shape, guint packets, guint warmup, int reps)
{
  static Batch in, copy;
  ShRewriter r;
  Generator g;
  Sides sides = { &g, &r, &in, &copy, 0, 0 };
  ShBenchPair fig[2] = { 0 };
  /* Alternate which side goes first: the second finds the batch in cache,
   * and each side gets that advantage half the time. */
  ShBenchRounds rounds = {
    .n_sides = 2,
    .reference = MEMCPY,
    .warmup_batches = MAX (warmup / BATCH, 1),
    .batches = MAX (packets / BATCH, 1),
    .fill = fill,
    .run = run_side,
    .data = &sides,
    .figures = fig,
  };

  verify (shape);
  generator_init (&g, shape);
  sh_rewriter_init (&r, shape->codec, OUT_SSRC, shape->clock_rate, 1000, 12345);
  sh_rewriter_switch_source (&r, IN_SSRC, TRUE);
  sh_bench_rounds (&rounds, (guint) reps);
  printf ("| %s | %zu B |", shape->name, g.len);
  sh_bench_pair_print_cells (&fig[REWRITE], SH_BENCH_SUBJECT | SH_BENCH_REFERENCE | SH_BENCH_RATIO,
                             0, 1);
  printf (" %.1f M |\n", 1000.0 / sh_bench_series_median (&fig[REWRITE].subject));
  if (sides.sink == 42)
    printf ("(sink)\n"); /* keeps the sums alive */
}

int
main (int argc, char **argv)
{
  int packets = 2000000, warmup = 200000, reps = 7;
  g_autofree char *only = NULL;
  g_autoptr (GError) error = NULL;
  GOptionEntry entries[] = {
    { "packets", 0, 0, G_OPTION_ARG_INT, &packets, "Packets per timed round", "N" },
    { "warmup", 0, 0, G_OPTION_ARG_INT, &warmup, "Packets before the rounds", "N" },
    SH_BENCH_REPS_ENTRY (&reps),
    { "shape", 0, 0, G_OPTION_ARG_STRING, &only, "Only this stream: audio, vp8 or h264", "NAME" },
    { NULL },
  };

  if (!sh_bench_parse_options ("— ns per packet of the down-track rewriter", entries, &argc, &argv,
                               &error)) {
    fprintf (stderr, "bench-rewriter: %s\n", error->message);
    return 2;
  }
  if (reps < 1 || reps > SH_BENCH_MAX_REPS || packets < BATCH || warmup < 0) {
    fprintf (stderr, "bench-rewriter: --reps 1..%d, --packets >= %d, --warmup >= 0\n",
             SH_BENCH_MAX_REPS, BATCH);
    return 2;
  }

  printf ("%d rounds of %d packets, median and min; batches of %d; ns per packet\n\n", reps,
          packets, BATCH);
  printf ("| stream | packet | rewrite median | rewrite min | memcpy median | memcpy min "
          "| rewrite/memcpy | rewrites/s/core |\n");
  printf ("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
  for (guint i = 0; i < G_N_ELEMENTS (shapes); i++) {
    if (only != NULL && strcmp (only, shapes[i].name) != 0)
      continue;
    run (&shapes[i], (guint) packets, (guint) warmup, reps);
  }
  return 0;
}
