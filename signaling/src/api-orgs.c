/* Organizations, committee posts, group membership, expected attendees and
 * member import.  SPDX-License-Identifier: Apache-2.0 */
#include "api-private.h"

void
sh_build_org (ShRequest *req, JsonBuilder *b, const ShOrg *org)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_int_value (b, org->id);
  sh_json_builder_add_id (b, "parent_id", org->parent_id);
  sh_json_builder_add_string (b, "kind", sh_org_kind_to_string (org->kind));
  sh_json_builder_add_string (b, "kind_label", sh_org_kind_label (org->kind));
  sh_json_builder_add_string (b, "name", org->name);
  json_builder_set_member_name (b, "themed_day");
  json_builder_add_int_value (b, org->themed_day);
  json_builder_set_member_name (b, "online_votes_approved");
  json_builder_add_boolean_value (b, org->online_votes_approved);
  json_builder_set_member_name (b, "has_committee");
  json_builder_add_boolean_value (
      b, org->kind == SH_ORG_BRANCH
             && sh_rules_branch_has_committee_in_store (req->server->store, org->id));
  json_builder_end_object (b);
}

/* Loads the organization of the first path id and checks @perm on it;
 * replies and returns NULL when either fails. */
static ShOrg *
org_for_request (ShRequest *req, ShPermission perm)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShOrg) org = sh_org_get (req->server->store, req->ids[0], &error);

  if (!org) {
    sh_reply_gerror (req, error);
    return NULL;
  }
  if (!sh_authz_check (req->server->store, req->auth.roles, perm, org->id)) {
    sh_reply_forbidden (req);
    return NULL;
  }
  return g_steal_pointer (&org);
}

static void
handle_list_orgs (ShRequest *req)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) orgs = sh_authz_visible_orgs (req->server->store, req->auth.roles, &error);
  g_autoptr (JsonBuilder) b = json_builder_new ();

  if (!orgs) {
    sh_reply_gerror (req, error);
    return;
  }
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "orgs");
  json_builder_begin_array (b);
  for (guint i = 0; i < orgs->len; i++)
    sh_build_org (req, b, g_ptr_array_index (orgs, i));
  json_builder_end_array (b);
  json_builder_end_object (b);
  sh_reply_builder (req, SOUP_STATUS_OK, b);
}

static void
handle_create_org (ShRequest *req)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *kind_text = NULL;
  g_autofree char *name = NULL;
  g_autoptr (ShOrg) org = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  gint64 parent_id = 0, id;
  ShOrgKind kind;

  if (!sh_json_get_int (req->body, "parent_id", FALSE, 1, G_MAXINT64, &parent_id, &error)
      || !sh_json_get_string (req->body, "kind", TRUE, 32, &kind_text, &error)
      || !sh_json_get_string (req->body, "name", TRUE, 200, &name, &error)) {
    sh_reply_gerror (req, error);
    return;
  }
  if (!sh_org_kind_from_string (kind_text, &kind)) {
    sh_reply_error (req, SOUP_STATUS_BAD_REQUEST, "bad_request",
                    "字段“kind”应为 committee、general_branch、branch 或 group");
    return;
  }
  /* A secretary sets up the Party groups of their own branch; the rest of
   * the tree is the administrator's. */
  if (!sh_authz_is_admin (req->auth.roles)
      && !(kind == SH_ORG_GROUP && parent_id
           && sh_org_branch_of (req->server->store, parent_id) == parent_id
           && sh_authz_check (req->server->store, req->auth.roles, SH_PERM_MANAGE_BRANCH,
                              parent_id))) {
    sh_reply_forbidden (req);
    return;
  }
  id = sh_org_create (req->server->store, parent_id, kind, name, &error);
  if (!id || !(org = sh_org_get (req->server->store, id, &error))) {
    sh_reply_gerror (req, error);
    return;
  }
  sh_build_org (req, b, org);
  sh_reply_builder (req, SOUP_STATUS_CREATED, b);
}

static void
handle_update_org (ShRequest *req)
{
  g_autoptr (ShOrg) org = org_for_request (req, SH_PERM_MANAGE_BRANCH);
  g_autoptr (ShOrg) stored = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  gboolean is_admin = sh_authz_is_admin (req->auth.roles);
  gint64 themed_day = 0;

  if (!org)
    return;
  /* The approval for votes online comes from the higher organization, and
   * branches are named by it: only the administrator records those. A
   * secretary names the branch's groups and sets the themed Party day. */
  if (!is_admin
      && (json_object_has_member (req->body, "online_votes_approved")
          || (org->kind != SH_ORG_GROUP && json_object_has_member (req->body, "name")))) {
    sh_reply_forbidden (req);
    return;
  }
  themed_day = org->themed_day;
  if (!sh_json_get_string (req->body, "name", FALSE, 200, &org->name, &error)
      || !sh_json_get_int (req->body, "themed_day", FALSE, 0, 28, &themed_day, &error)
      || !sh_json_get_bool (req->body, "online_votes_approved", FALSE, &org->online_votes_approved,
                            &error)) {
    sh_reply_gerror (req, error);
    return;
  }
  org->themed_day = (int) themed_day;
  if (!sh_org_update (req->server->store, org, &error)
      || !(stored = sh_org_get (req->server->store, org->id, &error))) {
    sh_reply_gerror (req, error);
    return;
  }
  sh_build_org (req, b, stored);
  sh_reply_builder (req, SOUP_STATUS_OK, b);
}

static void
handle_get_org (ShRequest *req)
{
  g_autoptr (ShOrg) org = org_for_request (req, SH_PERM_READ_ORG);
  g_autoptr (JsonBuilder) b = json_builder_new ();

  if (!org)
    return;
  sh_build_org (req, b, org);
  sh_reply_builder (req, SOUP_STATUS_OK, b);
}

static void
add_member_array (ShRequest *req, JsonBuilder *b, const char *name, GPtrArray *members,
                  gint64 branch_id)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_array (b);
  for (guint i = 0; i < members->len; i++)
    sh_build_member (req, b, g_ptr_array_index (members, i), branch_id);
  json_builder_end_array (b);
}

static void
handle_list_members (ShRequest *req)
{
  g_autoptr (ShOrg) org = org_for_request (req, SH_PERM_READ_ROSTER);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) members = NULL;
  g_autoptr (GPtrArray) visiting = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  gint64 branch;

  if (!org)
    return;
  branch = sh_org_branch_of (req->server->store, org->id);
  if (org->kind == SH_ORG_GROUP) {
    members
        = sh_rules_expected_attendees (req->server->store, SH_MEETING_GROUP, org->id, 0, &error);
    visiting = g_ptr_array_new ();
  } else {
    members = sh_member_list (req->server->store, branch, &error);
    visiting = members ? sh_member_list_visiting (req->server->store, branch, &error) : NULL;
  }
  if (!members || !visiting) {
    sh_reply_gerror (req, error);
    return;
  }
  json_builder_begin_object (b);
  add_member_array (req, b, "members", members, branch);
  add_member_array (req, b, "visiting", visiting, branch);
  json_builder_end_object (b);
  sh_reply_builder (req, SOUP_STATUS_OK, b);
}

static void
handle_create_member (ShRequest *req)
{
  g_autoptr (ShOrg) org = org_for_request (req, SH_PERM_MANAGE_BRANCH);
  g_autoptr (GError) error = NULL;
  g_autoptr (ShMember) member = g_new0 (ShMember, 1);
  g_autoptr (ShMember) stored = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  gint64 id;

  if (!org)
    return;
  if (org->kind != SH_ORG_BRANCH) {
    sh_reply_error (req, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid", "党员只能添加到党支部");
    return;
  }
  member->branch_id = org->id;
  member->status = SH_MEMBER_FULL;
  member->active = TRUE;
  if (!sh_read_member_input (req->body, member, &error)) {
    sh_reply_gerror (req, error);
    return;
  }
  if (!member->name) {
    sh_reply_error (req, SOUP_STATUS_BAD_REQUEST, "bad_request", "缺少字段“name”");
    return;
  }
  id = sh_member_create (req->server->store, member, &error);
  if (!id || !(stored = sh_member_get (req->server->store, id, &error))) {
    sh_reply_gerror (req, error);
    return;
  }
  sh_build_member (req, b, stored, org->id);
  sh_reply_builder (req, SOUP_STATUS_CREATED, b);
}

/* Nobody widens their own access: a post or a group of one's own makes
 * committee or group meetings visible. Replies 403 when @member_id is the
 * caller's own record. */
static gboolean
refuse_own_record (ShRequest *req, gint64 member_id, const char *what)
{
  g_autofree char *message = NULL;

  if (!member_id || req->auth.account->member_id != member_id)
    return FALSE;
  message
      = g_strdup_printf ("不能为本人%s：这会改变您本人的权限，请由上级组织或系统管理员办理", what);
  sh_reply_error (req, SOUP_STATUS_FORBIDDEN, "forbidden", message);
  return TRUE;
}

static void
handle_assign_post (ShRequest *req)
{
  g_autoptr (ShOrg) org = org_for_request (req, SH_PERM_MANAGE_BRANCH);
  g_autoptr (GError) error = NULL;
  g_autofree char *post_text = NULL;
  gint64 member_id = 0;
  ShPost post;

  if (!org)
    return;
  if (!sh_json_get_int (req->body, "member_id", TRUE, 1, G_MAXINT64, &member_id, &error)
      || !sh_json_get_string (req->body, "post", TRUE, 32, &post_text, &error)) {
    sh_reply_gerror (req, error);
    return;
  }
  if (!sh_post_from_string (post_text, &post)) {
    sh_reply_error (req, SOUP_STATUS_BAD_REQUEST, "bad_request", "字段“post”不是有效的职务");
    return;
  }
  if (refuse_own_record (req, member_id, "任命职务"))
    return;
  if (!sh_post_assign (req->server->store, org->id, member_id, post, &error)) {
    sh_reply_gerror (req, error);
    return;
  }
  sh_reply_ok (req, SOUP_STATUS_CREATED);
}

static void
handle_remove_post (ShRequest *req)
{
  g_autoptr (ShOrg) org = org_for_request (req, SH_PERM_MANAGE_BRANCH);
  g_autoptr (GError) error = NULL;
  ShPost post;

  if (!org)
    return;
  if (!sh_post_from_string (req->words[0], &post)) {
    sh_reply_not_found (req);
    return;
  }
  if (!sh_post_remove (req->server->store, org->id, req->ids[1], post, &error)) {
    sh_reply_gerror (req, error);
    return;
  }
  sh_reply_no_content (req);
}

static void
handle_add_group_member (ShRequest *req)
{
  g_autoptr (ShOrg) org = org_for_request (req, SH_PERM_MANAGE_BRANCH);
  g_autoptr (GError) error = NULL;
  gint64 member_id = 0;
  gboolean leader = FALSE;

  if (!org)
    return;
  if (!sh_json_get_int (req->body, "member_id", TRUE, 1, G_MAXINT64, &member_id, &error)
      || !sh_json_get_bool (req->body, "leader", FALSE, &leader, &error)) {
    sh_reply_gerror (req, error);
    return;
  }
  if (refuse_own_record (req, member_id, "加入党小组"))
    return;
  if (!sh_group_add_member (req->server->store, org->id, member_id, leader, &error)) {
    sh_reply_gerror (req, error);
    return;
  }
  sh_reply_ok (req, SOUP_STATUS_CREATED);
}

static void
handle_remove_group_member (ShRequest *req)
{
  g_autoptr (ShOrg) org = org_for_request (req, SH_PERM_MANAGE_BRANCH);
  g_autoptr (GError) error = NULL;

  if (!org)
    return;
  if (!sh_group_remove_member (req->server->store, org->id, req->ids[1], &error)) {
    sh_reply_gerror (req, error);
    return;
  }
  sh_reply_no_content (req);
}

static void
handle_expected (ShRequest *req)
{
  g_autoptr (ShOrg) org = org_for_request (req, SH_PERM_READ_ROSTER);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) members = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  const char *type_text = sh_request_query (req, "type");
  ShMeetingType type;

  if (!org)
    return;
  if (!type_text || !sh_meeting_type_from_string (type_text, &type)) {
    sh_reply_error (req, SOUP_STATUS_BAD_REQUEST, "bad_request",
                    "参数“type”应为 general、committee、group、lesson 或 party_day");
    return;
  }
  members
      = sh_rules_expected_attendees (req->server->store, type, org->id, g_get_real_time (), &error);
  if (!members) {
    sh_reply_gerror (req, error);
    return;
  }
  json_builder_begin_object (b);
  add_member_array (req, b, "expected", members, sh_org_branch_of (req->server->store, org->id));
  json_builder_end_object (b);
  sh_reply_builder (req, SOUP_STATUS_OK, b);
}

static void
build_member_input (JsonBuilder *b, const ShMember *m)
{
  json_builder_begin_object (b);
  sh_json_builder_add_string (b, "name", m->name);
  sh_json_builder_add_string (b, "phone", m->phone);
  sh_json_builder_add_string (b, "status", sh_member_status_to_string (m->status));
  json_builder_set_member_name (b, "under_probation");
  json_builder_add_boolean_value (b, m->under_probation);
  json_builder_set_member_name (b, "migrant");
  json_builder_add_boolean_value (b, m->migrant);
  sh_json_builder_add_string (b, "joined_on", m->joined_on);
  json_builder_end_object (b);
}

static void
build_rejections (JsonBuilder *b, const ShImportPreview *preview)
{
  json_builder_set_member_name (b, "rejected");
  json_builder_begin_array (b);
  for (guint i = 0; i < preview->rejected->len; i++) {
    const ShImportRejection *r = g_ptr_array_index (preview->rejected, i);
    json_builder_begin_object (b);
    json_builder_set_member_name (b, "line");
    json_builder_add_int_value (b, r->line);
    sh_json_builder_add_string (b, "message", r->message);
    json_builder_end_object (b);
  }
  json_builder_end_array (b);
}

static void
handle_import (ShRequest *req)
{
  g_autoptr (ShOrg) org = org_for_request (req, SH_PERM_MANAGE_BRANCH);
  g_autoptr (GError) error = NULL;
  g_autoptr (ShImportPreview) preview = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  const char *mode = sh_request_query (req, "mode");
  gboolean skip = g_strcmp0 (sh_request_query (req, "skip_rejected"), "1") == 0;
  const char *data;
  gsize length;
  guint imported = 0;

  if (!org)
    return;
  if (g_strcmp0 (mode, "preview") != 0 && g_strcmp0 (mode, "commit") != 0) {
    sh_reply_error (req, SOUP_STATUS_BAD_REQUEST, "bad_request",
                    "参数“mode”应为 preview 或 commit");
    return;
  }
  data = sh_request_body (req, &length);
  preview = sh_import_preview_csv (req->server->store, org->id, data, length, &error);
  if (!preview) {
    sh_reply_gerror (req, error);
    return;
  }
  json_builder_begin_object (b);
  if (g_str_equal (mode, "preview")) {
    sh_json_builder_add_string (b, "encoding", preview->encoding);
    json_builder_set_member_name (b, "valid");
    json_builder_begin_array (b);
    for (guint i = 0; i < preview->members->len; i++)
      build_member_input (b, g_ptr_array_index (preview->members, i));
    json_builder_end_array (b);
    build_rejections (b, preview);
    json_builder_end_object (b);
    sh_reply_builder (req, SOUP_STATUS_OK, b);
    return;
  }
  if (!sh_import_commit (req->server->store, preview, skip, &imported, &error)) {
    if (preview->rejected->len > 0 && !skip) {
      /* The usual error object, with the rejected rows beside it. */
      json_builder_set_member_name (b, "error");
      json_builder_begin_object (b);
      sh_json_builder_add_string (b, "code", "invalid");
      sh_json_builder_add_string (b, "message", error->message);
      json_builder_end_object (b);
      build_rejections (b, preview);
      json_builder_end_object (b);
      sh_reply_builder (req, SOUP_STATUS_UNPROCESSABLE_ENTITY, b);
    } else {
      sh_reply_gerror (req, error);
    }
    return;
  }
  g_message ("imported %u members into organization %" G_GINT64_FORMAT, imported, org->id);
  json_builder_set_member_name (b, "imported");
  json_builder_add_int_value (b, imported);
  json_builder_end_object (b);
  sh_reply_builder (req, SOUP_STATUS_OK, b);
}

const ShRoute sh_org_routes[] = {
  { "GET", "api/orgs", SH_ROUTE_SESSION, handle_list_orgs },
  { "POST", "api/orgs", SH_ROUTE_SESSION | SH_ROUTE_JSON, handle_create_org },
  { "GET", "api/orgs/{id}", SH_ROUTE_SESSION, handle_get_org },
  { "PATCH", "api/orgs/{id}", SH_ROUTE_SESSION | SH_ROUTE_JSON, handle_update_org },
  { "GET", "api/orgs/{id}/members", SH_ROUTE_SESSION, handle_list_members },
  { "POST", "api/orgs/{id}/members", SH_ROUTE_SESSION | SH_ROUTE_JSON, handle_create_member },
  { "POST", "api/orgs/{id}/posts", SH_ROUTE_SESSION | SH_ROUTE_JSON, handle_assign_post },
  { "DELETE", "api/orgs/{id}/posts/{id}/{word}", SH_ROUTE_SESSION, handle_remove_post },
  { "POST", "api/orgs/{id}/group-members", SH_ROUTE_SESSION | SH_ROUTE_JSON,
    handle_add_group_member },
  { "DELETE", "api/orgs/{id}/group-members/{id}", SH_ROUTE_SESSION, handle_remove_group_member },
  { "GET", "api/orgs/{id}/expected", SH_ROUTE_SESSION, handle_expected },
  { "POST", "api/orgs/{id}/import", SH_ROUTE_SESSION | SH_ROUTE_RAW, handle_import },
  { NULL },
};
