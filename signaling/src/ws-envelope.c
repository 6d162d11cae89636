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

#define ID_MAX G_MAXINT64

static const ShWsField join_fields[] = { { "meeting_id", SH_WS_FIELD_INT, FALSE, ID_MAX },
                                         { "token", SH_WS_FIELD_STRING, FALSE, 512 },
                                         { NULL } };
static const ShWsField chat_fields[]
    = { { "text", SH_WS_FIELD_STRING, TRUE, SH_MEETING_CHAT_MAX_CHARS }, { NULL } };
static const ShWsField mute_fields[]
    = { { "audio", SH_WS_FIELD_BOOL, FALSE }, { "video", SH_WS_FIELD_BOOL, FALSE }, { NULL } };
static const ShWsField chair_mute_fields[] = { { "participant", SH_WS_FIELD_INT, TRUE, ID_MAX },
                                               { "audio", SH_WS_FIELD_BOOL, FALSE },
                                               { "video", SH_WS_FIELD_BOOL, FALSE },
                                               { NULL } };
static const ShWsField mute_all_fields[] = { { "audio", SH_WS_FIELD_BOOL, TRUE }, { NULL } };
static const ShWsField remove_fields[] = { { "participant", SH_WS_FIELD_INT, TRUE, ID_MAX },
                                           { "reason", SH_WS_FIELD_STRING, FALSE, 200 },
                                           { NULL } };
static const ShWsField lock_fields[] = { { "locked", SH_WS_FIELD_BOOL, TRUE }, { NULL } };
static const ShWsField lesson_fields[] = { { "enabled", SH_WS_FIELD_BOOL, TRUE }, { NULL } };
static const ShWsField participant_fields[]
    = { { "participant", SH_WS_FIELD_INT, TRUE, ID_MAX }, { NULL } };
static const ShWsField sdp_fields[] = { { "sdp", SH_WS_FIELD_STRING, TRUE, 60 * 1024 }, { NULL } };
static const ShWsField publish_fields[] = { { "sdp", SH_WS_FIELD_STRING, TRUE, 60 * 1024 },
                                            { "screen_mid", SH_WS_FIELD_STRING, FALSE, 16 },
                                            { NULL } };
static const ShWsField receive_fields[] = { { "camera", SH_WS_FIELD_BOOL, TRUE }, { NULL } };
static const ShWsField candidate_fields[] = { { "leg", SH_WS_FIELD_STRING, TRUE, 16 },
                                              { "candidate", SH_WS_FIELD_STRING, FALSE, 1024 },
                                              { NULL } };

static const struct {
  const char *type;
  const ShWsField *fields;
} schemas[] = {
  { "meeting.join", join_fields },
  { "meeting.chat", chat_fields },
  { "meeting.mute", mute_fields },
  { "meeting.chair.mute", chair_mute_fields },
  { "meeting.chair.mute_all", mute_all_fields },
  { "meeting.chair.remove", remove_fields },
  { "meeting.chair.lock", lock_fields },
  { "meeting.chair.lesson_mode", lesson_fields },
  { "meeting.chair.floor.give", participant_fields },
  { "meeting.chair.floor.take", participant_fields },
  { "meeting.publish", publish_fields },
  { "meeting.receive", receive_fields },
  { "meeting.subscribe.answer", sdp_fields },
  { "meeting.candidate", candidate_fields },
};

const ShWsField *
sh_ws_schema (const char *type)
{
  for (gsize i = 0; type && i < G_N_ELEMENTS (schemas); i++)
    if (g_str_equal (schemas[i].type, type))
      return schemas[i].fields;
  return NULL;
}

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
