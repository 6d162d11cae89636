/* The track tap (tap.c), on a real room with a real publisher and
 * subscriber (sfu-fixture.h: SRTP over ICE on loopback): every packet the
 * publisher sent reaches the tap once, in order and byte for byte, with its
 * track's description first and its removal last; sender reports; keyframe
 * requests on the tap's behalf; a slow tap drops and counts while the
 * subscriber's stream stays whole; and the hostile cases (closing from a
 * callback and from another thread, registering twice, freeing the room
 * under its taps).
 * SPDX-License-Identifier: Apache-2.0 */
#include "sfu-fixture.h"

#include <string.h>

#include "rtp-stats.h"
#include "rtp.h"
#include "sfu-private.h"

#define MAX_TRACKS 4

typedef struct {
  ShMediaTapTrack info; /* mid and codec: NULL (copied below) */
  char codec[8];
  gboolean removed;
  gboolean started;
  guint16 first_seq, last_seq;
  guint32 ssrc; /* of the packets */
  guint64 packets, gaps, wrong_bytes, after_removed, keyframes;
  gint64 last_arrival;
  guint64 arrival_backwards;
  guint64 srs, sr_wrong_ssrc;
  ShMediaTapSenderReport last_sr;
  gint64 keyframe_at; /* arrival of the first keyframe after keyframe_asked */
} ProbeTrack;

typedef struct {
  SfuBench *b;
  ShMediaTap *tap;
  ProbeTrack tracks[MAX_TRACKS];
  guint n_tracks;
  guint64 unknown_track, rtp_calls, calls_after_close;
  gboolean closed;
  guint sleep_us;    /* a slow tap: this long in each rtp callback */
  guint close_after; /* closes itself after this many packets; 0: never */
  gint64 keyframe_asked;
  ShMediaTapStats stats;
  guint64 dropped_by_track; /* the per-track figures, summed */
  gint destroyed;           /* atomic: how many times destroy ran */
} Probe;

static ShMediaEngine *engine;
/* The probes of the running test, and their copies for the test body
 * (taken on the worker, where the probes live). */
static Probe *probes[2];
static Probe seen[2];

static ProbeTrack *
probe_track (Probe *pr, guint64 id)
{
  for (guint i = 0; i < pr->n_tracks; i++)
    if (pr->tracks[i].info.track == id)
      return &pr->tracks[i];
  return NULL;
}

static const ProbeTrack *
seen_kind (const Probe *pr, ShMediaTrackKind kind)
{
  for (guint i = 0; i < pr->n_tracks; i++)
    if (pr->tracks[i].info.kind == kind)
      return &pr->tracks[i];
  return NULL;
}

static void
check_closed (Probe *pr)
{
  if (pr->closed)
    pr->calls_after_close++;
}

static void
on_track_added (ShMediaTap *tap, const ShMediaTapTrack *track, gpointer data)
{
  Probe *pr = data;
  ProbeTrack *t;

  check_closed (pr);
  g_assert_true (tap == pr->tap);
  g_assert_null (probe_track (pr, track->track));
  g_assert_cmpuint (pr->n_tracks, <, MAX_TRACKS);
  t = &pr->tracks[pr->n_tracks++];
  t->info = *track;
  t->info.mid = NULL;
  t->info.codec = NULL;
  g_strlcpy (t->codec, track->codec, sizeof t->codec);
}

/* Checks one packet against what the publisher sent under its sequence
 * number. */
static void
on_rtp (ShMediaTap *tap, guint64 track, const guint8 *packet, gsize len, gint64 arrival_us,
        gpointer data)
{
  Probe *pr = data;
  ProbeTrack *t = probe_track (pr, track);
  ShRtpView view;
  const guint32 *sent;

  check_closed (pr);
  pr->rtp_calls++;
  if (pr->sleep_us)
    g_usleep (pr->sleep_us);
  if (!t) {
    pr->unknown_track++;
    return;
  }
  g_assert_cmpint (sh_rtp_parse (&view, packet, len), ==, SH_RTP_OK);
  if (t->removed)
    t->after_removed++;
  if (!t->started) {
    t->first_seq = view.seq;
    t->ssrc = view.ssrc;
  } else if (sh_rtp_seq_diff (view.seq, t->last_seq) != 1) {
    t->gaps++;
  }
  t->started = TRUE;
  t->last_seq = view.seq;
  sent = t->info.kind == SH_MEDIA_TRACK_MICROPHONE ? pr->b->sent_audio : pr->b->sent_video;
  if (view.ssrc != t->ssrc || sent[view.seq] != sfu_packet_hash (packet, len))
    t->wrong_bytes++;
  if (arrival_us < t->last_arrival || arrival_us > g_get_monotonic_time ())
    t->arrival_backwards++;
  t->last_arrival = arrival_us;
  t->packets++;
  if (t->info.kind == SH_MEDIA_TRACK_CAMERA && sh_rtp_is_keyframe (&view, t->codec)) {
    t->keyframes++;
    if (pr->keyframe_asked && !t->keyframe_at && arrival_us > pr->keyframe_asked)
      t->keyframe_at = arrival_us;
  }
  if (pr->close_after && pr->rtp_calls == pr->close_after) {
    sh_media_tap_close (tap);
    pr->closed = TRUE;
  }
}

static void
on_sender_report (ShMediaTap *tap, guint64 track, const ShMediaTapSenderReport *report,
                  gpointer data)
{
  Probe *pr = data;
  ProbeTrack *t = probe_track (pr, track);

  check_closed (pr);
  g_assert_nonnull (t);
  t->srs++;
  t->sr_wrong_ssrc += report->ssrc != t->info.ssrc;
  t->last_sr = *report;
}

static void
on_track_removed (ShMediaTap *tap, guint64 track, gpointer data)
{
  Probe *pr = data;
  ProbeTrack *t = probe_track (pr, track);

  check_closed (pr);
  g_assert_nonnull (t);
  g_assert_false (t->removed);
  t->removed = TRUE;
}

static void
on_destroy (gpointer data)
{
  Probe *pr = data;

  g_atomic_int_inc (&pr->destroyed);
}

static const ShMediaTapCallbacks probe_callbacks = {
  .version = SH_MEDIA_TAP_VERSION,
  .track_added = on_track_added,
  .rtp = on_rtp,
  .sender_report = on_sender_report,
  .track_removed = on_track_removed,
};

static void
probe_init (Probe *pr, guint index, guint max_queued)
{
  memset (pr, 0, sizeof *pr);
  pr->tap = sh_media_tap_new (&probe_callbacks, max_queued, pr, on_destroy);
  probes[index] = pr;
}

/* On the worker: the copies for the test body. */
static void
snapshot (SfuBench *b)
{
  sfu_bench_snapshot (b);
  for (guint i = 0; i < G_N_ELEMENTS (probes); i++) {
    if (!probes[i])
      continue;
    if (probes[i]->tap && !probes[i]->closed) {
      Probe *pr = probes[i];
      ShMediaTapTrackStats st;

      sh_media_tap_get_stats (pr->tap, &pr->stats);
      pr->dropped_by_track = 0;
      for (guint j = 0; j < pr->n_tracks; j++) {
        g_assert_true (sh_media_tap_get_track_stats (pr->tap, pr->tracks[j].info.track, &st));
        pr->dropped_by_track += st.dropped;
      }
    }
    seen[i] = *probes[i];
  }
}

static gboolean
wait_for (SfuBench *b, gboolean (*done) (void), guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + timeout_ms * G_TIME_SPAN_MILLISECOND;

  while (TRUE) {
    sfu_bench_run (b, snapshot);
    if (done ())
      return TRUE;
    if (g_get_monotonic_time () > deadline)
      return FALSE;
    g_usleep (20 * G_TIME_SPAN_MILLISECOND);
  }
}

/* The tap's destroy ran, once: it may wait for the drain's last turn on
 * the worker. */
static void
wait_destroyed (Probe *pr)
{
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  while (g_atomic_int_get (&pr->destroyed) == 0 && g_get_monotonic_time () < deadline)
    g_usleep (10 * G_TIME_SPAN_MILLISECOND);
  g_assert_cmpint (g_atomic_int_get (&pr->destroyed), ==, 1);
}

static void
add_taps (SfuBench *b)
{
  g_autoptr (GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (probes); i++) {
    if (!probes[i])
      continue;
    probes[i]->b = b;
    g_assert_true (sh_media_room_add_tap (b->room, probes[i]->tap, &error));
    g_assert_no_error (error);
  }
}

static void
pause_publisher (SfuBench *b)
{
  b->pub.paused = TRUE;
}

static void
leave_publisher (SfuBench *b)
{
  sh_media_room_leave (b->room, SFU_PUBLISHER);
}

static gboolean
tapped_enough (void)
{
  const ProbeTrack *a = seen_kind (&seen[0], SH_MEDIA_TRACK_MICROPHONE);
  const ProbeTrack *v = seen_kind (&seen[0], SH_MEDIA_TRACK_CAMERA);

  return a && v && a->packets >= 100 && v->packets >= 60 && a->srs >= 1 && v->srs >= 1;
}

static gboolean
all_tapped (void)
{
  const ProbeTrack *a = seen_kind (&seen[0], SH_MEDIA_TRACK_MICROPHONE);
  const ProbeTrack *v = seen_kind (&seen[0], SH_MEDIA_TRACK_CAMERA);
  const SfuBench *b = seen[0].b;

  return a->packets == b->p.audio_sent && v->packets == b->p.video_sent;
}

static void
check_sender_report (const ProbeTrack *t, guint32 ts0, guint rate, gint64 real0)
{
  gint64 at = sh_ntp_to_unix_us (t->last_sr.ntp_timestamp);
  guint32 expected = ts0 + (guint32) ((at - real0) * (gint64) rate / G_USEC_PER_SEC);

  g_assert_cmpuint (t->sr_wrong_ssrc, ==, 0);
  /* The NTP format's rounding only. */
  g_assert_cmpint (ABS ((gint32) (t->last_sr.rtp_timestamp - expected)), <=, 1);
  g_assert_cmpuint (t->last_sr.packet_count, >, 0);
  g_assert_cmpint (t->last_sr.arrival_us, >, 0);
}

static gboolean
removed_both (void)
{
  return seen[0].n_tracks == 2 && seen[0].tracks[0].removed && seen[0].tracks[1].removed;
}

/* A tap on the room before the publisher publishes gets both tracks
 * described, then every packet the publisher sends, once, in order, byte
 * for byte; sender reports with the publisher's clock mapping; the
 * tracks' removal after their last packet when the publisher leaves. */
static void
test_every_packet (void)
{
  Probe pr;
  SfuBench *b;
  const ProbeTrack *a, *v;

  probe_init (&pr, 0, 0);
  b = sfu_bench_new_with (engine, add_taps, NULL);
  g_assert_true (wait_for (b, tapped_enough, 10000));
  sfu_bench_run (b, pause_publisher);
  g_assert_true (wait_for (b, all_tapped, 3000));
  g_assert_cmpuint (seen[0].n_tracks, ==, 2);
  a = seen_kind (&seen[0], SH_MEDIA_TRACK_MICROPHONE);
  v = seen_kind (&seen[0], SH_MEDIA_TRACK_CAMERA);
  g_assert_cmpstr (a->codec, ==, "opus");
  g_assert_cmpuint (a->info.clock_rate, ==, 48000);
  g_assert_cmpuint (a->info.payload_type, ==, SFU_AUDIO_PT);
  g_assert_cmpuint (a->info.ssrc, ==, b->p.audio_ssrc);
  g_assert_cmpuint (a->info.publisher, ==, SFU_PUBLISHER);
  g_assert_cmpstr (v->codec, ==, "VP8");
  g_assert_cmpuint (v->info.clock_rate, ==, 90000);
  g_assert_cmpuint (v->info.payload_type, ==, SFU_VIDEO_PT);
  g_assert_cmpuint (v->info.rtx_payload_type, ==, SFU_RTX_PT);
  g_assert_cmpuint (v->info.ssrc, ==, b->p.video_ssrc);
  g_assert_cmpuint (v->info.publisher, ==, SFU_PUBLISHER);
  g_assert_cmpuint (v->info.track, !=, a->info.track);
  for (const ProbeTrack *t = a; t; t = t == a ? v : NULL) {
    g_assert_cmpuint (t->first_seq, ==, t == a ? b->p.audio_seq0 : b->p.video_seq0);
    g_assert_cmpuint (t->last_seq, ==, (guint16) (t->first_seq + t->packets - 1));
    g_assert_cmpuint (t->gaps, ==, 0);
    g_assert_cmpuint (t->wrong_bytes, ==, 0);
    g_assert_cmpuint (t->arrival_backwards, ==, 0);
  }
  g_assert_cmpuint (v->keyframes, >=, 1);
  check_sender_report (a, b->p.audio_ts0, 48000, b->p.real0);
  check_sender_report (v, b->p.video_ts0, 90000, b->p.real0);
  g_assert_cmpuint (seen[0].unknown_track, ==, 0);
  g_assert_cmpuint (seen[0].stats.total.delivered, ==, a->packets + v->packets);
  g_assert_cmpuint (seen[0].stats.total.dropped, ==, 0);
  g_assert_cmpuint (seen[0].stats.total.reports_delivered, ==, a->srs + v->srs);
  /* The subscriber got everything too. */
  g_assert_cmpuint (b->s.video.gaps, ==, 0);

  sfu_bench_run (b, leave_publisher);
  g_assert_true (wait_for (b, removed_both, 3000));
  g_assert_cmpuint (seen[0].tracks[0].after_removed + seen[0].tracks[1].after_removed, ==, 0);

  sh_media_tap_close (pr.tap);
  sfu_bench_free (b);
  g_assert_cmpint (g_atomic_int_get (&pr.destroyed), ==, 0);
  g_clear_pointer (&pr.tap, sh_media_tap_unref);
  wait_destroyed (&pr);
  probes[0] = NULL;
}

static gboolean
forwarding (void)
{
  const ProbeTrack *v = seen_kind (&seen[0], SH_MEDIA_TRACK_CAMERA);

  return v && v->packets >= 30 && seen[0].b->s.video.packets >= 30;
}

static guint64 plis_before;
static gboolean asked_ok, audio_refused, unknown_refused;

static void
ask_keyframe (SfuBench *b)
{
  Probe *pr = probes[0];
  const ProbeTrack *a = seen_kind (pr, SH_MEDIA_TRACK_MICROPHONE);
  const ProbeTrack *v = seen_kind (pr, SH_MEDIA_TRACK_CAMERA);

  plis_before = b->pub.plis;
  pr->keyframe_asked = g_get_monotonic_time ();
  asked_ok = sh_media_tap_request_keyframe (pr->tap, v->info.track);
  audio_refused = !sh_media_tap_request_keyframe (pr->tap, a->info.track);
  unknown_refused = !sh_media_tap_request_keyframe (pr->tap, 9999);
}

static gboolean
keyframe_arrived (void)
{
  const ProbeTrack *v = seen_kind (&seen[0], SH_MEDIA_TRACK_CAMERA);

  return seen[0].b->p.plis > plis_before && v->keyframe_at > 0;
}

/* The tap asks for a keyframe: the publisher gets a PLI for its video
 * and the keyframe it sends reaches the tap. Audio has no keyframes. */
static void
test_keyframe_request (void)
{
  Probe pr;
  SfuBench *b;
  gint64 plis_settled;

  probe_init (&pr, 0, 0);
  b = sfu_bench_new_with (engine, add_taps, NULL);
  g_assert_true (wait_for (b, forwarding, 10000));
  /* The subscriber's own requests at its start are over (the limiter's
   * interval is 500 ms). */
  do {
    plis_settled = (gint64) b->p.plis;
    sfu_bench_pause (b, 700);
  } while ((gint64) b->p.plis != plis_settled);
  sfu_bench_run (b, ask_keyframe);
  g_assert_true (asked_ok);
  g_assert_true (audio_refused);
  g_assert_true (unknown_refused);
  g_assert_true (wait_for (b, keyframe_arrived, 3000));
  g_assert_cmpuint (b->p.pli_wrong_ssrc, ==, 0);
  g_assert_cmpuint (b->stats.keyframe_requests, >=, 1);
  sh_media_tap_close (pr.tap);
  sfu_bench_free (b);
  g_clear_pointer (&pr.tap, sh_media_tap_unref);
  wait_destroyed (&pr);
  probes[0] = NULL;
}

static guint64 sub_video_mark, sub_audio_mark;

static gboolean
slow_dropped (void)
{
  return seen[1].stats.total.dropped >= 20 && seen[0].b->s.video.packets >= sub_video_mark + 60;
}

/* A tap that takes 20 ms per packet (slower than the 80 packets a second
 * it taps) behind a queue of 8: it drops and counts per track, while the
 * subscriber keeps receiving both streams whole and a second, quick tap
 * on the same room still gets every packet. */
static void
test_slow_tap (void)
{
  Probe quick, slow;
  SfuBench *b;
  guint64 seen_by_quick;
  gint64 started;
  gdouble seconds;

  probe_init (&quick, 0, 0);
  probe_init (&slow, 1, 8);
  slow.sleep_us = 20 * G_TIME_SPAN_MILLISECOND;
  b = sfu_bench_new_with (engine, add_taps, NULL);
  g_assert_true (wait_for (b, forwarding, 10000));
  sub_video_mark = b->s.video.packets;
  sub_audio_mark = b->s.audio.packets;
  started = g_get_monotonic_time ();
  g_assert_true (wait_for (b, slow_dropped, 15000));
  seconds = (gdouble) (g_get_monotonic_time () - started) / G_USEC_PER_SEC;
  g_test_message ("slow tap: %" G_GUINT64_FORMAT " delivered, %" G_GUINT64_FORMAT
                  " dropped; subscriber: %" G_GUINT64_FORMAT " video packets in %.1f s",
                  seen[1].stats.total.delivered, seen[1].stats.total.dropped,
                  b->s.video.packets - sub_video_mark, seconds);
  /* The subscriber's streams are whole, and at the publisher's rate (30
   * video, 50 audio packets a second), give or take the test's own
   * scheduling. */
  g_assert_cmpuint (b->s.video.gaps, ==, 0);
  g_assert_cmpuint (b->s.audio.gaps, ==, 0);
  g_assert_cmpfloat ((gdouble) (b->s.video.packets - sub_video_mark), >=, 30 * seconds * 0.7);
  g_assert_cmpfloat ((gdouble) (b->s.audio.packets - sub_audio_mark), >=, 50 * seconds * 0.7);
  /* The slow tap's drops, per track, add up; it never held more than its
   * queue. */
  g_assert_cmpuint (seen[1].dropped_by_track, ==, seen[1].stats.total.dropped);
  g_assert_cmpuint (seen[1].stats.max_queued, <=, 8);
  /* What the slow tap got is in order, gaps being its drops. */
  for (guint i = 0; i < seen[1].n_tracks; i++)
    g_assert_cmpuint (seen[1].tracks[i].wrong_bytes, ==, 0);
  /* The quick tap lost nothing. */
  g_assert_cmpuint (seen[0].stats.total.dropped, ==, 0);
  for (guint i = 0; i < seen[0].n_tracks; i++) {
    g_assert_cmpuint (seen[0].tracks[i].gaps, ==, 0);
    g_assert_cmpuint (seen[0].tracks[i].wrong_bytes, ==, 0);
  }
  /* Every packet either reached the slow tap, was dropped, or waits. */
  sfu_bench_run (b, pause_publisher);
  sfu_bench_pause (b, 300);
  sfu_bench_run (b, snapshot);
  seen_by_quick = seen[0].stats.total.delivered + seen[0].stats.queued;
  g_assert_cmpuint (seen[1].stats.total.delivered + seen[1].stats.total.dropped
                        + seen[1].stats.total.reports_delivered
                        + seen[1].stats.total.reports_dropped + seen[1].stats.queued,
                    ==, seen_by_quick + seen[0].stats.total.reports_delivered);

  sh_media_tap_close (quick.tap);
  sh_media_tap_close (slow.tap);
  sfu_bench_free (b);
  g_clear_pointer (&quick.tap, sh_media_tap_unref);
  g_clear_pointer (&slow.tap, sh_media_tap_unref);
  wait_destroyed (&quick);
  wait_destroyed (&slow);
  probes[0] = probes[1] = NULL;
}

static guint taps_on_room;

static void
count_taps (SfuBench *b)
{
  taps_on_room = b->room->taps->len;
}

static gboolean
closed_itself (void)
{
  return seen[0].closed && g_atomic_int_get (&probes[0]->destroyed) == 1;
}

/* A tap that closes itself from inside its rtp callback gets no further
 * callback; the room lets it go and its destroy runs once, on the worker,
 * while the caller's reference is already gone. */
static void
test_close_in_callback (void)
{
  Probe pr;
  SfuBench *b;

  probe_init (&pr, 0, 0);
  pr.close_after = 25;
  b = sfu_bench_new_with (engine, add_taps, NULL);
  /* The room and the drain hold it now; pr.tap stays a borrowed pointer
   * for the callbacks' check. */
  sh_media_tap_unref (pr.tap);
  g_assert_true (wait_for (b, closed_itself, 10000));
  sfu_bench_pause (b, 300);
  sfu_bench_run (b, snapshot);
  g_assert_cmpuint (seen[0].rtp_calls, ==, 25);
  g_assert_cmpuint (seen[0].calls_after_close, ==, 0);
  sfu_bench_run (b, count_taps);
  g_assert_cmpuint (taps_on_room, ==, 0);
  /* Forwarding went on. */
  g_assert_cmpuint (b->s.video.gaps, ==, 0);
  sfu_bench_free (b);
  wait_destroyed (&pr);
  probes[0] = NULL;
}

static gboolean twice_refused, closed_asks;

static void
add_again (SfuBench *b)
{
  g_autoptr (GError) error = NULL;

  twice_refused = !sh_media_room_add_tap (b->room, probes[0]->tap, &error)
                  && g_error_matches (error, SH_PEER_ERROR, SH_PEER_ERROR_STATE);
  closed_asks = sh_media_tap_request_keyframe (probes[0]->tap, probes[0]->tracks[0].info.track);
}

static gboolean
some_packets (void)
{
  return seen[0].rtp_calls >= 20;
}

/* Registered from the main thread (through the worker, as every room call
 * is), closed from the main thread while packets flow: callbacks stop, and
 * a tap closed once cannot be put on a room again. */
static void
test_close_from_main (void)
{
  Probe pr;
  SfuBench *b;
  guint64 calls;

  b = sfu_bench_new (engine);
  probe_init (&pr, 0, 0);
  sfu_bench_run (b, add_taps);
  g_assert_true (wait_for (b, some_packets, 10000));
  sh_media_tap_close (pr.tap);
  sh_media_tap_close (pr.tap); /* idempotent */
  sfu_bench_run (b, snapshot);
  calls = seen[0].rtp_calls;
  sfu_bench_pause (b, 300);
  sfu_bench_run (b, snapshot);
  g_assert_cmpuint (seen[0].rtp_calls, ==, calls);
  sfu_bench_run (b, count_taps);
  g_assert_cmpuint (taps_on_room, ==, 0);
  sfu_bench_run (b, add_again);
  g_assert_true (twice_refused);
  /* A closed tap asks for nothing. */
  g_assert_false (closed_asks);
  g_assert_cmpint (g_atomic_int_get (&pr.destroyed), ==, 0);
  g_clear_pointer (&pr.tap, sh_media_tap_unref);
  wait_destroyed (&pr);
  sfu_bench_free (b);
  probes[0] = NULL;
}

static gboolean
both_tapped (void)
{
  return seen[0].rtp_calls >= 50 && seen[1].rtp_calls >= 50;
}

/* The same tap twice is refused; two taps with the same callbacks and
 * data each get everything (the tracks replayed to a tap that comes
 * late, as to any other). */
static void
test_register_twice (void)
{
  Probe first, second;
  SfuBench *b;

  b = sfu_bench_new (engine);
  probe_init (&first, 0, 0);
  probe_init (&second, 1, 0);
  sfu_bench_run (b, add_taps);
  sfu_bench_run (b, add_again);
  g_assert_true (twice_refused);
  g_assert_true (wait_for (b, both_tapped, 10000));
  for (guint i = 0; i < 2; i++) {
    g_assert_cmpuint (seen[i].n_tracks, ==, 2);
    for (guint j = 0; j < 2; j++) {
      g_assert_cmpuint (seen[i].tracks[j].gaps, ==, 0);
      g_assert_cmpuint (seen[i].tracks[j].wrong_bytes, ==, 0);
      /* Learned from the packets already flowing. */
      g_assert_cmpuint (seen[i].tracks[j].info.ssrc, ==, seen[i].tracks[j].ssrc);
    }
  }
  sh_media_tap_close (first.tap);
  sh_media_tap_close (second.tap);
  sfu_bench_free (b);
  g_clear_pointer (&first.tap, sh_media_tap_unref);
  g_clear_pointer (&second.tap, sh_media_tap_unref);
  wait_destroyed (&first);
  wait_destroyed (&second);
  probes[0] = probes[1] = NULL;
}

static void
free_room (SfuBench *b)
{
  g_clear_pointer (&b->room, sh_media_room_free);
}

static gboolean keyframe_after_free;

static void
ask_after_free (SfuBench *b)
{
  keyframe_after_free = sh_media_tap_request_keyframe (probes[0]->tap, 1);
  snapshot (b);
}

/* A room freed with taps on it: an open tap gets its tracks' removal, then
 * nothing; one closed just before gets nothing; both are released by the
 * room, their destroy waiting for the caller's last reference. */
static void
test_room_freed (void)
{
  Probe open, closed;
  SfuBench *b;
  guint64 calls;

  probe_init (&open, 0, 0);
  probe_init (&closed, 1, 0);
  b = sfu_bench_new_with (engine, add_taps, NULL);
  g_assert_true (wait_for (b, forwarding, 10000));
  sh_media_tap_close (closed.tap);
  sfu_bench_run (b, snapshot);
  calls = seen[1].rtp_calls;
  sfu_bench_run (b, free_room);
  g_assert_true (wait_for (b, removed_both, 3000));
  sfu_bench_run (b, ask_after_free);
  g_assert_false (keyframe_after_free);
  g_assert_cmpuint (seen[0].tracks[0].after_removed + seen[0].tracks[1].after_removed, ==, 0);
  g_assert_cmpuint (seen[1].rtp_calls, ==, calls);
  g_assert_false (seen[1].tracks[0].removed || seen[1].tracks[1].removed);
  g_assert_cmpint (g_atomic_int_get (&open.destroyed), ==, 0);
  g_clear_pointer (&open.tap, sh_media_tap_unref);
  g_clear_pointer (&closed.tap, sh_media_tap_unref);
  wait_destroyed (&open);
  wait_destroyed (&closed);
  sfu_bench_free (b);
  probes[0] = probes[1] = NULL;
}

static void
mute_audio (SfuBench *b)
{
  sh_media_room_set_forwarding (b->room, SFU_PUBLISHER, "audio", FALSE);
}

static guint64 blocked_mark;

static gboolean
blocked_more (void)
{
  return seen[0].b->stats.blocked_packets >= blocked_mark + 25;
}

/* What the chair muted is not forwarded, and not tapped either (what is
 * not heard in the meeting is not recorded); the camera goes on. */
static void
test_muted (void)
{
  Probe pr;
  SfuBench *b;
  guint64 audio, video;

  probe_init (&pr, 0, 0);
  b = sfu_bench_new_with (engine, add_taps, NULL);
  g_assert_true (wait_for (b, forwarding, 10000));
  sfu_bench_run (b, mute_audio);
  /* What was queued before the mute is still delivered. */
  sfu_bench_pause (b, 300);
  sfu_bench_run (b, snapshot);
  audio = seen_kind (&seen[0], SH_MEDIA_TRACK_MICROPHONE)->packets;
  video = seen_kind (&seen[0], SH_MEDIA_TRACK_CAMERA)->packets;
  blocked_mark = b->stats.blocked_packets;
  g_assert_true (wait_for (b, blocked_more, 5000));
  g_assert_cmpuint (seen_kind (&seen[0], SH_MEDIA_TRACK_MICROPHONE)->packets, ==, audio);
  g_assert_cmpuint (seen_kind (&seen[0], SH_MEDIA_TRACK_CAMERA)->packets, >, video);
  g_assert_cmpuint (seen[0].stats.total.dropped, ==, 0);
  sh_media_tap_close (pr.tap);
  sfu_bench_free (b);
  g_clear_pointer (&pr.tap, sh_media_tap_unref);
  wait_destroyed (&pr);
  probes[0] = NULL;
}

/* A tap never put on a room: close, unref, destroy once. Callbacks of a
 * version this library does not know are refused. */
static void
test_unattached (void)
{
  ShMediaTapCallbacks future = probe_callbacks;
  Probe pr;

  future.version = SH_MEDIA_TAP_VERSION + 1;
  g_test_expect_message (NULL, G_LOG_LEVEL_CRITICAL, "*version*");
  g_assert_null (sh_media_tap_new (&future, 0, NULL, NULL));
  g_test_assert_expected_messages ();
  probe_init (&pr, 0, 0);
  g_assert_cmpstr (sh_media_track_kind_to_string (SH_MEDIA_TRACK_SCREEN), ==, "screen");
  sh_media_tap_close (pr.tap);
  g_clear_pointer (&pr.tap, sh_media_tap_unref);
  wait_destroyed (&pr);
  probes[0] = NULL;
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
  g_test_add_func ("/tap/every-packet", test_every_packet);
  g_test_add_func ("/tap/keyframe-request", test_keyframe_request);
  g_test_add_func ("/tap/slow", test_slow_tap);
  g_test_add_func ("/tap/close-in-callback", test_close_in_callback);
  g_test_add_func ("/tap/close-from-main", test_close_from_main);
  g_test_add_func ("/tap/register-twice", test_register_twice);
  g_test_add_func ("/tap/room-freed", test_room_freed);
  g_test_add_func ("/tap/muted", test_muted);
  g_test_add_func ("/tap/unattached", test_unattached);
  status = g_test_run ();
  sh_media_engine_free (engine);
  return status;
}
