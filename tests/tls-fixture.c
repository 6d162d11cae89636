/* SPDX-License-Identifier: Apache-2.0 */
#include "tls-fixture.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>

void
test_write_tls_pair (const char *cert_path, const char *key_path, long valid_seconds)
{
  EVP_PKEY *key = EVP_EC_gen ("P-256");
  X509 *cert = X509_new ();
  X509_NAME *name;
  FILE *f;

  g_assert_nonnull (key);
  ASN1_INTEGER_set (X509_get_serialNumber (cert), 1);
  X509_gmtime_adj (X509_getm_notBefore (cert), valid_seconds < 0 ? 2 * valid_seconds : -60);
  X509_gmtime_adj (X509_getm_notAfter (cert), valid_seconds);
  X509_set_pubkey (cert, key);
  name = X509_get_subject_name (cert);
  X509_NAME_add_entry_by_txt (name, "CN", MBSTRING_ASC, (const unsigned char *) "127.0.0.1", -1, -1,
                              0);
  X509_set_issuer_name (cert, name);
  g_assert_cmpint (X509_sign (cert, key, EVP_sha256 ()), >, 0);
  f = fopen (cert_path, "w");
  g_assert_nonnull (f);
  PEM_write_X509 (f, cert);
  fclose (f);
  f = fopen (key_path, "w");
  g_assert_nonnull (f);
  PEM_write_PrivateKey (f, key, NULL, NULL, 0, NULL, NULL);
  fclose (f);
  X509_free (cert);
  EVP_PKEY_free (key);
}
