/* The server's TLS certificate, checked before the server starts.
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <gio/gio.h>

/* Loads the PEM certificate chain at @cert_path and the private key at
 * @key_path. Refuses a key that does not belong to the chain's first
 * certificate (GnuTLS would take it, and every handshake would then fail),
 * and warns when the certificate has expired. Errors name the config key and
 * the file. Returns: (transfer full) the certificate, or NULL with @error
 * set. */
GTlsCertificate *sh_tls_certificate_load (const char *cert_path, const char *key_path,
                                          GError **error);
