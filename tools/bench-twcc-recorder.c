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
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <glib.h>

#include "rtcp.h"
#include "rtp.h"
#include "twcc-recorder.h"

#define BATCH 128
#define PKT_LEN 1220
#define MAX_REPS 99
#define LOSS_PERCENT 1
#define FEEDBACK_US 50000
#define TRANSPORT_CC_ID 3

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

/* Fills @batch with the next BATCH sent packets minus the lost ones; the
 * transport-wide number sits in a one-byte extension element. */
static void
next_batch (Batch *batch, guint16 *seq, gint64 *send_us, GRand *rand)
{
  static const guint8 header[] = {
    0x90, 96,   0x00, 0x00, 0x00,
    0x01, 0x5f, 0x90, 0x12, 0x34,
    0x56, 0x78, /* fixed */
    0xbe, 0xde, 0x00, 0x01, (TRANSPORT_CC_ID << 4) | 1,
    0x00, 0x00, 0x00, /* ext */
  };

  batch->n = 0;
  while (batch->n < BATCH) {
    guint8 *p = batch->buf[batch->n];

    (*seq)++;
    *send_us += 1000;
    if (g_rand_int_range (rand, 0, 100) < LOSS_PERCENT)
      continue;
    memcpy (p, header, sizeof header);
    p[2] = p[17] = (guint8)(*seq >> 8);
    p[3] = p[18] = (guint8)*seq;
    memset (p + sizeof header, 0x5a, PKT_LEN - sizeof header);
    batch->arrival_us[batch->n++] = *send_us + g_rand_int_range (rand, 0, 300);
  }
}

typedef struct {
  ShTwccRecorder *rec;
  gint64 next_feedback_us;
  guint64 feedbacks;
  guint64 feedback_bytes;
  gint64 write_ns; /* inside the recorder loop's time: the writes alone */
  guint64 sink;
} Receiver;

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
      gint64 t0 = now_ns ();
      int n = sh_twcc_recorder_write (rx->rec, 1, view.ssrc, out, sizeof out);

      rx->write_ns += now_ns () - t0;

      if (n <= 0)
        g_error ("write failed: %d", n);
      rx->feedbacks++;
      rx->feedback_bytes += (guint)n;
      rx->next_feedback_us = now + FEEDBACK_US;
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
  g_autoptr (GOptionContext) context = g_option_context_new ("- TWCC recorder benchmark");
  g_autoptr (GError) error = NULL;
  g_autoptr (GRand) rand = g_rand_new_with_seed (8888);
  g_autofree Batch *batch = g_new (Batch, 1);
  ShTwccRecorderStats stats;
  Receiver rec_rx = { 0 }, base_rx = { 0 };
  double rec_ns[MAX_REPS], base_ns[MAX_REPS], ratio[MAX_REPS], extra[MAX_REPS];
  double write_ns[MAX_REPS];
  guint16 seq = 65000;
  gint64 send_us = 0;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || packets < BATCH || reps < 1
      || reps > MAX_REPS) {
    fprintf (stderr, "%s\n", error != NULL ? error->message : "bad --packets or --reps");
    return 2;
  }
  rec_rx.rec = sh_twcc_recorder_new ();

  /* Warm-up round (dropped), then the timed ones. */
  for (gint r = 0; r <= reps; r++) {
    gint64 t_rec = 0, t_base = 0, t0, write_before = rec_rx.write_ns;
    guint64 received = 0, feedbacks_before = rec_rx.feedbacks;

    for (gint sent = 0; sent < packets; sent += BATCH) {
      gboolean rec_first = ((sent / BATCH) & 1) == 0;

      next_batch (batch, &seq, &send_us, rand);
      received += batch->n;
      for (guint side = 0; side < 2; side++) {
        gboolean do_rec = (side == 0) == rec_first;

        t0 = now_ns ();
        if (do_rec) {
          receive_recorder (&rec_rx, batch);
          t_rec += now_ns () - t0;
        } else {
          receive_baseline (&base_rx, batch);
          t_base += now_ns () - t0;
        }
      }
    }
    if (r > 0) {
      rec_ns[r - 1] = (double)t_rec / (double)received;
      base_ns[r - 1] = (double)t_base / (double)received;
      ratio[r - 1] = (double)t_rec / (double)t_base;
      extra[r - 1] = rec_ns[r - 1] - base_ns[r - 1];
      write_ns[r - 1] = (double)(rec_rx.write_ns - write_before)
                        / (double)(rec_rx.feedbacks - feedbacks_before);
    }
  }

  /* The work was real: every status went out, losses among them. */
  sh_twcc_recorder_get_stats (rec_rx.rec, &stats);
  if (stats.feedbacks == 0 || stats.statuses <= stats.recorded || stats.dropped != 0)
    g_error ("feedback incomplete");
  for (double *v[] = { rec_ns, base_ns, ratio, extra, write_ns, NULL }, **a = v; *a != NULL; a++)
    qsort (*a, (gsize)reps, sizeof (double), cmp_double);
  printf ("| loop | median ns/packet | min ns/packet | ratio to parse | minus parse ns |\n");
  printf ("| --- | ---: | ---: | ---: | ---: |\n");
  printf ("| parse | %6.1f | %6.1f | 1.00 | 0.0 |\n", base_ns[reps / 2], base_ns[0]);
  printf ("| parse + record + write every 50 ms | %6.1f | %6.1f | %5.2f | %5.1f |\n",
          rec_ns[reps / 2], rec_ns[0], ratio[reps / 2], extra[reps / 2]);
  printf ("\nrecorded %" G_GUINT64_FORMAT ", statuses %" G_GUINT64_FORMAT
          ", feedbacks %" G_GUINT64_FORMAT " (%.1f statuses, %.1f bytes each)\n",
          stats.recorded, stats.statuses, stats.feedbacks,
          (double)stats.statuses / (double)stats.feedbacks,
          (double)rec_rx.feedback_bytes / (double)rec_rx.feedbacks);
  printf ("write: median %.0f ns, min %.0f ns per feedback (clock reads around it included), "
          "%.1f ns per packet amortized\n",
          write_ns[reps / 2], write_ns[0],
          write_ns[reps / 2] * (double)stats.feedbacks / (double)stats.recorded);
  sh_twcc_recorder_free (rec_rx.rec);
  return rec_rx.sink + base_rx.sink == 42 ? 1 : 0;
}
