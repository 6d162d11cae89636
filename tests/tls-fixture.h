/* Self-signed TLS certificates for tests.
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

/* Writes a self-signed P-256 certificate for 127.0.0.1, valid from a minute
 * ago for @valid_seconds (negative: it expired that long ago), and its
 * private key, both PEM. */
void test_write_tls_pair (const char *cert_path, const char *key_path, long valid_seconds);
