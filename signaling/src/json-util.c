/* SPDX-License-Identifier: Apache-2.0 */
#include "json-util.h"

#include <gio/gio.h>

JsonObject *
sh_json_parse_object (const char *data, gsize length, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  g_autoptr (GError) local_error = NULL;
  JsonNode *root;

  if (!data || length == 0) {
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "请求内容为空，需要 JSON 对象");
    return NULL;
  }
  if (!g_utf8_validate_len (data, length, NULL)) {
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "请求内容不是有效的 UTF-8 文本");
    return NULL;
  }
  if (!json_parser_load_from_data (parser, data, (gssize) length, &local_error)) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "JSON 格式错误：%s",
                 local_error->message);
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
  if (JSON_NODE_TYPE (node) != JSON_NODE_VALUE
      || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
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
  *out = g_date_time_to_unix (dt) * G_USEC_PER_SEC + g_date_time_get_microsecond (dt);
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
