/* Canonical JSON, RFC 8785: see canonical-json.h. json-glib keeps an
 * object's members in a hash table (a repeated name keeps the last value),
 * so the only order is the one this file imposes.
 * SPDX-License-Identifier: Apache-2.0 */
#include "canonical-json.h"

#include <string.h>

#define MAX_SAFE_INTEGER G_GINT64_CONSTANT (9007199254740991) /* 2^53 − 1 */
#define MAX_DEPTH 64

static gboolean
refuse (GError **error, const char *path, const char *why)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: %s", path[0] ? path : "$", why);
  return FALSE;
}

static gboolean
append_string (GString *out, const char *s, const char *path, GError **error)
{
  if (!g_utf8_validate (s, -1, NULL))
    return refuse (error, path, "text is not UTF-8");
  g_string_append_c (out, '"');
  for (const guchar *p = (const guchar *) s; *p; p++) {
    switch (*p) {
      case '"':
        g_string_append (out, "\\\"");
        break;
      case '\\':
        g_string_append (out, "\\\\");
        break;
      case '\b':
        g_string_append (out, "\\b");
        break;
      case '\f':
        g_string_append (out, "\\f");
        break;
      case '\n':
        g_string_append (out, "\\n");
        break;
      case '\r':
        g_string_append (out, "\\r");
        break;
      case '\t':
        g_string_append (out, "\\t");
        break;
      default:
        if (*p < 0x20)
          g_string_append_printf (out, "\\u%04x", *p);
        else
          g_string_append_c (out, (char) *p);
    }
  }
  g_string_append_c (out, '"');
  return TRUE;
}

/* Orders member names by their UTF-16 code units, as RFC 8785 §3.2.3 asks
 * (this differs from code point order only above U+FFFF against
 * U+E000..U+FFFF). Names were checked to be UTF-8 before sorting. */
static gint
compare_utf16 (gconstpointer a, gconstpointer b)
{
  const char *x = *(const char *const *) a, *y = *(const char *const *) b;
  g_autofree gunichar2 *ux = g_utf8_to_utf16 (x, -1, NULL, NULL, NULL);
  g_autofree gunichar2 *uy = g_utf8_to_utf16 (y, -1, NULL, NULL, NULL);
  gsize i = 0;

  while (ux[i] && ux[i] == uy[i])
    i++;
  return (gint) ux[i] - (gint) uy[i];
}

static gboolean append_node (GString *out, JsonNode *node, GString *path, guint depth,
                             GError **error);

static gboolean
append_object (GString *out, JsonObject *object, GString *path, guint depth, GError **error)
{
  g_autoptr (GList) members = json_object_get_members (object);
  g_autoptr (GPtrArray) names = g_ptr_array_new ();
  gsize path_len = path->len;

  for (GList *l = members; l; l = l->next) {
    if (!g_utf8_validate (l->data, -1, NULL))
      return refuse (error, path->str, "a member name is not UTF-8");
    g_ptr_array_add (names, l->data);
  }
  g_ptr_array_sort (names, compare_utf16);
  g_string_append_c (out, '{');
  for (guint i = 0; i < names->len; i++) {
    const char *name = names->pdata[i];
    if (i > 0)
      g_string_append_c (out, ',');
    append_string (out, name, path->str, NULL);
    g_string_append_c (out, ':');
    g_string_append_printf (path, ".%s", name);
    if (!append_node (out, json_object_get_member (object, name), path, depth + 1, error))
      return FALSE;
    g_string_truncate (path, path_len);
  }
  g_string_append_c (out, '}');
  return TRUE;
}

static gboolean
append_array (GString *out, JsonArray *array, GString *path, guint depth, GError **error)
{
  gsize path_len = path->len;

  g_string_append_c (out, '[');
  for (guint i = 0; i < json_array_get_length (array); i++) {
    if (i > 0)
      g_string_append_c (out, ',');
    g_string_append_printf (path, "[%u]", i);
    if (!append_node (out, json_array_get_element (array, i), path, depth + 1, error))
      return FALSE;
    g_string_truncate (path, path_len);
  }
  g_string_append_c (out, ']');
  return TRUE;
}

static gboolean
append_value (GString *out, JsonNode *node, const char *path, GError **error)
{
  gint64 v;

  switch (json_node_get_value_type (node)) {
    case G_TYPE_INT64:
      v = json_node_get_int (node);
      if (v > MAX_SAFE_INTEGER || v < -MAX_SAFE_INTEGER)
        return refuse (error, path, "an integer beyond ±(2^53 − 1) has no exact JSON number");
      g_string_append_printf (out, "%" G_GINT64_FORMAT, v);
      return TRUE;
    case G_TYPE_BOOLEAN:
      g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
      return TRUE;
    case G_TYPE_STRING:
      return append_string (out, json_node_get_string (node), path, error);
    default:
      return refuse (error, path, "only integers, text and booleans are kept in a record");
  }
}

static gboolean
append_node (GString *out, JsonNode *node, GString *path, guint depth, GError **error)
{
  if (depth > MAX_DEPTH)
    return refuse (error, path->str, "nested too deeply");
  switch (JSON_NODE_TYPE (node)) {
    case JSON_NODE_OBJECT:
      return append_object (out, json_node_get_object (node), path, depth, error);
    case JSON_NODE_ARRAY:
      return append_array (out, json_node_get_array (node), path, depth, error);
    case JSON_NODE_NULL:
      g_string_append (out, "null");
      return TRUE;
    case JSON_NODE_VALUE:
      return append_value (out, node, path->str, error);
  }
  return refuse (error, path->str, "unknown node");
}

GBytes *
sh_canonical_json (JsonNode *node, GError **error)
{
  g_autoptr (GString) out = g_string_new (NULL);
  g_autoptr (GString) path = g_string_new (NULL);

  g_return_val_if_fail (node != NULL, NULL);
  if (!append_node (out, node, path, 0, error))
    return NULL;
  return g_string_free_to_bytes (g_steal_pointer (&out));
}
