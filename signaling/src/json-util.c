/* SPDX-License-Identifier: Apache-2.0 */
#include "json-util.h"

#include <math.h>
#include <string.h>
#include <gio/gio.h>

#include "sanhui-minutes.h"

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
 * *i to its last byte; sets *@has_nul for "\u0000". */
static gboolean
check_escape (const char *data, gsize length, gsize *i, gboolean *has_nul, GError **error)
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
  if (unit == 0)
    *has_nul = TRUE;
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
  /* The top-level value has ended: only white space and comments may follow. */
  gboolean ended = FALSE;
  /* The last member name seen, for naming the field of a "\u0000". */
  const char *key = NULL;
  gsize key_len = 0;

  for (gsize i = 0; i < length; i++) {
    char c = data[i];

    if (ended && !g_ascii_isspace (c) && !(c == '/' && i + 1 < length && data[i + 1] == '*')) {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "JSON 格式错误：JSON 值之后还有多余的内容");
      return FALSE;
    }
    if (c == '"' || c == '\'') {
      gsize start = i + 1;
      gboolean has_nul = FALSE;
      gsize next;

      for (i++; i < length && data[i] != c; i++) {
        if (c == '"' && data[i] == '\\' && !check_escape (data, length, &i, &has_nul, error))
          return FALSE;
      }
      /* A string followed by ':' is a member name. */
      for (next = i + 1; next < length && g_ascii_isspace (data[next]); next++)
        ;
      if (next < length && data[next] == ':') {
        key = data + start;
        key_len = MIN (i, length) - start;
      }
      /* json-glib keeps strings as C strings: "a\u0000b" would silently
       * become "a". */
      if (has_nul) {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                     "JSON 格式错误：字段“%.*s%s”含有空字符（\\u0000）", (int) MIN (key_len, 64),
                     key ? key : "", key_len > 64 ? "…" : "");
        return FALSE;
      }
      ended = depth == 0;
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
      ended = depth == 0;
    } else if (g_ascii_isalpha (c) || c == '_') {
      /* true, false, null: letters and digits that are no number */
      while (i + 1 < length && (g_ascii_isalnum (data[i + 1]) || data[i + 1] == '_'))
        i++;
      ended = depth == 0;
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
      ended = depth == 0;
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

/* The characters every string of a request may hold (sh_text_check()):
 * no control characters but tab and line breaks, no bidirectional
 * overrides. Names and titles are held to one line by their validators. */
static gboolean
check_chars (const char *field, const char *value, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autofree char *label = g_strdup_printf ("字段“%s”", field);

  if (sh_text_check (value, label, SH_TEXT_MULTILINE | SH_TEXT_ALLOW_CR, &local_error))
    return TRUE;
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, local_error->message);
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
  if (!check_chars (field, value, error))
    return FALSE;
  if (value[0] == '\0') {
    if (required) {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "字段“%s”不能为空", field);
      return FALSE;
    }
    return TRUE;
  }
  /* Zero-width spaces and the like look empty but are not "" to a program:
   * such a value would be a name nobody can see. */
  if (sh_text_is_blank (value)) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                 required ? "字段“%s”不能为空" : "字段“%s”不能只有空白或不可见字符", field);
    return FALSE;
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

/* What parse_rfc3339() answers when @text is not in the format at all. */
static const char BAD_SYNTAX[] = "syntax";

/* Reads @n digits at *@p as a number, moving *@p past them; -1 when they
 * are not all digits. */
static int
read_digits (const char **p, int n)
{
  int value = 0;

  for (int k = 0; k < n; k++) {
    if (!g_ascii_isdigit ((*p)[k]))
      return -1;
    value = value * 10 + ((*p)[k] - '0');
  }
  *p += n;
  return value;
}

/* RFC 3339 date-time: "YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)"
 * ('T' or a space). Every part is checked for range instead of being
 * clamped or carried over as GDateTime does (second 60 became :59): a
 * leap second, 24:00, 2 月 30 日 and an offset of 24 hours are refused.
 * Returns NULL on success, else what is wrong, for the message. */
static const char *
parse_rfc3339 (const char *text, gint64 *out_us)
{
  const char *p = text;
  int year, month, day, hour, minute, second, off_h = 0, off_m = 0, sign = 0;
  gint64 micro = 0;
  g_autoptr (GDate) date = NULL;
  gint64 days;

  year = read_digits (&p, 4);
  if (year < 0 || *p++ != '-' || (month = read_digits (&p, 2)) < 0 || *p++ != '-'
      || (day = read_digits (&p, 2)) < 0 || (*p != 'T' && *p != ' '))
    return BAD_SYNTAX;
  p++;
  if ((hour = read_digits (&p, 2)) < 0 || *p++ != ':' || (minute = read_digits (&p, 2)) < 0
      || *p++ != ':' || (second = read_digits (&p, 2)) < 0)
    return BAD_SYNTAX;
  if (*p == '.') {
    int n = 0;

    for (p++; g_ascii_isdigit (*p); p++, n++) {
      if (n < 6)
        micro = micro * 10 + (*p - '0');
    }
    if (n == 0 || n > 9)
      return BAD_SYNTAX;
    for (; n < 6; n++)
      micro *= 10;
  }
  if (*p == 'Z') {
    p++;
  } else if (*p == '+' || *p == '-') {
    sign = *p++ == '+' ? 1 : -1;
    if ((off_h = read_digits (&p, 2)) < 0 || *p++ != ':' || (off_m = read_digits (&p, 2)) < 0)
      return BAD_SYNTAX;
  } else {
    return BAD_SYNTAX;
  }
  if (*p != '\0')
    return BAD_SYNTAX;
  if (year < 1 || month < 1 || month > 12 || day < 1
      || day > g_date_get_days_in_month ((GDateMonth) month, (GDateYear) year))
    return "日期不存在";
  if (hour > 23 || minute > 59 || second > 59)
    return "时刻不存在（时 00–23，分、秒 00–59）";
  if (off_h > 23 || off_m > 59)
    return "时区偏移无效";
  date = g_date_new_dmy ((GDateDay) day, (GDateMonth) month, (GDateYear) year);
  /* Days since 1970-01-01 (Julian day 719163 in GDate's count). */
  days = (gint64) g_date_get_julian (date) - 719163;
  *out_us = ((days * 86400 + hour * 3600 + minute * 60 + second)
             - sign * (gint64) (off_h * 3600 + off_m * 60))
                * G_USEC_PER_SEC
            + micro;
  return NULL;
}

gboolean
sh_json_get_time (JsonObject *obj, const char *field, gboolean required, gint64 *out,
                  GError **error)
{
  g_autofree char *text = NULL;
  const char *problem;
  gint64 utc_us = 0;

  if (!sh_json_get_string (obj, field, required, 64, &text, error))
    return FALSE;
  if (!text)
    return TRUE;
  /* Without an explicit offset the meaning would depend on the server's
   * zone, so a bare local time is refused. */
  problem = parse_rfc3339 (text, &utc_us);
  if (problem == BAD_SYNTAX) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                 "字段“%s”应为带时区的 ISO 8601 时间，例如 2026-12-01T14:00:00+08:00", field);
    return FALSE;
  }
  if (problem) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "字段“%s”的时间“%s”无效：%s",
                 field, text, problem);
    return FALSE;
  }
  /* 0 stands for "no time" everywhere, and a time that GDateTime cannot
   * show in every zone (years 1 to 9999) would be stored but come back as
   * null: both ends are refused. */
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
    if (!check_chars (field, text, error))
      return FALSE;
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
