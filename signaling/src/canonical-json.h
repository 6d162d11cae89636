/* Canonical JSON (RFC 8785, JCS) for the archive: the one byte sequence of
 * a record that its hash and signature cover, which any verifier can rebuild
 * from the same values. Shared layer (see docs/architecture.md).
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <json-glib/json-glib.h>

/* Serializes @node canonically: members sorted by their names' UTF-16 code
 * units, no whitespace, strings escaped as ECMAScript's JSON.stringify does.
 * Numbers must be integers within ±(2^53 − 1) (records hold no fractions);
 * a double, a larger integer or text that is not UTF-8 is refused with
 * G_IO_ERROR_INVALID_DATA naming where it is.
 * Returns: (transfer full) the bytes, or NULL with @error set. */
GBytes *sh_canonical_json (JsonNode *node, GError **error);
