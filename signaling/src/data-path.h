/* Layer: helper below the HTTP server. A path kept in the store relative
 * to the data directory, resolved so that it cannot lead out of it
 * (data-path.c).
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <gio/gio.h>

/* The real path of @relative under @data_dir: refuses with
 * G_IO_ERROR_INVALID_FILENAME an empty or absolute path, a "..", "." or
 * empty part, and a path whose real location (symbolic links followed) is
 * not inside the real @data_dir; G_IO_ERROR_NOT_FOUND when nothing is there
 * (a dangling link included), G_IO_ERROR_NOT_REGULAR_FILE when it is not a
 * regular file. Returns: (transfer full) (nullable). */
char *sh_data_path_resolve (const char *data_dir, const char *relative, GError **error);
