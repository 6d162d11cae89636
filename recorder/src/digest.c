/* SHA-256 of a recording file, streamed in chunks.
 * SPDX-License-Identifier: Apache-2.0 */
#include "sanhui-recorder.h"

/* Large enough to keep read calls few, small enough to live comfortably on
 * the heap per call while recordings of several GiB stream through. */
#define CHUNK_BYTES (64 * 1024)

char *
sh_recorder_file_sha256 (const char *path, guint64 *size, GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GFileInputStream) stream = g_file_read (file, cancellable, error);
  if (stream == NULL)
    return NULL;

  g_autoptr (GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree guchar *buffer = g_malloc (CHUNK_BYTES);
  guint64 total = 0;

  for (;;) {
    gssize n
        = g_input_stream_read (G_INPUT_STREAM (stream), buffer, CHUNK_BYTES, cancellable, error);
    if (n < 0) {
      g_prefix_error (error, "%s: ", path);
      return NULL;
    }
    if (n == 0)
      break;
    g_checksum_update (checksum, buffer, (gsize) n);
    total += (guint64) n;
  }
  if (!g_input_stream_close (G_INPUT_STREAM (stream), cancellable, error))
    return NULL;

  if (size != NULL)
    *size = total;
  return g_strdup (g_checksum_get_string (checksum));
}
