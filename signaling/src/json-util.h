/* Reading and writing the JSON of requests and replies: typed field access
 * with clear errors, and times as ISO 8601 in the configured time zone.
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <json-glib/json-glib.h>

/* Errors in G_IO_ERROR_INVALID_DATA (the body is not a JSON object) or
 * G_IO_ERROR_INVALID_ARGUMENT (a field is wrong), with a Chinese message
 * that names the field. */

/* Parses @data as a JSON object. Returns: (transfer full). */
JsonObject *sh_json_parse_object (const char *data, gsize length, GError **error);

/* Each getter leaves *out untouched when the field is absent and not
 * @required. Strings are trimmed copies (transfer full), at most @max_chars
 * characters; an empty string is treated as absent. */
gboolean sh_json_get_string (JsonObject *obj, const char *field, gboolean required, guint max_chars,
                             char **out, GError **error);
gboolean sh_json_get_int (JsonObject *obj, const char *field, gboolean required, gint64 min,
                          gint64 max, gint64 *out, GError **error);
gboolean sh_json_get_bool (JsonObject *obj, const char *field, gboolean required, gboolean *out,
                           GError **error);
/* An ISO 8601 time with an offset or Z, to UTC microseconds. */
gboolean sh_json_get_time (JsonObject *obj, const char *field, gboolean required, gint64 *out,
                           GError **error);
/* An array of strings. Returns: (transfer full) (element-type utf8) on *out. */
gboolean sh_json_get_string_array (JsonObject *obj, const char *field, guint max_items,
                                   guint max_chars, GPtrArray **out, GError **error);

/* UTC microseconds as "2026-12-01T14:00:00+08:00" in @tz; NULL for 0.
 * Returns: (transfer full). */
char *sh_json_format_time (gint64 utc_us, GTimeZone *tz);

/* Adds @utc_us formatted in @tz, or null when 0. */
void sh_json_builder_add_time (JsonBuilder *b, const char *field, gint64 utc_us, GTimeZone *tz);
/* Adds a string member, or null. */
void sh_json_builder_add_string (JsonBuilder *b, const char *field, const char *value);
/* Adds an integer id member, or null when 0. */
void sh_json_builder_add_id (JsonBuilder *b, const char *field, gint64 id);

/* Serializes @node compactly. Returns: (transfer full). */
char *sh_json_to_string (JsonNode *node);
