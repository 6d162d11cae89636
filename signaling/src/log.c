/* Structured log writer: one line per record, level filter, redaction.
 * SPDX-License-Identifier: Apache-2.0 */
#include "log.h"

#include <stdlib.h>
#include <string.h>

/* The writer is process-wide by GLib's design (g_log_set_writer_func() may be
 * called only once), so its threshold and output are process-wide too. The
 * threshold is read with atomics on every record; the output stream is
 * guarded by a mutex so that lines from different threads never interleave. */
static gint log_threshold = G_LOG_LEVEL_MESSAGE;
static GMutex log_output_lock;
static FILE *log_output; /* NULL: stderr */
/* Levels that abort after printing, from G_DEBUG=fatal-warnings or
 * fatal-criticals: GLib's default writer honours them, and replacing it must
 * not silently turn them off (the test suite relies on fatal criticals). */
static gint log_fatal_levels;

static const struct {
  const char *name;
  GLogLevelFlags level;
} log_levels[] = {
  { "error", G_LOG_LEVEL_ERROR },     { "critical", G_LOG_LEVEL_CRITICAL },
  { "warning", G_LOG_LEVEL_WARNING }, { "message", G_LOG_LEVEL_MESSAGE },
  { "info", G_LOG_LEVEL_INFO },       { "debug", G_LOG_LEVEL_DEBUG },
};

gboolean
sh_log_level_valid (const char *level)
{
  if (level == NULL)
    return FALSE;
  for (gsize i = 0; i < G_N_ELEMENTS (log_levels); i++)
    if (strcmp (level, log_levels[i].name) == 0)
      return TRUE;
  return FALSE;
}

void
sh_log_init (const char *level)
{
  static gsize installed = 0;
  GLogLevelFlags threshold = G_LOG_LEVEL_MESSAGE;
  gboolean valid = level == NULL || sh_log_level_valid (level);

  for (gsize i = 0; level != NULL && i < G_N_ELEMENTS (log_levels); i++)
    if (strcmp (level, log_levels[i].name) == 0)
      threshold = log_levels[i].level;
  g_atomic_int_set (&log_threshold, (gint) threshold);

  const GDebugKey fatal_keys[] = {
    { "fatal-warnings", G_LOG_LEVEL_WARNING | G_LOG_LEVEL_CRITICAL },
    { "fatal-criticals", G_LOG_LEVEL_CRITICAL },
  };
  const char *debug = g_getenv ("G_DEBUG");
  g_atomic_int_set (&log_fatal_levels, debug != NULL ? (gint) g_parse_debug_string (
                                           debug, fatal_keys, G_N_ELEMENTS (fatal_keys))
                                                     : 0);

  if (g_once_init_enter (&installed)) {
    g_log_set_writer_func (sh_log_writer, NULL, NULL);
    g_once_init_leave (&installed, 1);
  }
  if (!valid)
    g_warning ("unknown log level “%s”, using “message”", level);
}

void
sh_log_set_output (FILE *stream)
{
  g_mutex_lock (&log_output_lock);
  log_output = stream;
  g_mutex_unlock (&log_output_lock);
}

/* The most severe level in @flags (GLib levels grow less severe as the bit
 * value grows), or 0 for a record without a standard level. */
static GLogLevelFlags
record_level (GLogLevelFlags flags)
{
  guint bits = (guint) flags & G_LOG_LEVEL_MASK;
  return (GLogLevelFlags) (bits & (~bits + 1));
}

static const char *
level_label (GLogLevelFlags level)
{
  switch (level) {
    case G_LOG_LEVEL_ERROR:
      return "ERROR";
    case G_LOG_LEVEL_CRITICAL:
      return "CRITICAL";
    case G_LOG_LEVEL_WARNING:
      return "WARNING";
    case G_LOG_LEVEL_MESSAGE:
      return "MESSAGE";
    case G_LOG_LEVEL_INFO:
      return "INFO";
    case G_LOG_LEVEL_DEBUG:
      return "DEBUG";
    default:
      return "LOG";
  }
}

/* G_MESSAGES_DEBUG lists domains (separated by spaces or commas) whose info
 * and debug records print whatever the configured level; "all" names every
 * domain. Honoured so that developers keep their usual GLib habit. */
static gboolean
domain_debug_enabled (const char *domain)
{
  const char *list = g_getenv ("G_MESSAGES_DEBUG");
  gsize domain_len = domain != NULL ? strlen (domain) : 0;

  if (list == NULL)
    return FALSE;
  for (const char *p = list; *p != '\0';) {
    gsize len = strcspn (p, " ,");
    if ((len == 3 && strncmp (p, "all", 3) == 0)
        || (domain != NULL && len == domain_len && strncmp (p, domain, len) == 0))
      return TRUE;
    p += len;
    p += strspn (p, " ,");
  }
  return FALSE;
}

static gboolean
record_enabled (GLogLevelFlags level, const char *domain)
{
  /* Errors abort the process, so their reason always prints; records
   * without a standard level cannot be ranked and print too. */
  if (level == 0 || level == G_LOG_LEVEL_ERROR)
    return TRUE;
  if ((gint) level <= g_atomic_int_get (&log_threshold))
    return TRUE;
  if (level == G_LOG_LEVEL_INFO || level == G_LOG_LEVEL_DEBUG)
    return domain_debug_enabled (domain);
  return FALSE;
}

/* Field values are either NUL-terminated (length < 0) or counted.
 * Returns: (transfer full). */
static char *
field_dup (const GLogField *field)
{
  if (field->length < 0)
    return g_strdup (field->value);
  return g_strndup (field->value, (gsize) field->length);
}

/* Escapes line breaks and other control characters so that every record is
 * exactly one line and a message cannot forge further records.
 * Returns: (transfer full). */
static char *
escape_controls (const char *text)
{
  GString *out = g_string_sized_new (strlen (text));

  for (const char *p = text; *p != '\0'; p++) {
    guchar c = (guchar) *p;
    if (c == '\n')
      g_string_append (out, "\\n");
    else if (c == '\r')
      g_string_append (out, "\\r");
    else if ((c < 0x20 && c != '\t') || c == 0x7f)
      g_string_append_printf (out, "\\x%02x", c);
    else
      g_string_append_c (out, (char) c);
  }
  return g_string_free (out, FALSE);
}

GLogWriterOutput
sh_log_writer (GLogLevelFlags log_level, const GLogField *fields, gsize n_fields,
               gpointer user_data)
{
  GLogLevelFlags level = record_level (log_level);
  g_autofree char *domain = NULL;
  g_autofree char *message = NULL;

  for (gsize i = 0; i < n_fields; i++) {
    if (domain == NULL && strcmp (fields[i].key, "GLIB_DOMAIN") == 0)
      domain = field_dup (&fields[i]);
    else if (message == NULL && strcmp (fields[i].key, "MESSAGE") == 0)
      message = field_dup (&fields[i]);
  }
  gboolean fatal = (level & (GLogLevelFlags) g_atomic_int_get (&log_fatal_levels)) != 0;
  if (!record_enabled (level, domain) && !fatal)
    return G_LOG_WRITER_HANDLED;

  /* Redact before escaping: header values end at a line break. */
  g_autofree char *redacted = sh_log_redact (message != NULL ? message : "");
  g_autofree char *line = escape_controls (redacted);
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *date = g_date_time_format (now, "%Y-%m-%dT%H:%M:%S");
  g_autofree char *zone = g_date_time_format (now, "%:z");

  g_mutex_lock (&log_output_lock);
  FILE *out = log_output != NULL ? log_output : stderr;
  fprintf (out, "%s.%03d%s %s %s: %s\n", date, g_date_time_get_microsecond (now) / 1000, zone,
           level_label (level), domain != NULL ? domain : "-", line);
  fflush (out);
  g_mutex_unlock (&log_output_lock);
  if (fatal)
    abort ();
  return G_LOG_WRITER_HANDLED;
}

/* Redaction. Keys are runs of letters, digits, '_' and '-'; a key is secret
 * when it ends with one of these names, so that "turn_secret", "csrf_token"
 * and "Set-Cookie" are caught as well. Over-redacting ("monkey=") is the
 * cheaper mistake. */
static const char *const secret_names[] = {
  "password", "passwd", "token",          "secret",        "key",
  "csrf",     "cookie", "sanhui_session", "authorization",
};

static gboolean
is_name_char (char c)
{
  return g_ascii_isalnum (c) || c == '_' || c == '-';
}

static gboolean
name_is_secret (const char *name, gsize len)
{
  for (gsize i = 0; i < G_N_ELEMENTS (secret_names); i++) {
    gsize n = strlen (secret_names[i]);
    if (len >= n && g_ascii_strncasecmp (name + len - n, secret_names[i], n) == 0)
      return TRUE;
  }
  return FALSE;
}

/* "Name: value" is redacted only for header-like names, since prose such as
 * "invalid token: expired" must stay readable. */
static gboolean
name_is_header (const char *name, gsize len)
{
  if ((len == 6 && g_ascii_strncasecmp (name, "cookie", len) == 0)
      || (len == 13 && g_ascii_strncasecmp (name, "authorization", len) == 0))
    return TRUE;
  return memchr (name, '-', len) != NULL && name_is_secret (name, len);
}

static const char *
skip_blanks (const char *p)
{
  while (*p == ' ' || *p == '\t')
    p++;
  return p;
}

/* @p is at an opening quote. Returns the position just past the matching
 * closing quote, or the end of the line when the string is unterminated. */
static const char *
skip_quoted (const char *p)
{
  char quote = *p++;

  while (*p != '\0' && *p != quote && *p != '\n') {
    if (*p == '\\' && p[1] != '\0')
      p++;
    p++;
  }
  return *p == quote ? p + 1 : p;
}

static const char *
skip_bare (const char *p, const char *stops)
{
  while (*p != '\0' && !g_ascii_isspace (*p) && strchr (stops, *p) == NULL)
    p++;
  return p;
}

/* @p is at a JSON value. Returns the position just past it; objects and
 * arrays are skipped whole, whatever their nesting. */
static const char *
skip_json_value (const char *p)
{
  if (*p == '"')
    return skip_quoted (p);
  if (*p != '{' && *p != '[')
    return skip_bare (p, ",}]");

  guint depth = 0;
  while (*p != '\0') {
    if (*p == '"') {
      p = skip_quoted (p);
      continue;
    }
    if (*p == '{' || *p == '[')
      depth++;
    else if ((*p == '}' || *p == ']') && --depth == 0)
      return p + 1;
    p++;
  }
  return p;
}

/* Appends the replacement for the value in [@start, @end). */
static void
append_mask (GString *out, const char *start, const char *end)
{
  if (*start == '"' || *start == '\'') {
    g_string_append_c (out, *start);
    g_string_append (out, "***");
    if (end - start >= 2 && end[-1] == *start)
      g_string_append_c (out, *start);
  } else {
    g_string_append (out, "***");
  }
}

char *
sh_log_redact (const char *line)
{
  g_return_val_if_fail (line != NULL, NULL);

  GString *out = g_string_sized_new (strlen (line) + 8);
  const char *p = line;
  /* Whether p is inside a double-quoted string; tracked so that a JSON key is
   * recognised only where a key can start, while key=value pairs inside
   * strings are still found. */
  gboolean in_string = FALSE;

  while (*p != '\0') {
    if (is_name_char (*p)) {
      const char *name = p;
      while (is_name_char (*p))
        p++;
      gsize len = (gsize) (p - name);
      g_string_append_len (out, name, (gssize) len);

      if (*p == ':' && name_is_header (name, len)) {
        const char *value = skip_blanks (p + 1);
        if (*value != '\0' && *value != '\n' && *value != '\r') {
          g_string_append_len (out, p, value - p);
          g_string_append (out, "***");
          p = value + strcspn (value, "\r\n");
        }
      } else if (name_is_secret (name, len)) {
        const char *eq = skip_blanks (p);
        if (*eq == '=' && eq[1] != '=') {
          const char *value = skip_blanks (eq + 1);
          const char *end = (*value == '"' || *value == '\'') ? skip_quoted (value)
                                                              : skip_bare (value, "&;,\"'<>()[]{}");
          if (end > value) {
            g_string_append_len (out, p, value - p);
            append_mask (out, value, end);
            p = end;
          }
        }
      }
      continue;
    }

    if (*p == '"' && in_string) {
      in_string = FALSE;
    } else if (*p == '"') {
      const char *key_end = skip_quoted (p);
      gsize key_len = (gsize) (key_end - p);
      if (key_len >= 2 && key_end[-1] == '"' && name_is_secret (p + 1, key_len - 2)) {
        const char *colon = key_end;
        while (g_ascii_isspace (*colon))
          colon++;
        const char *value = colon;
        if (*value == ':')
          value++;
        while (g_ascii_isspace (*value))
          value++;
        const char *end = *colon == ':' ? skip_json_value (value) : value;
        if (end > value) {
          g_string_append_len (out, p, value - p);
          append_mask (out, value, end);
          p = end;
          continue;
        }
      }
      in_string = TRUE;
    } else if (*p == '\\' && in_string && p[1] != '\0') {
      g_string_append_c (out, *p++);
    }
    g_string_append_c (out, *p++);
  }
  return g_string_free (out, FALSE);
}
