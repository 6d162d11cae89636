/* bench-packet-path.c — nanoseconds per packet on the SFU's forwarding path:
 * demux → SRTP unprotect (inbound context of the publish connection) → RTP
 * parse and header-extension reads → SSRC/sequence/timestamp rewrite → SRTP
 * protect (outbound context of the subscribe connection), beside its floor:
 * plain libsrtp2 srtp_unprotect + srtp_protect on the same packets, with the
 * same keys and replay windows, measured in the same run.
 *
 * Fairness: replay protection stays on, so every packet needs a fresh
 * sequence number. Outside the timed region a "publisher" context protects a
 * batch of consecutive packets; the batch is copied once for each side, so
 * both inbound contexts get byte-identical input, and the two sides are timed
 * batch by batch in alternating order. Timed work per packet is therefore the
 * same SRTP work on both sides; the path adds only what the SFU adds.
 * SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <string.h>

#include <glib.h>
#include <srtp2/srtp.h>

#include "bench-util.h"
#include "demux.h"
#include "dtls.h"
#include "rtp.h"
#include "srtp-ctx.h"

#define BATCH 128 /* packets per timed batch: ~160 KB of video, stays in L2 */
#define PKT_CAP (1500 + SH_SRTP_MAX_TRAILER_LEN)

/* One-byte header extension ids, as a browser's offer would map them. */
enum { EXT_AUDIO_LEVEL = 1, EXT_ABS_SEND_TIME = 2, EXT_TRANSPORT_CC = 3, EXT_MID = 4 };

typedef struct {
  const char *name;
  gboolean audio;
  gsize payload_len;   /* RTP payload bytes */
  guint8 payload_type; /* 111 Opus, 96 VP8 */
  guint32 frame_ticks; /* timestamp step per frame */
  guint frame_packets; /* packets per frame (marker on the last) */
  guint replay_window; /* for both sides' inbound contexts */
  guint32 ssrc;
} Shape;

static const Shape shapes[] = {
  { "audio", TRUE, 160, 111, 960, 1, SH_SRTP_DEFAULT_REPLAY_WINDOW, 0x11223344u },
  { "video", FALSE, 1200, 96, 3000, 5, SH_SRTP_VIDEO_REPLAY_WINDOW, 0x55667788u },
};

static const ShSrtpProfile profiles[]
    = { SH_SRTP_PROFILE_AEAD_AES_128_GCM, SH_SRTP_PROFILE_AES128_CM_SHA1_80 };

typedef struct {
  guint8 buf[BATCH][PKT_CAP];
  gsize len[BATCH];
} Batch;

/* The browser that publishes: builds plain packets and protects them. */
typedef struct {
  const Shape *shape;
  ShSrtp *srtp; /* the client end of the publish connection */
  guint16 seq;
  guint32 timestamp;
  guint16 twcc;
  guint count;
  guint8 payload[1200];
} Publisher;

/* The SFU's forwarding state for one subscriber of one track. */
typedef struct {
  gboolean audio;
  ShSrtp *in_leg;  /* server end of the publish connection (inbound used) */
  ShSrtp *out_leg; /* server end of the subscribe connection (outbound used) */
  guint32 out_ssrc;
  guint16 seq_delta;
  guint32 ts_delta;
  guint64 sink; /* sums what was read, so the reads cannot be optimised away */
  guint failures;
} Forwarder;

/* The floor: libsrtp2 sessions made directly, with the same keys. */
typedef struct {
  srtp_t in;
  srtp_t out;
  guint failures;
} Floor;

/* Big-endian, @n bytes. */
static void
put_be (guint8 *p, guint32 v, guint n)
{
  for (; n > 0; v >>= 8)
    p[--n] = (guint8) v;
}

/* One plain packet: the fixed header, a one-byte extension block (RFC 8285)
 * with what Chrome sends (audio: level, abs-send-time, transport-cc, mid;
 * video: the last three) and the payload (video: a VP8 descriptor with a
 * 15-bit picture id in front of it). Returns its length. */
static gsize
publisher_build (Publisher *p, guint8 *pkt)
{
  const Shape *s = p->shape;
  gboolean marker = p->count % s->frame_packets == s->frame_packets - 1;
  guint8 *e = pkt + 16;
  guint32 abs = sh_rtp_abs_send_time_from_us ((gint64) p->count * 20000 / s->frame_packets);

  pkt[0] = 0x90; /* V=2, X=1 */
  pkt[1] = (guint8) ((marker ? 0x80 : 0) | s->payload_type);
  put_be (pkt + 2, p->seq++, 2);
  put_be (pkt + 4, p->timestamp, 4);
  put_be (pkt + 8, s->ssrc, 4);
  put_be (pkt + 12, SH_RTP_EXT_ONE_BYTE, 2);
  put_be (pkt + 14, 3, 2); /* 12 bytes of elements and padding */
  memset (e, 0, 12);
  if (s->audio) {
    *e++ = EXT_AUDIO_LEVEL << 4;
    *e++ = (guint8) (0x80 | (p->count % 64)); /* voice, -dBov */
  }
  *e++ = EXT_ABS_SEND_TIME << 4 | 2;
  put_be (e, abs, 3);
  e += 3;
  *e++ = EXT_TRANSPORT_CC << 4 | 1;
  put_be (e, p->twcc++, 2);
  e += 2;
  *e++ = EXT_MID << 4;
  *e = s->audio ? '0' : '1';
  memcpy (pkt + 28, p->payload, s->payload_len);
  if (!s->audio) {
    guint16 picture_id = (guint16) (p->count / s->frame_packets) & 0x7fff;
    guint8 *d = pkt + 28;

    d[0] = p->count % s->frame_packets == 0 ? 0x90 : 0x80; /* X, S on the first */
    d[1] = 0x80;                                           /* I */
    put_be (d + 2, 0x8000u | picture_id, 2);               /* M: 15 bits */
  }
  if (marker)
    p->timestamp += s->frame_ticks;
  p->count++;
  return 28 + s->payload_len;
}

/* Untimed: the next BATCH packets of the stream, as they arrive at the SFU. */
static void
publisher_fill (Publisher *p, Batch *b)
{
  for (guint i = 0; i < BATCH; i++) {
    b->len[i] = publisher_build (p, b->buf[i]);
    if (sh_srtp_protect_rtp (p->srtp, b->buf[i], &b->len[i], PKT_CAP) != SH_SRTP_OK)
      g_error ("publisher: protect failed");
  }
}

/* Timed: what the SFU does for each received media packet. */
static G_GNUC_NO_INLINE void
forward_batch (Forwarder *f, Batch *b)
{
  for (guint i = 0; i < BATCH; i++) {
    guint8 *pkt = b->buf[i];
    gsize len = b->len[i];
    ShRtpView view;
    gboolean voice;
    guint8 level;
    guint16 twcc;

    if (sh_demux_classify (pkt, len) != SH_DEMUX_RTP
        || sh_srtp_unprotect_rtp (f->in_leg, pkt, &len) != SH_SRTP_OK
        || sh_rtp_parse (&view, pkt, len) != SH_RTP_OK) {
      f->failures++;
      continue;
    }
    if (f->audio && sh_rtp_ext_audio_level (&view, EXT_AUDIO_LEVEL, &voice, &level))
      f->sink += level + (guint) voice;
    if (sh_rtp_ext_transport_seq (&view, EXT_TRANSPORT_CC, &twcc))
      f->sink += twcc;
    sh_rtp_set_ssrc (pkt, len, f->out_ssrc);
    sh_rtp_set_seq (pkt, len, (guint16) (view.seq + f->seq_delta));
    sh_rtp_set_timestamp (pkt, len, view.timestamp + f->ts_delta);
    if (sh_srtp_protect_rtp (f->out_leg, pkt, &len, PKT_CAP) != SH_SRTP_OK)
      f->failures++;
    b->len[i] = len;
  }
}

/* Timed: the floor, libsrtp2 alone. */
static G_GNUC_NO_INLINE void
floor_batch (Floor *fl, Batch *b)
{
  for (guint i = 0; i < BATCH; i++) {
    int len = (int) b->len[i];

    if (srtp_unprotect (fl->in, b->buf[i], &len) != srtp_err_status_ok
        || srtp_protect (fl->out, b->buf[i], &len) != srtp_err_status_ok)
      fl->failures++;
    b->len[i] = (gsize) len;
  }
}

/* The two sides of a round; the floor goes first on even batches. */
enum { FLOOR, PATH };

typedef struct {
  Publisher *pub;
  Forwarder *f;
  Floor *fl;
  Batch *bp; /* the path's copy of the batch */
  Batch *bf; /* the floor's */
} Sides;

/* Untimed: the next batch, one copy for each side. */
static guint
fill_sides (gpointer data)
{
  Sides *s = data;

  publisher_fill (s->pub, s->bp);
  for (guint k = 0; k < BATCH; k++)
    memcpy (s->bf->buf[k], s->bp->buf[k], s->bp->len[k]);
  memcpy (s->bf->len, s->bp->len, sizeof s->bp->len);
  return BATCH;
}

static void
check_failures (G_GNUC_UNUSED gboolean warmup, gpointer data)
{
  Sides *s = data;

  if (s->f->failures != 0 || s->fl->failures != 0)
    g_error ("%u path and %u floor packets failed", s->f->failures, s->fl->failures);
}

static void
run_side (guint side, gpointer data)
{
  Sides *s = data;

  if (side == PATH)
    forward_batch (s->f, s->bp);
  else
    floor_batch (s->fl, s->bf);
}

static void
random_keys (ShSrtpProfile profile, ShDtlsSrtpKeys *keys)
{
  *keys = (ShDtlsSrtpKeys){ .profile = profile, .key_len = 16 };
  keys->salt_len = profile == SH_SRTP_PROFILE_AEAD_AES_128_GCM ? 12 : 14;
  for (guint i = 0; i < SH_SRTP_MAX_KEY_LEN; i++) {
    keys->client_key[i] = (guint8) g_random_int ();
    keys->server_key[i] = (guint8) g_random_int ();
    keys->client_salt[i % SH_SRTP_MAX_SALT_LEN] = (guint8) g_random_int ();
    keys->server_salt[i % SH_SRTP_MAX_SALT_LEN] = (guint8) g_random_int ();
  }
}

static ShSrtp *
srtp_for (const ShDtlsSrtpKeys *keys, ShDtlsRole role, guint window)
{
  ShDtlsSrtpKeys k = *keys;
  ShSrtpOptions options = { .replay_window = window };
  g_autoptr (GError) error = NULL;
  ShSrtp *srtp;

  k.role = role;
  srtp = sh_srtp_new (&k, &options, &error);
  sh_dtls_srtp_keys_clear (&k);
  if (srtp == NULL)
    g_error ("sh_srtp_new: %s", error->message);
  return srtp;
}

/* A session as srtp-ctx.c makes it: same policy, made here directly. */
static srtp_t
floor_session (ShSrtpProfile profile, const guint8 *key, const guint8 *salt, guint salt_len,
               gboolean inbound, guint window)
{
  guint8 material[SH_SRTP_MAX_KEY_LEN + SH_SRTP_MAX_SALT_LEN];
  srtp_policy_t policy;
  srtp_t session = NULL;

  memset (&policy, 0, sizeof policy);
  srtp_crypto_policy_set_from_profile_for_rtp (&policy.rtp, (srtp_profile_t) profile);
  srtp_crypto_policy_set_from_profile_for_rtcp (&policy.rtcp, (srtp_profile_t) profile);
  memcpy (material, key, 16);
  memcpy (material + 16, salt, salt_len);
  policy.ssrc.type = inbound ? ssrc_any_inbound : ssrc_any_outbound;
  policy.key = material;
  policy.window_size = inbound ? window : 0;
  if (srtp_create (&session, &policy) != srtp_err_status_ok)
    g_error ("srtp_create failed");
  return session;
}

/* Checks once, untimed, that the path's output is what a subscriber expects:
 * it authenticates with the subscriber's keys and carries the rewritten
 * header and the publisher's payload. */
static void
verify (Publisher *pub, Forwarder *f, ShSrtp *subscriber, Batch *b)
{
  guint16 first_seq = (guint16) (pub->seq + f->seq_delta);

  publisher_fill (pub, b);
  forward_batch (f, b);
  for (guint i = 0; i < BATCH; i++) {
    ShRtpView view;

    if (sh_srtp_unprotect_rtp (subscriber, b->buf[i], &b->len[i]) != SH_SRTP_OK
        || sh_rtp_parse (&view, b->buf[i], b->len[i]) != SH_RTP_OK || view.ssrc != f->out_ssrc
        || view.seq != (guint16) (first_seq + i) || view.payload_len != pub->shape->payload_len
        || memcmp (sh_rtp_view_payload (&view) + 4, pub->payload + 4, view.payload_len - 4) != 0)
      g_error ("verify: packet %u is not what the subscriber expects", i);
  }
}

static void
run_config (const Shape *shape, ShSrtpProfile profile, guint packets, guint warmup, guint reps)
{
  ShDtlsSrtpKeys pub_keys, sub_keys;
  Publisher pub = { .shape = shape, .seq = 40000 }; /* wraps during the run */
  Forwarder f
      = { .audio = shape->audio, .out_ssrc = 0xa0000001u, .seq_delta = 1234, .ts_delta = 7 };
  Floor fl = { 0 };
  g_autofree Batch *bp = g_new (Batch, 1), *bf = g_new (Batch, 1);
  Sides sides = { &pub, &f, &fl, bp, bf };
  ShBenchPair fig[2] = { 0 };
  /* Alternate which side runs first, so that neither always finds the
   * caches (or the clock's frequency) as the other one left them. Round 0
   * is the warm-up; its figures are dropped. */
  ShBenchRounds rounds = {
    .n_sides = 2,
    .reference = FLOOR,
    .warmup_batches = (warmup + BATCH - 1) / BATCH,
    .batches = (packets + BATCH - 1) / BATCH,
    .fill = fill_sides,
    .run = run_side,
    .round_done = check_failures,
    .data = &sides,
    .figures = fig,
  };
  g_autoptr (ShSrtp) subscriber = NULL;
  GRand *rand = g_rand_new_with_seed (7);

  random_keys (profile, &pub_keys);
  random_keys (profile, &sub_keys);
  for (gsize i = 0; i < sizeof pub.payload; i++)
    pub.payload[i] = (guint8) g_rand_int (rand);
  g_rand_free (rand);
  pub.srtp = srtp_for (&pub_keys, SH_DTLS_ROLE_CLIENT, 0);
  f.in_leg = srtp_for (&pub_keys, SH_DTLS_ROLE_SERVER, shape->replay_window);
  f.out_leg = srtp_for (&sub_keys, SH_DTLS_ROLE_SERVER, 0);
  subscriber = srtp_for (&sub_keys, SH_DTLS_ROLE_CLIENT, 0);
  fl.in = floor_session (profile, pub_keys.client_key, pub_keys.client_salt, pub_keys.salt_len,
                         TRUE, shape->replay_window);
  fl.out = floor_session (profile, sub_keys.server_key, sub_keys.server_salt, sub_keys.salt_len,
                          FALSE, 0);
  sh_dtls_srtp_keys_clear (&pub_keys);
  sh_dtls_srtp_keys_clear (&sub_keys);

  /* Before the sequence numbers wrap: a subscriber that joins late would need
   * the rollover counter. */
  verify (&pub, &f, subscriber, bp);
  sh_bench_rounds (&rounds, reps);
  printf ("| %-23s | %s %4zu B |", sh_srtp_profile_name (profile), shape->name, shape->payload_len);
  sh_bench_pair_print_cells (
      &fig[PATH], SH_BENCH_SUBJECT | SH_BENCH_REFERENCE | SH_BENCH_RATIO | SH_BENCH_EXTRA, 7, 0);
  printf (" %7.0f |\n", 1e6 / sh_bench_series_median (&fig[PATH].subject));
  fflush (stdout);

  sh_srtp_free (pub.srtp);
  sh_srtp_free (f.in_leg);
  sh_srtp_free (f.out_leg);
  srtp_dealloc (fl.in);
  srtp_dealloc (fl.out);
}

int
main (int argc, char **argv)
{
  gint audio_packets = 200000, video_packets = 100000, reps = 5, warmup = -1;
  g_autofree char *only_profile = NULL, *only_size = NULL;
  GOptionEntry entries[] = {
    { "audio-packets", 0, 0, G_OPTION_ARG_INT, &audio_packets, "Audio packets per round", "N" },
    { "video-packets", 0, 0, G_OPTION_ARG_INT, &video_packets, "Video packets per round", "N" },
    SH_BENCH_REPS_ENTRY (&reps),
    { "warmup", 0, 0, G_OPTION_ARG_INT, &warmup, "Warm-up packets (default: a tenth)", "N" },
    { "profile", 0, 0, G_OPTION_ARG_STRING, &only_profile, "Only this profile: gcm or cm", "P" },
    { "size", 0, 0, G_OPTION_ARG_STRING, &only_size, "Only this size: audio or video", "S" },
    G_OPTION_ENTRY_NULL,
  };
  g_autoptr (GError) error = NULL;

  if (!sh_bench_parse_options ("- SFU packet path benchmark", entries, &argc, &argv, &error)
      || !sh_srtp_init_once (&error) || audio_packets < 1 || video_packets < 1 || reps < 1
      || reps > SH_BENCH_MAX_REPS) {
    fprintf (stderr, "%s\n", error != NULL ? error->message : "bad packet count or --reps");
    return 2;
  }

  printf ("%s; %d rounds, median and min; batches of %d packets; ns per packet\n\n",
          srtp_get_version_string (), reps, BATCH);
  printf ("| profile | packet | path median | path min | floor median | floor min | path/floor"
          " | path-floor | path kpkt/s/core |\n");
  printf ("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
  for (gsize p = 0; p < G_N_ELEMENTS (profiles); p++) {
    gboolean gcm = profiles[p] == SH_SRTP_PROFILE_AEAD_AES_128_GCM;

    if (only_profile != NULL && g_strcmp0 (only_profile, gcm ? "gcm" : "cm") != 0)
      continue;
    for (gsize s = 0; s < G_N_ELEMENTS (shapes); s++) {
      guint n = (guint) (shapes[s].audio ? audio_packets : video_packets);

      if (only_size != NULL && g_strcmp0 (only_size, shapes[s].name) != 0)
        continue;
      run_config (&shapes[s], profiles[p], n, warmup >= 0 ? (guint) warmup : n / 10, (guint) reps);
    }
  }
  return 0;
}
