/* Logging: a GLib structured log writer that prints one line per record to
 * stderr, filters by level and redacts secrets as a second line of defence
 * (code should not log secrets in the first place).
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdio.h>
#include <glib.h>

/* Installs the writer (once per process; later calls only change the level).
 * @level is one of "error", "critical", "warning", "message", "info",
 * "debug"; NULL means "message". An invalid level falls back to "message"
 * with a warning. Domains named in G_MESSAGES_DEBUG (or "all") still print
 * their info and debug records. */
void sh_log_init (const char *level);

/* TRUE if @level is one of the names accepted by sh_log_init(). */
gboolean sh_log_level_valid (const char *level);

/* Directs the output to @stream (transfer none; the caller keeps it open
 * while it is set). NULL restores stderr. For tests. */
void sh_log_set_output (FILE *stream);

/* The writer itself, for g_log_set_writer_func(); exposed so that tests can
 * feed it records directly. */
GLogWriterOutput sh_log_writer (GLogLevelFlags log_level, const GLogField *fields, gsize n_fields,
                                gpointer user_data);

/* Replaces the values of secret-looking keys (password=, passwd=, token=,
 * secret=, key=, csrf=, cookie=, sanhui_session=, case-insensitive, also as
 * JSON "key": "value" and as any key that ends with one of these names) and
 * the values of Cookie, Set-Cookie and Authorization headers with "***".
 * Returns: (transfer full) the redacted copy of @line. */
char *sh_log_redact (const char *line);
