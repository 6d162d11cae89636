/* SPDX-License-Identifier: Apache-2.0 */
#include "ws-envelope.h"

#include <gio/gio.h>

#include "json-util.h"

static gboolean
id_valid (JsonNode *id)
{
  GType type;

  if (!JSON_NODE_HOLDS_VALUE (id))
    return FALSE;
  type = json_node_get_value_type (id);
  if (type == G_TYPE_INT64)
    return TRUE;
  /* A double would come back in another spelling (1e40 as 1e+40.0). */
  return type == G_TYPE_STRING
         && g_utf8_strlen (json_node_get_string (id), -1) <= SH_WS_MAX_ID_CHARS;
}

gboolean
sh_ws_envelope_parse (const char *data, gsize length, ShWsEnvelope *e, const char **error_code,
                      GError **error)
{
  JsonNode *payload;

  memset (e, 0, sizeof *e);
  e->envelope = sh_json_parse_object (data, length, error);
  if (!e->envelope) {
    *error_code = "invalid_json";
    return FALSE;
  }
  *error_code = "bad_request";
  e->id = json_object_get_member (e->envelope, "id");
  if (e->id && !id_valid (e->id)) {
    e->id = NULL;
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                 "字段“id”应为字符串（最多 %d 个字符）或整数", SH_WS_MAX_ID_CHARS);
    return FALSE;
  }
  if (!sh_json_get_string (e->envelope, "type", TRUE, SH_WS_MAX_TYPE_CHARS, &e->type, error))
    return FALSE;
  payload = json_object_get_member (e->envelope, "payload");
  if (payload && !JSON_NODE_HOLDS_OBJECT (payload) && !JSON_NODE_HOLDS_NULL (payload)) {
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                         "字段“payload”应为 JSON 对象");
    return FALSE;
  }
  e->payload = payload && JSON_NODE_HOLDS_OBJECT (payload)
                   ? json_object_ref (json_node_get_object (payload))
                   : json_object_new ();
  return TRUE;
}

void
sh_ws_envelope_clear (ShWsEnvelope *e)
{
  g_clear_pointer (&e->envelope, json_object_unref);
  g_clear_pointer (&e->payload, json_object_unref);
  g_clear_pointer (&e->type, g_free);
  e->id = NULL;
}

char *
sh_ws_envelope_build (const char *type, JsonNode *id, JsonNode *payload)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;

  json_builder_begin_object (b);
  sh_json_builder_add_string (b, "type", type);
  if (id) {
    json_builder_set_member_name (b, "id");
    json_builder_add_value (b, json_node_copy (id));
  }
  json_builder_set_member_name (b, "payload");
  if (payload) {
    json_builder_add_value (b, json_node_copy (payload));
  } else {
    json_builder_begin_object (b);
    json_builder_end_object (b);
  }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return sh_json_to_string (root);
}

/* ------------------------------------------------------ payload schemas */

gboolean
sh_ws_payload_valid (JsonObject *payload, const ShWsField *fields, GError **error)
{
  for (const ShWsField *f = fields; f && f->name; f++) {
    g_autofree char *s = NULL;
    gint64 i;
    gboolean b;
    gboolean ok;

    switch (f->type) {
      case SH_WS_FIELD_STRING:
        ok = sh_json_get_string (payload, f->name, f->required, (guint) f->max, &s, error);
        break;
      case SH_WS_FIELD_INT:
        ok = sh_json_get_int (payload, f->name, f->required, 1, f->max, &i, error);
        break;
      case SH_WS_FIELD_BOOL:
      default:
        ok = sh_json_get_bool (payload, f->name, f->required, &b, error);
        break;
    }
    if (!ok)
      return FALSE;
  }
  return TRUE;
}
