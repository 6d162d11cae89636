/* bench-util.h — the timing scaffolding the benchmarks in tools/ share: a
 * monotonic clock in nanoseconds, the rotating order in which the measured
 * code and its reference take turns, the figures of the timed rounds
 * (median and min) and the cells of a table row with the ratio to the
 * reference. Each benchmark keeps its own workload and table layout.
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

#include "rtp.h"

/* At most this many timed rounds (--reps). */
#define SH_BENCH_MAX_REPS 99

/* The --reps option of the benchmarks, for a GOptionEntry array. */
#define SH_BENCH_REPS_ENTRY(reps)                                                                  \
  {                                                                                                \
    "reps", 0, 0, G_OPTION_ARG_INT, (reps), "Timed rounds (median and min of them)", "N"           \
  }

/* A video packet as a browser sends it: the fixed header (sequence number 0
 * in bytes 2-3) and a one-byte extension block (abs-send-time, transport-cc,
 * mid); the payload follows. */
extern const guint8 sh_bench_video_header[28];

/* CLOCK_MONOTONIC, in nanoseconds. */
gint64 sh_bench_now_ns (void);

/* Parses the command line against @entries (ending with a NULL entry).
 * Returns: FALSE with @error set when it fails. */
gboolean sh_bench_parse_options (const char *parameter_string, const GOptionEntry *entries,
                                 int *argc, char ***argv, GError **error);

/* Which of @n_sides sides runs @k-th (from 0) over batch number @batch. The
 * order rotates batch by batch, so each side goes first as often as the
 * others and drift in load or clock frequency falls on all of them; side 0
 * goes first on batch 0. */
static inline guint
sh_bench_turn (guint batch, guint k, guint n_sides)
{
  return (batch + k) % n_sides;
}

/* Runs side @side of a benchmark over the current batch. */
typedef void (*ShBenchSideFunc) (guint side, gpointer data);

/* Runs each of @n_sides sides once over batch number @batch, in the order
 * of sh_bench_turn(), and adds the nanoseconds each takes to @ns[side]. */
void sh_bench_take_turns (guint batch, guint n_sides, ShBenchSideFunc run, gpointer data,
                          gint64 *ns);

/* A stream the receive-path benchmarks get: one packet a millisecond,
 * @loss_percent of them lost at random (seeded), drawn outside the timing. */
typedef struct {
  guint16 seq;    /* of the last packet sent */
  gint64 send_us; /* when it was sent */
  GRand *rand;
  guint loss_percent;
} ShBenchStream;

/* Sends the next packet of @s. Returns: FALSE when it is lost. */
gboolean sh_bench_stream_next (ShBenchStream *s);

/* The reference of the receive-path benchmarks: sh_rtp_parse() of @n
 * packets of @len bytes, @stride bytes apart from @buf on. Returns a sum
 * of what was read, for the caller to keep (so that the work stays). */
guint64 sh_bench_parse_packets (const guint8 *buf, gsize stride, gsize len, guint n);

/* One figure per timed round. */
typedef struct {
  double v[SH_BENCH_MAX_REPS];
  guint n;
} ShBenchSeries;

/* Adds the figure of one round (at most SH_BENCH_MAX_REPS of them). */
void sh_bench_series_add (ShBenchSeries *s, double value);

/* The middle figure; of an even count, the upper of the two middle ones.
 * Sorts @s. */
double sh_bench_series_median (ShBenchSeries *s);

/* The middle figure; of an even count, the mean of the two middle ones.
 * Sorts @s. */
double sh_bench_series_median_mean (ShBenchSeries *s);

double sh_bench_series_min (const ShBenchSeries *s);

/* The code measured (the subject) beside its reference, round by round. */
typedef struct {
  ShBenchSeries subject;   /* ns per item */
  ShBenchSeries reference; /* ns per item */
  ShBenchSeries ratio;     /* subject / reference */
  ShBenchSeries extra;     /* subject − reference, ns per item */
} ShBenchPair;

/* Adds one timed round: @subject_ns and @reference_ns over @items items
 * (packets, operations) each. */
void sh_bench_pair_add (ShBenchPair *p, gint64 subject_ns, gint64 reference_ns, double items);

/* The cells sh_bench_pair_print_cells() prints, in this order. */
typedef enum {
  SH_BENCH_SUBJECT = 1 << 0,   /* subject median | subject min */
  SH_BENCH_REFERENCE = 1 << 1, /* reference median | reference min */
  SH_BENCH_RATIO = 1 << 2,     /* median of subject / reference */
  SH_BENCH_EXTRA = 1 << 3,     /* median of subject − reference */
} ShBenchCells;

/* Prints @cells of a Markdown table row, each as " value |", to follow a
 * row's first cells. The nanosecond cells are @width wide (0: as narrow as
 * they come) with @precision decimals; the ratio has 2 decimals, the extra
 * @precision; both are 5 wide when @width is not 0. Sorts the series. */
void sh_bench_pair_print_cells (ShBenchPair *p, ShBenchCells cells, int width, int precision);

/* Untimed: makes the next batch ready for the sides. Returns how many
 * items (packets, operations) each side handles in it. */
typedef guint (*ShBenchFillFunc) (gpointer data);

/* At most this many sides take turns in sh_bench_rounds(). */
#define SH_BENCH_MAX_SIDES 4

/* A benchmark's rounds: a warm-up round whose figures are dropped, then the
 * timed rounds, each a run of batches that @fill makes and the sides go
 * over in turn (sh_bench_take_turns()). */
typedef struct {
  guint n_sides;        /* at most SH_BENCH_MAX_SIDES */
  guint reference;      /* the side the others are set against */
  guint warmup_batches; /* in the warm-up round */
  guint batches;        /* in each timed round */
  ShBenchFillFunc fill;
  ShBenchSideFunc run;
  /* Optional: called after each round, the warm-up included. */
  void (*round_done) (gboolean warmup, gpointer data);
  gpointer data;
  ShBenchPair *figures; /* n_sides of them: each side against the reference */
} ShBenchRounds;

/* Runs the warm-up round and @reps timed ones (at most SH_BENCH_MAX_REPS). */
void sh_bench_rounds (const ShBenchRounds *rounds, guint reps);
