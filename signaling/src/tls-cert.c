/* SPDX-License-Identifier: Apache-2.0 */
#include "tls-cert.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

static gboolean
pair_matches (const char *cert_path, const char *key_path, GError **error)
{
  g_autofree char *cert_pem = NULL;
  g_autofree char *key_pem = NULL;
  gsize cert_len, key_len;
  BIO *bio;
  X509 *cert = NULL;
  EVP_PKEY *key = NULL;
  gboolean ok = FALSE;

  if (!g_file_get_contents (cert_path, &cert_pem, &cert_len, error)
      || !g_file_get_contents (key_path, &key_pem, &key_len, error))
    return FALSE;
  bio = BIO_new_mem_buf (cert_pem, (int) cert_len);
  cert = PEM_read_bio_X509 (bio, NULL, NULL, NULL);
  BIO_free (bio);
  bio = BIO_new_mem_buf (key_pem, (int) key_len);
  key = PEM_read_bio_PrivateKey (bio, NULL, NULL, NULL);
  BIO_free (bio);
  OPENSSL_cleanse (key_pem, key_len);
  if (!cert)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                 "server.tls_certificate %s holds no PEM certificate", cert_path);
  else if (!key)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                 "server.tls_key %s holds no PEM private key (or it is encrypted)", key_path);
  else if (X509_check_private_key (cert, key) != 1)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                 "server.tls_key %s does not belong to the certificate in server.tls_certificate "
                 "%s (the first certificate of the file must be the server's own)",
                 key_path, cert_path);
  else
    ok = TRUE;
  if (ok && X509_cmp_current_time (X509_get0_notAfter (cert)) < 0)
    g_warning ("the TLS certificate %s has expired: browsers will refuse it", cert_path);
  X509_free (cert);
  EVP_PKEY_free (key);
  ERR_clear_error ();
  return ok;
}

GTlsCertificate *
sh_tls_certificate_load (const char *cert_path, const char *key_path, GError **error)
{
  g_return_val_if_fail (cert_path != NULL && key_path != NULL, NULL);

  if (!pair_matches (cert_path, key_path, error))
    return NULL;
  return g_tls_certificate_new_from_files (cert_path, key_path, error);
}
