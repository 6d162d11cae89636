/* Tests for the DTLS certificate: generation, SDP fingerprint format, PEM
 * save/load with a 0600 key, and refusal of broken or exposed files.
 * SPDX-License-Identifier: Apache-2.0 */
#include "dtls.h"

#include <glib/gstdio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <sys/stat.h>

static char *
make_tmpdir (void)
{
  g_autoptr (GError) error = NULL;
  char *dir = g_dir_make_tmp ("sh-dtls-cert-XXXXXX", &error);
  g_assert_no_error (error);
  return dir;
}

static void
remove_tree (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  if (d == NULL)
    return;
  while ((name = g_dir_read_name (d)) != NULL) {
    g_autofree char *path = g_build_filename (dir, name, NULL);
    if (g_file_test (path, G_FILE_TEST_IS_DIR))
      remove_tree (path);
    else
      g_unlink (path);
  }
  g_rmdir (dir);
}

static void
assert_sdp_fingerprint (const char *fp, guint pairs)
{
  g_autofree char *pattern = g_strdup_printf ("^[0-9A-F]{2}(:[0-9A-F]{2}){%u}$", pairs - 1);
  g_assert_nonnull (fp);
  g_assert_cmpuint (strlen (fp), ==, pairs * 3 - 1);
  g_assert_true (g_regex_match_simple (pattern, fp, 0, 0));
}

static void
test_generate (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShDtlsCert) a = sh_dtls_cert_generate (&error);
  g_assert_no_error (error);
  g_autoptr (ShDtlsCert) b = sh_dtls_cert_generate (&error);
  g_assert_no_error (error);

  /* 32 upper-case hex pairs with colons, as SDP writes sha-256. */
  assert_sdp_fingerprint (sh_dtls_cert_fingerprint (a), 32);
  g_assert_cmpstr (sh_dtls_cert_fingerprint (a), !=, sh_dtls_cert_fingerprint (b));

  X509 *x509 = sh_dtls_cert_x509 (a);
  EVP_PKEY *pkey = sh_dtls_cert_pkey (a);
  char cn[64] = "";
  X509_NAME_get_text_by_NID (X509_get_subject_name (x509), NID_commonName, cn, sizeof cn);
  g_assert_cmpstr (cn, ==, "sanhui");
  g_assert_cmpint (X509_NAME_cmp (X509_get_subject_name (x509), X509_get_issuer_name (x509)), ==,
                   0);
  g_assert_true (EVP_PKEY_is_a (pkey, "EC"));
  g_assert_cmpint (EVP_PKEY_get_bits (pkey), ==, 256);
  g_assert_cmpint (X509_verify (x509, pkey), ==, 1);
  g_assert_cmpint (X509_get_version (x509), ==, X509_VERSION_3);

  /* Valid now, for 30 days. */
  int days = 0, secs = 0;
  g_assert_cmpint (
      ASN1_TIME_diff (&days, &secs, X509_get0_notBefore (x509), X509_get0_notAfter (x509)), ==, 1);
  g_assert_cmpint (days, ==, 30);
  g_assert_cmpint (X509_cmp_current_time (X509_get0_notBefore (x509)), <=, 0);

  /* Random serials: two certificates do not share one. */
  g_assert_cmpint (ASN1_INTEGER_cmp (X509_get0_serialNumber (x509),
                                     X509_get0_serialNumber (sh_dtls_cert_x509 (b))),
                   !=, 0);

  /* The cached fingerprint is the digest of the certificate. */
  g_autofree char *again = sh_dtls_x509_fingerprint (x509, "SHA-256");
  g_assert_cmpstr (again, ==, sh_dtls_cert_fingerprint (a));
}

static void
test_fingerprint_algorithms (void)
{
  g_autoptr (ShDtlsCert) cert = sh_dtls_cert_generate (NULL);
  X509 *x509 = sh_dtls_cert_x509 (cert);
  g_autofree char *sha1 = sh_dtls_x509_fingerprint (x509, "sha-1");
  g_autofree char *sha384 = sh_dtls_x509_fingerprint (x509, "sha-384");
  g_autofree char *sha512 = sh_dtls_x509_fingerprint (x509, "sha-512");

  assert_sdp_fingerprint (sha1, 20);
  assert_sdp_fingerprint (sha384, 48);
  assert_sdp_fingerprint (sha512, 64);
  g_assert_null (sh_dtls_x509_fingerprint (x509, "md5"));
  g_assert_null (sh_dtls_x509_fingerprint (x509, "sha256"));
}

static void
test_save_load (void)
{
  g_autofree char *tmp = make_tmpdir ();
  g_autofree char *dir = g_build_filename (tmp, "state", "dtls", NULL);
  g_autofree char *key_path = g_build_filename (dir, "dtls-key.pem", NULL);
  g_autofree char *cert_path = g_build_filename (dir, "dtls-cert.pem", NULL);
  g_autoptr (GError) error = NULL;
  GStatBuf st;

  g_autoptr (ShDtlsCert) cert = sh_dtls_cert_generate (&error);
  g_assert_no_error (error);
  g_assert_true (sh_dtls_cert_save (cert, dir, &error));
  g_assert_no_error (error);

  g_assert_cmpint (g_stat (key_path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 07777, ==, 0600);
  g_assert_cmpint (g_stat (dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 07777, ==, 0700);
  g_assert_true (g_file_test (cert_path, G_FILE_TEST_IS_REGULAR));

  g_autoptr (ShDtlsCert) loaded = sh_dtls_cert_load (dir, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sh_dtls_cert_fingerprint (loaded), ==, sh_dtls_cert_fingerprint (cert));
  g_assert_cmpint (EVP_PKEY_eq (sh_dtls_cert_pkey (loaded), sh_dtls_cert_pkey (cert)), ==, 1);

  /* Saving again over existing files keeps the key private. */
  g_assert_true (sh_dtls_cert_save (loaded, dir, &error));
  g_assert_cmpint (g_stat (key_path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 07777, ==, 0600);

  remove_tree (tmp);
}

static void
test_load_or_generate_keeps_fingerprint (void)
{
  g_autofree char *dir = make_tmpdir ();
  g_autoptr (GError) error = NULL;

  g_autoptr (ShDtlsCert) first = sh_dtls_cert_load_or_generate (dir, &error);
  g_assert_no_error (error);
  /* A restart: same files, same fingerprint. */
  g_autoptr (ShDtlsCert) second = sh_dtls_cert_load_or_generate (dir, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sh_dtls_cert_fingerprint (first), ==, sh_dtls_cert_fingerprint (second));

  remove_tree (dir);
}

static void
test_refuses_open_key (void)
{
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *key_path = g_build_filename (dir, "dtls-key.pem", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (ShDtlsCert) cert = sh_dtls_cert_generate (NULL);

  g_assert_true (sh_dtls_cert_save (cert, dir, NULL));
  g_assert_cmpint (g_chmod (key_path, 0644), ==, 0);

  g_autoptr (ShDtlsCert) loaded = sh_dtls_cert_load (dir, &error);
  g_assert_null (loaded);
  g_assert_error (error, SH_DTLS_ERROR, SH_DTLS_ERROR_CERT);
  g_assert_nonnull (strstr (error->message, "0644"));
  g_clear_error (&error);

  /* Not replaced behind the operator's back either. */
  g_autoptr (ShDtlsCert) again = sh_dtls_cert_load_or_generate (dir, &error);
  g_assert_null (again);
  g_assert_error (error, SH_DTLS_ERROR, SH_DTLS_ERROR_CERT);

  remove_tree (dir);
}

static void
test_refuses_mismatched_pair (void)
{
  g_autofree char *dir_a = make_tmpdir ();
  g_autofree char *dir_b = make_tmpdir ();
  g_autofree char *key_a = g_build_filename (dir_a, "dtls-key.pem", NULL);
  g_autofree char *key_b = g_build_filename (dir_b, "dtls-key.pem", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (ShDtlsCert) a = sh_dtls_cert_generate (NULL);
  g_autoptr (ShDtlsCert) b = sh_dtls_cert_generate (NULL);

  g_assert_true (sh_dtls_cert_save (a, dir_a, NULL));
  g_assert_true (sh_dtls_cert_save (b, dir_b, NULL));
  g_assert_cmpint (g_rename (key_b, key_a), ==, 0);

  g_autoptr (ShDtlsCert) loaded = sh_dtls_cert_load (dir_a, &error);
  g_assert_null (loaded);
  g_assert_error (error, SH_DTLS_ERROR, SH_DTLS_ERROR_CERT);
  g_assert_nonnull (strstr (error->message, "does not match"));

  remove_tree (dir_a);
  remove_tree (dir_b);
}

static void
test_refuses_bad_files (void)
{
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *cert_path = g_build_filename (dir, "dtls-cert.pem", NULL);
  g_autofree char *key_path = g_build_filename (dir, "dtls-key.pem", NULL);
  g_autoptr (GError) error = NULL;

  /* Missing files. */
  g_assert_null (sh_dtls_cert_load (dir, &error));
  g_assert_error (error, SH_DTLS_ERROR, SH_DTLS_ERROR_CERT);
  g_assert_nonnull (strstr (error->message, "dtls-cert.pem"));
  g_clear_error (&error);

  /* Not PEM. */
  g_assert_true (g_file_set_contents_full (cert_path, "hello\n", -1, 0, 0644, NULL));
  g_assert_true (g_file_set_contents_full (key_path, "world\n", -1, 0, 0600, NULL));
  g_assert_null (sh_dtls_cert_load (dir, &error));
  g_assert_error (error, SH_DTLS_ERROR, SH_DTLS_ERROR_CERT);
  g_assert_nonnull (strstr (error->message, "no PEM certificate"));
  g_clear_error (&error);

  /* Too large to be a certificate: refused before reading. */
  g_autofree char *big = g_strnfill (100 * 1024, 'A');
  g_assert_true (g_file_set_contents_full (cert_path, big, -1, 0, 0644, NULL));
  g_assert_null (sh_dtls_cert_load (dir, &error));
  g_assert_error (error, SH_DTLS_ERROR, SH_DTLS_ERROR_CERT);
  g_assert_nonnull (strstr (error->message, "at most"));
  g_clear_error (&error);

  /* A valid certificate whose key is RSA: not our kind. */
  g_autoptr (ShDtlsCert) cert = sh_dtls_cert_generate (NULL);
  g_assert_true (sh_dtls_cert_save (cert, dir, NULL));
  EVP_PKEY *rsa = EVP_RSA_gen (2048);
  BIO *bio = BIO_new_file (key_path, "w");
  g_assert_cmpint (PEM_write_bio_PrivateKey (bio, rsa, NULL, NULL, 0, NULL, NULL), ==, 1);
  BIO_free (bio);
  EVP_PKEY_free (rsa);
  g_assert_cmpint (g_chmod (key_path, 0600), ==, 0);
  g_assert_null (sh_dtls_cert_load (dir, &error));
  g_assert_error (error, SH_DTLS_ERROR, SH_DTLS_ERROR_CERT);
  g_assert_nonnull (strstr (error->message, "P-256"));

  remove_tree (dir);
}

/* A certificate that expired yesterday, for the same key as @cert. */
static void
write_expired_cert (ShDtlsCert *cert, const char *path)
{
  X509 *x509 = X509_dup (sh_dtls_cert_x509 (cert));
  g_assert_nonnull (X509_gmtime_adj (X509_getm_notBefore (x509), -40L * 24 * 3600));
  g_assert_nonnull (X509_gmtime_adj (X509_getm_notAfter (x509), -24L * 3600));
  g_assert_cmpint (X509_sign (x509, sh_dtls_cert_pkey (cert), EVP_sha256 ()), >, 0);
  BIO *bio = BIO_new_file (path, "w");
  g_assert_cmpint (PEM_write_bio_X509 (bio, x509), ==, 1);
  BIO_free (bio);
  X509_free (x509);
}

static void
test_expired_is_replaced (void)
{
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *cert_path = g_build_filename (dir, "dtls-cert.pem", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (ShDtlsCert) cert = sh_dtls_cert_generate (NULL);

  g_assert_true (sh_dtls_cert_save (cert, dir, NULL));
  write_expired_cert (cert, cert_path);
  g_autoptr (ShDtlsCert) expired = sh_dtls_cert_load (dir, &error);
  g_assert_no_error (error);

  g_autoptr (ShDtlsCert) fresh = sh_dtls_cert_load_or_generate (dir, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sh_dtls_cert_fingerprint (fresh), !=, sh_dtls_cert_fingerprint (expired));
  g_assert_cmpint (X509_cmp_current_time (X509_get0_notAfter (sh_dtls_cert_x509 (fresh))), >, 0);

  /* And the replacement was saved. */
  g_autoptr (ShDtlsCert) reloaded = sh_dtls_cert_load (dir, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sh_dtls_cert_fingerprint (reloaded), ==, sh_dtls_cert_fingerprint (fresh));

  remove_tree (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/dtls-cert/generate", test_generate);
  g_test_add_func ("/dtls-cert/fingerprint-algorithms", test_fingerprint_algorithms);
  g_test_add_func ("/dtls-cert/save-load", test_save_load);
  g_test_add_func ("/dtls-cert/load-or-generate-keeps-fingerprint",
                   test_load_or_generate_keeps_fingerprint);
  g_test_add_func ("/dtls-cert/refuses-open-key", test_refuses_open_key);
  g_test_add_func ("/dtls-cert/refuses-mismatched-pair", test_refuses_mismatched_pair);
  g_test_add_func ("/dtls-cert/refuses-bad-files", test_refuses_bad_files);
  g_test_add_func ("/dtls-cert/expired-is-replaced", test_expired_is_replaced);
  return g_test_run ();
}
