/* Configuration: INI file read with GKeyFile, with errors that name the file,
 * the line and the key.
 * SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <gio/gio.h>
#include <glib/gstdio.h>

#include "log.h"
#include "sanhui-minutes.h"

G_DEFINE_QUARK (sh - config - error - quark, sh_config_error)

#define COMMAND_LINE "command line"

typedef enum {
  KEY_STRING,   /* char *, must not be empty */
  KEY_OPTIONAL, /* char *, empty means NULL */
  KEY_UINT,     /* guint within [min, max] */
  KEY_SIZE,     /* gsize within [min, max] */
  KEY_LIST,     /* char ** from a ';'-separated GKeyFile list */
  KEY_BOOL,     /* gboolean: true or false */
} KeyType;

/* Checks one string value or list entry. Returns: (transfer full) the reason
 * it is wrong, or NULL when it is fine. */
typedef char *(*KeyCheck) (const char *value);

typedef struct {
  const char *group;
  const char *key;
  KeyType type;
  gsize offset;
  guint64 min;
  guint64 max;
  KeyCheck check;
} KeySpec;

static char *
check_time_zone (const char *value)
{
  g_autoptr (GTimeZone) tz = g_time_zone_new_identifier (value);
  if (tz == NULL)
    return g_strdup_printf ("unknown time zone “%s” (expected a name such as Asia/Shanghai)",
                            value);
  return NULL;
}

static char *
check_log_level (const char *value)
{
  if (!sh_log_level_valid (value))
    return g_strdup_printf ("unknown level “%s” (expected error, critical, warning, message, "
                            "info or debug)",
                            value);
  return NULL;
}

static char *
check_url (const char *value)
{
  if (!g_str_has_prefix (value, "http://") && !g_str_has_prefix (value, "https://"))
    return g_strdup_printf ("“%s” is not an http:// or https:// URL", value);
  return NULL;
}

static gboolean
has_whitespace (const char *value)
{
  for (const char *p = value; *p != '\0'; p++)
    if (g_ascii_isspace (*p))
      return TRUE;
  return FALSE;
}

static char *
check_stun (const char *value)
{
  if (has_whitespace (value) || strchr (value, ':') == NULL)
    return g_strdup_printf ("“%s” is not a STUN server (expected host:port)", value);
  return NULL;
}

static char *
check_proxy (const char *value)
{
  g_autoptr (GInetAddress) address = g_inet_address_new_from_string (value);

  if (address == NULL)
    return g_strdup_printf ("“%s” is not an IP address", value);
  return NULL;
}

static char *
check_turn (const char *value)
{
  if (has_whitespace (value)
      || (!g_str_has_prefix (value, "turn:") && !g_str_has_prefix (value, "turns:")))
    return g_strdup_printf ("“%s” is not a TURN URI (expected turn:host:port?transport=udp)",
                            value);
  return NULL;
}

static char *
check_meeting_type (const char *value)
{
  ShMeetingType type;

  if (!sh_meeting_type_from_string (value, &type))
    return g_strdup_printf ("“%s” is not a meeting type (general, committee, group, lesson,"
                            " party_day)",
                            value);
  return NULL;
}

#define FIELD(member) offsetof (ShConfig, member)

/* Every key the server knows; anything else in a file is a typo. The order is
 * the order of docs/configuration.md. */
static const KeySpec key_specs[] = {
  { "server", "listen_address", KEY_STRING, FIELD (listen_address), 0, 0, NULL },
  { "server", "port", KEY_UINT, FIELD (port), 0, 65535, NULL },
  { "server", "tls_certificate", KEY_OPTIONAL, FIELD (tls_certificate), 0, 0, NULL },
  { "server", "tls_key", KEY_OPTIONAL, FIELD (tls_key), 0, 0, NULL },
  { "server", "public_url", KEY_OPTIONAL, FIELD (public_url), 0, 0, check_url },
  { "server", "web_root", KEY_STRING, FIELD (web_root), 0, 0, NULL },
  { "server", "max_body_bytes", KEY_SIZE, FIELD (max_body_bytes), 1, G_MAXINT32, NULL },
  { "server", "max_upload_bytes", KEY_SIZE, FIELD (max_upload_bytes), 1, G_MAXINT32, NULL },
  { "server", "max_ws_message_bytes", KEY_SIZE, FIELD (max_ws_message_bytes), 1, G_MAXINT32, NULL },
  { "server", "max_connections", KEY_UINT, FIELD (max_connections), 16, 1000000, NULL },
  { "server", "max_connections_per_address", KEY_UINT, FIELD (max_connections_per_address), 1,
    1000000, NULL },
  { "server", "max_unestablished_per_address", KEY_UINT, FIELD (max_unestablished_per_address), 1,
    1000000, NULL },
  { "server", "handshake_timeout_seconds", KEY_UINT, FIELD (handshake_timeout_s), 1, 600, NULL },
  { "server", "header_timeout_seconds", KEY_UINT, FIELD (header_timeout_s), 1, 600, NULL },
  { "server", "keepalive_timeout_seconds", KEY_UINT, FIELD (keepalive_timeout_s), 1, 3600, NULL },
  { "server", "body_timeout_seconds", KEY_UINT, FIELD (body_timeout_s), 1, 600, NULL },
  { "server", "listen_backlog", KEY_UINT, FIELD (listen_backlog), 1, 65535, NULL },
  { "storage", "data_dir", KEY_STRING, FIELD (data_dir), 0, 0, NULL },
  { "storage", "database", KEY_OPTIONAL, FIELD (database), 0, 0, NULL },
  { "storage", "integrity_check_seconds", KEY_UINT, FIELD (integrity_check_seconds), 1, 604800,
    NULL },
  { "media", "port_min", KEY_UINT, FIELD (media_port_min), 1024, 65535, NULL },
  { "media", "port_max", KEY_UINT, FIELD (media_port_max), 1024, 65535, NULL },
  { "media", "public_address", KEY_OPTIONAL, FIELD (public_address), 0, 0, NULL },
  { "media", "workers", KEY_UINT, FIELD (media_workers), 0, 256, NULL },
  { "ice", "stun_servers", KEY_LIST, FIELD (stun_servers), 0, 0, check_stun },
  { "ice", "turn_servers", KEY_LIST, FIELD (turn_servers), 0, 0, check_turn },
  { "ice", "turn_secret", KEY_OPTIONAL, FIELD (turn_secret), 0, 0, NULL },
  { "security", "session_hours", KEY_UINT, FIELD (session_hours), 1, 8760, NULL },
  { "security", "lockout_failures", KEY_UINT, FIELD (lockout_failures), 1, 1000, NULL },
  { "security", "lockout_minutes", KEY_UINT, FIELD (lockout_minutes), 1, 10080, NULL },
  { "security", "invitation_hours", KEY_UINT, FIELD (invitation_hours), 1, 8760, NULL },
  { "security", "password_iterations", KEY_UINT, FIELD (password_iterations), 1000, G_MAXINT32,
    NULL },
  { "security", "login_address_failures", KEY_UINT, FIELD (login_address_failures), 1, 100000,
    NULL },
  { "security", "login_account_address_failures", KEY_UINT, FIELD (login_account_address_failures),
    1, 1000, NULL },
  { "security", "login_delay_seconds", KEY_UINT, FIELD (login_delay_seconds), 1, 3600, NULL },
  { "security", "login_max_delay_seconds", KEY_UINT, FIELD (login_max_delay_seconds), 1, 86400,
    NULL },
  { "security", "login_hash_threads", KEY_UINT, FIELD (login_hash_threads), 0, 64, NULL },
  { "security", "login_hash_queue", KEY_UINT, FIELD (login_hash_queue), 1, 100000, NULL },
  { "security", "trusted_proxies", KEY_LIST, FIELD (trusted_proxies), 0, 0, check_proxy },
  { "meetings", "time_zone", KEY_STRING, FIELD (time_zone), 0, 0, check_time_zone },
  { "meetings", "join_early_minutes", KEY_UINT, FIELD (join_early_minutes), 0, 1440, NULL },
  { "meetings", "attendance_share_percent", KEY_UINT, FIELD (attendance_share_percent), 1, 100,
    NULL },
  { "meetings", "attendance_grace_minutes", KEY_UINT, FIELD (attendance_grace_minutes), 0, 240,
    NULL },
  { "meetings", "warning_days", KEY_UINT, FIELD (warning_days), 0, 180, NULL },
  { "meetings", "warning_absences", KEY_UINT, FIELD (warning_absences), 0, 50, NULL },
  { "recording", "enabled", KEY_BOOL, FIELD (recording_enabled), 0, 0, NULL },
  { "recording", "meeting_types", KEY_LIST, FIELD (recording_meeting_types), 0, 0,
    check_meeting_type },
  { "recording", "directory", KEY_OPTIONAL, FIELD (recording_directory), 0, 0, NULL },
  { "recording", "fragment_seconds", KEY_UINT, FIELD (recording_fragment_seconds), 1, 10, NULL },
  { "recording", "min_free_mb", KEY_UINT, FIELD (recording_min_free_mb), 0, 16777216, NULL },
  { "websocket", "max_sockets_per_account", KEY_UINT, FIELD (ws_max_sockets_per_account), 1, 100000,
    NULL },
  { "websocket", "max_sockets_per_session", KEY_UINT, FIELD (ws_max_sockets_per_session), 1, 100000,
    NULL },
  { "websocket", "messages_per_second", KEY_UINT, FIELD (ws_messages_per_second), 1, 1000000,
    NULL },
  { "websocket", "messages_burst", KEY_UINT, FIELD (ws_messages_burst), 1, 1000000, NULL },
  { "websocket", "bytes_per_second", KEY_SIZE, FIELD (ws_bytes_per_second), 1024, G_MAXINT32,
    NULL },
  { "websocket", "bytes_burst", KEY_SIZE, FIELD (ws_bytes_burst), 1024, G_MAXINT32, NULL },
  { "websocket", "chat_per_minute", KEY_UINT, FIELD (ws_chat.per_minute), 1, 1000000, NULL },
  { "websocket", "chat_burst", KEY_UINT, FIELD (ws_chat.burst), 1, 1000000, NULL },
  { "websocket", "hand_per_minute", KEY_UINT, FIELD (ws_hand.per_minute), 1, 1000000, NULL },
  { "websocket", "hand_burst", KEY_UINT, FIELD (ws_hand.burst), 1, 1000000, NULL },
  { "websocket", "mute_per_minute", KEY_UINT, FIELD (ws_mute.per_minute), 1, 1000000, NULL },
  { "websocket", "mute_burst", KEY_UINT, FIELD (ws_mute.burst), 1, 1000000, NULL },
  { "websocket", "chair_per_minute", KEY_UINT, FIELD (ws_chair.per_minute), 1, 1000000, NULL },
  { "websocket", "chair_burst", KEY_UINT, FIELD (ws_chair.burst), 1, 1000000, NULL },
  { "websocket", "join_per_minute", KEY_UINT, FIELD (ws_join.per_minute), 1, 1000000, NULL },
  { "websocket", "join_burst", KEY_UINT, FIELD (ws_join.burst), 1, 1000000, NULL },
  { "websocket", "signaling_per_minute", KEY_UINT, FIELD (ws_signaling.per_minute), 1, 1000000,
    NULL },
  { "websocket", "signaling_burst", KEY_UINT, FIELD (ws_signaling.burst), 1, 1000000, NULL },
  { "websocket", "other_per_minute", KEY_UINT, FIELD (ws_other.per_minute), 1, 1000000, NULL },
  { "websocket", "other_burst", KEY_UINT, FIELD (ws_other.burst), 1, 1000000, NULL },
  { "websocket", "abuse_seconds", KEY_UINT, FIELD (ws_abuse_seconds), 1, 86400, NULL },
  { "websocket", "abuse_refusals", KEY_UINT, FIELD (ws_abuse_refusals), 1, 1000000, NULL },
  { "websocket", "keepalive_seconds", KEY_UINT, FIELD (ws_keepalive_seconds), 1, 3600, NULL },
  { "log", "level", KEY_STRING, FIELD (log_level), 0, 0, check_log_level },
};

static const char *const known_groups
    = "server, storage, media, ice, security, meetings, recording, websocket, log";

static gboolean
group_known (const char *group)
{
  for (gsize i = 0; i < G_N_ELEMENTS (key_specs); i++)
    if (strcmp (key_specs[i].group, group) == 0)
      return TRUE;
  return FALSE;
}

static const KeySpec *
find_spec (const char *group, const char *key)
{
  for (gsize i = 0; i < G_N_ELEMENTS (key_specs); i++)
    if (strcmp (key_specs[i].group, group) == 0 && strcmp (key_specs[i].key, key) == 0)
      return &key_specs[i];
  return NULL;
}

/* Sets "ORIGIN: [GROUP] KEY: reason", leaving out the parts that are NULL. */
G_GNUC_PRINTF (6, 7)
static void
set_error (GError **error, ShConfigError code, const char *origin, const char *group,
           const char *key, const char *format, ...)
{
  va_list args;
  va_start (args, format);
  g_autofree char *reason = g_strdup_vprintf (format, args);
  va_end (args);

  if (group != NULL && key != NULL)
    g_set_error (error, SH_CONFIG_ERROR, code, "%s: [%s] %s: %s", origin, group, key, reason);
  else if (group != NULL)
    g_set_error (error, SH_CONFIG_ERROR, code, "%s: [%s]: %s", origin, group, reason);
  else if (key != NULL)
    g_set_error (error, SH_CONFIG_ERROR, code, "%s: %s: %s", origin, key, reason);
  else
    g_set_error (error, SH_CONFIG_ERROR, code, "%s: %s", origin, reason);
}

static void
record_origin (ShConfig *config, const KeySpec *spec, const char *origin)
{
  if (config->origins == NULL)
    config->origins = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_hash_table_replace (config->origins, g_strdup_printf ("%s.%s", spec->group, spec->key),
                        g_strdup (origin));
}

/* Where @group.@key was last set; "configuration" for a default.
 * Returns: (transfer none). */
static const char *
origin_of (const ShConfig *config, const char *group, const char *key)
{
  g_autofree char *name = g_strdup_printf ("%s.%s", group, key);
  const char *origin = config->origins != NULL ? g_hash_table_lookup (config->origins, name) : NULL;
  return origin != NULL ? origin : "configuration";
}

static void
set_value_read_error (GError **error, const KeySpec *spec, const char *origin, const GError *local)
{
  /* GKeyFile's own message repeats the key and hides the cause. */
  if (local == NULL || g_error_matches (local, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE))
    set_error (error, SH_CONFIG_ERROR_VALUE, origin, spec->group, spec->key,
               "invalid escape sequence or text (write \\\\ for a backslash)");
  else
    set_error (error, SH_CONFIG_ERROR_VALUE, origin, spec->group, spec->key, "%s", local->message);
}

/* Whether @raw ends in a backslash that escapes nothing. GLib's unescaping
 * sets its GError a second time (and warns) when a bad escape comes before
 * such a backslash, so the case is refused before GLib sees it. */
static gboolean
ends_in_escape (const char *raw)
{
  gsize len = strlen (raw);
  gsize run = 0;

  while (run < len && raw[len - 1 - run] == '\\')
    run++;
  return run % 2 == 1;
}

/* Reads @spec's value from @key_file, checks it and only then stores it in
 * @config, so that a rejected value leaves @config as it was. */
static gboolean
apply_value (ShConfig *config, const KeySpec *spec, GKeyFile *key_file, const char *origin,
             GError **error)
{
  g_autoptr (GError) local = NULL;
  gpointer field = (char *) config + spec->offset;
  g_autofree char *raw_value = g_key_file_get_value (key_file, spec->group, spec->key, NULL);

  if (raw_value != NULL && ends_in_escape (raw_value)) {
    set_value_read_error (error, spec, origin, NULL);
    return FALSE;
  }

  if (spec->type == KEY_LIST) {
    g_auto (GStrv) raw
        = g_key_file_get_string_list (key_file, spec->group, spec->key, NULL, &local);
    if (raw == NULL || local != NULL) {
      set_value_read_error (error, spec, origin, local);
      return FALSE;
    }
    g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
    for (char **item = raw; *item != NULL; item++) {
      g_strstrip (*item);
      if (**item == '\0')
        continue;
      g_autofree char *reason = spec->check != NULL ? spec->check (*item) : NULL;
      if (reason != NULL) {
        set_error (error, SH_CONFIG_ERROR_VALUE, origin, spec->group, spec->key, "%s", reason);
        return FALSE;
      }
      g_strv_builder_add (builder, *item);
    }
    g_strfreev (*(char ***) field);
    *(char ***) field = g_strv_builder_end (builder);
    record_origin (config, spec, origin);
    return TRUE;
  }

  g_autofree char *value = g_key_file_get_string (key_file, spec->group, spec->key, &local);
  /* GKeyFile returns a value even when it reports a bad escape. */
  if (value == NULL || local != NULL) {
    set_value_read_error (error, spec, origin, local);
    return FALSE;
  }
  /* A stray trailing blank in a path or an address is never intended. */
  g_strstrip (value);

  switch (spec->type) {
    case KEY_STRING:
    case KEY_OPTIONAL: {
      if (*value == '\0' && spec->type == KEY_STRING) {
        set_error (error, SH_CONFIG_ERROR_VALUE, origin, spec->group, spec->key,
                   "must not be empty");
        return FALSE;
      }
      g_autofree char *reason = *value != '\0' && spec->check != NULL ? spec->check (value) : NULL;
      if (reason != NULL) {
        set_error (error, SH_CONFIG_ERROR_VALUE, origin, spec->group, spec->key, "%s", reason);
        return FALSE;
      }
      g_free (*(char **) field);
      *(char **) field = *value != '\0' ? g_steal_pointer (&value) : NULL;
      break;
    }
    case KEY_UINT:
    case KEY_SIZE: {
      guint64 number = 0;
      if (!g_ascii_string_to_unsigned (value, 10, spec->min, spec->max, &number, NULL)) {
        set_error (error, SH_CONFIG_ERROR_VALUE, origin, spec->group, spec->key,
                   "expected a number from %" G_GUINT64_FORMAT " to %" G_GUINT64_FORMAT
                   ", got “%s”",
                   spec->min, spec->max, value);
        return FALSE;
      }
      if (spec->type == KEY_UINT)
        *(guint *) field = (guint) number;
      else
        *(gsize *) field = (gsize) number;
      break;
    }
    case KEY_BOOL:
      if (!g_str_equal (value, "true") && !g_str_equal (value, "false")) {
        set_error (error, SH_CONFIG_ERROR_VALUE, origin, spec->group, spec->key,
                   "expected true or false, got “%s”", value);
        return FALSE;
      }
      *(gboolean *) field = g_str_equal (value, "true");
      break;
    case KEY_LIST:
    default:
      g_assert_not_reached ();
  }
  record_origin (config, spec, origin);
  return TRUE;
}

ShConfig *
sh_config_new_default (void)
{
  ShConfig *config = g_new0 (ShConfig, 1);
  const char *web_root = g_getenv ("SANHUI_WEB_ROOT");

  config->listen_address = g_strdup ("127.0.0.1");
  config->port = 8080;
  config->web_root = g_strdup (web_root != NULL && *web_root != '\0' ? web_root : "web");
  config->max_body_bytes = 1024 * 1024;
  config->max_upload_bytes = 8 * 1024 * 1024;
  config->max_ws_message_bytes = 64 * 1024;
  config->max_connections = 4096;
  config->max_connections_per_address = 256;
  config->max_unestablished_per_address = 32;
  config->handshake_timeout_s = 10;
  config->header_timeout_s = 15;
  config->keepalive_timeout_s = 60;
  config->body_timeout_s = 30;
  config->listen_backlog = 511;
  config->data_dir = g_strdup ("data");
  config->integrity_check_seconds = 600;
  config->media_port_min = 40000;
  config->media_port_max = 40999;
  config->media_workers = 0;
  config->stun_servers = g_new0 (char *, 1);
  config->turn_servers = g_new0 (char *, 1);
  config->session_hours = 12;
  config->lockout_failures = 5;
  config->lockout_minutes = 15;
  config->invitation_hours = 72;
  config->password_iterations = 310000;
  config->login_address_failures = 20;
  config->login_account_address_failures = 5;
  config->login_delay_seconds = 2;
  config->login_max_delay_seconds = 900;
  config->login_hash_threads = 2;
  config->login_hash_queue = 32;
  config->trusted_proxies = g_new0 (char *, 1);
  config->time_zone = g_strdup ("Asia/Shanghai");
  config->join_early_minutes = 15;
  config->attendance_share_percent = 80;
  config->attendance_grace_minutes = 5;
  config->warning_days = 60;
  config->warning_absences = 3;
  config->recording_enabled = TRUE;
  config->recording_meeting_types = g_strsplit ("general;committee;group;lesson;party_day", ";", -1);
  config->recording_fragment_seconds = 10;
  config->recording_min_free_mb = 2048;
  config->ws_max_sockets_per_account = 8;
  config->ws_max_sockets_per_session = 6;
  config->ws_messages_per_second = 50;
  config->ws_messages_burst = 200;
  config->ws_bytes_per_second = 256 * 1024;
  config->ws_bytes_burst = 1024 * 1024;
  config->ws_chat = (ShConfigRate){ 60, 10 };
  config->ws_hand = (ShConfigRate){ 60, 5 };
  config->ws_mute = (ShConfigRate){ 120, 10 };
  config->ws_chair = (ShConfigRate){ 120, 30 };
  config->ws_join = (ShConfigRate){ 60, 20 };
  config->ws_signaling = (ShConfigRate){ 1200, 300 };
  config->ws_other = (ShConfigRate){ 120, 20 };
  config->ws_abuse_seconds = 10;
  config->ws_abuse_refusals = 300;
  config->ws_keepalive_seconds = 25;
  config->log_level = g_strdup ("message");
  return config;
}

typedef struct {
  const KeySpec *spec;
  guint line;
} KeyUse;

/* GKeyFile reports no line numbers, so the file is scanned here first: every
 * line must be blank, a comment, a known [group] or a known key=value, and no
 * key may appear twice. Fills @uses in file order and @clean with the text for
 * GKeyFile (';' comments, which GKeyFile does not know, become blank lines so
 * that line numbers stay the same). */
static gboolean
prescan (const char *path, const char *text, gsize length, GArray *uses, GString *clean,
         GError **error)
{
  g_autoptr (GHashTable) seen = g_hash_table_new (g_direct_hash, g_direct_equal);
  g_autofree char *group = NULL;
  const char *end = text + length;
  guint line_no = 0;

  for (const char *start = text; start < end;) {
    const char *newline = memchr (start, '\n', (gsize) (end - start));
    const char *stop = newline != NULL ? newline : end;
    gsize line_len = (gsize) (stop - start);
    g_autofree char *where = g_strdup_printf ("%s:%u", path, ++line_no);

    if (memchr (start, '\0', line_len) != NULL) {
      set_error (error, SH_CONFIG_ERROR_SYNTAX, where, NULL, NULL, "contains a NUL byte");
      return FALSE;
    }
    g_autofree char *line = g_strndup (start, line_len);
    start = newline != NULL ? newline + 1 : end;
    if (line_len > 0 && line[line_len - 1] == '\r')
      line[--line_len] = '\0';
    if (!g_utf8_validate (line, (gssize) line_len, NULL)) {
      set_error (error, SH_CONFIG_ERROR_SYNTAX, where, NULL, NULL, "not valid UTF-8 text");
      return FALSE;
    }

    const char *s = line;
    while (*s == ' ' || *s == '\t')
      s++;

    if (*s == '\0' || *s == '#') {
      g_string_append (clean, line);
    } else if (*s == ';') {
      /* blank for GKeyFile */
    } else if (*s == '[') {
      const char *close = strchr (s, ']');
      const char *rest = close != NULL ? close + 1 : NULL;
      while (rest != NULL && (*rest == ' ' || *rest == '\t'))
        rest++;
      if (close == NULL || *rest != '\0') {
        set_error (error, SH_CONFIG_ERROR_SYNTAX, where, NULL, NULL,
                   "expected a group header such as [server]");
        return FALSE;
      }
      g_free (group);
      group = g_strndup (s + 1, (gsize) (close - s - 1));
      if (!group_known (group)) {
        set_error (error, SH_CONFIG_ERROR_UNKNOWN, where, group, NULL,
                   "unknown group (known groups: %s)", known_groups);
        return FALSE;
      }
      g_string_append (clean, line);
    } else {
      const char *eq = strchr (s, '=');
      if (eq == NULL) {
        set_error (error, SH_CONFIG_ERROR_SYNTAX, where, NULL, NULL,
                   "expected [group], key=value or a comment (# or ;)");
        return FALSE;
      }
      g_autofree char *key = g_strstrip (g_strndup (s, (gsize) (eq - s)));
      if (*key == '\0') {
        set_error (error, SH_CONFIG_ERROR_SYNTAX, where, NULL, NULL,
                   "expected a key name before “=”");
        return FALSE;
      }
      if (group == NULL) {
        set_error (error, SH_CONFIG_ERROR_SYNTAX, where, NULL, key, "key before the first [group]");
        return FALSE;
      }
      const KeySpec *spec = find_spec (group, key);
      if (spec == NULL) {
        set_error (error, SH_CONFIG_ERROR_UNKNOWN, where, group, key, "unknown key");
        return FALSE;
      }
      guint first = GPOINTER_TO_UINT (g_hash_table_lookup (seen, spec));
      if (first != 0) {
        set_error (error, SH_CONFIG_ERROR_SYNTAX, where, group, key,
                   "duplicate key, first set on line %u", first);
        return FALSE;
      }
      g_hash_table_insert (seen, (gpointer) spec, GUINT_TO_POINTER (line_no));
      KeyUse use = { spec, line_no };
      g_array_append_val (uses, use);
      g_string_append (clean, line);
    }
    g_string_append_c (clean, '\n');
  }
  return TRUE;
}

ShConfig *
sh_config_load (const char *path, GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  g_autoptr (GError) local = NULL;
  g_autofree char *text = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &text, &length, &local)) {
    set_error (error, SH_CONFIG_ERROR_READ, path, NULL, NULL, "cannot read the file (%s)",
               local->message);
    return NULL;
  }
  return sh_config_load_from_data (path, text, length, error);
}

ShConfig *
sh_config_load_from_data (const char *name, const char *data, gsize length, GError **error)
{
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  g_autoptr (GError) local = NULL;
  g_autoptr (GArray) uses = g_array_new (FALSE, FALSE, sizeof (KeyUse));
  g_autoptr (GString) clean = g_string_sized_new (length + 1);
  if (!prescan (name, data != NULL ? data : "", length, uses, clean, error))
    return NULL;

  g_autoptr (GKeyFile) key_file = g_key_file_new ();
  if (!g_key_file_load_from_data (key_file, clean->str, clean->len, G_KEY_FILE_NONE, &local)) {
    set_error (error, SH_CONFIG_ERROR_SYNTAX, name, NULL, NULL, "%s", local->message);
    return NULL;
  }

  g_autoptr (ShConfig) config = sh_config_new_default ();
  for (guint i = 0; i < uses->len; i++) {
    const KeyUse *use = &g_array_index (uses, KeyUse, i);
    g_autofree char *where = g_strdup_printf ("%s:%u", name, use->line);
    if (!apply_value (config, use->spec, key_file, where, error))
      return NULL;
  }
  return g_steal_pointer (&config);
}

gboolean
sh_config_override (ShConfig *config, const char *assignment, GError **error)
{
  g_return_val_if_fail (config != NULL, FALSE);
  g_return_val_if_fail (assignment != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  const char *eq = strchr (assignment, '=');
  g_autofree char *name
      = eq != NULL ? g_strstrip (g_strndup (assignment, (gsize) (eq - assignment))) : NULL;
  char *dot = name != NULL ? strchr (name, '.') : NULL;
  if (dot == NULL || dot == name || dot[1] == '\0') {
    set_error (error, SH_CONFIG_ERROR_SYNTAX, COMMAND_LINE, NULL, NULL,
               "“%s”: expected group.key=value", assignment);
    return FALSE;
  }
  *dot = '\0';
  const char *group = name;
  const char *key = dot + 1;

  if (!group_known (group)) {
    set_error (error, SH_CONFIG_ERROR_UNKNOWN, COMMAND_LINE, group, NULL,
               "unknown group (known groups: %s)", known_groups);
    return FALSE;
  }
  const KeySpec *spec = find_spec (group, key);
  if (spec == NULL) {
    set_error (error, SH_CONFIG_ERROR_UNKNOWN, COMMAND_LINE, group, key, "unknown key");
    return FALSE;
  }
  const char *value = eq + 1;
  if (strpbrk (value, "\r\n") != NULL) {
    set_error (error, SH_CONFIG_ERROR_VALUE, COMMAND_LINE, group, key,
               "the value must be a single line");
    return FALSE;
  }

  /* The value goes through GKeyFile as well, so that escapes and lists mean
   * the same as in the file. */
  g_autoptr (GKeyFile) key_file = g_key_file_new ();
  g_key_file_set_value (key_file, spec->group, spec->key, value);
  return apply_value (config, spec, key_file, COMMAND_LINE, error);
}

static gboolean
is_loopback (const char *address)
{
  g_autofree char *bare = NULL;
  gsize len = strlen (address);

  if (g_ascii_strcasecmp (address, "localhost") == 0)
    return TRUE;
  /* Accept the bracketed IPv6 form that URLs use: [::1]. */
  if (len >= 2 && address[0] == '[' && address[len - 1] == ']')
    bare = g_strndup (address + 1, len - 2);
  else
    bare = g_strdup (address);

  g_autoptr (GInetAddress) inet = g_inet_address_new_from_string (bare);
  return inet != NULL && g_inet_address_get_is_loopback (inet);
}

static gboolean
check_readable (const ShConfig *config, const char *key, const char *path, GError **error)
{
  if (g_access (path, R_OK) != 0) {
    int saved = errno;
    set_error (error, SH_CONFIG_ERROR_VALUE, origin_of (config, "server", key), "server", key,
               "cannot read “%s”: %s", path, g_strerror (saved));
    return FALSE;
  }
  return TRUE;
}

gboolean
sh_config_validate (const ShConfig *config, GError **error)
{
  g_return_val_if_fail (config != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (config->recording_directory != NULL) {
    g_autofree char *data = g_canonicalize_filename (config->data_dir, NULL);
    g_autofree char *dir = g_canonicalize_filename (config->recording_directory, NULL);
    g_autofree char *prefix = g_strconcat (data, G_DIR_SEPARATOR_S, NULL);

    /* Files are stored by their path in the data directory. */
    if (!g_str_has_prefix (dir, prefix)) {
      set_error (error, SH_CONFIG_ERROR_VALUE, origin_of (config, "recording", "directory"),
                 "recording", "directory", "must lie inside [storage] data_dir (%s)",
                 config->data_dir);
      return FALSE;
    }
  }
  if (config->media_port_min >= config->media_port_max) {
    /* Point at the key the administrator wrote; port_max when both were. */
    if (config->origins != NULL && !g_hash_table_contains (config->origins, "media.port_max")
        && g_hash_table_contains (config->origins, "media.port_min"))
      set_error (error, SH_CONFIG_ERROR_VALUE, origin_of (config, "media", "port_min"), "media",
                 "port_min", "must be lower than port_max (%u)", config->media_port_max);
    else
      set_error (error, SH_CONFIG_ERROR_VALUE, origin_of (config, "media", "port_max"), "media",
                 "port_max", "must be greater than port_min (%u)", config->media_port_min);
    return FALSE;
  }

  gboolean has_cert = config->tls_certificate != NULL;
  gboolean has_key = config->tls_key != NULL;
  if (has_cert != has_key) {
    const char *set = has_cert ? "tls_certificate" : "tls_key";
    const char *missing = has_cert ? "tls_key" : "tls_certificate";
    set_error (error, SH_CONFIG_ERROR_VALUE, origin_of (config, "server", set), "server", set,
               "%s must be set as well (both or neither)", missing);
    return FALSE;
  }
  if (has_cert) {
    if (!check_readable (config, "tls_certificate", config->tls_certificate, error)
        || !check_readable (config, "tls_key", config->tls_key, error))
      return FALSE;
  } else if (!is_loopback (config->listen_address)) {
    set_error (error, SH_CONFIG_ERROR_VALUE, origin_of (config, "server", "listen_address"),
               "server", "listen_address",
               "%s is not a loopback address, and plain HTTP is allowed only on loopback "
               "(127.0.0.0/8, ::1, localhost); configure TLS with tls_certificate and tls_key "
               "to listen on it",
               config->listen_address);
    return FALSE;
  }
  return TRUE;
}

char *
sh_config_database_path (const ShConfig *config)
{
  g_return_val_if_fail (config != NULL, NULL);

  if (config->database != NULL)
    return g_strdup (config->database);
  return g_build_filename (config->data_dir, "sanhui.db", NULL);
}

char *
sh_config_recording_directory (const ShConfig *config)
{
  g_return_val_if_fail (config != NULL, NULL);

  if (config->recording_directory != NULL)
    return g_strdup (config->recording_directory);
  return g_build_filename (config->data_dir, "recordings", NULL);
}

gboolean
sh_config_records_meeting_type (const ShConfig *config, const char *type)
{
  g_return_val_if_fail (config != NULL && type != NULL, FALSE);
  return config->recording_enabled
         && g_strv_contains ((const char *const *) config->recording_meeting_types, type);
}

void
sh_config_free (ShConfig *config)
{
  if (config == NULL)
    return;
  g_free (config->listen_address);
  g_free (config->tls_certificate);
  g_free (config->tls_key);
  g_free (config->public_url);
  g_free (config->web_root);
  g_free (config->data_dir);
  g_free (config->database);
  g_free (config->public_address);
  g_strfreev (config->stun_servers);
  g_strfreev (config->turn_servers);
  g_strfreev (config->trusted_proxies);
  g_strfreev (config->recording_meeting_types);
  g_free (config->recording_directory);
  if (config->turn_secret != NULL)
    memset (config->turn_secret, 0, strlen (config->turn_secret));
  g_free (config->turn_secret);
  g_free (config->time_zone);
  g_free (config->log_level);
  g_clear_pointer (&config->origins, g_hash_table_unref);
  g_free (config);
}
