/* SPDX-License-Identifier: Apache-2.0 */
#include "json-util.h"

#include <math.h>
#include <string.h>
#include <gio/gio.h>

/* Requests nest two or three levels; this leaves room for any future one. */
#define MAX_DEPTH 64
/* 9999-01-01T00:00:00Z in microseconds. */
#define MAX_TIME_US (G_GINT64_CONSTANT (253370764800) * G_USEC_PER_SEC)

/* Whether @s (@len bytes) is a number of the JSON grammar (RFC 8259 §6);
 * @integral tells whether it has neither fraction nor exponent. */
static gboolean
is_json_number (const char *s, gsize len, gboolean *integral)
{
  gsize i = 0;

  *integral = TRUE;
  if (i < len && s[i] == '-')
    i++;
  if (i >= len || !g_ascii_isdigit (s[i]))
    return FALSE;
  if (s[i] == '0')
    i++;
  else
    while (i < len && g_ascii_isdigit (s[i]))
      i++;
  if (i < len && s[i] == '.') {
    *integral = FALSE;
    if (++i >= len || !g_ascii_isdigit (s[i]))
      return FALSE;
    while (i < len && g_ascii_isdigit (s[i]))
      i++;
  }
  if (i < len && (s[i] == 'e' || s[i] == 'E')) {
    *integral = FALSE;
    if (++i < len && (s[i] == '+' || s[i] == '-'))
      i++;
    if (i >= len || !g_ascii_isdigit (s[i]))
      return FALSE;
    while (i < len && g_ascii_isdigit (s[i]))
      i++;
  }
  return i == len;
}

static gboolean
number_error (const char *s, gsize len, const char *problem, GError **error)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "JSON 格式错误：数字“%.*s%s”%s",
               (int) MIN (len, 32), s, len > 32 ? "…" : "", problem);
  return FALSE;
}

static gboolean
escape_error (GError **error)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "JSON 格式错误：字符串中有无效的转义序列");
  return FALSE;
}

/* The code unit of "\uXXXX" at @s, or -1. */
static int
read_u_escape (const char *s, gsize avail)
{
  int value = 0;

  if (avail < 6 || s[0] != '\\' || s[1] != 'u')
    return -1;
  for (int k = 2; k < 6; k++) {
    if (!g_ascii_isxdigit (s[k]))
      return -1;
    value = value * 16 + g_ascii_xdigit_value (s[k]);
  }
  return value;
}

/* Checks the escape at data[*i] (a backslash in a "..." string) and moves
 * *i to its last byte. */
static gboolean
check_escape (const char *data, gsize length, gsize *i, GError **error)
{
  int unit;

  /* Unterminated: the parser reports it. */
  if (*i + 1 >= length)
    return TRUE;
  if (data[*i + 1] != 'u') {
    if (data[*i + 1] == '\0' || !strchr ("\"\\/bfnrt", data[*i + 1]))
      return escape_error (error);
    *i += 1;
    return TRUE;
  }
  unit = read_u_escape (data + *i, length - *i);
  if (unit < 0 || (unit >= 0xdc00 && unit <= 0xdfff))
    return escape_error (error);
  if (unit >= 0xd800 && unit <= 0xdbff) {
    /* A high surrogate needs its low one. */
    int low = read_u_escape (data + *i + 6, length - *i - 6);

    if (low < 0xdc00 || low > 0xdfff)
      return escape_error (error);
    *i += 6;
  }
  *i += 5;
  return TRUE;
}

/* json-glib 1.6 parses nested arrays and objects by recursion without a
 * limit (a 1 MiB body of brackets overflows the stack), silently wraps
 * integers beyond 64 bits (18446744073709551617 reads as 1), reads 1e400
 * as infinity (which its generator then writes as "inf.0", not JSON), and
 * takes 012 as octal and 0x10 as hex; it also reads "\u4g" as U+4000 and
 * can turn a malformed \u escape into invalid UTF-8. So the text is checked first, split
 * into tokens as json-glib's scanner splits it: "..." strings with
 * backslash escapes, '...' strings without, and comments. */
static gboolean
check_text (const char *data, gsize length, GError **error)
{
  guint depth = 0;

  for (gsize i = 0; i < length; i++) {
    char c = data[i];

    if (c == '"' || c == '\'') {
      for (i++; i < length && data[i] != c; i++) {
        if (c == '"' && data[i] == '\\' && !check_escape (data, length, &i, error))
          return FALSE;
      }
    } else if (c == '/' && i + 1 < length && data[i + 1] == '*') {
      const char *end = g_strstr_len (data + i + 2, (gssize) (length - i - 2), "*/");

      /* Unterminated: the parser reports it. */
      if (!end)
        return TRUE;
      i = (gsize) (end - data) + 1;
    } else if (c == '[' || c == '{') {
      if (++depth > MAX_DEPTH) {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "JSON 格式错误：嵌套超过 %d 层",
                     MAX_DEPTH);
        return FALSE;
      }
    } else if (c == ']' || c == '}') {
      if (depth > 0)
        depth--;
    } else if (g_ascii_isalpha (c) || c == '_') {
      /* true, false, null: letters and digits that are no number */
      while (i + 1 < length && (g_ascii_isalnum (data[i + 1]) || data[i + 1] == '_'))
        i++;
    } else if (g_ascii_isdigit (c) || c == '-' || c == '.') {
      const char *start = data + i;
      gsize len = 1;
      gboolean integral;

      while (i + len < length
             && (g_ascii_isalnum (start[len]) || start[len] == '.'
                 || ((start[len] == '+' || start[len] == '-')
                     && (start[len - 1] == 'e' || start[len - 1] == 'E'))))
        len++;
      i += len - 1;
      if (!is_json_number (start, len, &integral))
        return number_error (start, len, "不符合 JSON 格式", error);
      if (integral) {
        g_autofree char *text = g_strndup (start, len);

        if (!g_ascii_string_to_signed (text, 10, G_MININT64, G_MAXINT64, NULL, NULL))
          return number_error (start, len, "超出范围", error);
      } else {
        g_autofree char *text = g_strndup (start, len);

        if (!isfinite (g_ascii_strtod (text, NULL)))
          return number_error (start, len, "超出范围", error);
      }
    }
  }
  return TRUE;
}

JsonObject *
sh_json_parse_object (const char *data, gsize length, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  g_autoptr (GError) local_error = NULL;
  JsonNode *root;

  if (!data || length == 0) {
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                         "请求内容为空，需要 JSON 对象");
    return NULL;
  }
  if (!g_utf8_validate_len (data, length, NULL)) {
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                         "请求内容不是有效的 UTF-8 文本");
    return NULL;
  }
  if (!check_text (data, length, error))
    return NULL;
  if (!json_parser_load_from_data (parser, data, (gssize) length, &local_error)) {
    /* json-glib quotes the input in its messages, invalid bytes and all;
     * the message goes back to the client in JSON, which must be UTF-8. */
    g_autofree char *reason = g_utf8_make_valid (local_error->message, -1);

    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "JSON 格式错误：%s", reason);
    return NULL;
  }
  root = json_parser_get_root (parser);
  if (!root || !JSON_NODE_HOLDS_OBJECT (root)) {
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "请求内容必须是 JSON 对象");
    return NULL;
  }
  return json_object_ref (json_node_get_object (root));
}

/* The member's node when present and not null; NULL otherwise. */
static JsonNode *
get_member (JsonObject *obj, const char *field, gboolean required, GError **error)
{
  JsonNode *node = json_object_get_member (obj, field);

  if (node && !JSON_NODE_HOLDS_NULL (node))
    return node;
  if (required)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "缺少字段“%s”", field);
  return NULL;
}

static gboolean
wrong_type (const char *field, const char *expected, GError **error)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "字段“%s”应为%s", field, expected);
  return FALSE;
}

gboolean
sh_json_get_string (JsonObject *obj, const char *field, gboolean required, guint max_chars,
                    char **out, GError **error)
{
  g_autofree char *value = NULL;
  JsonNode *node = get_member (obj, field, required, error);

  if (!node)
    return !required;
  if (JSON_NODE_TYPE (node) != JSON_NODE_VALUE || json_node_get_value_type (node) != G_TYPE_STRING)
    return wrong_type (field, "字符串", error);
  value = g_strstrip (g_strdup (json_node_get_string (node)));
  if (value[0] == '\0') {
    if (required) {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "字段“%s”不能为空", field);
      return FALSE;
    }
    return TRUE;
  }
  if (g_utf8_strlen (value, -1) > (glong) max_chars) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "字段“%s”过长（最多 %u 个字符）",
                 field, max_chars);
    return FALSE;
  }
  g_free (*out);
  *out = g_steal_pointer (&value);
  return TRUE;
}

gboolean
sh_json_get_int (JsonObject *obj, const char *field, gboolean required, gint64 min, gint64 max,
                 gint64 *out, GError **error)
{
  JsonNode *node = get_member (obj, field, required, error);
  gint64 value;

  if (!node)
    return !required;
  if (JSON_NODE_TYPE (node) != JSON_NODE_VALUE || json_node_get_value_type (node) != G_TYPE_INT64)
    return wrong_type (field, "整数", error);
  value = json_node_get_int (node);
  if (value < min || value > max) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                 "字段“%s”超出范围（%" G_GINT64_FORMAT "–%" G_GINT64_FORMAT "）", field, min, max);
    return FALSE;
  }
  *out = value;
  return TRUE;
}

gboolean
sh_json_get_bool (JsonObject *obj, const char *field, gboolean required, gboolean *out,
                  GError **error)
{
  JsonNode *node = get_member (obj, field, required, error);

  if (!node)
    return !required;
  if (JSON_NODE_TYPE (node) != JSON_NODE_VALUE || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return wrong_type (field, "布尔值（true/false）", error);
  *out = json_node_get_boolean (node);
  return TRUE;
}

gboolean
sh_json_get_time (JsonObject *obj, const char *field, gboolean required, gint64 *out,
                  GError **error)
{
  g_autofree char *text = NULL;
  g_autoptr (GDateTime) dt = NULL;
  gint64 utc_us;

  if (!sh_json_get_string (obj, field, required, 64, &text, error))
    return FALSE;
  if (!text)
    return TRUE;
  /* Without an explicit offset the meaning would depend on the server's
   * zone, so a bare local time is refused. */
  dt = g_date_time_new_from_iso8601 (text, NULL);
  if (!dt) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                 "字段“%s”应为带时区的 ISO 8601 时间，例如 2026-12-01T14:00:00+08:00", field);
    return FALSE;
  }
  /* 0 stands for "no time" everywhere, and a time that GDateTime cannot
   * show in every zone (years 1 to 9999) would be stored but come back as
   * null: both ends are refused. */
  utc_us = g_date_time_to_unix (dt) * G_USEC_PER_SEC + g_date_time_get_microsecond (dt);
  if (utc_us <= 0 || utc_us >= MAX_TIME_US) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                 "字段“%s”超出范围（1970 至 9998 年）", field);
    return FALSE;
  }
  *out = utc_us;
  return TRUE;
}

gboolean
sh_json_get_string_array (JsonObject *obj, const char *field, guint max_items, guint max_chars,
                          GPtrArray **out, GError **error)
{
  g_autoptr (GPtrArray) items = NULL;
  JsonNode *node = get_member (obj, field, FALSE, error);
  JsonArray *array;

  if (!node)
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return wrong_type (field, "字符串数组", error);
  array = json_node_get_array (node);
  if (json_array_get_length (array) > max_items) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "字段“%s”最多 %u 项", field,
                 max_items);
    return FALSE;
  }
  items = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < json_array_get_length (array); i++) {
    JsonNode *item = json_array_get_element (array, i);
    const char *text;

    if (JSON_NODE_TYPE (item) != JSON_NODE_VALUE
        || json_node_get_value_type (item) != G_TYPE_STRING)
      return wrong_type (field, "字符串数组", error);
    text = json_node_get_string (item);
    if (g_utf8_strlen (text, -1) > (glong) max_chars) {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "字段“%s”的第 %u 项过长（最多 %u 个字符）", field, i + 1, max_chars);
      return FALSE;
    }
    g_ptr_array_add (items, g_strstrip (g_strdup (text)));
  }
  if (*out)
    g_ptr_array_unref (*out);
  *out = g_steal_pointer (&items);
  return TRUE;
}

char *
sh_json_format_time (gint64 utc_us, GTimeZone *tz)
{
  g_autoptr (GDateTime) utc = NULL;
  g_autoptr (GDateTime) local = NULL;

  if (utc_us == 0)
    return NULL;
  utc = g_date_time_new_from_unix_utc (utc_us / G_USEC_PER_SEC);
  if (!utc)
    return NULL;
  local = g_date_time_to_timezone (utc, tz);
  return g_date_time_format (local, "%Y-%m-%dT%H:%M:%S%:z");
}

void
sh_json_builder_add_time (JsonBuilder *b, const char *field, gint64 utc_us, GTimeZone *tz)
{
  g_autofree char *text = sh_json_format_time (utc_us, tz);

  sh_json_builder_add_string (b, field, text);
}

void
sh_json_builder_add_string (JsonBuilder *b, const char *field, const char *value)
{
  json_builder_set_member_name (b, field);
  if (value)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

void
sh_json_builder_add_id (JsonBuilder *b, const char *field, gint64 id)
{
  json_builder_set_member_name (b, field);
  if (id)
    json_builder_add_int_value (b, id);
  else
    json_builder_add_null_value (b);
}

char *
sh_json_to_string (JsonNode *node)
{
  g_autoptr (JsonGenerator) gen = json_generator_new ();

  json_generator_set_root (gen, node);
  return json_generator_to_data (gen, NULL);
}
