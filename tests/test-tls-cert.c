/* The server's certificate and key are checked before it starts.
 * SPDX-License-Identifier: Apache-2.0 */
#include "tls-cert.h"
#include "tls-fixture.h"

#include <glib/gstdio.h>

typedef struct {
  char *dir;
  char *cert;
  char *key;
  char *other_key; /* of another pair */
  char *junk;      /* not PEM at all */
} Files;

static void
files_setup (Files *f, gconstpointer data)
{
  g_autofree char *other_cert = NULL;

  f->dir = g_dir_make_tmp ("sanhui-tls-cert-XXXXXX", NULL);
  f->cert = g_build_filename (f->dir, "cert.pem", NULL);
  f->key = g_build_filename (f->dir, "key.pem", NULL);
  other_cert = g_build_filename (f->dir, "other-cert.pem", NULL);
  f->other_key = g_build_filename (f->dir, "other-key.pem", NULL);
  f->junk = g_build_filename (f->dir, "junk.pem", NULL);
  test_write_tls_pair (f->cert, f->key, 3600);
  test_write_tls_pair (other_cert, f->other_key, 3600);
  g_assert_true (g_file_set_contents (f->junk, "not a certificate\n", -1, NULL));
}

static void
files_teardown (Files *f, gconstpointer data)
{
  g_autoptr (GDir) dir = g_dir_open (f->dir, 0, NULL);
  const char *name;

  while ((name = g_dir_read_name (dir))) {
    g_autofree char *path = g_build_filename (f->dir, name, NULL);
    g_unlink (path);
  }
  g_rmdir (f->dir);
  g_free (f->dir);
  g_free (f->cert);
  g_free (f->key);
  g_free (f->other_key);
  g_free (f->junk);
}

static void
test_matching_pair_loads (Files *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GTlsCertificate) cert = sh_tls_certificate_load (f->cert, f->key, &error);

  g_assert_no_error (error);
  g_assert_nonnull (cert);
}

static void
assert_refused (const char *cert_path, const char *key_path, const char *fragment)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GTlsCertificate) cert = sh_tls_certificate_load (cert_path, key_path, &error);

  g_assert_null (cert);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, fragment));
}

static void
test_bad_pairs_refused (Files *f, gconstpointer data)
{
  g_autofree char *missing = g_build_filename (f->dir, "missing.pem", NULL);

  assert_refused (f->cert, f->other_key, "does not belong to the certificate");
  assert_refused (f->junk, f->key, "holds no PEM certificate");
  assert_refused (f->cert, f->junk, "holds no PEM private key");
  assert_refused (f->key, f->key, "holds no PEM certificate");
  assert_refused (missing, f->key, "missing.pem");
  assert_refused (f->cert, missing, "missing.pem");
}

/* An expired certificate still starts the server (the administrator may be
 * renewing it), with a warning in the log. */
static void
test_expired_certificate_warns (Files *f, gconstpointer data)
{
  if (g_test_subprocess ()) {
    g_autoptr (GTlsCertificate) cert = NULL;

    test_write_tls_pair (f->cert, f->key, -3600);
    g_log_set_always_fatal (G_LOG_FATAL_MASK);
    cert = sh_tls_certificate_load (f->cert, f->key, NULL);
    g_assert_nonnull (cert);
    return;
  }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*has expired*");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/tls-cert/matching-pair-loads", Files, NULL, files_setup, test_matching_pair_loads,
              files_teardown);
  g_test_add ("/tls-cert/bad-pairs-refused", Files, NULL, files_setup, test_bad_pairs_refused,
              files_teardown);
  g_test_add ("/tls-cert/expired-certificate-warns", Files, NULL, files_setup,
              test_expired_certificate_warns, files_teardown);
  return g_test_run ();
}
