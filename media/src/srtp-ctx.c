/* srtp-ctx.c — libsrtp2 sessions for one peer connection.
 * SPDX-License-Identifier: Apache-2.0 */
#include "srtp-ctx.h"

#include <string.h>

#include <openssl/crypto.h>
#include <srtp2/srtp.h>

G_STATIC_ASSERT (SH_SRTP_MAX_TRAILER_LEN == SRTP_MAX_TRAILER_LEN + 4);

/* The fixed RTP and RTCP headers: anything shorter is not worth a call. */
#define RTP_HEADER_LEN 12
#define RTCP_HEADER_LEN 8
/* libsrtp takes lengths as int: bound them before converting. Nothing on the
 * path is larger than an IP datagram. */
#define MAX_PACKET_LEN 65535

struct _ShSrtp {
  srtp_t inbound;  /* owned */
  srtp_t outbound; /* owned */
  ShSrtpProfile profile;
  gsize rtp_trailer;
  gsize rtcp_trailer;
};

GQuark
sh_srtp_error_quark (void)
{
  return g_quark_from_static_string ("sh-srtp-error-quark");
}

static gpointer
init_libsrtp (gpointer unused)
{
  /* Never shut down: sessions may live until the process exits, and libsrtp
   * keeps only a few static tables. */
  return GINT_TO_POINTER (srtp_init ());
}

gboolean
sh_srtp_init_once (GError **error)
{
  static GOnce once = G_ONCE_INIT;
  srtp_err_status_t status = GPOINTER_TO_INT (g_once (&once, init_libsrtp, NULL));

  if (status != srtp_err_status_ok) {
    g_set_error (error, SH_SRTP_ERROR, SH_SRTP_ERROR_INIT, "libsrtp failed to initialise (%d)",
                 (int) status);
    return FALSE;
  }
  return TRUE;
}

static srtp_t
create_session (ShSrtpProfile profile, const guint8 *key, const guint8 *salt, guint key_len,
                guint salt_len, gboolean inbound, const ShSrtpOptions *options, GError **error)
{
  /* libsrtp takes one buffer: the master key followed by the master salt. */
  guint8 material[SH_SRTP_MAX_KEY_LEN + SH_SRTP_MAX_SALT_LEN];
  srtp_policy_t policy;
  srtp_t session = NULL;
  srtp_err_status_t status;

  memset (&policy, 0, sizeof policy);
  if (srtp_crypto_policy_set_from_profile_for_rtp (&policy.rtp, (srtp_profile_t) profile)
          != srtp_err_status_ok
      || srtp_crypto_policy_set_from_profile_for_rtcp (&policy.rtcp, (srtp_profile_t) profile)
             != srtp_err_status_ok) {
    g_set_error (error, SH_SRTP_ERROR, SH_SRTP_ERROR_INVALID, "libsrtp does not know profile %s",
                 sh_srtp_profile_name (profile));
    return NULL;
  }
  memcpy (material, key, key_len);
  memcpy (material + key_len, salt, salt_len);
  policy.ssrc.type = inbound ? ssrc_any_inbound : ssrc_any_outbound;
  policy.key = material;
  policy.window_size = inbound ? options->replay_window : 0;
  policy.allow_repeat_tx = !inbound && options->allow_repeat_tx;
  policy.next = NULL;

  status = srtp_create (&session, &policy);
  OPENSSL_cleanse (material, sizeof material);
  if (status != srtp_err_status_ok) {
    g_set_error (error, SH_SRTP_ERROR, SH_SRTP_ERROR_CREATE,
                 "libsrtp refused the %s %s session (%d)", inbound ? "inbound" : "outbound",
                 sh_srtp_profile_name (profile), (int) status);
    return NULL;
  }
  return session;
}

ShSrtp *
sh_srtp_new (const ShDtlsSrtpKeys *keys, const ShSrtpOptions *options, GError **error)
{
  static const ShSrtpOptions defaults = { 0 };
  g_autoptr (ShSrtp) srtp = NULL;
  gboolean server;
  uint32_t rtp_trailer = 0, rtcp_trailer = 0;

  if (!sh_srtp_init_once (error))
    return NULL;
  if (options == NULL)
    options = &defaults;

  if (keys->profile != SH_SRTP_PROFILE_AES128_CM_SHA1_80
      && keys->profile != SH_SRTP_PROFILE_AEAD_AES_128_GCM) {
    g_set_error (error, SH_SRTP_ERROR, SH_SRTP_ERROR_INVALID, "Unsupported SRTP profile %d",
                 (int) keys->profile);
    return NULL;
  }
  /* The lengths must be the profile's: a mismatch means the keys came from
   * somewhere other than this module's DTLS export. */
  if (keys->key_len != srtp_profile_get_master_key_length ((srtp_profile_t) keys->profile)
      || keys->salt_len != srtp_profile_get_master_salt_length ((srtp_profile_t) keys->profile)) {
    g_set_error (error, SH_SRTP_ERROR, SH_SRTP_ERROR_INVALID,
                 "%s needs a %u-byte key and a %u-byte salt, not %u and %u",
                 sh_srtp_profile_name (keys->profile),
                 srtp_profile_get_master_key_length ((srtp_profile_t) keys->profile),
                 srtp_profile_get_master_salt_length ((srtp_profile_t) keys->profile),
                 keys->key_len, keys->salt_len);
    return NULL;
  }
  /* libsrtp's own limits (RFC 3711 asks for at least 64). */
  if (options->replay_window != 0
      && (options->replay_window < 64 || options->replay_window >= 0x8000)) {
    g_set_error (error, SH_SRTP_ERROR, SH_SRTP_ERROR_INVALID,
                 "Replay window %u is outside 64..32767", options->replay_window);
    return NULL;
  }

  srtp = g_new0 (ShSrtp, 1);
  srtp->profile = keys->profile;
  server = keys->role == SH_DTLS_ROLE_SERVER;
  srtp->outbound = create_session (keys->profile, server ? keys->server_key : keys->client_key,
                                   server ? keys->server_salt : keys->client_salt, keys->key_len,
                                   keys->salt_len, FALSE, options, error);
  if (srtp->outbound == NULL)
    return NULL;
  srtp->inbound = create_session (keys->profile, server ? keys->client_key : keys->server_key,
                                  server ? keys->client_salt : keys->server_salt, keys->key_len,
                                  keys->salt_len, TRUE, options, error);
  if (srtp->inbound == NULL)
    return NULL;

  if (srtp_get_protect_trailer_length (srtp->outbound, 0, 0, &rtp_trailer) != srtp_err_status_ok
      || srtp_get_protect_rtcp_trailer_length (srtp->outbound, 0, 0, &rtcp_trailer)
             != srtp_err_status_ok) {
    g_set_error (error, SH_SRTP_ERROR, SH_SRTP_ERROR_CREATE,
                 "libsrtp did not report the trailer length");
    return NULL;
  }
  srtp->rtp_trailer = rtp_trailer;
  srtp->rtcp_trailer = rtcp_trailer;
  return g_steal_pointer (&srtp);
}

void
sh_srtp_free (ShSrtp *srtp)
{
  if (srtp == NULL)
    return;
  /* srtp_dealloc wipes the session keys. */
  if (srtp->inbound != NULL)
    srtp_dealloc (srtp->inbound);
  if (srtp->outbound != NULL)
    srtp_dealloc (srtp->outbound);
  g_free (srtp);
}

ShSrtpProfile
sh_srtp_get_profile (ShSrtp *srtp)
{
  return srtp->profile;
}

gsize
sh_srtp_rtp_trailer_len (ShSrtp *srtp)
{
  return srtp->rtp_trailer;
}

gsize
sh_srtp_rtcp_trailer_len (ShSrtp *srtp)
{
  return srtp->rtcp_trailer;
}

static ShSrtpResult
map_status (srtp_err_status_t status)
{
  switch (status) {
    case srtp_err_status_ok:
      return SH_SRTP_OK;
    case srtp_err_status_replay_fail:
    case srtp_err_status_replay_old:
      return SH_SRTP_REPLAY;
    case srtp_err_status_auth_fail:
    /* AEAD reports a bad tag from the cipher. */
    case srtp_err_status_cipher_fail:
      return SH_SRTP_AUTH_FAIL;
    case srtp_err_status_bad_param:
    case srtp_err_status_parse_err:
      return SH_SRTP_MALFORMED;
    default:
      return SH_SRTP_FAILED;
  }
}

ShSrtpResult
sh_srtp_protect_rtp (ShSrtp *srtp, guint8 *buf, gsize *len, gsize capacity)
{
  int n;

  if (*len < RTP_HEADER_LEN || *len > MAX_PACKET_LEN)
    return SH_SRTP_MALFORMED;
  if (capacity < *len || capacity - *len < srtp->rtp_trailer)
    return SH_SRTP_NO_SPACE;
  n = (int) *len;
  ShSrtpResult result = map_status (srtp_protect (srtp->outbound, buf, &n));
  if (result == SH_SRTP_OK)
    *len = (gsize) n;
  return result;
}

ShSrtpResult
sh_srtp_protect_rtcp (ShSrtp *srtp, guint8 *buf, gsize *len, gsize capacity)
{
  int n;

  if (*len < RTCP_HEADER_LEN || *len > MAX_PACKET_LEN)
    return SH_SRTP_MALFORMED;
  if (capacity < *len || capacity - *len < srtp->rtcp_trailer)
    return SH_SRTP_NO_SPACE;
  n = (int) *len;
  ShSrtpResult result = map_status (srtp_protect_rtcp (srtp->outbound, buf, &n));
  if (result == SH_SRTP_OK)
    *len = (gsize) n;
  return result;
}

ShSrtpResult
sh_srtp_unprotect_rtp (ShSrtp *srtp, guint8 *buf, gsize *len)
{
  int n;

  if (*len < RTP_HEADER_LEN || *len > MAX_PACKET_LEN)
    return SH_SRTP_MALFORMED;
  n = (int) *len;
  ShSrtpResult result = map_status (srtp_unprotect (srtp->inbound, buf, &n));
  if (result == SH_SRTP_OK)
    *len = (gsize) n;
  return result;
}

ShSrtpResult
sh_srtp_unprotect_rtcp (ShSrtp *srtp, guint8 *buf, gsize *len)
{
  int n;

  if (*len < RTCP_HEADER_LEN || *len > MAX_PACKET_LEN)
    return SH_SRTP_MALFORMED;
  n = (int) *len;
  ShSrtpResult result = map_status (srtp_unprotect_rtcp (srtp->inbound, buf, &n));
  if (result == SH_SRTP_OK)
    *len = (gsize) n;
  return result;
}

const char *
sh_srtp_result_name (ShSrtpResult result)
{
  switch (result) {
    case SH_SRTP_OK:
      return "ok";
    case SH_SRTP_REPLAY:
      return "replay";
    case SH_SRTP_AUTH_FAIL:
      return "auth-fail";
    case SH_SRTP_MALFORMED:
      return "malformed";
    case SH_SRTP_NO_SPACE:
      return "no-space";
    case SH_SRTP_FAILED:
    default:
      return "failed";
  }
}
