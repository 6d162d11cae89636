/* dtls.c — a DTLS 1.2 endpoint for DTLS-SRTP (RFC 5763/5764) over memory.
 *
 * There are no sockets here: ICE (libnice) owns the transport. Received
 * datagrams come in through sh_dtls_receive(); what OpenSSL writes is
 * collected, one datagram per write, by a small BIO of our own and handed to
 * the caller's send callback. OpenSSL 3.0 has no datagram memory BIO
 * (BIO_s_dgram_mem arrived in 3.2), and a plain BIO_s_mem would merge the
 * records of a flight into one byte stream and lose the datagram boundaries
 * that DTLS relies on.
 *
 * Callbacks are never called while OpenSSL is running: writes and events are
 * queued during the OpenSSL call and emitted afterwards, so a callback may
 * re-enter this object (close it, free it, feed it) without corrupting the
 * SSL state — the same rule libnice follows with its locks.
 * SPDX-License-Identifier: Apache-2.0 */
#include "dtls.h"

#include <string.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

/* RFC 8827 asks for 1200-byte datagrams so that DTLS fits in the smallest
 * path MTU a browser expects; it is also our receive bound's reason. */
#define DTLS_MTU 1200
#define MAX_DATAGRAM 1500
#define EXPORTER_LABEL "EXTRACTOR-dtls_srtp"
/* First retransmission after 250 ms, doubling up to 4 s. OpenSSL's default
 * starts at 1 s, too slow for a call that has just finished ICE on a lossy
 * mobile path; OpenSSL gives up after 12 timeouts (about 40 s). */
#define INITIAL_TIMEOUT_US 250000u
#define MAX_TIMEOUT_US 4000000u

static const char CIPHERS[] = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-CHACHA20-POLY1305:"
                              "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-SHA:"
                              "ECDHE-ECDSA-AES256-SHA";

struct _ShDtls {
  /* One reference for the owner, one per emission in progress: a callback may
   * free the endpoint while we still walk its queue. */
  guint ref;
  gboolean freed;
  gboolean emitting;
  ShDtlsRole role;
  ShDtlsState state;

  ShDtlsCert *cert;      /* owned reference */
  GMainContext *context; /* owned reference */
  ShDtlsCallbacks callbacks;
  gpointer user_data;

  SSL_CTX *ssl_ctx; /* owned */
  SSL *ssl;         /* owned; owns the BIO */
  GSource *timer;   /* owned, attached to context, or NULL */

  /* The datagram being fed to OpenSSL (borrowed for one call), or NULL. */
  const guint8 *in_data;
  gsize in_len;

  GQueue out;           /* GBytes datagrams, owned, in send order */
  GQueue events;        /* Event, owned */
  GError *verify_error; /* owned: why our certificate check failed */

  char *remote_algorithm;   /* owned, lower case, or NULL */
  char *remote_fingerprint; /* owned, upper case, or NULL */
};

typedef enum {
  EVENT_CONNECTED,
  EVENT_FAILED,
  EVENT_CLOSED,
} EventKind;

typedef struct {
  EventKind kind;
  ShDtlsSrtpKeys keys; /* EVENT_CONNECTED */
  GError *error;       /* EVENT_FAILED, owned */
} Event;

static void
event_free (gpointer data)
{
  Event *event = data;

  sh_dtls_srtp_keys_clear (&event->keys);
  g_clear_error (&event->error);
  g_free (event);
}

void
sh_dtls_srtp_keys_clear (ShDtlsSrtpKeys *keys)
{
  OPENSSL_cleanse (keys, sizeof *keys);
}

const char *
sh_srtp_profile_name (ShSrtpProfile profile)
{
  switch (profile) {
    case SH_SRTP_PROFILE_AEAD_AES_128_GCM:
      return "AEAD_AES_128_GCM";
    case SH_SRTP_PROFILE_AES128_CM_SHA1_80:
      return "AES_CM_128_HMAC_SHA1_80";
    case SH_SRTP_PROFILE_NONE:
    default:
      return "none";
  }
}

/* ----- The datagram BIO ----- */

static int
bio_write (BIO *bio, const char *data, int len)
{
  ShDtls *dtls = BIO_get_data (bio);

  BIO_clear_retry_flags (bio);
  if (len <= 0)
    return 0;
  /* OpenSSL writes one record per call and never more than the MTU we set;
   * each write is one datagram, as with a UDP socket. */
  g_queue_push_tail (&dtls->out, g_bytes_new (data, len));
  return len;
}

static int
bio_read (BIO *bio, char *buf, int size)
{
  ShDtls *dtls = BIO_get_data (bio);
  gsize n;

  BIO_clear_retry_flags (bio);
  if (dtls->in_data == NULL) {
    BIO_set_retry_read (bio);
    return -1;
  }
  /* Datagram semantics: a read takes the whole datagram, and what does not
   * fit is discarded, never returned by the next read. */
  n = MIN (dtls->in_len, (gsize) size);
  memcpy (buf, dtls->in_data, n);
  dtls->in_data = NULL;
  dtls->in_len = 0;
  return (int) n;
}

static long
bio_ctrl (BIO *bio, int cmd, long num, void *ptr)
{
  ShDtls *dtls = BIO_get_data (bio);

  switch (cmd) {
    case BIO_CTRL_FLUSH:
      /* Writes are already complete datagrams. */
      return 1;
    case BIO_CTRL_PENDING:
      return dtls != NULL && dtls->in_data != NULL ? (long) dtls->in_len : 0;
    case BIO_CTRL_WPENDING:
      return 0;
    case BIO_CTRL_DGRAM_GET_MTU_OVERHEAD:
      /* The MTU we set is the datagram size; ICE adds the IP/UDP headers. */
      return 0;
    default:
      /* Peer addresses, socket timeouts, MTU queries: none apply to memory. */
      return 0;
  }
}

static int
bio_create (BIO *bio)
{
  BIO_set_init (bio, 1);
  return 1;
}

static int
bio_destroy (BIO *bio)
{
  BIO_set_data (bio, NULL);
  return 1;
}

static gpointer
create_bio_method (gpointer unused)
{
  BIO_METHOD *method
      = BIO_meth_new (BIO_get_new_index () | BIO_TYPE_SOURCE_SINK, "sanhui-dtls-datagram");

  if (method == NULL)
    return NULL;
  BIO_meth_set_write (method, bio_write);
  BIO_meth_set_read (method, bio_read);
  BIO_meth_set_ctrl (method, bio_ctrl);
  BIO_meth_set_create (method, bio_create);
  BIO_meth_set_destroy (method, bio_destroy);
  return method;
}

/* One method for the process, never freed: BIOs of live endpoints point at
 * it, and it is a few bytes. */
static BIO_METHOD *
bio_method (void)
{
  static GOnce once = G_ONCE_INIT;

  g_once (&once, create_bio_method, NULL);
  return once.retval;
}

/* ----- Events and emission ----- */

static void
dtls_unref (ShDtls *dtls)
{
  if (--dtls->ref > 0)
    return;
  if (dtls->timer != NULL) {
    g_source_destroy (dtls->timer);
    g_source_unref (dtls->timer);
  }
  SSL_free (dtls->ssl);
  SSL_CTX_free (dtls->ssl_ctx);
  g_queue_clear_full (&dtls->out, (GDestroyNotify) g_bytes_unref);
  g_queue_clear_full (&dtls->events, event_free);
  g_clear_error (&dtls->verify_error);
  g_free (dtls->remote_algorithm);
  g_free (dtls->remote_fingerprint);
  sh_dtls_cert_unref (dtls->cert);
  g_main_context_unref (dtls->context);
  g_free (dtls);
}

static void
queue_event (ShDtls *dtls, EventKind kind, GError *error /* transfer full */)
{
  Event *event = g_new0 (Event, 1);

  event->kind = kind;
  event->error = error;
  g_queue_push_tail (&dtls->events, event);
}

/* Sends what OpenSSL wrote, then reports events, until both queues are
 * empty. The caller must not touch @dtls afterwards: a callback may have
 * freed it. */
static void
emit (ShDtls *dtls)
{
  if (dtls->emitting)
    return; /* a callback re-entered us: the outer loop picks up the rest */
  dtls->emitting = TRUE;
  dtls->ref++;

  while (!dtls->freed) {
    GBytes *datagram = g_queue_pop_head (&dtls->out);
    if (datagram != NULL) {
      gsize len = 0;
      const guint8 *data = g_bytes_get_data (datagram, &len);
      dtls->callbacks.send (dtls, data, len, dtls->user_data);
      g_bytes_unref (datagram);
      continue;
    }

    Event *event = g_queue_pop_head (&dtls->events);
    if (event == NULL)
      break;
    switch (event->kind) {
      case EVENT_CONNECTED:
        if (dtls->callbacks.connected != NULL)
          dtls->callbacks.connected (dtls, &event->keys, dtls->user_data);
        break;
      case EVENT_FAILED:
        if (dtls->callbacks.failed != NULL)
          dtls->callbacks.failed (dtls, event->error, dtls->user_data);
        break;
      case EVENT_CLOSED:
        if (dtls->callbacks.closed != NULL)
          dtls->callbacks.closed (dtls, dtls->user_data);
        break;
    }
    event_free (event);
  }

  dtls->emitting = FALSE;
  dtls_unref (dtls);
}

/* ----- Timer ----- */

static unsigned int
next_timeout_us (SSL *ssl, unsigned int previous_us)
{
  if (previous_us == 0)
    return INITIAL_TIMEOUT_US;
  return MIN (previous_us * 2, MAX_TIMEOUT_US);
}

static void
timer_clear (ShDtls *dtls)
{
  if (dtls->timer == NULL)
    return;
  g_source_destroy (dtls->timer);
  g_clear_pointer (&dtls->timer, g_source_unref);
}

static gboolean on_timer (gpointer data);

/* OpenSSL keeps the retransmission deadline; we only mirror it as a GSource
 * after every call that may have started, moved or stopped it. */
static void
timer_update (ShDtls *dtls)
{
  struct timeval tv;

  timer_clear (dtls);
  if (dtls->freed
      || (dtls->state != SH_DTLS_STATE_CONNECTING && dtls->state != SH_DTLS_STATE_CONNECTED)
      || DTLSv1_get_timeout (dtls->ssl, &tv) != 1)
    return;

  guint64 ms = (guint64) tv.tv_sec * 1000 + ((guint64) tv.tv_usec + 999) / 1000;
  dtls->timer = g_timeout_source_new ((guint) MIN (ms, G_MAXUINT));
  g_source_set_callback (dtls->timer, on_timer, dtls, NULL);
  g_source_set_static_name (dtls->timer, "sh-dtls-retransmit");
  g_source_attach (dtls->timer, dtls->context);
}

/* ----- Failure ----- */

static void
fail (ShDtls *dtls, GError *error /* transfer full */)
{
  if (dtls->state == SH_DTLS_STATE_FAILED || dtls->state == SH_DTLS_STATE_CLOSED) {
    g_error_free (error);
    return;
  }
  dtls->state = SH_DTLS_STATE_FAILED;
  queue_event (dtls, EVENT_FAILED, error);
}

/* The reason of the oldest queued OpenSSL error, which for a peer's alert
 * reads like "sslv3 alert bad certificate". Clears the queue. */
static GError *
openssl_failure (const char *what)
{
  unsigned long code = ERR_get_error ();
  const char *reason = code != 0 ? ERR_reason_error_string (code) : NULL;
  GError *error;

  if (reason != NULL)
    error = g_error_new (SH_DTLS_ERROR, SH_DTLS_ERROR_HANDSHAKE, "%s: %s", what, reason);
  else if (code != 0)
    error
        = g_error_new (SH_DTLS_ERROR, SH_DTLS_ERROR_HANDSHAKE, "%s: OpenSSL error %lx", what, code);
  else
    error = g_error_new (SH_DTLS_ERROR, SH_DTLS_ERROR_HANDSHAKE, "%s", what);
  ERR_clear_error ();
  return error;
}

/* ----- Handshake ----- */

static ShSrtpProfile
selected_profile (SSL *ssl)
{
  SRTP_PROTECTION_PROFILE *p = SSL_get_selected_srtp_profile (ssl);

  if (p == NULL)
    return SH_SRTP_PROFILE_NONE;
  switch (p->id) {
    case SRTP_AEAD_AES_128_GCM:
      return SH_SRTP_PROFILE_AEAD_AES_128_GCM;
    case SRTP_AES128_CM_SHA1_80:
      return SH_SRTP_PROFILE_AES128_CM_SHA1_80;
    default:
      return SH_SRTP_PROFILE_NONE;
  }
}

/* Replaces chain verification: a WebRTC peer's certificate is self-signed,
 * and what authenticates it is the fingerprint in the SDP that came over the
 * signed-in signaling channel (RFC 8122). Checking here, mid-handshake,
 * makes OpenSSL abort with an alert instead of completing first. Both sides
 * know the SRTP profile by now, so a missing use_srtp aborts here too. */
static int
verify_peer (X509_STORE_CTX *store, void *arg)
{
  ShDtls *dtls = arg;
  X509 *peer = X509_STORE_CTX_get0_cert (store);
  g_autofree char *actual = NULL;

  g_clear_error (&dtls->verify_error);
  if (peer == NULL) {
    g_set_error (&dtls->verify_error, SH_DTLS_ERROR, SH_DTLS_ERROR_HANDSHAKE,
                 "The peer sent no certificate");
  } else if (dtls->remote_fingerprint == NULL) {
    g_set_error (&dtls->verify_error, SH_DTLS_ERROR, SH_DTLS_ERROR_NO_FINGERPRINT,
                 "The peer's certificate arrived before its SDP fingerprint was set");
  } else {
    actual = sh_dtls_x509_fingerprint (peer, dtls->remote_algorithm);
    if (actual == NULL || g_strcmp0 (actual, dtls->remote_fingerprint) != 0) {
      g_set_error (&dtls->verify_error, SH_DTLS_ERROR, SH_DTLS_ERROR_FINGERPRINT_MISMATCH,
                   "The peer's certificate has %s fingerprint %s, but its SDP says %s",
                   dtls->remote_algorithm, actual != NULL ? actual : "(none)",
                   dtls->remote_fingerprint);
    } else if (selected_profile (dtls->ssl) == SH_SRTP_PROFILE_NONE) {
      g_set_error (&dtls->verify_error, SH_DTLS_ERROR, SH_DTLS_ERROR_NO_SRTP,
                   "The peer agreed on no SRTP profile (we offer %s)", SH_DTLS_SRTP_PROFILES);
    }
  }

  if (dtls->verify_error != NULL) {
    X509_STORE_CTX_set_error (store, X509_V_ERR_APPLICATION_VERIFICATION);
    return 0;
  }
  return 1;
}

/* The handshake is complete: export the SRTP master keys (RFC 5764 4.2:
 * client key, server key, client salt, server salt). */
static void
handshake_done (ShDtls *dtls)
{
  ShSrtpProfile profile = selected_profile (dtls->ssl);
  guint8 material[2 * (SH_SRTP_MAX_KEY_LEN + SH_SRTP_MAX_SALT_LEN)];
  Event *event;
  ShDtlsSrtpKeys *keys;
  gsize key_len = 16, salt_len;

  if (profile == SH_SRTP_PROFILE_NONE) {
    fail (dtls,
          g_error_new (SH_DTLS_ERROR, SH_DTLS_ERROR_NO_SRTP,
                       "The peer agreed on no SRTP profile (we offer %s)", SH_DTLS_SRTP_PROFILES));
    return;
  }
  salt_len = profile == SH_SRTP_PROFILE_AEAD_AES_128_GCM ? 12 : 14;
  if (SSL_export_keying_material (dtls->ssl, material, 2 * (key_len + salt_len), EXPORTER_LABEL,
                                  strlen (EXPORTER_LABEL), NULL, 0, 0)
      != 1) {
    fail (dtls, openssl_failure ("Could not export the SRTP keys"));
    return;
  }

  dtls->state = SH_DTLS_STATE_CONNECTED;
  event = g_new0 (Event, 1);
  event->kind = EVENT_CONNECTED;
  keys = &event->keys;
  keys->profile = profile;
  keys->role = dtls->role;
  keys->key_len = key_len;
  keys->salt_len = salt_len;
  memcpy (keys->client_key, material, key_len);
  memcpy (keys->server_key, material + key_len, key_len);
  memcpy (keys->client_salt, material + 2 * key_len, salt_len);
  memcpy (keys->server_salt, material + 2 * key_len + salt_len, salt_len);
  OPENSSL_cleanse (material, sizeof material);
  g_queue_push_tail (&dtls->events, event);
}

/* Runs OpenSSL on the pending datagram (if any) for the current state. */
static void
drive (ShDtls *dtls)
{
  ERR_clear_error ();

  if (dtls->state == SH_DTLS_STATE_CONNECTING) {
    int ret = SSL_do_handshake (dtls->ssl);
    if (ret == 1) {
      handshake_done (dtls);
    } else {
      int err = SSL_get_error (dtls->ssl, ret);
      if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE) {
        if (dtls->verify_error != NULL) {
          ERR_clear_error ();
          fail (dtls, g_steal_pointer (&dtls->verify_error));
        } else {
          fail (dtls, openssl_failure ("DTLS handshake failed"));
        }
      }
    }
  }

  /* Connected: the only records still expected are a retransmitted final
   * flight (OpenSSL answers it inside SSL_read), close_notify, or alerts.
   * Application data has no use in DTLS-SRTP without data channels: drop it. */
  if (dtls->state == SH_DTLS_STATE_CONNECTED && dtls->in_data != NULL) {
    guint8 scratch[MAX_DATAGRAM];
    for (;;) {
      int ret = SSL_read (dtls->ssl, scratch, sizeof scratch);
      if (ret > 0)
        continue;
      int err = SSL_get_error (dtls->ssl, ret);
      if (err == SSL_ERROR_ZERO_RETURN) {
        dtls->state = SH_DTLS_STATE_CLOSED;
        queue_event (dtls, EVENT_CLOSED, NULL);
      } else if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE) {
        fail (dtls, openssl_failure ("DTLS association failed"));
      }
      break;
    }
    OPENSSL_cleanse (scratch, sizeof scratch);
  }

  dtls->in_data = NULL;
  dtls->in_len = 0;
  ERR_clear_error ();
  timer_update (dtls);
}

static gboolean
on_timer (gpointer data)
{
  ShDtls *dtls = data;

  /* The context holds the source while it dispatches; dropping our
   * reference now lets timer_update() install the next one. */
  g_clear_pointer (&dtls->timer, g_source_unref);
  ERR_clear_error ();
  if (DTLSv1_handle_timeout (dtls->ssl) < 0) {
    ERR_clear_error ();
    fail (dtls, g_error_new (SH_DTLS_ERROR, SH_DTLS_ERROR_TIMEOUT,
                             "DTLS handshake timed out: the peer stopped answering"));
  }
  timer_update (dtls);
  emit (dtls);
  return G_SOURCE_REMOVE;
}

/* ----- Public API ----- */

ShDtls *
sh_dtls_new (ShDtlsCert *cert, ShDtlsRole role, GMainContext *context,
             const ShDtlsCallbacks *callbacks, gpointer user_data, GError **error)
{
  g_autoptr (ShDtls) dtls = NULL;
  BIO *bio;

  g_return_val_if_fail (cert != NULL, NULL);
  g_return_val_if_fail (callbacks != NULL && callbacks->send != NULL, NULL);

  dtls = g_new0 (ShDtls, 1);
  dtls->ref = 1;
  dtls->role = role;
  dtls->state = SH_DTLS_STATE_NEW;
  dtls->cert = sh_dtls_cert_ref (cert);
  dtls->context
      = context != NULL ? g_main_context_ref (context) : g_main_context_ref_thread_default ();
  dtls->callbacks = *callbacks;
  dtls->user_data = user_data;
  g_queue_init (&dtls->out);
  g_queue_init (&dtls->events);

  ERR_clear_error ();
  /* One SSL_CTX per endpoint: its verify callback argument is this object,
   * and creating one costs far less than the handshake itself. */
  dtls->ssl_ctx = SSL_CTX_new (DTLS_method ());
  if (dtls->ssl_ctx == NULL || bio_method () == NULL)
    goto fail;
  SSL_CTX_set_min_proto_version (dtls->ssl_ctx, DTLS1_2_VERSION);
  SSL_CTX_set_max_proto_version (dtls->ssl_ctx, DTLS1_2_VERSION);
  SSL_CTX_set_options (dtls->ssl_ctx, SSL_OP_NO_QUERY_MTU | SSL_OP_NO_TICKET
                                          | SSL_OP_NO_RENEGOTIATION
                                          | SSL_OP_CIPHER_SERVER_PREFERENCE);
  SSL_CTX_set_session_cache_mode (dtls->ssl_ctx, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_read_ahead (dtls->ssl_ctx, 1);
  SSL_CTX_set_verify (dtls->ssl_ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
  SSL_CTX_set_cert_verify_callback (dtls->ssl_ctx, verify_peer, dtls);
  if (SSL_CTX_use_certificate (dtls->ssl_ctx, sh_dtls_cert_x509 (cert)) != 1
      || SSL_CTX_use_PrivateKey (dtls->ssl_ctx, sh_dtls_cert_pkey (cert)) != 1
      || SSL_CTX_check_private_key (dtls->ssl_ctx) != 1
      || SSL_CTX_set_cipher_list (dtls->ssl_ctx, CIPHERS) != 1
      || SSL_CTX_set1_groups_list (dtls->ssl_ctx, "X25519:P-256:P-384") != 1
      /* Unlike the rest of OpenSSL, use_srtp setters return 0 on success. */
      || SSL_CTX_set_tlsext_use_srtp (dtls->ssl_ctx, SH_DTLS_SRTP_PROFILES) != 0)
    goto fail;

  dtls->ssl = SSL_new (dtls->ssl_ctx);
  if (dtls->ssl == NULL)
    goto fail;
  bio = BIO_new (bio_method ());
  if (bio == NULL)
    goto fail;
  BIO_set_data (bio, dtls);
  SSL_set_bio (dtls->ssl, bio, bio); /* one reference, used both ways */
  /* After the BIO: OpenSSL checks the MTU against the BIO's overhead. */
  if (SSL_set_mtu (dtls->ssl, DTLS_MTU) != DTLS_MTU)
    goto fail;
  DTLS_set_timer_cb (dtls->ssl, next_timeout_us);
  if (role == SH_DTLS_ROLE_SERVER)
    SSL_set_accept_state (dtls->ssl);
  else
    SSL_set_connect_state (dtls->ssl);
  return g_steal_pointer (&dtls);

fail:
  g_propagate_error (error, openssl_failure ("Could not set up DTLS"));
  return NULL;
}

void
sh_dtls_free (ShDtls *dtls)
{
  if (dtls == NULL)
    return;
  dtls->freed = TRUE;
  timer_clear (dtls);
  dtls_unref (dtls);
}

gboolean
sh_dtls_set_remote_fingerprint (ShDtls *dtls, const char *algorithm, const char *fingerprint,
                                GError **error)
{
  const EVP_MD *md = sh_dtls_digest_for_sdp_name (algorithm);
  g_auto (GStrv) pairs = NULL;
  GString *normal;

  if (md == NULL) {
    g_set_error (error, SH_DTLS_ERROR, SH_DTLS_ERROR_INVALID,
                 "Unsupported fingerprint hash \"%s\" (expected sha-256, sha-1, sha-384 or "
                 "sha-512)",
                 algorithm != NULL ? algorithm : "");
    return FALSE;
  }

  /* Bounded before splitting: a 64-byte digest is 191 characters. */
  if (fingerprint == NULL || strlen (fingerprint) > 3 * EVP_MAX_MD_SIZE) {
    g_set_error (error, SH_DTLS_ERROR, SH_DTLS_ERROR_INVALID, "The %s fingerprint is too long",
                 algorithm);
    return FALSE;
  }
  pairs = g_strsplit (fingerprint, ":", -1);
  if (g_strv_length (pairs) != (guint) EVP_MD_get_size (md)) {
    g_set_error (error, SH_DTLS_ERROR, SH_DTLS_ERROR_INVALID,
                 "A %s fingerprint has %d hex pairs; \"%s\" has %u", algorithm,
                 EVP_MD_get_size (md), fingerprint, g_strv_length (pairs));
    return FALSE;
  }
  normal = g_string_sized_new (strlen (fingerprint));
  for (guint i = 0; pairs[i] != NULL; i++) {
    if (strlen (pairs[i]) != 2 || !g_ascii_isxdigit (pairs[i][0])
        || !g_ascii_isxdigit (pairs[i][1])) {
      g_set_error (error, SH_DTLS_ERROR, SH_DTLS_ERROR_INVALID,
                   "\"%s\" is not a fingerprint of hex pairs joined by colons", fingerprint);
      g_string_free (normal, TRUE);
      return FALSE;
    }
    if (i > 0)
      g_string_append_c (normal, ':');
    g_string_append_c (normal, g_ascii_toupper (pairs[i][0]));
    g_string_append_c (normal, g_ascii_toupper (pairs[i][1]));
  }

  g_free (dtls->remote_algorithm);
  g_free (dtls->remote_fingerprint);
  dtls->remote_algorithm = g_ascii_strdown (algorithm, -1);
  dtls->remote_fingerprint = g_string_free (normal, FALSE);
  return TRUE;
}

gboolean
sh_dtls_set_srtp_profiles (ShDtls *dtls, const char *profiles, GError **error)
{
  g_auto (GStrv) names = NULL;

  if (dtls->state != SH_DTLS_STATE_NEW) {
    g_set_error (error, SH_DTLS_ERROR, SH_DTLS_ERROR_INVALID,
                 "SRTP profiles can only change before the handshake starts");
    return FALSE;
  }
  names = g_strsplit (profiles != NULL ? profiles : "", ":", -1);
  if (names[0] == NULL || names[0][0] == '\0') {
    g_set_error (error, SH_DTLS_ERROR, SH_DTLS_ERROR_INVALID, "The SRTP profile list is empty");
    return FALSE;
  }
  for (guint i = 0; names[i] != NULL; i++) {
    if (g_strcmp0 (names[i], "SRTP_AEAD_AES_128_GCM") != 0
        && g_strcmp0 (names[i], "SRTP_AES128_CM_SHA1_80") != 0) {
      g_set_error (error, SH_DTLS_ERROR, SH_DTLS_ERROR_INVALID,
                   "Unsupported SRTP profile \"%s\" (expected SRTP_AEAD_AES_128_GCM or "
                   "SRTP_AES128_CM_SHA1_80)",
                   names[i]);
      return FALSE;
    }
  }
  if (SSL_set_tlsext_use_srtp (dtls->ssl, profiles) != 0) {
    g_propagate_error (error, openssl_failure ("OpenSSL refused the SRTP profile list"));
    return FALSE;
  }
  return TRUE;
}

void
sh_dtls_start (ShDtls *dtls)
{
  if (dtls->state != SH_DTLS_STATE_NEW)
    return;
  dtls->state = SH_DTLS_STATE_CONNECTING;
  /* The client writes its ClientHello here; the server finds nothing to
   * read and waits. */
  drive (dtls);
  emit (dtls);
}

ShDtlsReceiveResult
sh_dtls_receive (ShDtls *dtls, const guint8 *data, gsize len)
{
  if (len == 0 || len > MAX_DATAGRAM)
    return SH_DTLS_RECEIVE_DROPPED;
  /* A ClientHello may beat our own "ICE connected" to the server: the server
   * starts on it rather than lose it. The client must have started. */
  if (dtls->state == SH_DTLS_STATE_NEW && dtls->role == SH_DTLS_ROLE_SERVER)
    dtls->state = SH_DTLS_STATE_CONNECTING;
  if (dtls->state != SH_DTLS_STATE_CONNECTING && dtls->state != SH_DTLS_STATE_CONNECTED)
    return SH_DTLS_RECEIVE_DROPPED;

  dtls->in_data = data;
  dtls->in_len = len;
  drive (dtls);
  emit (dtls);
  return SH_DTLS_RECEIVE_OK;
}

void
sh_dtls_close (ShDtls *dtls)
{
  ShDtlsState state = dtls->state;

  if (state == SH_DTLS_STATE_FAILED || state == SH_DTLS_STATE_CLOSED)
    return;
  dtls->state = SH_DTLS_STATE_CLOSED;
  timer_clear (dtls);
  if (state == SH_DTLS_STATE_CONNECTED) {
    ERR_clear_error ();
    /* Queues close_notify; we do not wait for the peer's. */
    SSL_shutdown (dtls->ssl);
    ERR_clear_error ();
  }
  emit (dtls);
}

ShDtlsState
sh_dtls_get_state (ShDtls *dtls)
{
  return dtls->state;
}

ShDtlsRole
sh_dtls_get_role (ShDtls *dtls)
{
  return dtls->role;
}
