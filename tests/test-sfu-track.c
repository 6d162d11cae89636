/* The room's packet path towards a subscriber, end to end in one process
 * (sfu-fixture.h): forwarding under the room's own SSRCs and payload
 * types, RTX answers to the subscriber's NACKs, keyframe requests and
 * their rate limit, mute, whether the publisher's camera carries packets.
 * Loopback loses nothing, so the browser suite
 * never sees loss recovery: here the subscriber drops packets itself.
 * SPDX-License-Identifier: Apache-2.0 */
#include "sfu-fixture.h"

#define N_BURST 20

static ShMediaEngine *engine;

static gboolean
forwarding (const SfuBench *b)
{
  return b->s.video.packets >= 30 && b->s.audio.packets >= 50;
}

/* A new bench, forwarding both streams. */
static SfuBench *
bench_forwarding (void)
{
  SfuBench *b = sfu_bench_new (engine);

  g_assert_true (sfu_bench_wait (b, forwarding, 10000));
  return b;
}

static void
check_stream (const SfuRxStream *st, guint8 pt)
{
  g_assert_cmpuint (st->ssrc, !=, 0);
  g_assert_cmpuint (st->pt, ==, pt);
  g_assert_cmpuint (st->wrong_pt, ==, 0);
  g_assert_cmpuint (st->extensions, ==, 0);
  g_assert_cmpuint (st->gaps, ==, 0);
}

/* Both streams arrive under the SSRCs and payload types of the room's
 * offer, with continuous sequence numbers and no header extensions (their
 * ids belong to the publisher's negotiation); video starts with a
 * keyframe. */
static void
test_forwarding (void)
{
  SfuBench *b = bench_forwarding ();
  const SfuPublisher *p = &b->p;
  const SfuSubscriber *s = &b->s;

  /* The publisher's offer and the room's answer agree on the server's
   * payload types. */
  g_assert_cmpuint (p->video_pt, ==, SFU_VIDEO_PT);
  g_assert_cmpuint (p->rtx_pt, ==, SFU_RTX_PT);
  g_assert_cmpuint (p->audio_pt, ==, SFU_AUDIO_PT);
  check_stream (&s->video, SFU_VIDEO_PT);
  check_stream (&s->audio, SFU_AUDIO_PT);
  g_assert_cmpuint (s->rtx_pt, ==, SFU_RTX_PT);
  g_assert_cmpuint (s->rtx_ssrc, !=, 0);
  g_assert_cmpuint (s->rtx_ssrc, !=, s->video.ssrc);
  g_assert_cmpuint (s->video.ssrc, !=, p->video_ssrc);
  g_assert_cmpuint (s->audio.ssrc, !=, p->audio_ssrc);
  g_assert_cmpuint (s->unknown, ==, 0);
  g_assert_cmpuint (s->rtx, ==, 0);
  g_assert_true (s->video.first_keyframe);
  g_assert_cmpuint (b->room_received, >=, s->video.packets + s->audio.packets);
  g_assert_cmpuint (b->stats.forwarded_packets, >=, s->video.packets + s->audio.packets);
  sfu_bench_free (b);
}

static void
start_dropping (SfuBench *b)
{
  b->sub.dropping = TRUE;
}

static void
stop_dropping (SfuBench *b)
{
  b->sub.dropping = FALSE;
}

static gboolean
all_dropped (const SfuBench *b)
{
  return b->s.n_dropped == SFU_N_DROPPED;
}

static gboolean
all_recovered (const SfuBench *b)
{
  return b->s.n_recovered == b->s.n_dropped;
}

/* Every 10th video packet is dropped and NACKed at once (a compound of an
 * RR and the NACK): the room answers from its cache with RTX on the FID
 * group's SSRC, carrying the dropped sequence number and payload. */
static void
test_loss_recovery (void)
{
  SfuBench *b = bench_forwarding ();
  const SfuSubscriber *s = &b->s;

  sfu_bench_run (b, start_dropping);
  g_assert_true (sfu_bench_wait (b, all_dropped, 8000));
  sfu_bench_run (b, stop_dropping);
  sfu_bench_wait (b, all_recovered, 3000);
  g_test_message ("RTX: %u of %u dropped packets recovered", s->n_recovered, s->n_dropped);
  g_assert_cmpuint (s->n_recovered * 10, >=, s->n_dropped * 9);
  g_assert_cmpuint (s->rtx_wrong_pt, ==, 0);
  g_assert_cmpuint (s->rtx_unexpected, ==, 0);
  g_assert_cmpuint (s->rtx_wrong_payload, ==, 0);
  g_assert_cmpuint (b->stats.retransmitted, >=, s->n_recovered);
  /* The drops were the subscriber's own: its media stream stays whole. */
  g_assert_cmpuint (s->video.gaps, ==, 0);
  sfu_bench_free (b);
}

static void
start_dropping_long (SfuBench *b)
{
  b->sub.nack_entries = 16;
  b->sub.dropping = TRUE;
}

static void
nack_audio (SfuBench *b)
{
  ShRtcpNackEntry entry = { b->sub.audio.last_seq, 0 };

  sfu_bench_send_nack (b, b->sub.audio.ssrc, &entry, 1);
}

static gboolean
one_dropped (const SfuBench *b)
{
  return b->s.n_dropped >= 1;
}

/* NACKs out of the ordinary. One naming 272 packets (the one dropped,
 * then the tail of a burst loss), more than the room answers at once,
 * still gets the first ones back. One about audio, which has no RTX
 * stream (and the room's offer no NACK for it), gets nothing: above all
 * no packet of an SSRC the subscriber never heard of. */
static void
test_nack_limits (void)
{
  SfuBench *b = bench_forwarding ();

  sfu_bench_run (b, start_dropping_long);
  g_assert_true (sfu_bench_wait (b, one_dropped, 3000));
  sfu_bench_run (b, stop_dropping);
  g_assert_true (sfu_bench_wait (b, all_recovered, 3000));
  g_assert_cmpuint (b->s.rtx_wrong_payload, ==, 0);
  sfu_bench_run (b, nack_audio);
  sfu_bench_pause (b, 500);
  g_assert_cmpuint (b->s.unknown, ==, 0);
  g_assert_cmpuint (b->s.audio.wrong_pt, ==, 0);
  sfu_bench_free (b);
}

static void
pli_once (SfuBench *b)
{
  b->sub.pli_sent_us = g_get_monotonic_time ();
  sfu_bench_send_pli (b);
}

/* 20 PLIs over 400 ms: several of the room's 20 ms ticks, with the
 * keyframe that answers the first one in the middle of them. */
static void
pli_burst (SfuBench *b)
{
  sfu_bench_pli_burst (b, N_BURST);
}

static gboolean
pli_arrived (const SfuBench *b)
{
  return b->p.plis > 0 && b->p.pli_at[(b->p.plis - 1) % SFU_PLI_RING] >= b->s.pli_sent_us;
}

static guint
plis_between (const SfuPublisher *p, gint64 from, gint64 to)
{
  guint n = 0;

  for (guint64 i = p->plis > SFU_PLI_RING ? p->plis - SFU_PLI_RING : 0; i < p->plis; i++)
    n += p->pli_at[i % SFU_PLI_RING] >= from && p->pli_at[i % SFU_PLI_RING] <= to;
  return n;
}

/* A subscriber's PLI for its video down track reaches the publisher, for
 * the publisher's own SSRC, within a second; a burst is rate-limited by
 * the keyframe limiter. */
static void
test_keyframe_requests (void)
{
  SfuBench *b = bench_forwarding ();
  const SfuPublisher *p = &b->p;
  guint64 keyframes;
  guint n;

  /* Past the limiter's interval after the requests of the start. */
  sfu_bench_pause (b, 600);
  keyframes = b->s.video.keyframes;
  sfu_bench_run (b, pli_once);
  g_assert_true (sfu_bench_wait (b, pli_arrived, 2000));
  g_assert_cmpint (p->pli_at[(p->plis - 1) % SFU_PLI_RING] - b->s.pli_sent_us, <, G_USEC_PER_SEC);
  sfu_bench_pause (b, 600);
  /* The publisher answered with a keyframe, and it came through. */
  g_assert_cmpuint (b->s.video.keyframes, >, keyframes);
  sfu_bench_run (b, pli_burst);
  sfu_bench_pause (b, 1300);
  n = plis_between (p, b->s.burst_us, b->s.burst_us + G_USEC_PER_SEC);
  g_test_message ("a burst of %d PLIs: %u at the publisher within 1 s", N_BURST, n);
  g_assert_cmpuint (n, >=, 1);
  g_assert_cmpuint (n, <=, 2);
  g_assert_cmpuint (p->pli_wrong_ssrc, ==, 0);
  g_assert_cmpuint (b->stats.keyframe_requests, >=, 2);
  g_assert_cmpuint (b->s.video.gaps, ==, 0);
  sfu_bench_free (b);
}

static void
mute_audio (SfuBench *b)
{
  sh_media_room_set_forwarding (b->room, SFU_PUBLISHER, "audio", FALSE);
}

static void
unmute_audio (SfuBench *b)
{
  sh_media_room_set_forwarding (b->room, SFU_PUBLISHER, "audio", TRUE);
}

static guint64 audio_mark;

static gboolean
audio_resumed (const SfuBench *b)
{
  return b->s.audio.packets >= audio_mark + 10;
}

/* Muted audio stops at the subscriber while video goes on; unmuted, it
 * resumes without a gap in its sequence numbers. */
static void
test_mute (void)
{
  SfuBench *b = bench_forwarding ();
  guint64 audio, video, blocked;

  sfu_bench_run (b, mute_audio);
  sfu_bench_pause (b, 300); /* what was on its way */
  audio = b->s.audio.packets;
  video = b->s.video.packets;
  blocked = b->stats.blocked_packets;
  sfu_bench_pause (b, 700);
  g_assert_cmpuint (b->s.audio.packets, ==, audio);
  g_assert_cmpuint (b->s.video.packets, >=, video + 10);
  g_assert_cmpuint (b->stats.blocked_packets, >=, blocked + 20);
  audio_mark = b->s.audio.packets;
  sfu_bench_run (b, unmute_audio);
  g_assert_true (sfu_bench_wait (b, audio_resumed, 3000));
  g_assert_cmpuint (b->s.audio.gaps, ==, 0);
  g_assert_cmpuint (b->s.video.gaps, ==, 0);
  g_assert_cmpuint (b->s.audio.wrong_pt, ==, 0);
  sfu_bench_free (b);
}

static void
pause_publisher (SfuBench *b)
{
  b->pub.paused = TRUE;
}

static void
resume_publisher (SfuBench *b)
{
  b->pub.paused = FALSE;
}

static gboolean
camera_idle (const SfuBench *b)
{
  return !g_atomic_int_get (&b->camera_live);
}

static gboolean
camera_live_again (const SfuBench *b)
{
  return g_atomic_int_get (&b->camera_live) && g_atomic_int_get (&b->camera_calls) == 3;
}

/* Told once when the camera's packets start, once when none came for
 * SH_MEDIA_CAMERA_IDLE_US (the page turned it off), once when they come
 * again; not for every packet. */
static void
test_camera_live (void)
{
  SfuBench *b = bench_forwarding ();
  gint64 paused_at;

  g_assert_true (g_atomic_int_get (&b->camera_live));
  g_assert_cmpint (g_atomic_int_get (&b->camera_calls), ==, 1);
  sfu_bench_run (b, pause_publisher);
  paused_at = g_get_monotonic_time ();
  g_assert_true (sfu_bench_wait (b, camera_idle, 8000));
  g_assert_cmpint (g_get_monotonic_time () - paused_at, >=, SH_MEDIA_CAMERA_IDLE_US);
  g_assert_cmpint (g_atomic_int_get (&b->camera_calls), ==, 2);
  sfu_bench_run (b, resume_publisher);
  g_assert_true (sfu_bench_wait (b, camera_live_again, 3000));
  sfu_bench_free (b);
}

static void
video_is_screen (SfuBench *b)
{
  sh_media_room_set_screen_mid (b->room, SFU_PUBLISHER, "1");
}

/* A screen share is not a camera: its packets (and the microphone's) tell
 * nothing. */
static void
test_screen_is_not_camera (void)
{
  SfuBench *b = sfu_bench_new_with (engine, video_is_screen, NULL);

  g_assert_true (sfu_bench_wait (b, forwarding, 10000));
  sfu_bench_pause (b, 500);
  g_assert_cmpint (g_atomic_int_get (&b->camera_calls), ==, 0);
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
  g_test_add_func ("/sfu-track/forwarding", test_forwarding);
  g_test_add_func ("/sfu-track/loss-recovery", test_loss_recovery);
  g_test_add_func ("/sfu-track/nack-limits", test_nack_limits);
  g_test_add_func ("/sfu-track/keyframe-requests", test_keyframe_requests);
  g_test_add_func ("/sfu-track/mute", test_mute);
  g_test_add_func ("/sfu-track/camera-live", test_camera_live);
  g_test_add_func ("/sfu-track/screen-is-not-camera", test_screen_is_not_camera);
  status = g_test_run ();
  sh_media_engine_free (engine);
  return status;
}
