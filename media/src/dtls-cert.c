/* dtls-cert.c — the DTLS certificate: an ECDSA P-256 key with a self-signed
 * certificate, its SDP fingerprint, and its PEM files so that a restart keeps
 * the fingerprint that clients may have cached in pending offers.
 * SPDX-License-Identifier: Apache-2.0 */
#include "dtls.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sys/stat.h>

#define CERT_FILE "dtls-cert.pem"
#define KEY_FILE "dtls-key.pem"
#define VALIDITY_DAYS 30
/* A PEM P-256 key or certificate is well under 2 KiB; refuse to read more. */
#define MAX_PEM_SIZE (64 * 1024)

struct _ShDtlsCert {
  gatomicrefcount ref;
  X509 *x509;        /* owned */
  EVP_PKEY *pkey;    /* owned */
  char *fingerprint; /* owned, sha-256 */
};

GQuark
sh_dtls_error_quark (void)
{
  return g_quark_from_static_string ("sh-dtls-error-quark");
}

/* The oldest OpenSSL error as text, clearing the queue so that a later
 * failure does not report this one. Returns: (transfer full). */
static char *
take_openssl_error (void)
{
  unsigned long code = ERR_get_error ();
  char buf[256];

  ERR_clear_error ();
  if (code == 0)
    return g_strdup ("no OpenSSL error recorded");
  ERR_error_string_n (code, buf, sizeof buf);
  return g_strdup (buf);
}

static void
set_openssl_error (GError **error, const char *what)
{
  g_autofree char *detail = take_openssl_error ();
  g_set_error (error, SH_DTLS_ERROR, SH_DTLS_ERROR_CERT, "%s: %s", what, detail);
}

const EVP_MD *
sh_dtls_digest_for_sdp_name (const char *algorithm)
{
  if (algorithm == NULL)
    return NULL;
  if (g_ascii_strcasecmp (algorithm, "sha-256") == 0)
    return EVP_sha256 ();
  if (g_ascii_strcasecmp (algorithm, "sha-1") == 0)
    return EVP_sha1 ();
  if (g_ascii_strcasecmp (algorithm, "sha-384") == 0)
    return EVP_sha384 ();
  if (g_ascii_strcasecmp (algorithm, "sha-512") == 0)
    return EVP_sha512 ();
  return NULL;
}

char *
sh_dtls_x509_fingerprint (X509 *x509, const char *algorithm)
{
  const EVP_MD *md = sh_dtls_digest_for_sdp_name (algorithm);
  guint8 digest[EVP_MAX_MD_SIZE];
  unsigned int n = 0;

  if (md == NULL || X509_digest (x509, md, digest, &n) != 1 || n == 0)
    return NULL;

  GString *out = g_string_sized_new (n * 3);
  for (unsigned int i = 0; i < n; i++)
    g_string_append_printf (out, i == 0 ? "%02X" : ":%02X", digest[i]);
  return g_string_free (out, FALSE);
}

/* Takes ownership of @x509 and @pkey. */
static ShDtlsCert *
cert_wrap (X509 *x509, EVP_PKEY *pkey)
{
  ShDtlsCert *cert = g_new0 (ShDtlsCert, 1);

  g_atomic_ref_count_init (&cert->ref);
  cert->x509 = x509;
  cert->pkey = pkey;
  cert->fingerprint = sh_dtls_x509_fingerprint (x509, "sha-256");
  return cert;
}

ShDtlsCert *
sh_dtls_cert_ref (ShDtlsCert *cert)
{
  g_atomic_ref_count_inc (&cert->ref);
  return cert;
}

void
sh_dtls_cert_unref (ShDtlsCert *cert)
{
  if (cert == NULL || !g_atomic_ref_count_dec (&cert->ref))
    return;
  X509_free (cert->x509);
  EVP_PKEY_free (cert->pkey);
  g_free (cert->fingerprint);
  g_free (cert);
}

const char *
sh_dtls_cert_fingerprint (ShDtlsCert *cert)
{
  return cert->fingerprint;
}

X509 *
sh_dtls_cert_x509 (ShDtlsCert *cert)
{
  return cert->x509;
}

EVP_PKEY *
sh_dtls_cert_pkey (ShDtlsCert *cert)
{
  return cert->pkey;
}

/* A positive 64-bit random serial: browsers and OpenSSL reject none, and
 * distinct serials keep certificates of successive runs apart in logs. */
static gboolean
set_random_serial (X509 *x509)
{
  BIGNUM *bn = BN_new ();
  gboolean ok = FALSE;

  if (bn != NULL && BN_rand (bn, 64, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) == 1) {
    ASN1_INTEGER *serial = X509_get_serialNumber (x509);
    ok = BN_to_ASN1_INTEGER (bn, serial) != NULL;
  }
  BN_free (bn);
  return ok;
}

ShDtlsCert *
sh_dtls_cert_generate (GError **error)
{
  EVP_PKEY *pkey = EVP_EC_gen ("P-256");
  X509 *x509 = NULL;
  X509_NAME *name;

  if (pkey == NULL) {
    set_openssl_error (error, "Could not generate the P-256 DTLS key");
    return NULL;
  }
  x509 = X509_new ();
  if (x509 == NULL || X509_set_version (x509, X509_VERSION_3) != 1 || !set_random_serial (x509)
      || X509_gmtime_adj (X509_getm_notBefore (x509), 0) == NULL
      || X509_gmtime_adj (X509_getm_notAfter (x509), (long) VALIDITY_DAYS * 24 * 3600) == NULL
      || X509_set_pubkey (x509, pkey) != 1)
    goto fail;

  /* Self-signed: the subject is the issuer. Peers check the fingerprint from
   * the signed SDP, not a chain, so the name is only a label. */
  name = X509_get_subject_name (x509);
  if (X509_NAME_add_entry_by_txt (name, "CN", MBSTRING_ASC, (const unsigned char *) "sanhui", -1,
                                  -1, 0)
          != 1
      || X509_set_issuer_name (x509, name) != 1 || X509_sign (x509, pkey, EVP_sha256 ()) <= 0)
    goto fail;

  return cert_wrap (x509, pkey);

fail:
  set_openssl_error (error, "Could not create the DTLS certificate");
  X509_free (x509);
  EVP_PKEY_free (pkey);
  return NULL;
}

/* Reads a whole small file; @error names the path. Returns: (transfer full). */
static char *
read_pem (const char *path, gsize *len, GError **error)
{
  char *data = NULL;
  GStatBuf st;

  if (g_stat (path, &st) != 0) {
    int saved = errno;
    g_set_error (error, SH_DTLS_ERROR, SH_DTLS_ERROR_CERT, "Cannot read %s: %s", path,
                 g_strerror (saved));
    return NULL;
  }
  if (st.st_size > MAX_PEM_SIZE) {
    g_set_error (error, SH_DTLS_ERROR, SH_DTLS_ERROR_CERT,
                 "%s is %lld bytes; a DTLS certificate or key is at most %d", path,
                 (long long) st.st_size, MAX_PEM_SIZE);
    return NULL;
  }
  if (!g_file_get_contents (path, &data, len, error))
    return NULL;
  return data;
}

static gboolean
is_p256 (EVP_PKEY *pkey)
{
  char group[64] = "";
  size_t group_len = 0;

  return EVP_PKEY_is_a (pkey, "EC")
         && EVP_PKEY_get_utf8_string_param (pkey, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                            &group_len)
                == 1
         && (g_strcmp0 (group, "prime256v1") == 0 || g_strcmp0 (group, "P-256") == 0);
}

ShDtlsCert *
sh_dtls_cert_load (const char *dir, GError **error)
{
  g_autofree char *cert_path = g_build_filename (dir, CERT_FILE, NULL);
  g_autofree char *key_path = g_build_filename (dir, KEY_FILE, NULL);
  g_autofree char *cert_pem = NULL;
  g_autofree char *key_pem = NULL;
  gsize cert_len = 0, key_len = 0;
  GStatBuf st;
  X509 *x509 = NULL;
  EVP_PKEY *pkey = NULL;
  BIO *bio;

  if (g_stat (key_path, &st) == 0 && (st.st_mode & 077) != 0) {
    g_set_error (error, SH_DTLS_ERROR, SH_DTLS_ERROR_CERT,
                 "%s is readable by other users (mode %04o); make it 0600", key_path,
                 (unsigned) (st.st_mode & 07777));
    return NULL;
  }
  cert_pem = read_pem (cert_path, &cert_len, error);
  if (cert_pem == NULL)
    return NULL;
  key_pem = read_pem (key_path, &key_len, error);
  if (key_pem == NULL)
    return NULL;

  bio = BIO_new_mem_buf (cert_pem, (int) cert_len);
  x509 = bio != NULL ? PEM_read_bio_X509 (bio, NULL, NULL, NULL) : NULL;
  BIO_free (bio);
  if (x509 == NULL) {
    g_autofree char *what = g_strdup_printf ("%s holds no PEM certificate", cert_path);
    set_openssl_error (error, what);
    return NULL;
  }

  bio = BIO_new_mem_buf (key_pem, (int) key_len);
  /* A NULL password callback with a NULL passphrase makes OpenSSL refuse an
   * encrypted key instead of prompting on the terminal. */
  pkey = bio != NULL ? PEM_read_bio_PrivateKey (bio, NULL, NULL, (void *) "") : NULL;
  BIO_free (bio);
  OPENSSL_cleanse (key_pem, key_len);
  if (pkey == NULL) {
    g_autofree char *what = g_strdup_printf ("%s holds no unencrypted PEM private key", key_path);
    set_openssl_error (error, what);
    X509_free (x509);
    return NULL;
  }

  if (!is_p256 (pkey)) {
    g_set_error (error, SH_DTLS_ERROR, SH_DTLS_ERROR_CERT, "%s is not an ECDSA P-256 key",
                 key_path);
  } else if (X509_check_private_key (x509, pkey) != 1) {
    ERR_clear_error ();
    g_set_error (error, SH_DTLS_ERROR, SH_DTLS_ERROR_CERT, "%s does not match the key in %s",
                 cert_path, key_path);
  } else {
    return cert_wrap (x509, pkey);
  }
  X509_free (x509);
  EVP_PKEY_free (pkey);
  return NULL;
}

/* PEM text of @cert's certificate or key. Returns: (transfer full). */
static char *
to_pem (ShDtlsCert *cert, gboolean key, gsize *len)
{
  /* The secure-memory BIO wipes its buffer when freed: it holds the key. */
  BIO *bio = BIO_new (BIO_s_secmem ());
  char *out = NULL;
  char *data = NULL;
  long n;

  if (bio == NULL)
    return NULL;
  if (key ? PEM_write_bio_PrivateKey (bio, cert->pkey, NULL, NULL, 0, NULL, NULL) == 1
          : PEM_write_bio_X509 (bio, cert->x509) == 1) {
    n = BIO_get_mem_data (bio, &data);
    if (n > 0) {
      out = g_malloc (n);
      memcpy (out, data, n);
      *len = n;
    }
  }
  BIO_free (bio);
  return out;
}

gboolean
sh_dtls_cert_save (ShDtlsCert *cert, const char *dir, GError **error)
{
  g_autofree char *cert_path = g_build_filename (dir, CERT_FILE, NULL);
  g_autofree char *key_path = g_build_filename (dir, KEY_FILE, NULL);
  g_autofree char *cert_pem = NULL;
  char *key_pem;
  gsize cert_len = 0, key_len = 0;
  gboolean ok;

  if (g_mkdir_with_parents (dir, 0700) != 0) {
    int saved = errno;
    g_set_error (error, SH_DTLS_ERROR, SH_DTLS_ERROR_CERT, "Cannot create %s: %s", dir,
                 g_strerror (saved));
    return FALSE;
  }
  cert_pem = to_pem (cert, FALSE, &cert_len);
  key_pem = to_pem (cert, TRUE, &key_len);
  if (cert_pem == NULL || key_pem == NULL) {
    g_free (key_pem);
    set_openssl_error (error, "Could not encode the DTLS certificate as PEM");
    return FALSE;
  }

  /* The key first: a crash between the two writes then leaves a new key with
   * an old certificate, which load refuses, instead of an old key that would
   * silently pair with a new certificate. Both writes go through a temporary
   * file and rename, created with the final mode, so the key is never
   * readable by others, not even for a moment. */
  ok = g_file_set_contents_full (key_path, key_pem, key_len, G_FILE_SET_CONTENTS_CONSISTENT, 0600,
                                 error)
       && g_file_set_contents_full (cert_path, cert_pem, cert_len, G_FILE_SET_CONTENTS_CONSISTENT,
                                    0644, error);
  OPENSSL_cleanse (key_pem, key_len);
  g_free (key_pem);
  return ok;
}

/* TRUE when the certificate is still valid @seconds from now. */
static gboolean
valid_for (X509 *x509, long seconds)
{
  time_t when = time (NULL) + seconds;
  return X509_cmp_time (X509_get0_notAfter (x509), &when) > 0;
}

ShDtlsCert *
sh_dtls_cert_load_or_generate (const char *dir, GError **error)
{
  g_autofree char *cert_path = g_build_filename (dir, CERT_FILE, NULL);
  g_autofree char *key_path = g_build_filename (dir, KEY_FILE, NULL);
  g_autoptr (ShDtlsCert) cert = NULL;

  if (g_file_test (cert_path, G_FILE_TEST_EXISTS) && g_file_test (key_path, G_FILE_TEST_EXISTS)) {
    cert = sh_dtls_cert_load (dir, error);
    if (cert == NULL)
      return NULL;
    /* A day of margin: a certificate must not expire during a meeting. */
    if (valid_for (cert->x509, 24 * 3600))
      return g_steal_pointer (&cert);
    g_message ("DTLS certificate in %s expires within a day; generating a new one", dir);
    g_clear_pointer (&cert, sh_dtls_cert_unref);
  }

  cert = sh_dtls_cert_generate (error);
  if (cert == NULL || !sh_dtls_cert_save (cert, dir, error))
    return NULL;
  return g_steal_pointer (&cert);
}
