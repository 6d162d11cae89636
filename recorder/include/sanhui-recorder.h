/* sanhui-recorder.h — recording of meeting media. For now: the integrity
 * digest that every finished recording file gets in the archive.
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Streams the file at @path through SHA-256 without loading it whole.
 * Sets @size (may be NULL) to its length in bytes.
 * Returns: (transfer full) lower-case hex digest, or NULL with @error set. */
char *sh_recorder_file_sha256 (const char *path, guint64 *size, GCancellable *cancellable,
                               GError **error);

G_END_DECLS
