/* Tests for the libsrtp2 wrapper with fixed keys: round trips for RTP and
 * RTCP in both profiles, replay, tampering, garbage, buffer room, the replay
 * window option, and one context reused across many packets.
 * SPDX-License-Identifier: Apache-2.0 */
#include "demux.h"
#include "srtp-ctx.h"

/* Keys as DTLS would export them, mirrored for the two ends. */
static void
make_keys (ShSrtpProfile profile, ShDtlsSrtpKeys *server, ShDtlsSrtpKeys *client)
{
  memset (server, 0, sizeof *server);
  server->profile = profile;
  server->role = SH_DTLS_ROLE_SERVER;
  server->key_len = 16;
  server->salt_len = profile == SH_SRTP_PROFILE_AEAD_AES_128_GCM ? 12 : 14;
  for (guint i = 0; i < 16; i++) {
    server->client_key[i] = (guint8) (0x10 + i);
    server->server_key[i] = (guint8) (0xa0 + i);
  }
  for (guint i = 0; i < server->salt_len; i++) {
    server->client_salt[i] = (guint8) (0x30 + i);
    server->server_salt[i] = (guint8) (0xc0 + i);
  }
  *client = *server;
  client->role = SH_DTLS_ROLE_CLIENT;
}

typedef struct {
  ShSrtp *server;
  ShSrtp *client;
} Pair;

static void
pair_init (Pair *p, ShSrtpProfile profile, const ShSrtpOptions *options)
{
  ShDtlsSrtpKeys s, c;
  g_autoptr (GError) error = NULL;

  make_keys (profile, &s, &c);
  p->server = sh_srtp_new (&s, options, &error);
  g_assert_no_error (error);
  p->client = sh_srtp_new (&c, options, &error);
  g_assert_no_error (error);
  sh_dtls_srtp_keys_clear (&s);
  sh_dtls_srtp_keys_clear (&c);
}

static void
pair_clear (Pair *p)
{
  g_clear_pointer (&p->server, sh_srtp_free);
  g_clear_pointer (&p->client, sh_srtp_free);
}

static gsize
make_rtp (guint8 *buf, guint16 seq, guint32 ssrc, gsize payload_len)
{
  buf[0] = 0x80;
  buf[1] = 96 | 0x80; /* marker set: must stay RTP for the demuxer */
  buf[2] = seq >> 8;
  buf[3] = seq & 0xff;
  memset (buf + 4, 0, 4);
  for (int i = 0; i < 4; i++)
    buf[8 + i] = (guint8) (ssrc >> (24 - 8 * i));
  for (gsize i = 0; i < payload_len; i++)
    buf[12 + i] = (guint8) (i ^ seq);
  return 12 + payload_len;
}

static gsize
make_rtcp_sr (guint8 *buf, guint32 ssrc)
{
  static const guint8 sr[28] = { 0x80, 200, 0, 6, 0, 0, 0, 0, 0xe1, 0x2f, 0, 0, 0, 0,
                                 0,    0,   0, 0, 0, 0, 0, 9, 0,    0,    0, 0, 1, 0 };
  memcpy (buf, sr, sizeof sr);
  for (int i = 0; i < 4; i++)
    buf[4 + i] = (guint8) (ssrc >> (24 - 8 * i));
  return sizeof sr;
}

static void
test_round_trip (gconstpointer data)
{
  ShSrtpProfile profile = GPOINTER_TO_INT (data);
  Pair p;
  guint8 plain[1200], buf[1200 + SH_SRTP_MAX_TRAILER_LEN];

  pair_init (&p, profile, NULL);
  g_assert_cmpint (sh_srtp_get_profile (p.server), ==, profile);
  g_assert_cmpuint (sh_srtp_rtp_trailer_len (p.server), ==,
                    profile == SH_SRTP_PROFILE_AEAD_AES_128_GCM ? 16 : 10);
  g_assert_cmpuint (sh_srtp_rtcp_trailer_len (p.server), ==,
                    profile == SH_SRTP_PROFILE_AEAD_AES_128_GCM ? 20 : 14);

  /* Sizes from an Opus frame to a full video packet, both directions. */
  static const gsize sizes[] = { 0, 1, 160, 1000, 1188 };
  for (gsize i = 0; i < G_N_ELEMENTS (sizes); i++) {
    ShSrtp *from = i % 2 ? p.client : p.server;
    ShSrtp *to = i % 2 ? p.server : p.client;
    gsize plain_len = make_rtp (plain, (guint16) (100 + i), 0xcafe0000 + i, sizes[i]);
    gsize len = plain_len;
    memcpy (buf, plain, len);
    g_assert_cmpint (sh_srtp_protect_rtp (from, buf, &len, sizeof buf), ==, SH_SRTP_OK);
    g_assert_cmpuint (len, ==, plain_len + sh_srtp_rtp_trailer_len (from));
    g_assert_cmpmem (buf, 12, plain, 12); /* the header stays clear */
    g_assert_cmpint (sh_demux_classify (buf, len), ==, SH_DEMUX_RTP);
    g_assert_cmpint (sh_srtp_unprotect_rtp (to, buf, &len), ==, SH_SRTP_OK);
    g_assert_cmpmem (buf, len, plain, plain_len);
  }

  /* RTCP both ways. */
  for (int dir = 0; dir < 2; dir++) {
    ShSrtp *from = dir ? p.client : p.server;
    ShSrtp *to = dir ? p.server : p.client;
    gsize plain_len = make_rtcp_sr (plain, 0x1234 + dir);
    gsize len = plain_len;
    memcpy (buf, plain, len);
    g_assert_cmpint (sh_srtp_protect_rtcp (from, buf, &len, sizeof buf), ==, SH_SRTP_OK);
    g_assert_cmpuint (len, ==, plain_len + sh_srtp_rtcp_trailer_len (from));
    g_assert_true (memcmp (buf + 8, plain + 8, plain_len - 8) != 0); /* SRTCP encrypts */
    g_assert_cmpint (sh_demux_classify (buf, len), ==, SH_DEMUX_RTCP);
    g_assert_cmpint (sh_srtp_unprotect_rtcp (to, buf, &len), ==, SH_SRTP_OK);
    g_assert_cmpmem (buf, len, plain, plain_len);
  }
  pair_clear (&p);
}

static void
test_replay (gconstpointer data)
{
  Pair p;
  guint8 buf[200 + SH_SRTP_MAX_TRAILER_LEN], copy[sizeof buf];

  pair_init (&p, GPOINTER_TO_INT (data), NULL);

  gsize len = make_rtp (buf, 7, 42, 100);
  g_assert_cmpint (sh_srtp_protect_rtp (p.server, buf, &len, sizeof buf), ==, SH_SRTP_OK);
  gsize protected_len = len;
  memcpy (copy, buf, len);
  g_assert_cmpint (sh_srtp_unprotect_rtp (p.client, buf, &len), ==, SH_SRTP_OK);
  memcpy (buf, copy, protected_len);
  len = protected_len;
  g_assert_cmpint (sh_srtp_unprotect_rtp (p.client, buf, &len), ==, SH_SRTP_REPLAY);

  /* Protecting the same sequence number twice is refused by default. */
  len = make_rtp (buf, 7, 42, 100);
  g_assert_cmpint (sh_srtp_protect_rtp (p.server, buf, &len, sizeof buf), ==, SH_SRTP_REPLAY);

  /* SRTCP too. */
  len = make_rtcp_sr (buf, 42);
  g_assert_cmpint (sh_srtp_protect_rtcp (p.server, buf, &len, sizeof buf), ==, SH_SRTP_OK);
  protected_len = len;
  memcpy (copy, buf, len);
  g_assert_cmpint (sh_srtp_unprotect_rtcp (p.client, buf, &len), ==, SH_SRTP_OK);
  memcpy (buf, copy, protected_len);
  len = protected_len;
  g_assert_cmpint (sh_srtp_unprotect_rtcp (p.client, buf, &len), ==, SH_SRTP_REPLAY);
  pair_clear (&p);
}

static void
test_tampered (gconstpointer data)
{
  Pair p;
  guint8 buf[200 + SH_SRTP_MAX_TRAILER_LEN], copy[sizeof buf];

  pair_init (&p, GPOINTER_TO_INT (data), NULL);
  gsize len = make_rtp (buf, 1, 42, 100);
  g_assert_cmpint (sh_srtp_protect_rtp (p.server, buf, &len, sizeof buf), ==, SH_SRTP_OK);
  gsize protected_len = len;
  memcpy (copy, buf, len);

  /* One flipped bit anywhere — header, payload, tag — fails authentication,
   * and a failed packet does not consume its index: the original still
   * passes afterwards. */
  static const gsize offsets[] = { 1, 11, 12, 60, 111 };
  for (gsize i = 0; i < G_N_ELEMENTS (offsets); i++) {
    g_assert_cmpuint (offsets[i], <, protected_len);
    memcpy (buf, copy, protected_len);
    buf[offsets[i]] ^= 0x01;
    len = protected_len;
    g_assert_cmpint (sh_srtp_unprotect_rtp (p.client, buf, &len), ==, SH_SRTP_AUTH_FAIL);
  }
  /* The last byte (inside the tag). */
  memcpy (buf, copy, protected_len);
  buf[protected_len - 1] ^= 0x80;
  len = protected_len;
  g_assert_cmpint (sh_srtp_unprotect_rtp (p.client, buf, &len), ==, SH_SRTP_AUTH_FAIL);
  /* Truncated tag. */
  memcpy (buf, copy, protected_len);
  len = protected_len - 1;
  g_assert_cmpint (sh_srtp_unprotect_rtp (p.client, buf, &len), <, 0);

  memcpy (buf, copy, protected_len);
  len = protected_len;
  g_assert_cmpint (sh_srtp_unprotect_rtp (p.client, buf, &len), ==, SH_SRTP_OK);

  /* RTCP. */
  len = make_rtcp_sr (buf, 42);
  g_assert_cmpint (sh_srtp_protect_rtcp (p.server, buf, &len, sizeof buf), ==, SH_SRTP_OK);
  buf[10] ^= 0x04;
  g_assert_cmpint (sh_srtp_unprotect_rtcp (p.client, buf, &len), ==, SH_SRTP_AUTH_FAIL);
  pair_clear (&p);
}

static void
test_garbage (gconstpointer data)
{
  Pair p;
  guint8 buf[1500];

  pair_init (&p, GPOINTER_TO_INT (data), NULL);
  for (guint round = 0; round < 200; round++) {
    gsize len = 12 + g_test_rand_int_range (0, 1400);
    for (gsize i = 0; i < len; i++)
      buf[i] = (guint8) g_test_rand_int ();
    buf[0] = 0x80 | (buf[0] & 0x3f); /* looks like version 2 */
    gsize n = len;
    g_assert_cmpint (sh_srtp_unprotect_rtp (p.client, buf, &n), <, 0);
    n = len;
    buf[1] = 200;
    g_assert_cmpint (sh_srtp_unprotect_rtcp (p.client, buf, &n), <, 0);
  }
  /* Too short to be a packet at all. */
  gsize n = 11;
  g_assert_cmpint (sh_srtp_unprotect_rtp (p.client, buf, &n), ==, SH_SRTP_MALFORMED);
  n = 7;
  g_assert_cmpint (sh_srtp_unprotect_rtcp (p.client, buf, &n), ==, SH_SRTP_MALFORMED);
  n = 0;
  g_assert_cmpint (sh_srtp_unprotect_rtp (p.client, buf, &n), ==, SH_SRTP_MALFORMED);
  n = 70000;
  g_assert_cmpint (sh_srtp_unprotect_rtp (p.client, buf, &n), ==, SH_SRTP_MALFORMED);
  /* An RTP header whose CSRC count claims more than the packet holds. */
  n = make_rtp (buf, 5, 42, 0);
  buf[0] = 0x8f;
  g_assert_cmpint (sh_srtp_protect_rtp (p.server, buf, &n, sizeof buf), ==, SH_SRTP_MALFORMED);

  /* Garbage did not disturb the context: real packets still pass. */
  n = make_rtp (buf, 1, 42, 50);
  g_assert_cmpint (sh_srtp_protect_rtp (p.server, buf, &n, sizeof buf), ==, SH_SRTP_OK);
  g_assert_cmpint (sh_srtp_unprotect_rtp (p.client, buf, &n), ==, SH_SRTP_OK);
  pair_clear (&p);
}

/* Exactly the trailer's room is enough; one byte less is refused without
 * writing. The buffers are heap blocks of the exact size so that ASan would
 * catch any write past them. */
static void
test_capacity (gconstpointer data)
{
  Pair p;

  pair_init (&p, GPOINTER_TO_INT (data), NULL);
  gsize trailer = sh_srtp_rtp_trailer_len (p.server);
  gsize plain_len = 12 + 160;
  g_autofree guint8 *exact = g_malloc (plain_len + trailer);
  g_autofree guint8 *tight = g_malloc (plain_len + trailer - 1);

  gsize len = make_rtp (tight, 1, 42, 160);
  g_autofree guint8 *before = g_memdup2 (tight, len);
  g_assert_cmpint (sh_srtp_protect_rtp (p.server, tight, &len, plain_len + trailer - 1), ==,
                   SH_SRTP_NO_SPACE);
  g_assert_cmpuint (len, ==, plain_len);
  g_assert_cmpmem (tight, len, before, plain_len);
  g_assert_cmpint (sh_srtp_protect_rtp (p.server, tight, &len, plain_len - 1), ==,
                   SH_SRTP_NO_SPACE);

  len = make_rtp (exact, 1, 42, 160);
  g_assert_cmpint (sh_srtp_protect_rtp (p.server, exact, &len, plain_len + trailer), ==,
                   SH_SRTP_OK);
  g_assert_cmpuint (len, ==, plain_len + trailer);
  g_assert_cmpint (sh_srtp_unprotect_rtp (p.client, exact, &len), ==, SH_SRTP_OK);

  /* RTCP. */
  gsize rtcp_trailer = sh_srtp_rtcp_trailer_len (p.server);
  g_autofree guint8 *rtcp = g_malloc (28 + rtcp_trailer);
  len = make_rtcp_sr (rtcp, 42);
  g_assert_cmpint (sh_srtp_protect_rtcp (p.server, rtcp, &len, 28 + rtcp_trailer - 1), ==,
                   SH_SRTP_NO_SPACE);
  g_assert_cmpint (sh_srtp_protect_rtcp (p.server, rtcp, &len, 28 + rtcp_trailer), ==, SH_SRTP_OK);
  g_assert_cmpint (sh_srtp_unprotect_rtcp (p.client, rtcp, &len), ==, SH_SRTP_OK);
  g_assert_cmpuint (len, ==, 28);
  pair_clear (&p);
}

/* A packet 500 behind the newest is a replay in the default window of 128
 * but accepted in a video window of 1024; one 2000 behind is too old in both. */
static void
test_replay_window (gconstpointer data)
{
  ShSrtpProfile profile = GPOINTER_TO_INT (data);
  static const ShSrtpOptions video = { .replay_window = SH_SRTP_VIDEO_REPLAY_WINDOW };
  guint8 late[100 + SH_SRTP_MAX_TRAILER_LEN], old[sizeof late], buf[sizeof late];

  for (int use_video = 0; use_video < 2; use_video++) {
    Pair p;
    gsize late_len = 0, old_len = 0;

    pair_init (&p, profile, use_video ? &video : NULL);
    for (guint16 seq = 1; seq <= 3000; seq++) {
      gsize len = make_rtp (buf, seq, 42, 60);
      g_assert_cmpint (sh_srtp_protect_rtp (p.server, buf, &len, sizeof buf), ==, SH_SRTP_OK);
      /* Held back by the "network": seq 2500 and 1000 arrive at the end. */
      if (seq == 2500) {
        memcpy (late, buf, len);
        late_len = len;
      } else if (seq == 1000) {
        memcpy (old, buf, len);
        old_len = len;
      } else {
        g_assert_cmpint (sh_srtp_unprotect_rtp (p.client, buf, &len), ==, SH_SRTP_OK);
      }
    }
    g_assert_cmpint (sh_srtp_unprotect_rtp (p.client, late, &late_len), ==,
                     use_video ? SH_SRTP_OK : SH_SRTP_REPLAY);
    g_assert_cmpint (sh_srtp_unprotect_rtp (p.client, old, &old_len), ==, SH_SRTP_REPLAY);
    pair_clear (&p);
  }
}

/* One context, many packets across the 16-bit sequence wrap (the rollover
 * counter must follow), several SSRCs on the same session. */
static void
test_reuse_across_wrap (gconstpointer data)
{
  Pair p;
  guint8 plain[300], buf[300 + SH_SRTP_MAX_TRAILER_LEN];

  pair_init (&p, GPOINTER_TO_INT (data), NULL);
  for (guint32 i = 0; i < 70000; i++) {
    guint16 seq = (guint16) (65000 + i);
    guint32 ssrc = 1000 + i % 3;
    gsize plain_len = make_rtp (plain, seq, ssrc, 200);
    gsize len = plain_len;
    memcpy (buf, plain, len);
    g_assert_cmpint (sh_srtp_protect_rtp (p.server, buf, &len, sizeof buf), ==, SH_SRTP_OK);
    g_assert_cmpint (sh_srtp_unprotect_rtp (p.client, buf, &len), ==, SH_SRTP_OK);
    if (i % 997 == 0)
      g_assert_cmpmem (buf, len, plain, plain_len);
  }
  pair_clear (&p);
}

static void
test_allow_repeat_tx (void)
{
  static const ShSrtpOptions options = { .allow_repeat_tx = TRUE };
  Pair p;
  guint8 buf[100 + SH_SRTP_MAX_TRAILER_LEN], first[sizeof buf];

  pair_init (&p, SH_SRTP_PROFILE_AEAD_AES_128_GCM, &options);
  gsize len = make_rtp (buf, 3, 42, 80);
  g_assert_cmpint (sh_srtp_protect_rtp (p.server, buf, &len, sizeof buf), ==, SH_SRTP_OK);
  memcpy (first, buf, len);
  /* The same packet sent again (a NACK answered without RTX) protects to
   * the same bytes. */
  gsize len2 = make_rtp (buf, 3, 42, 80);
  g_assert_cmpint (sh_srtp_protect_rtp (p.server, buf, &len2, sizeof buf), ==, SH_SRTP_OK);
  g_assert_cmpmem (buf, len2, first, len);
  pair_clear (&p);
}

static void
test_invalid_keys (void)
{
  ShDtlsSrtpKeys s, c;
  g_autoptr (GError) error = NULL;

  make_keys (SH_SRTP_PROFILE_AEAD_AES_128_GCM, &s, &c);
  s.salt_len = 14; /* the CM salt with the GCM profile */
  g_assert_null (sh_srtp_new (&s, NULL, &error));
  g_assert_error (error, SH_SRTP_ERROR, SH_SRTP_ERROR_INVALID);
  g_clear_error (&error);

  make_keys (SH_SRTP_PROFILE_AES128_CM_SHA1_80, &s, &c);
  s.profile = SH_SRTP_PROFILE_NONE;
  g_assert_null (sh_srtp_new (&s, NULL, &error));
  g_assert_error (error, SH_SRTP_ERROR, SH_SRTP_ERROR_INVALID);
  g_clear_error (&error);

  make_keys (SH_SRTP_PROFILE_AES128_CM_SHA1_80, &s, &c);
  static const ShSrtpOptions tiny = { .replay_window = 32 };
  static const ShSrtpOptions huge = { .replay_window = 40000 };
  g_assert_null (sh_srtp_new (&s, &tiny, &error));
  g_assert_error (error, SH_SRTP_ERROR, SH_SRTP_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (sh_srtp_new (&s, &huge, &error));
  g_assert_error (error, SH_SRTP_ERROR, SH_SRTP_ERROR_INVALID);
  g_clear_error (&error);

  /* init_once is idempotent. */
  g_assert_true (sh_srtp_init_once (&error));
  g_assert_true (sh_srtp_init_once (&error));
  g_assert_no_error (error);
}

static void
test_result_names (void)
{
  g_assert_cmpstr (sh_srtp_result_name (SH_SRTP_OK), ==, "ok");
  g_assert_cmpstr (sh_srtp_result_name (SH_SRTP_REPLAY), ==, "replay");
  g_assert_cmpstr (sh_srtp_result_name (SH_SRTP_AUTH_FAIL), ==, "auth-fail");
  g_assert_cmpstr (sh_srtp_result_name (SH_SRTP_MALFORMED), ==, "malformed");
  g_assert_cmpstr (sh_srtp_result_name (SH_SRTP_NO_SPACE), ==, "no-space");
  g_assert_cmpstr (sh_srtp_result_name (SH_SRTP_FAILED), ==, "failed");
}

static void
add_both (const char *name, GTestDataFunc func)
{
  g_autofree char *gcm = g_strdup_printf ("/srtp-ctx/gcm/%s", name);
  g_autofree char *cm = g_strdup_printf ("/srtp-ctx/cm/%s", name);
  g_test_add_data_func (gcm, GINT_TO_POINTER (SH_SRTP_PROFILE_AEAD_AES_128_GCM), func);
  g_test_add_data_func (cm, GINT_TO_POINTER (SH_SRTP_PROFILE_AES128_CM_SHA1_80), func);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  add_both ("round-trip", test_round_trip);
  add_both ("replay", test_replay);
  add_both ("tampered", test_tampered);
  add_both ("garbage", test_garbage);
  add_both ("capacity", test_capacity);
  add_both ("replay-window", test_replay_window);
  add_both ("reuse-across-wrap", test_reuse_across_wrap);
  g_test_add_func ("/srtp-ctx/allow-repeat-tx", test_allow_repeat_tx);
  g_test_add_func ("/srtp-ctx/invalid-keys", test_invalid_keys);
  g_test_add_func ("/srtp-ctx/result-names", test_result_names);
  return g_test_run ();
}
