/* bench-util.c — the timing scaffolding the benchmarks in tools/ share.
 * SPDX-License-Identifier: Apache-2.0 */
#include "bench-util.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

const guint8 sh_bench_video_header[28] = {
  0x90, 96,   0x00, 0x00, 0x00, 0x01, 0x5f, 0x90, 0x12, 0x34, 0x56, 0x78, /* fixed */
  0xbe, 0xde, 0x00, 0x03, 0x22, 0x12, 0x34, 0x56, 0x31, 0x00, 0x2a, 0x40, /* ext */
  '1',  0x00, 0x00, 0x00,
};

gint64
sh_bench_now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (gint64) ts.tv_sec * G_GINT64_CONSTANT (1000000000) + ts.tv_nsec;
}

gboolean
sh_bench_parse_options (const char *parameter_string, const GOptionEntry *entries, int *argc,
                        char ***argv, GError **error)
{
  g_autoptr (GOptionContext) context = g_option_context_new (parameter_string);

  g_option_context_add_main_entries (context, entries, NULL);
  return g_option_context_parse (context, argc, argv, error);
}

void
sh_bench_take_turns (guint batch, guint n_sides, ShBenchSideFunc run, gpointer data, gint64 *ns)
{
  for (guint k = 0; k < n_sides; k++) {
    guint side = sh_bench_turn (batch, k, n_sides);
    gint64 start = sh_bench_now_ns ();

    run (side, data);
    ns[side] += sh_bench_now_ns () - start;
  }
}

gboolean
sh_bench_stream_next (ShBenchStream *s)
{
  s->seq++;
  s->send_us += 1000;
  return g_rand_int_range (s->rand, 0, 100) >= (gint32) s->loss_percent;
}

guint64
sh_bench_parse_packets (const guint8 *buf, gsize stride, gsize len, guint n)
{
  guint64 sink = 0;

  for (guint i = 0; i < n; i++) {
    ShRtpView view;

    if (sh_rtp_parse (&view, buf + i * stride, len) != SH_RTP_OK)
      g_error ("parse failed");
    sink += view.payload_len + view.seq;
  }
  return sink;
}

void
sh_bench_rounds (const ShBenchRounds *rounds, guint reps)
{
  g_return_if_fail (rounds->n_sides <= SH_BENCH_MAX_SIDES && reps <= SH_BENCH_MAX_REPS);

  for (guint r = 0; r <= reps; r++) {
    gint64 ns[SH_BENCH_MAX_SIDES] = { 0 };
    guint n = r == 0 ? rounds->warmup_batches : rounds->batches;
    double items = 0;

    for (guint b = 0; b < n; b++) {
      items += rounds->fill (rounds->data);
      sh_bench_take_turns (b, rounds->n_sides, rounds->run, rounds->data, ns);
    }
    if (r > 0) {
      for (guint side = 0; side < rounds->n_sides; side++)
        sh_bench_pair_add (&rounds->figures[side], ns[side], ns[rounds->reference], items);
    }
    if (rounds->round_done != NULL)
      rounds->round_done (r == 0, rounds->data);
  }
}

void
sh_bench_series_add (ShBenchSeries *s, double value)
{
  g_return_if_fail (s->n < SH_BENCH_MAX_REPS);
  s->v[s->n++] = value;
}

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

double
sh_bench_series_median (ShBenchSeries *s)
{
  g_return_val_if_fail (s->n > 0, 0);
  qsort (s->v, s->n, sizeof (double), cmp_double);
  return s->v[s->n / 2];
}

double
sh_bench_series_median_mean (ShBenchSeries *s)
{
  g_return_val_if_fail (s->n > 0, 0);
  qsort (s->v, s->n, sizeof (double), cmp_double);
  return s->n % 2 ? s->v[s->n / 2] : (s->v[s->n / 2 - 1] + s->v[s->n / 2]) / 2;
}

double
sh_bench_series_min (const ShBenchSeries *s)
{
  double m;

  g_return_val_if_fail (s->n > 0, 0);
  m = s->v[0];
  for (guint i = 1; i < s->n; i++)
    m = MIN (m, s->v[i]);
  return m;
}

void
sh_bench_pair_add (ShBenchPair *p, gint64 subject_ns, gint64 reference_ns, double items)
{
  double subject = (double) subject_ns / items, reference = (double) reference_ns / items;

  sh_bench_series_add (&p->subject, subject);
  sh_bench_series_add (&p->reference, reference);
  sh_bench_series_add (&p->ratio, (double) subject_ns / (double) reference_ns);
  sh_bench_series_add (&p->extra, subject - reference);
}

void
sh_bench_pair_print_cells (ShBenchPair *p, ShBenchCells cells, int width, int precision)
{
  int narrow = width != 0 ? 5 : 0;

  if (cells & SH_BENCH_SUBJECT)
    printf (" %*.*f | %*.*f |", width, precision, sh_bench_series_median (&p->subject), width,
            precision, sh_bench_series_min (&p->subject));
  if (cells & SH_BENCH_REFERENCE)
    printf (" %*.*f | %*.*f |", width, precision, sh_bench_series_median (&p->reference), width,
            precision, sh_bench_series_min (&p->reference));
  if (cells & SH_BENCH_RATIO)
    printf (" %*.2f |", narrow, sh_bench_series_median (&p->ratio));
  if (cells & SH_BENCH_EXTRA)
    printf (" %*.*f |", narrow, precision, sh_bench_series_median (&p->extra));
}
