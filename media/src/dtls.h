/* dtls.h — DTLS-SRTP (RFC 5763, RFC 5764) for one peer connection: the
 * server's certificate and its SDP fingerprint, and a DTLS 1.2 endpoint that
 * runs on memory (no sockets) and hands back the SRTP keys.
 *
 * Everything here runs on the one thread that owns the GMainContext given to
 * sh_dtls_new(); nothing is thread-safe, by design (see DESIGN.md "Media:
 * decisions"), except that a ShDtlsCert is immutable and may be shared.
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>
#include <openssl/types.h>

G_BEGIN_DECLS

#define SH_DTLS_ERROR (sh_dtls_error_quark ())
GQuark sh_dtls_error_quark (void);

typedef enum {
  SH_DTLS_ERROR_CERT,                 /* generating, loading or saving the certificate */
  SH_DTLS_ERROR_INVALID,              /* bad argument: fingerprint syntax, profile list */
  SH_DTLS_ERROR_NO_FINGERPRINT,       /* handshake reached the peer's certificate, none set */
  SH_DTLS_ERROR_FINGERPRINT_MISMATCH, /* the peer's certificate is not the one in its SDP */
  SH_DTLS_ERROR_NO_SRTP,              /* the peer did not agree on an SRTP profile */
  SH_DTLS_ERROR_TIMEOUT,              /* retransmissions exhausted */
  SH_DTLS_ERROR_HANDSHAKE,            /* any other TLS failure, or an alert from the peer */
} ShDtlsError;

/* ----- Certificate (dtls-cert.c) ----- */

/* An ECDSA P-256 key and its self-signed certificate (CN "sanhui", 30 days).
 * Reference counted and immutable: one per process is shared by every
 * endpoint, so every answer carries the same fingerprint. */
typedef struct _ShDtlsCert ShDtlsCert;

/* A fresh key and certificate with a random 64-bit serial.
 * Returns: (transfer full) or NULL with @error set. */
ShDtlsCert *sh_dtls_cert_generate (GError **error);

/* Reads DIR/dtls-cert.pem and DIR/dtls-key.pem. The key must be P-256, match
 * the certificate, and not be readable by group or others (like ssh, refuse
 * rather than use a key that may have leaked). Returns: (transfer full). */
ShDtlsCert *sh_dtls_cert_load (const char *dir, GError **error);

/* Writes both files atomically (key mode 0600), creating @dir (0700) when
 * missing. */
gboolean sh_dtls_cert_save (ShDtlsCert *cert, const char *dir, GError **error);

/* What the server uses at start: the saved pair if both files exist and the
 * certificate is valid for at least one more day, so a restart keeps the
 * fingerprint; otherwise a new pair, saved. A broken pair (unreadable,
 * mismatched, key too open) is an error, not silently replaced.
 * Returns: (transfer full). */
ShDtlsCert *sh_dtls_cert_load_or_generate (const char *dir, GError **error);

ShDtlsCert *sh_dtls_cert_ref (ShDtlsCert *cert);
void sh_dtls_cert_unref (ShDtlsCert *cert);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShDtlsCert, sh_dtls_cert_unref)

/* SHA-256 of the DER certificate as SDP writes it ("a=fingerprint:sha-256
 * AB:CD:..."): 32 upper-case hex pairs joined by colons. Returns: (transfer
 * none) valid as long as @cert. */
const char *sh_dtls_cert_fingerprint (ShDtlsCert *cert);

/* Borrowed OpenSSL objects for dtls.c. Returns: (transfer none). */
X509 *sh_dtls_cert_x509 (ShDtlsCert *cert);
EVP_PKEY *sh_dtls_cert_pkey (ShDtlsCert *cert);

/* Internal to dtls.c and dtls-cert.c: the digest of @x509 with the SDP hash
 * name @algorithm ("sha-256", "sha-1", "sha-384", "sha-512", any case) in the
 * SDP form. Returns: (transfer full) or NULL for an unknown algorithm. */
char *sh_dtls_x509_fingerprint (X509 *x509, const char *algorithm);

/* Internal: the digest for an SDP hash name as above, or NULL. Returns:
 * (transfer none). */
const EVP_MD *sh_dtls_digest_for_sdp_name (const char *algorithm);

/* ----- Endpoint (dtls.c) ----- */

/* RFC 5764 / RFC 7714 profile numbers as IANA assigns them. */
typedef enum {
  SH_SRTP_PROFILE_NONE = 0,
  SH_SRTP_PROFILE_AES128_CM_SHA1_80 = 0x0001,
  SH_SRTP_PROFILE_AEAD_AES_128_GCM = 0x0007,
} ShSrtpProfile;

/* The use_srtp offer when none is set: GCM first because it costs a third of
 * AES-CM + HMAC-SHA1 per packet on our machines (DESIGN.md), CM for peers
 * that lack it. As the DTLS server, our order decides. */
#define SH_DTLS_SRTP_PROFILES "SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80"

typedef enum {
  SH_DTLS_ROLE_SERVER, /* a=setup:passive: what the SFU always is */
  SH_DTLS_ROLE_CLIENT, /* a=setup:active: tools and tests */
} ShDtlsRole;

typedef enum {
  SH_DTLS_STATE_NEW,
  SH_DTLS_STATE_CONNECTING,
  SH_DTLS_STATE_CONNECTED,
  SH_DTLS_STATE_FAILED,
  SH_DTLS_STATE_CLOSED,
} ShDtlsState;

#define SH_SRTP_MAX_KEY_LEN 32
#define SH_SRTP_MAX_SALT_LEN 14

/* The exported SRTP master keys (RFC 5764 section 4.2). The client writes
 * with the client key and salt; the server with the server's. Secret: wipe
 * copies with sh_dtls_srtp_keys_clear(). */
typedef struct {
  ShSrtpProfile profile;
  ShDtlsRole role; /* the local end's DTLS role */
  guint key_len;   /* 16 for both profiles */
  guint salt_len;  /* 14 for AES-CM, 12 for GCM */
  guint8 client_key[SH_SRTP_MAX_KEY_LEN];
  guint8 client_salt[SH_SRTP_MAX_SALT_LEN];
  guint8 server_key[SH_SRTP_MAX_KEY_LEN];
  guint8 server_salt[SH_SRTP_MAX_SALT_LEN];
} ShDtlsSrtpKeys;

void sh_dtls_srtp_keys_clear (ShDtlsSrtpKeys *keys);

/* "AEAD_AES_128_GCM", "AES_CM_128_HMAC_SHA1_80" (the libsrtp/RFC names), or
 * "none". Returns: (transfer none). */
const char *sh_srtp_profile_name (ShSrtpProfile profile);

/* One DTLS association. Owned by the caller: sh_dtls_free(). */
typedef struct _ShDtls ShDtls;

/* Callbacks run on the endpoint's context, from inside sh_dtls_start(),
 * sh_dtls_receive(), sh_dtls_close() or the retransmission timer, but only
 * after OpenSSL has returned: they may call any function here, including
 * sh_dtls_free() and sh_dtls_receive() on another endpoint. Pointer arguments
 * are borrowed for the duration of the call. */
typedef struct {
  /* A datagram to send to the peer (at most 1200 bytes). Required. */
  void (*send) (ShDtls *dtls, const guint8 *data, gsize len, gpointer user_data);
  /* The handshake finished and the peer's certificate matched. */
  void (*connected) (ShDtls *dtls, const ShDtlsSrtpKeys *keys, gpointer user_data);
  /* The handshake or the association failed; the endpoint is now inert. */
  void (*failed) (ShDtls *dtls, const GError *error, gpointer user_data);
  /* The peer sent close_notify. */
  void (*closed) (ShDtls *dtls, gpointer user_data);
} ShDtlsCallbacks;

/* @cert: (transfer none) a reference is taken. @context: (transfer none) a
 * reference is taken; the retransmission timer is attached to it (NULL: the
 * thread-default context). @callbacks is copied. Returns: (transfer full). */
ShDtls *sh_dtls_new (ShDtlsCert *cert, ShDtlsRole role, GMainContext *context,
                     const ShDtlsCallbacks *callbacks, gpointer user_data, GError **error);

/* Frees the endpoint without sending close_notify (call sh_dtls_close()
 * first for an orderly end). Safe from inside a callback. */
void sh_dtls_free (ShDtls *dtls);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShDtls, sh_dtls_free)

/* The peer's "a=fingerprint:" value: @algorithm "sha-256" (or sha-1, sha-384,
 * sha-512) and hex pairs with colons, any case. Must be set before the peer's
 * certificate arrives; the handshake fails otherwise. */
gboolean sh_dtls_set_remote_fingerprint (ShDtls *dtls, const char *algorithm,
                                         const char *fingerprint, GError **error);

/* Replaces the use_srtp offer (OpenSSL syntax, e.g. "SRTP_AES128_CM_SHA1_80")
 * before sh_dtls_start(). Only the two profiles above are accepted. */
gboolean sh_dtls_set_srtp_profiles (ShDtls *dtls, const char *profiles, GError **error);

/* Begins the handshake: the client sends its ClientHello; the server waits
 * for one. */
void sh_dtls_start (ShDtls *dtls);

typedef enum {
  SH_DTLS_RECEIVE_OK = 0,
  SH_DTLS_RECEIVE_DROPPED = -1, /* too large, not started, or the endpoint is done */
} ShDtlsReceiveResult;

/* Feeds one received DTLS datagram (borrowed). Datagrams over 1500 bytes are
 * dropped unread: nothing DTLS-SRTP sends comes close. */
ShDtlsReceiveResult sh_dtls_receive (ShDtls *dtls, const guint8 *data, gsize len);

/* Sends close_notify if connected; the endpoint then ignores input. */
void sh_dtls_close (ShDtls *dtls);

ShDtlsState sh_dtls_get_state (ShDtls *dtls);
ShDtlsRole sh_dtls_get_role (ShDtls *dtls);

G_END_DECLS
