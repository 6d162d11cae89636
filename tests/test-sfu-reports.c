/* The room's feedback and reports, end to end in one process
 * (sfu-fixture.h): NACKs towards a publisher that lost packets (and its
 * RTX going through to the subscriber), transport-wide feedback, sender
 * reports to the subscriber with the publisher's clock mapping.
 * SPDX-License-Identifier: Apache-2.0 */
#include "sfu-fixture.h"

static ShMediaEngine *engine;

static gboolean
forwarding (const SfuBench *b)
{
  return b->s.video.packets >= 30 && b->s.audio.packets >= 50;
}

static void
lose_video (SfuBench *b)
{
  b->pub.skip = SFU_N_SKIPPED;
}

static gboolean
all_nacked (const SfuBench *b)
{
  guint n = 0;

  for (guint i = 0; i < b->p.n_lost; i++)
    n += b->p.lost[i].nacked;
  return b->p.n_lost == SFU_N_SKIPPED && n == SFU_N_SKIPPED;
}

static gboolean
lost_forwarded (const SfuBench *b)
{
  return b->lost_seen == SFU_N_SKIPPED;
}

/* The publisher skips a few sequence numbers: the room's NACK generator
 * names them in a generic NACK for the publisher's video SSRC, and the
 * publisher's RTX answer is unwrapped and forwarded into the gap. */
static void
test_publisher_nacks (void)
{
  SfuBench *b = sfu_bench_new (engine);

  g_assert_true (sfu_bench_wait (b, forwarding, 10000));
  sfu_bench_run (b, lose_video);
  g_assert_true (sfu_bench_wait (b, all_nacked, 3000));
  g_assert_cmpuint (b->p.nack_wrong_ssrc, ==, 0);
  g_assert_cmpuint (b->p.rtx_sent, ==, SFU_N_SKIPPED);
  g_assert_cmpuint (b->stats.nacks_sent, >=, 1);
  g_assert_true (sfu_bench_wait (b, lost_forwarded, 3000));
  sfu_bench_free (b);
}

static void
mark_twcc (SfuBench *b)
{
  b->pub.twcc_mark = b->pub.transport_seq;
  sfu_bench_snapshot (b);
}

static gboolean
twcc_covered (const SfuBench *b)
{
  return b->twcc_missing == 0;
}

/* sh_peer_create_offer puts the transport-wide sequence number extension
 * in the publisher's offer and the room's answer keeps it: every packet
 * the publisher sent, audio and video, is reported received. */
static void
test_transport_feedback (void)
{
  SfuBench *b = sfu_bench_new (engine);

  g_assert_cmpuint (b->p.transport_cc_id, !=, 0);
  g_assert_true (sfu_bench_wait (b, forwarding, 10000));
  sfu_bench_run (b, mark_twcc);
  g_assert_cmpuint (b->p.twcc_mark, >, 50);
  g_assert_true (sfu_bench_wait (b, twcc_covered, 3000));
  g_assert_cmpuint (b->p.twcc_feedbacks, >, 0);
  sfu_bench_free (b);
}

static gboolean
sender_reports (const SfuBench *b)
{
  return b->s.video.srs >= 2 && b->s.audio.srs >= 2;
}

/* Once the publisher sent its sender reports (one a second), the
 * subscriber gets SRs for both forwarded streams, whose wall clock to RTP
 * time mapping is the publisher's through the rewriting (lip sync). */
static void
test_sender_reports (void)
{
  SfuBench *b = sfu_bench_new (engine);

  g_assert_true (sfu_bench_wait (b, sender_reports, 6000));
  g_assert_cmpuint (b->p.srs_sent, >=, 1);
  g_test_message ("SR lip-sync error: video %" G_GINT64_FORMAT " us, audio %" G_GINT64_FORMAT " us",
                  b->s.video.sr_error_us, b->s.audio.sr_error_us);
  g_assert_cmpint (b->s.video.sr_error_us, <, 50 * G_TIME_SPAN_MILLISECOND);
  g_assert_cmpint (b->s.audio.sr_error_us, <, 50 * G_TIME_SPAN_MILLISECOND);
  sfu_bench_free (b);
}

int
main (int argc, char **argv)
{
  static const char *const listen[] = { "127.0.0.1", NULL };
  ShMediaEngineConfig config = { .n_workers = 1, .listen_addresses = listen };
  g_autoptr (GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  engine = sh_media_engine_new (&config, &error);
  g_assert_no_error (error);
  g_test_add_func ("/sfu-reports/publisher-nacks", test_publisher_nacks);
  g_test_add_func ("/sfu-reports/transport-feedback", test_transport_feedback);
  g_test_add_func ("/sfu-reports/sender-reports", test_sender_reports);
  status = g_test_run ();
  sh_media_engine_free (engine);
  return status;
}
