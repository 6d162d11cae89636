/* A stored path relative to the data directory, resolved for serving: the
 * text is checked first (no absolute path, no "..") and the real location
 * second, so that a symbolic link inside the data directory that points out
 * of it is refused too.
 * SPDX-License-Identifier: Apache-2.0 */
#include "data-path.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static gboolean
text_is_inside (const char *relative)
{
  g_auto (GStrv) parts = NULL;

  if (relative == NULL || *relative == '\0' || g_path_is_absolute (relative))
    return FALSE;
  parts = g_strsplit (relative, "/", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    if (parts[i][0] == '\0' || g_str_equal (parts[i], "..") || g_str_equal (parts[i], "."))
      return FALSE;
  return TRUE;
}

char *
sh_data_path_resolve (const char *data_dir, const char *relative, GError **error)
{
  g_autofree char *root = NULL;
  g_autofree char *joined = NULL;
  g_autofree char *real = NULL;
  struct stat st;
  gsize root_len;

  g_return_val_if_fail (data_dir != NULL, NULL);
  if (!text_is_inside (relative)) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_FILENAME,
                 "“%s” is not a path inside the data directory", relative ? relative : "");
    return NULL;
  }
  if (!(root = realpath (data_dir, NULL))) {
    int err = errno;
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (err), "data directory %s: %s", data_dir,
                 g_strerror (err));
    return NULL;
  }
  joined = g_build_filename (root, relative, NULL);
  if (!(real = realpath (joined, NULL))) {
    int err = errno;
    g_set_error (error, G_IO_ERROR,
                 err == ENOENT ? G_IO_ERROR_NOT_FOUND : g_io_error_from_errno (err), "%s: %s",
                 relative, g_strerror (err));
    return NULL;
  }
  root_len = strlen (root);
  /* The root itself is "/" only in a test of that case: every path is in. */
  if (!(root_len == 1
        || (strncmp (real, root, root_len) == 0 && real[root_len] == G_DIR_SEPARATOR))) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_FILENAME,
                 "“%s” leads out of the data directory", relative);
    return NULL;
  }
  if (stat (real, &st) != 0 || !S_ISREG (st.st_mode)) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE, "%s is not a regular file",
                 relative);
    return NULL;
  }
  return g_steal_pointer (&real);
}
