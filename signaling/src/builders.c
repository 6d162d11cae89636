/* The JSON objects shared by REST replies and WebSocket messages.
 * SPDX-License-Identifier: Apache-2.0 */
#include "builders.h"

void
sh_build_me (JsonBuilder *b, const ShAccount *account, GArray *roles, const char *csrf)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "account");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_int_value (b, account->id);
  sh_json_builder_add_string (b, "login", account->login);
  sh_json_builder_add_string (b, "display_name", account->display_name);
  sh_json_builder_add_id (b, "member_id", account->member_id);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "roles");
  json_builder_begin_array (b);
  for (guint i = 0; roles && i < roles->len; i++) {
    const ShRoleGrant *g = &g_array_index (roles, ShRoleGrant, i);
    json_builder_begin_object (b);
    sh_json_builder_add_string (b, "role", sh_role_to_string (g->role));
    sh_json_builder_add_id (b, "org_id", g->org_id);
    json_builder_end_object (b);
  }
  json_builder_end_array (b);
  sh_json_builder_add_string (b, "csrf_token", csrf);
  json_builder_end_object (b);
}

void
sh_build_meeting (ShServer *server, JsonBuilder *b, const ShMeeting *m)
{
  GTimeZone *tz = server->tz;
  g_autoptr (ShOrg) org = sh_org_get (server->store, m->org_id, NULL);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_int_value (b, m->id);
  sh_json_builder_add_id (b, "org_id", m->org_id);
  sh_json_builder_add_string (b, "org_name", org ? org->name : NULL);
  sh_json_builder_add_string (b, "type", sh_meeting_type_to_string (m->type));
  sh_json_builder_add_string (b, "type_label", sh_meeting_type_label (m->type));
  sh_json_builder_add_string (b, "title", m->title);
  sh_json_builder_add_time (b, "planned_start", m->planned_start, tz);
  sh_json_builder_add_time (b, "planned_end", m->planned_end, tz);
  sh_json_builder_add_string (b, "place", m->place);
  sh_json_builder_add_id (b, "chair_member_id", m->chair_member_id);
  sh_json_builder_add_id (b, "delegated_by_member_id", m->delegated_by_member_id);
  sh_json_builder_add_string (b, "delegation_note", m->delegation_note);
  sh_json_builder_add_id (b, "recorder_member_id", m->recorder_member_id);
  sh_json_builder_add_id (b, "lecturer_member_id", m->lecturer_member_id);
  sh_json_builder_add_string (b, "lecturer_name", m->lecturer_name);
  sh_json_builder_add_string (b, "topic", m->topic);
  sh_json_builder_add_string (b, "state", sh_meeting_state_to_string (m->state));
  sh_json_builder_add_string (b, "state_label", sh_meeting_state_label (m->state));
  sh_json_builder_add_string (b, "cancel_reason", m->cancel_reason);
  json_builder_set_member_name (b, "agenda");
  json_builder_begin_array (b);
  for (guint i = 0; m->agenda && i < m->agenda->len; i++)
    json_builder_add_string_value (b, g_ptr_array_index (m->agenda, i));
  json_builder_end_array (b);
  json_builder_end_object (b);
}
