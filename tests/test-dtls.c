/* Tests for the DTLS-SRTP endpoint: full handshakes between a server and a
 * client over real loopback UDP sockets on one GMainContext, profile
 * negotiation, mirrored key export, fingerprint checks, retransmission after
 * loss, close_notify, and SRTP with the exported keys.
 * SPDX-License-Identifier: Apache-2.0 */
#include "demux.h"
#include "dtls.h"
#include "srtp-ctx.h"

#include <gio/gio.h>

typedef struct {
  const char *name;
  ShDtls *dtls;
  GSocket *socket;
  GSocketAddress *remote; /* the other peer's address */
  GSource *source;

  /* Loss injection: drop datagram number i (counted from 0) when bit i of
   * drop_mask is set; drop the first drop_when_connected datagrams sent
   * while already connected (the server's final flight). */
  guint32 drop_mask;
  guint drop_when_connected;

  guint sent;
  guint dropped;
  gsize largest;
  gboolean connected;
  gboolean closed;
  guint connected_calls;
  ShDtlsSrtpKeys keys;
  GError *error;
  gboolean free_on_connect;
} Peer;

typedef struct {
  GMainContext *context;
  ShDtlsCert *server_cert;
  ShDtlsCert *client_cert;
  Peer server;
  Peer client;
  gboolean timed_out;
} Fixture;

static void
on_send (ShDtls *dtls, const guint8 *data, gsize len, gpointer user_data)
{
  Peer *peer = user_data;
  g_autoptr (GError) error = NULL;
  guint index = peer->sent++;

  g_assert_cmpint (sh_demux_classify (data, len), ==, SH_DEMUX_DTLS);
  peer->largest = MAX (peer->largest, len);
  if (index < 32 && (peer->drop_mask & (1u << index)) != 0) {
    peer->dropped++;
    return;
  }
  if (peer->drop_when_connected > 0 && sh_dtls_get_state (dtls) == SH_DTLS_STATE_CONNECTED) {
    peer->drop_when_connected--;
    peer->dropped++;
    return;
  }
  gssize n = g_socket_send_to (peer->socket, peer->remote, (const char *) data, len, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (n, ==, (gssize) len);
}

static void
on_connected (ShDtls *dtls, const ShDtlsSrtpKeys *keys, gpointer user_data)
{
  Peer *peer = user_data;

  peer->connected = TRUE;
  peer->connected_calls++;
  peer->keys = *keys;
  if (peer->free_on_connect)
    g_clear_pointer (&peer->dtls, sh_dtls_free);
}

static void
on_failed (ShDtls *dtls, const GError *error, gpointer user_data)
{
  Peer *peer = user_data;

  g_assert_null (peer->error);
  g_test_message ("%s failed: %s", peer->name, error->message);
  peer->error = g_error_copy (error);
}

static void
on_closed (ShDtls *dtls, gpointer user_data)
{
  Peer *peer = user_data;
  peer->closed = TRUE;
}

static const ShDtlsCallbacks callbacks = {
  .send = on_send,
  .connected = on_connected,
  .failed = on_failed,
  .closed = on_closed,
};

static gboolean
on_readable (GSocket *socket, GIOCondition condition, gpointer user_data)
{
  Peer *peer = user_data;
  guint8 buf[2048];

  for (;;) {
    g_autoptr (GError) error = NULL;
    gssize n = g_socket_receive_from (socket, NULL, (char *) buf, sizeof buf, NULL, &error);
    if (n < 0) {
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);
      break;
    }
    if (peer->dtls != NULL && sh_demux_classify (buf, n) == SH_DEMUX_DTLS)
      sh_dtls_receive (peer->dtls, buf, n);
  }
  return G_SOURCE_CONTINUE;
}

static void
peer_open_socket (Fixture *f, Peer *peer)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) any = g_inet_socket_address_new (loopback, 0);

  peer->socket
      = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, &error);
  g_assert_no_error (error);
  g_socket_set_blocking (peer->socket, FALSE);
  g_assert_true (g_socket_bind (peer->socket, any, FALSE, &error));
  g_assert_no_error (error);
  peer->source = g_socket_create_source (peer->socket, G_IO_IN, NULL);
  g_source_set_callback (peer->source, G_SOURCE_FUNC (on_readable), peer, NULL);
  g_source_attach (peer->source, f->context);
}

static void
peer_new_dtls (Fixture *f, Peer *peer, ShDtlsCert *cert, ShDtlsRole role)
{
  g_autoptr (GError) error = NULL;

  peer->dtls = sh_dtls_new (cert, role, f->context, &callbacks, peer, &error);
  g_assert_no_error (error);
  g_assert_nonnull (peer->dtls);
  g_assert_cmpint (sh_dtls_get_state (peer->dtls), ==, SH_DTLS_STATE_NEW);
  g_assert_cmpint (sh_dtls_get_role (peer->dtls), ==, role);
}

static void
set_fingerprint (Peer *peer, ShDtlsCert *remote_cert)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (sh_dtls_set_remote_fingerprint (peer->dtls, "sha-256",
                                                 sh_dtls_cert_fingerprint (remote_cert), &error));
  g_assert_no_error (error);
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  f->context = g_main_context_new ();
  f->server_cert = sh_dtls_cert_generate (&error);
  g_assert_no_error (error);
  f->client_cert = sh_dtls_cert_generate (&error);
  g_assert_no_error (error);

  f->server.name = "server";
  f->client.name = "client";
  peer_open_socket (f, &f->server);
  peer_open_socket (f, &f->client);
  f->server.remote = g_socket_get_local_address (f->client.socket, &error);
  g_assert_no_error (error);
  f->client.remote = g_socket_get_local_address (f->server.socket, &error);
  g_assert_no_error (error);

  peer_new_dtls (f, &f->server, f->server_cert, SH_DTLS_ROLE_SERVER);
  peer_new_dtls (f, &f->client, f->client_cert, SH_DTLS_ROLE_CLIENT);
  /* As after an offer/answer exchange: each knows the other's fingerprint. */
  set_fingerprint (&f->server, f->client_cert);
  set_fingerprint (&f->client, f->server_cert);
}

static void
peer_clear (Peer *peer)
{
  g_clear_pointer (&peer->dtls, sh_dtls_free);
  if (peer->source != NULL) {
    g_source_destroy (peer->source);
    g_clear_pointer (&peer->source, g_source_unref);
  }
  g_clear_object (&peer->socket);
  g_clear_object (&peer->remote);
  g_clear_error (&peer->error);
  sh_dtls_srtp_keys_clear (&peer->keys);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  peer_clear (&f->server);
  peer_clear (&f->client);
  sh_dtls_cert_unref (f->server_cert);
  sh_dtls_cert_unref (f->client_cert);
  /* Nothing of ours may be left on the context. */
  while (g_main_context_iteration (f->context, FALSE))
    ;
  g_main_context_unref (f->context);
}

static gboolean
on_deadline (gpointer data)
{
  Fixture *f = data;
  f->timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
peer_done (Peer *peer)
{
  return peer->connected || peer->error != NULL;
}

/* Iterates the context until both ends connected or failed, or 10 s pass. */
static void
run_handshake (Fixture *f)
{
  GSource *deadline = g_timeout_source_new_seconds (10);

  g_source_set_callback (deadline, on_deadline, f, NULL);
  g_source_attach (deadline, f->context);
  sh_dtls_start (f->server.dtls);
  sh_dtls_start (f->client.dtls);
  while (!f->timed_out && !(peer_done (&f->server) && peer_done (&f->client)))
    g_main_context_iteration (f->context, TRUE);
  g_source_destroy (deadline);
  g_source_unref (deadline);
  g_assert_false (f->timed_out);
}

static void
assert_connected (Fixture *f, ShSrtpProfile profile)
{
  ShDtlsSrtpKeys *s = &f->server.keys;
  ShDtlsSrtpKeys *c = &f->client.keys;
  static const guint8 zero[SH_SRTP_MAX_KEY_LEN] = { 0 };

  g_assert_no_error (f->server.error);
  g_assert_no_error (f->client.error);
  g_assert_true (f->server.connected);
  g_assert_true (f->client.connected);
  g_assert_cmpuint (f->server.connected_calls, ==, 1);
  g_assert_cmpuint (f->client.connected_calls, ==, 1);
  g_assert_cmpint (sh_dtls_get_state (f->server.dtls), ==, SH_DTLS_STATE_CONNECTED);
  g_assert_cmpint (sh_dtls_get_state (f->client.dtls), ==, SH_DTLS_STATE_CONNECTED);

  g_assert_cmpstr (sh_srtp_profile_name (s->profile), ==, sh_srtp_profile_name (profile));
  g_assert_cmpint (c->profile, ==, profile);
  g_assert_cmpint (s->role, ==, SH_DTLS_ROLE_SERVER);
  g_assert_cmpint (c->role, ==, SH_DTLS_ROLE_CLIENT);
  g_assert_cmpuint (s->key_len, ==, 16);
  g_assert_cmpuint (s->salt_len, ==, profile == SH_SRTP_PROFILE_AEAD_AES_128_GCM ? 12 : 14);
  g_assert_cmpuint (c->key_len, ==, s->key_len);
  g_assert_cmpuint (c->salt_len, ==, s->salt_len);

  /* Both ends exported the same material: what the client writes with, the
   * server reads with, and the other way round. */
  g_assert_cmpmem (c->client_key, c->key_len, s->client_key, s->key_len);
  g_assert_cmpmem (c->server_key, c->key_len, s->server_key, s->key_len);
  g_assert_cmpmem (c->client_salt, c->salt_len, s->client_salt, s->salt_len);
  g_assert_cmpmem (c->server_salt, c->salt_len, s->server_salt, s->salt_len);
  g_assert_true (memcmp (s->client_key, s->server_key, s->key_len) != 0);
  g_assert_true (memcmp (s->client_key, zero, s->key_len) != 0);
  g_assert_true (memcmp (s->server_key, zero, s->key_len) != 0);

  /* RFC 8827's 1200-byte bound on every datagram. */
  g_assert_cmpuint (f->server.largest, <=, 1200);
  g_assert_cmpuint (f->client.largest, <=, 1200);
}

static void
test_handshake_gcm (Fixture *f, gconstpointer data)
{
  run_handshake (f);
  assert_connected (f, SH_SRTP_PROFILE_AEAD_AES_128_GCM);
  g_assert_cmpuint (f->server.dropped + f->client.dropped, ==, 0);
}

static void
test_handshake_cm_only (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (sh_dtls_set_srtp_profiles (f->client.dtls, "SRTP_AES128_CM_SHA1_80", &error));
  g_assert_no_error (error);
  run_handshake (f);
  assert_connected (f, SH_SRTP_PROFILE_AES128_CM_SHA1_80);
}

/* The client prefers CM; as the DTLS server, our order wins. */
static void
test_handshake_server_preference (Fixture *f, gconstpointer data)
{
  g_assert_true (sh_dtls_set_srtp_profiles (f->client.dtls,
                                            "SRTP_AES128_CM_SHA1_80:SRTP_AEAD_AES_128_GCM", NULL));
  run_handshake (f);
  assert_connected (f, SH_SRTP_PROFILE_AEAD_AES_128_GCM);
}

static void
test_profiles_invalid (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  g_assert_false (sh_dtls_set_srtp_profiles (f->client.dtls, "SRTP_AES128_CM_SHA1_32", &error));
  g_assert_error (error, SH_DTLS_ERROR, SH_DTLS_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (sh_dtls_set_srtp_profiles (f->client.dtls, "", &error));
  g_assert_error (error, SH_DTLS_ERROR, SH_DTLS_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (sh_dtls_set_srtp_profiles (f->client.dtls, "SRTP_AEAD_AES_128_GCM::", &error));
  g_assert_error (error, SH_DTLS_ERROR, SH_DTLS_ERROR_INVALID);
  g_clear_error (&error);

  /* Too late once the handshake runs. */
  sh_dtls_start (f->client.dtls);
  g_assert_false (sh_dtls_set_srtp_profiles (f->client.dtls, "SRTP_AES128_CM_SHA1_80", &error));
  g_assert_error (error, SH_DTLS_ERROR, SH_DTLS_ERROR_INVALID);
}

static void
test_fingerprint_mismatch (Fixture *f, gconstpointer data)
{
  g_autoptr (ShDtlsCert) other = sh_dtls_cert_generate (NULL);

  /* The client was told a different certificate than the server has. */
  set_fingerprint (&f->client, other);
  run_handshake (f);

  g_assert_false (f->client.connected);
  g_assert_error (f->client.error, SH_DTLS_ERROR, SH_DTLS_ERROR_FINGERPRINT_MISMATCH);
  /* The message names both fingerprints, so a log tells what went wrong. */
  g_assert_nonnull (strstr (f->client.error->message, sh_dtls_cert_fingerprint (f->server_cert)));
  g_assert_nonnull (strstr (f->client.error->message, sh_dtls_cert_fingerprint (other)));
  g_assert_cmpint (sh_dtls_get_state (f->client.dtls), ==, SH_DTLS_STATE_FAILED);

  /* The client's alert reached the server, which fails too rather than wait. */
  g_assert_false (f->server.connected);
  g_assert_error (f->server.error, SH_DTLS_ERROR, SH_DTLS_ERROR_HANDSHAKE);
  g_assert_cmpint (sh_dtls_get_state (f->server.dtls), ==, SH_DTLS_STATE_FAILED);
}

/* The same check on the server's side, for the browser's certificate. */
static void
test_fingerprint_mismatch_server (Fixture *f, gconstpointer data)
{
  g_autoptr (ShDtlsCert) other = sh_dtls_cert_generate (NULL);

  set_fingerprint (&f->server, other);
  run_handshake (f);
  g_assert_false (f->server.connected);
  g_assert_error (f->server.error, SH_DTLS_ERROR, SH_DTLS_ERROR_FINGERPRINT_MISMATCH);
  g_assert_nonnull (strstr (f->server.error->message, sh_dtls_cert_fingerprint (f->client_cert)));
  g_assert_false (f->client.connected);
  g_assert_nonnull (f->client.error);
}

static void
test_no_fingerprint (Fixture *f, gconstpointer data)
{
  /* A fresh server endpoint that was never told the client's fingerprint. */
  g_clear_pointer (&f->server.dtls, sh_dtls_free);
  peer_new_dtls (f, &f->server, f->server_cert, SH_DTLS_ROLE_SERVER);
  run_handshake (f);
  g_assert_error (f->server.error, SH_DTLS_ERROR, SH_DTLS_ERROR_NO_FINGERPRINT);
  g_assert_false (f->client.connected);
}

/* sha-1, sha-384 and sha-512 fingerprints from SDP are accepted too. */
static void
test_fingerprint_other_hashes (Fixture *f, gconstpointer data)
{
  g_autofree char *sha1 = sh_dtls_x509_fingerprint (sh_dtls_cert_x509 (f->server_cert), "sha-1");
  g_autofree char *sha512
      = sh_dtls_x509_fingerprint (sh_dtls_cert_x509 (f->client_cert), "sha-512");
  g_autoptr (GError) error = NULL;

  g_assert_true (sh_dtls_set_remote_fingerprint (f->client.dtls, "SHA-1", sha1, &error));
  g_assert_no_error (error);
  /* Lower case in the SDP is fine. */
  g_autofree char *lower = g_ascii_strdown (sha512, -1);
  g_assert_true (sh_dtls_set_remote_fingerprint (f->server.dtls, "sha-512", lower, &error));
  g_assert_no_error (error);
  run_handshake (f);
  assert_connected (f, SH_SRTP_PROFILE_AEAD_AES_128_GCM);
}

static void
test_fingerprint_syntax (Fixture *f, gconstpointer data)
{
  const char *good = sh_dtls_cert_fingerprint (f->server_cert);
  g_autofree char *sha384
      = sh_dtls_x509_fingerprint (sh_dtls_cert_x509 (f->server_cert), "sha-384");
  g_autofree char *short_fp = g_strndup (good, strlen (good) - 3);
  g_autofree char *bad_hex = g_strdup (good);
  g_autofree char *long_fp = g_strnfill (4096, 'A');
  static const char *const algorithms[] = { "md5", "sha-224", "sha256", "", NULL };
  g_autoptr (GError) error = NULL;

  bad_hex[0] = 'G';
  const char *bad[] = { short_fp, bad_hex, long_fp, "", "A:BC" };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++) {
    g_assert_false (sh_dtls_set_remote_fingerprint (f->client.dtls, "sha-256", bad[i], &error));
    g_assert_error (error, SH_DTLS_ERROR, SH_DTLS_ERROR_INVALID);
    g_clear_error (&error);
  }
  for (gsize i = 0; i < G_N_ELEMENTS (algorithms); i++) {
    g_assert_false (sh_dtls_set_remote_fingerprint (f->client.dtls, algorithms[i], good, &error));
    g_assert_error (error, SH_DTLS_ERROR, SH_DTLS_ERROR_INVALID);
    g_clear_error (&error);
  }
  /* A sha-384 value is not a sha-256 one. */
  g_assert_false (sh_dtls_set_remote_fingerprint (f->client.dtls, "sha-256", sha384, &error));
  g_assert_error (error, SH_DTLS_ERROR, SH_DTLS_ERROR_INVALID);
  g_clear_error (&error);

  /* The earlier, valid fingerprint is still in force. */
  run_handshake (f);
  assert_connected (f, SH_SRTP_PROFILE_AEAD_AES_128_GCM);
}

/* Lost handshake datagrams are recovered by the retransmission timer alone:
 * no datagram is ever re-fed by the test. */
static void
test_retransmission (Fixture *f, gconstpointer data)
{
  /* The client's first ClientHello and its first retransmission, and the
   * first datagram of the server's first flight. */
  f->client.drop_mask = 0x3;
  f->server.drop_mask = 0x1;
  run_handshake (f);
  assert_connected (f, SH_SRTP_PROFILE_AEAD_AES_128_GCM);
  g_assert_cmpuint (f->client.dropped, ==, 2);
  g_assert_cmpuint (f->server.dropped, ==, 1);
}

/* The server's final flight (ChangeCipherSpec, Finished) is lost after it
 * already counts itself connected: the client retransmits its flight and the
 * connected server must answer it again. */
static void
test_retransmission_final_flight (Fixture *f, gconstpointer data)
{
  f->server.drop_when_connected = 2;
  run_handshake (f);
  assert_connected (f, SH_SRTP_PROFILE_AEAD_AES_128_GCM);
  g_assert_cmpuint (f->server.dropped, ==, 2);
  g_assert_cmpuint (f->server.drop_when_connected, ==, 0);
}

static void
test_close (Fixture *f, gconstpointer data)
{
  run_handshake (f);
  assert_connected (f, SH_SRTP_PROFILE_AEAD_AES_128_GCM);

  sh_dtls_close (f->client.dtls);
  g_assert_cmpint (sh_dtls_get_state (f->client.dtls), ==, SH_DTLS_STATE_CLOSED);
  while (!f->server.closed)
    g_main_context_iteration (f->context, TRUE);
  g_assert_cmpint (sh_dtls_get_state (f->server.dtls), ==, SH_DTLS_STATE_CLOSED);
  g_assert_null (f->server.error);

  /* Closed endpoints ignore input. */
  guint8 record[13] = { 22, 0xfe, 0xfd };
  g_assert_cmpint (sh_dtls_receive (f->server.dtls, record, sizeof record), ==,
                   SH_DTLS_RECEIVE_DROPPED);
}

static void
test_oversize_and_garbage (Fixture *f, gconstpointer data)
{
  guint8 big[1501];
  guint8 junk[200];

  /* Larger than any datagram: not read at all. */
  memset (big, 22, sizeof big);
  g_assert_cmpint (sh_dtls_receive (f->server.dtls, big, sizeof big), ==, SH_DTLS_RECEIVE_DROPPED);
  g_assert_cmpint (sh_dtls_receive (f->server.dtls, big, 0), ==, SH_DTLS_RECEIVE_DROPPED);
  /* A client that has not started takes nothing. */
  g_assert_cmpint (sh_dtls_receive (f->client.dtls, big, 100), ==, SH_DTLS_RECEIVE_DROPPED);

  /* DTLS-looking garbage before the real ClientHello is discarded by the
   * record layer and does not spoil the handshake. */
  for (guint i = 0; i < 20; i++) {
    for (gsize j = 0; j < sizeof junk; j++)
      junk[j] = (guint8) g_test_rand_int ();
    junk[0] = 20 + i % 44;
    sh_dtls_receive (f->server.dtls, junk, sizeof junk);
  }
  g_assert_null (f->server.error);
  run_handshake (f);
  assert_connected (f, SH_SRTP_PROFILE_AEAD_AES_128_GCM);

  /* And after the handshake. */
  junk[0] = 23;
  g_assert_cmpint (sh_dtls_receive (f->server.dtls, junk, sizeof junk), ==, SH_DTLS_RECEIVE_OK);
  g_assert_cmpint (sh_dtls_get_state (f->server.dtls), ==, SH_DTLS_STATE_CONNECTED);
}

/* Freeing from inside the connected callback is allowed (ASan checks that
 * nothing touches the freed endpoint). */
static void
test_free_in_callback (Fixture *f, gconstpointer data)
{
  f->server.free_on_connect = TRUE;
  f->client.free_on_connect = TRUE;
  run_handshake (f);
  g_assert_true (f->server.connected);
  g_assert_true (f->client.connected);
  g_assert_null (f->server.dtls);
  g_assert_null (f->client.dtls);
}

/* ----- SRTP with the exported keys ----- */

static gsize
make_rtp (guint8 *buf, guint16 seq, guint32 ssrc, gsize payload_len)
{
  buf[0] = 0x80;
  buf[1] = 111;
  buf[2] = seq >> 8;
  buf[3] = seq & 0xff;
  for (int i = 0; i < 4; i++)
    buf[4 + i] = (guint8) ((seq * 960u) >> (24 - 8 * i));
  for (int i = 0; i < 4; i++)
    buf[8 + i] = (guint8) (ssrc >> (24 - 8 * i));
  for (gsize i = 0; i < payload_len; i++)
    buf[12 + i] = (guint8) (i * 7 + seq);
  return 12 + payload_len;
}

static void
check_direction (ShSrtp *sender, ShSrtp *receiver, guint32 ssrc)
{
  guint8 plain[256], buf[256 + SH_SRTP_MAX_TRAILER_LEN], saved[sizeof buf];

  for (guint16 seq = 1; seq <= 50; seq++) {
    gsize plain_len = make_rtp (plain, seq, ssrc, 160);
    gsize len = plain_len;
    memcpy (buf, plain, len);
    g_assert_cmpint (sh_srtp_protect_rtp (sender, buf, &len, sizeof buf), ==, SH_SRTP_OK);
    g_assert_cmpuint (len, ==, plain_len + sh_srtp_rtp_trailer_len (sender));
    g_assert_true (memcmp (buf + 12, plain + 12, 160) != 0); /* encrypted */
    memcpy (saved, buf, len);
    gsize protected_len = len;
    g_assert_cmpint (sh_srtp_unprotect_rtp (receiver, buf, &len), ==, SH_SRTP_OK);
    g_assert_cmpmem (buf, len, plain, plain_len);
    /* The same packet again is a replay. */
    memcpy (buf, saved, protected_len);
    len = protected_len;
    g_assert_cmpint (sh_srtp_unprotect_rtp (receiver, buf, &len), ==, SH_SRTP_REPLAY);
  }

  /* RTCP: a receiver report. */
  guint8 rr[8] = {
    0x80,         201, 0, 1, (guint8) (ssrc >> 24), (guint8) (ssrc >> 16), (guint8) (ssrc >> 8),
    (guint8) ssrc
  };
  gsize len = sizeof rr;
  memcpy (buf, rr, len);
  g_assert_cmpint (sh_srtp_protect_rtcp (sender, buf, &len, sizeof buf), ==, SH_SRTP_OK);
  g_assert_cmpuint (len, ==, sizeof rr + sh_srtp_rtcp_trailer_len (sender));
  g_assert_cmpint (sh_demux_classify (buf, len), ==, SH_DEMUX_RTCP);
  g_assert_cmpint (sh_srtp_unprotect_rtcp (receiver, buf, &len), ==, SH_SRTP_OK);
  g_assert_cmpmem (buf, len, rr, sizeof rr);
}

static void
run_srtp (Fixture *f, ShSrtpProfile profile)
{
  g_autoptr (GError) error = NULL;

  run_handshake (f);
  assert_connected (f, profile);
  g_autoptr (ShSrtp) server = sh_srtp_new (&f->server.keys, NULL, &error);
  g_assert_no_error (error);
  g_autoptr (ShSrtp) client = sh_srtp_new (&f->client.keys, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sh_srtp_get_profile (server), ==, profile);

  check_direction (server, client, 0x11223344);
  check_direction (client, server, 0x55667788);

  /* A key of the wrong direction does not decrypt: a context that sends
   * with the client key cannot read what the client sends. */
  ShDtlsSrtpKeys as_client = f->server.keys;
  as_client.role = SH_DTLS_ROLE_CLIENT;
  g_autoptr (ShSrtp) wrong = sh_srtp_new (&as_client, NULL, &error);
  g_assert_no_error (error);
  sh_dtls_srtp_keys_clear (&as_client);
  guint8 buf[64 + SH_SRTP_MAX_TRAILER_LEN];
  gsize len = make_rtp (buf, 9000, 0x99, 64);
  g_assert_cmpint (sh_srtp_protect_rtp (client, buf, &len, sizeof buf), ==, SH_SRTP_OK);
  g_assert_cmpint (sh_srtp_unprotect_rtp (wrong, buf, &len), ==, SH_SRTP_AUTH_FAIL);
}

static void
test_srtp_gcm (Fixture *f, gconstpointer data)
{
  run_srtp (f, SH_SRTP_PROFILE_AEAD_AES_128_GCM);
}

static void
test_srtp_cm (Fixture *f, gconstpointer data)
{
  g_assert_true (sh_dtls_set_srtp_profiles (f->client.dtls, "SRTP_AES128_CM_SHA1_80", NULL));
  run_srtp (f, SH_SRTP_PROFILE_AES128_CM_SHA1_80);
}

static void
test_profile_names (void)
{
  g_assert_cmpstr (sh_srtp_profile_name (SH_SRTP_PROFILE_AEAD_AES_128_GCM), ==, "AEAD_AES_128_GCM");
  g_assert_cmpstr (sh_srtp_profile_name (SH_SRTP_PROFILE_AES128_CM_SHA1_80), ==,
                   "AES_CM_128_HMAC_SHA1_80");
  g_assert_cmpstr (sh_srtp_profile_name (SH_SRTP_PROFILE_NONE), ==, "none");
}

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  ADD ("/dtls/handshake/gcm", test_handshake_gcm);
  ADD ("/dtls/handshake/cm-only", test_handshake_cm_only);
  ADD ("/dtls/handshake/server-preference", test_handshake_server_preference);
  ADD ("/dtls/profiles-invalid", test_profiles_invalid);
  ADD ("/dtls/fingerprint/mismatch", test_fingerprint_mismatch);
  ADD ("/dtls/fingerprint/mismatch-server", test_fingerprint_mismatch_server);
  ADD ("/dtls/fingerprint/missing", test_no_fingerprint);
  ADD ("/dtls/fingerprint/other-hashes", test_fingerprint_other_hashes);
  ADD ("/dtls/fingerprint/syntax", test_fingerprint_syntax);
  ADD ("/dtls/retransmission/first-flights", test_retransmission);
  ADD ("/dtls/retransmission/final-flight", test_retransmission_final_flight);
  ADD ("/dtls/close", test_close);
  ADD ("/dtls/oversize-and-garbage", test_oversize_and_garbage);
  ADD ("/dtls/free-in-callback", test_free_in_callback);
  ADD ("/dtls/srtp/gcm", test_srtp_gcm);
  ADD ("/dtls/srtp/cm", test_srtp_cm);
  g_test_add_func ("/dtls/profile-names", test_profile_names);
  return g_test_run ();
}
