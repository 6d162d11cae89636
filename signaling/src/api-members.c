/* One member: reading, changing, and exclusions from the expected count.
 * SPDX-License-Identifier: Apache-2.0 */
#include "server-private.h"

void
sh_build_member (ShRequest *req, JsonBuilder *b, const ShMember *m, gint64 branch_id)
{
  ShStore *store = req->server->store;
  g_autoptr (GPtrArray) posts = sh_post_list (store, m->branch_id, NULL);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_int_value (b, m->id);
  sh_json_builder_add_id (b, "branch_id", m->branch_id);
  sh_json_builder_add_string (b, "name", m->name);
  sh_json_builder_add_string (b, "phone", m->phone);
  sh_json_builder_add_string (b, "status", sh_member_status_to_string (m->status));
  json_builder_set_member_name (b, "under_probation");
  json_builder_add_boolean_value (b, m->under_probation);
  json_builder_set_member_name (b, "migrant");
  json_builder_add_boolean_value (b, m->migrant);
  sh_json_builder_add_id (b, "current_branch_id", m->current_branch_id);
  sh_json_builder_add_string (b, "joined_on", m->joined_on);
  json_builder_set_member_name (b, "active");
  json_builder_add_boolean_value (b, m->active);
  json_builder_set_member_name (b, "has_vote");
  json_builder_add_boolean_value (b, sh_rules_has_vote (m, branch_id));
  json_builder_set_member_name (b, "excluded");
  json_builder_add_boolean_value (b, sh_member_is_excluded_at (store, m->id, g_get_real_time ()));
  json_builder_set_member_name (b, "posts");
  json_builder_begin_array (b);
  for (guint i = 0; posts && i < posts->len; i++) {
    const ShPostHolder *p = g_ptr_array_index (posts, i);
    if (p->member_id == m->id)
      json_builder_add_string_value (b, sh_post_to_string (p->post));
  }
  json_builder_end_array (b);
  json_builder_end_object (b);
}

gboolean
sh_read_member_input (JsonObject *body, ShMember *m, GError **error)
{
  g_autofree char *status = NULL;

  if (!sh_json_get_string (body, "name", FALSE, 50, &m->name, error)
      || !sh_json_get_string (body, "phone", FALSE, 20, &m->phone, error)
      || !sh_json_get_string (body, "status", FALSE, 20, &status, error)
      || !sh_json_get_bool (body, "under_probation", FALSE, &m->under_probation, error)
      || !sh_json_get_bool (body, "migrant", FALSE, &m->migrant, error)
      || !sh_json_get_int (body, "current_branch_id", FALSE, 0, G_MAXINT64, &m->current_branch_id,
                           error)
      || !sh_json_get_string (body, "joined_on", FALSE, 10, &m->joined_on, error))
    return FALSE;
  if (status && !sh_member_status_from_string (status, &m->status)) {
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                         "字段“status”应为 full（正式党员）或 probationary（预备党员）");
    return FALSE;
  }
  return TRUE;
}

/* Loads the member of the first path id; the caller may @perm on its branch,
 * or @self_ok and it is the caller's own record. Replies on failure. */
static ShMember *
member_for_request (ShRequest *req, ShPermission perm, gboolean self_ok)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShMember) member = sh_member_get (req->server->store, req->ids[0], &error);

  if (!member) {
    sh_reply_gerror (req, error);
    return NULL;
  }
  if (!(self_ok && req->auth.account->member_id == member->id)
      && !sh_authz_check (req->server->store, req->auth.roles, perm, member->branch_id)) {
    sh_reply_forbidden (req);
    return NULL;
  }
  return g_steal_pointer (&member);
}

static void
handle_get_member (ShRequest *req)
{
  g_autoptr (ShMember) member = member_for_request (req, SH_PERM_READ_ROSTER, TRUE);
  g_autoptr (JsonBuilder) b = json_builder_new ();

  if (!member)
    return;
  sh_build_member (req, b, member, member->branch_id);
  sh_reply_builder (req, SOUP_STATUS_OK, b);
}

static void
handle_update_member (ShRequest *req)
{
  g_autoptr (ShMember) member = member_for_request (req, SH_PERM_MANAGE_BRANCH, FALSE);
  g_autoptr (ShMember) stored = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();

  if (!member)
    return;
  if (!sh_read_member_input (req->body, member, &error)
      || !sh_json_get_bool (req->body, "active", FALSE, &member->active, &error)
      || !sh_member_update (req->server->store, member, &error)
      || !(stored = sh_member_get (req->server->store, member->id, &error))) {
    sh_reply_gerror (req, error);
    return;
  }
  sh_build_member (req, b, stored, stored->branch_id);
  sh_reply_builder (req, SOUP_STATUS_OK, b);
}

static void
build_exclusion (ShRequest *req, JsonBuilder *b, const ShExclusion *e)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_int_value (b, e->id);
  sh_json_builder_add_string (b, "reason", sh_exclusion_reason_to_string (e->reason));
  sh_json_builder_add_string (b, "reason_label", sh_exclusion_reason_label (e->reason));
  sh_json_builder_add_string (b, "approver", e->approver);
  sh_json_builder_add_string (b, "note", e->note);
  sh_json_builder_add_time (b, "starts_at", e->starts_at, req->server->tz);
  sh_json_builder_add_time (b, "ends_at", e->ends_at, req->server->tz);
  json_builder_end_object (b);
}

static void
handle_list_exclusions (ShRequest *req)
{
  g_autoptr (ShMember) member = member_for_request (req, SH_PERM_READ_ROSTER, FALSE);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();

  if (!member)
    return;
  list = sh_exclusion_list (req->server->store, member->id, &error);
  if (!list) {
    sh_reply_gerror (req, error);
    return;
  }
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "exclusions");
  json_builder_begin_array (b);
  for (guint i = 0; i < list->len; i++)
    build_exclusion (req, b, g_ptr_array_index (list, i));
  json_builder_end_array (b);
  json_builder_end_object (b);
  sh_reply_builder (req, SOUP_STATUS_OK, b);
}

static void
handle_create_exclusion (ShRequest *req)
{
  g_autoptr (ShMember) member = member_for_request (req, SH_PERM_MANAGE_BRANCH, FALSE);
  g_autoptr (GError) error = NULL;
  g_autofree char *reason = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (ShExclusion) e = g_new0 (ShExclusion, 1);

  if (!member)
    return;
  e->member_id = member->id;
  e->recorded_by = req->auth.account->id;
  if (!sh_json_get_string (req->body, "reason", TRUE, 32, &reason, &error)
      || !sh_json_get_string (req->body, "approver", TRUE, 100, &e->approver, &error)
      || !sh_json_get_string (req->body, "note", FALSE, 500, &e->note, &error)
      || !sh_json_get_time (req->body, "starts_at", TRUE, &e->starts_at, &error)
      || !sh_json_get_time (req->body, "ends_at", FALSE, &e->ends_at, &error)) {
    sh_reply_gerror (req, error);
    return;
  }
  if (!sh_exclusion_reason_from_string (reason, &e->reason)) {
    sh_reply_error (req, SOUP_STATUS_BAD_REQUEST, "bad_request",
                    "字段“reason”应为 illness、abroad、sentence、bedridden 或 away");
    return;
  }
  e->id = sh_exclusion_create (req->server->store, e, &error);
  if (!e->id) {
    sh_reply_gerror (req, error);
    return;
  }
  build_exclusion (req, b, e);
  sh_reply_builder (req, SOUP_STATUS_CREATED, b);
}

const ShRoute sh_member_routes[] = {
  { "GET", "api/members/{id}", SH_ROUTE_SESSION, handle_get_member },
  { "PATCH", "api/members/{id}", SH_ROUTE_SESSION | SH_ROUTE_JSON, handle_update_member },
  { "GET", "api/members/{id}/exclusions", SH_ROUTE_SESSION, handle_list_exclusions },
  { "POST", "api/members/{id}/exclusions", SH_ROUTE_SESSION | SH_ROUTE_JSON,
    handle_create_exclusion },
  { NULL },
};
