/* One member: reading, changing, exclusions from the expected count, and
 * migrant visits (流动党员 taking part in another branch).
 * SPDX-License-Identifier: Apache-2.0 */
#include "api-private.h"

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

  g_autoptr (ShMember) before = NULL;
  const char *widening;

  if (!member)
    return;
  before = sh_member_copy (member);
  if (!sh_read_member_input (req->body, member, &error)
      || !sh_json_get_bool (req->body, "active", FALSE, &member->active, &error)) {
    sh_reply_gerror (req, error);
    return;
  }
  widening = sh_authz_own_record_widening (req->auth.account->member_id, before, member);
  if (widening) {
    g_autofree char *message = g_strdup_printf (
        "不能修改本人党员档案中的“%s”：这会改变您本人的权限，请由上级组织或系统管理员办理",
        widening);
    sh_reply_error (req, SOUP_STATUS_FORBIDDEN, "forbidden", message);
    return;
  }
  if (!sh_member_update (req->server->store, member, &error)
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

/* ------------------------------------------------------------ visits */

/* Adds "@field" and "@field_name" for an account id (the name is NULL for
 * 0, the system). */
static void
add_account (ShRequest *req, JsonBuilder *b, const char *field, gint64 account_id)
{
  g_autoptr (ShAccount) account
      = account_id ? sh_account_get (req->server->store, account_id, NULL) : NULL;
  g_autofree char *name_field = g_strconcat (field, "_name", NULL);

  sh_json_builder_add_id (b, field, account_id);
  sh_json_builder_add_string (b, name_field, account ? account->display_name : NULL);
}

static void
add_org_name (ShRequest *req, JsonBuilder *b, const char *field, gint64 org_id)
{
  g_autoptr (ShOrg) org = sh_org_get (req->server->store, org_id, NULL);

  sh_json_builder_add_string (b, field, org ? org->name : NULL);
}

static void
build_visit (ShRequest *req, JsonBuilder *b, const ShVisit *v)
{
  g_autoptr (ShMember) member = sh_member_get (req->server->store, v->member_id, NULL);
  GTimeZone *tz = req->server->tz;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_int_value (b, v->id);
  sh_json_builder_add_id (b, "member_id", v->member_id);
  sh_json_builder_add_string (b, "member_name", member ? member->name : NULL);
  sh_json_builder_add_id (b, "home_branch_id", v->home_branch_id);
  add_org_name (req, b, "home_branch_name", v->home_branch_id);
  sh_json_builder_add_id (b, "host_branch_id", v->host_branch_id);
  add_org_name (req, b, "host_branch_name", v->host_branch_id);
  sh_json_builder_add_string (b, "state", sh_visit_state_to_string (v->state));
  sh_json_builder_add_string (b, "state_label", sh_visit_state_label (v->state));
  sh_json_builder_add_string (b, "note", v->note);
  add_account (req, b, "requested_by", v->requested_by);
  sh_json_builder_add_time (b, "requested_at", v->requested_at, tz);
  add_account (req, b, "decided_by", v->decided_by);
  sh_json_builder_add_time (b, "decided_at", v->decided_at, tz);
  sh_json_builder_add_string (b, "decision_note", v->decision_note);
  add_account (req, b, "ended_by", v->ended_by);
  sh_json_builder_add_time (b, "ended_at", v->ended_at, tz);
  sh_json_builder_add_string (b, "end_note", v->end_note);
  json_builder_end_object (b);
}

static void
add_visit_array (ShRequest *req, JsonBuilder *b, const char *field, GPtrArray *visits)
{
  json_builder_set_member_name (b, field);
  json_builder_begin_array (b);
  for (guint i = 0; i < visits->len; i++)
    build_visit (req, b, g_ptr_array_index (visits, i));
  json_builder_end_array (b);
}

/* The newest visits a branch page shows; older ones stay in the store. */
#define BRANCH_VISITS_LIMIT 200

static void
handle_list_branch_visits (ShRequest *req)
{
  ShStore *store = req->server->store;
  g_autoptr (GError) error = NULL;
  g_autoptr (ShOrg) org = sh_org_get (store, req->ids[0], &error);
  g_autoptr (GPtrArray) incoming = NULL;
  g_autoptr (GPtrArray) outgoing = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();

  if (!org) {
    sh_reply_gerror (req, error);
    return;
  }
  if (!sh_authz_check (store, req->auth.roles, SH_PERM_READ_ROSTER, org->id)) {
    sh_reply_forbidden (req);
    return;
  }
  if (org->kind != SH_ORG_BRANCH) {
    sh_reply_error (req, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid",
                    "只有党支部接收或派出流动党员");
    return;
  }
  incoming = sh_visit_list_for_branch (store, org->id, TRUE, BRANCH_VISITS_LIMIT, &error);
  if (incoming)
    outgoing = sh_visit_list_for_branch (store, org->id, FALSE, BRANCH_VISITS_LIMIT, &error);
  if (!outgoing) {
    sh_reply_gerror (req, error);
    return;
  }
  json_builder_begin_object (b);
  add_visit_array (req, b, "incoming", incoming);
  add_visit_array (req, b, "outgoing", outgoing);
  json_builder_end_object (b);
  sh_reply_builder (req, SOUP_STATUS_OK, b);
}

static void
handle_list_member_visits (ShRequest *req)
{
  g_autoptr (ShMember) member = member_for_request (req, SH_PERM_READ_ROSTER, TRUE);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) visits = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();

  if (!member)
    return;
  visits = sh_visit_list_for_member (req->server->store, member->id, &error);
  if (!visits) {
    sh_reply_gerror (req, error);
    return;
  }
  json_builder_begin_object (b);
  add_visit_array (req, b, "visits", visits);
  json_builder_end_object (b);
  sh_reply_builder (req, SOUP_STATUS_OK, b);
}

/* Every branch by name, so that a home secretary or a member can name the
 * branch a visit is asked for: branch names only, nothing inside them. */
static void
handle_list_visit_branches (ShRequest *req)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) orgs = sh_org_list_subtree (req->server->store, 0, &error);
  g_autoptr (JsonBuilder) b = json_builder_new ();

  if (!orgs) {
    sh_reply_gerror (req, error);
    return;
  }
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "branches");
  json_builder_begin_array (b);
  for (guint i = 0; i < orgs->len; i++) {
    const ShOrg *org = g_ptr_array_index (orgs, i);

    if (org->kind != SH_ORG_BRANCH)
      continue;
    json_builder_begin_object (b);
    json_builder_set_member_name (b, "id");
    json_builder_add_int_value (b, org->id);
    sh_json_builder_add_string (b, "name", org->name);
    add_org_name (req, b, "parent_name", org->parent_id);
    json_builder_end_object (b);
  }
  json_builder_end_array (b);
  json_builder_end_object (b);
  sh_reply_builder (req, SOUP_STATUS_OK, b);
}

static void
reply_visit (ShRequest *req, guint status, gint64 id)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShVisit) visit = sh_visit_get (req->server->store, id, &error);
  g_autoptr (JsonBuilder) b = json_builder_new ();

  if (!visit) {
    sh_reply_gerror (req, error);
    return;
  }
  build_visit (req, b, visit);
  sh_reply_builder (req, status, b);
}

static void
handle_request_visit (ShRequest *req)
{
  ShStore *store = req->server->store;
  g_autoptr (GError) error = NULL;
  g_autoptr (ShMember) member = sh_member_get (store, req->ids[0], &error);
  g_autofree char *note = NULL;
  gint64 host = 0, id;

  if (!member) {
    sh_reply_gerror (req, error);
    return;
  }
  if (!sh_authz_may_request_visit (store, req->auth.roles, req->auth.account->member_id, member)) {
    sh_reply_forbidden (req);
    return;
  }
  if (!sh_json_get_int (req->body, "host_branch_id", TRUE, 1, G_MAXINT64, &host, &error)
      || !sh_json_get_string (req->body, "note", FALSE, 500, &note, &error)
      || !(id = sh_visit_request (store, member->id, host, note, req->auth.account->id, &error))) {
    sh_reply_gerror (req, error);
    return;
  }
  reply_visit (req, SOUP_STATUS_CREATED, id);
}

/* POST /api/visits/{id}/accept|refuse|end, with an optional "reason". */
static void
handle_visit_action (ShRequest *req)
{
  ShStore *store = req->server->store;
  const ShAccount *account = req->auth.account;
  const char *action = req->words[0];
  gboolean end = g_str_equal (action, "end");
  g_autoptr (GError) error = NULL;
  g_autoptr (ShVisit) visit = NULL;
  g_autofree char *reason = NULL;
  gboolean ok;

  if (!end && !g_str_equal (action, "accept") && !g_str_equal (action, "refuse")) {
    sh_reply_not_found (req);
    return;
  }
  visit = sh_visit_get (store, req->ids[0], &error);
  if (!visit) {
    sh_reply_gerror (req, error);
    return;
  }
  if (end ? !sh_authz_may_end_visit (store, req->auth.roles, account->member_id, visit)
          : !sh_authz_may_decide_visit (store, req->auth.roles, account->id, account->member_id,
                                        visit)) {
    /* Say why when the caller would otherwise be allowed: four eyes. */
    if (!end
        && sh_authz_check (store, req->auth.roles, SH_PERM_MANAGE_BRANCH, visit->host_branch_id))
      sh_reply_error (
          req, SOUP_STATUS_FORBIDDEN, "forbidden",
          "不能审批本人提出或与本人有关的申请，请由接收支部的其他负责人或系统管理员办理");
    else
      sh_reply_forbidden (req);
    return;
  }
  if (!sh_json_get_string (req->body, "reason", FALSE, 500, &reason, &error)) {
    sh_reply_gerror (req, error);
    return;
  }
  if (end)
    ok = sh_visit_end (store, visit->id, account->id, reason, &error);
  else if (g_str_equal (action, "accept"))
    ok = sh_visit_accept (store, visit->id, account->id, &error);
  else
    ok = sh_visit_refuse (store, visit->id, account->id, reason, &error);
  if (!ok) {
    sh_reply_gerror (req, error);
    return;
  }
  g_message ("visit %" G_GINT64_FORMAT " of member %" G_GINT64_FORMAT " to branch %" G_GINT64_FORMAT
             ": %s by account %" G_GINT64_FORMAT,
             visit->id, visit->member_id, visit->host_branch_id, action, account->id);
  reply_visit (req, SOUP_STATUS_OK, visit->id);
}

const ShRoute sh_member_routes[] = {
  { "GET", "api/members/{id}", SH_ROUTE_SESSION, handle_get_member },
  { "PATCH", "api/members/{id}", SH_ROUTE_SESSION | SH_ROUTE_JSON, handle_update_member },
  { "GET", "api/members/{id}/exclusions", SH_ROUTE_SESSION, handle_list_exclusions },
  { "POST", "api/members/{id}/exclusions", SH_ROUTE_SESSION | SH_ROUTE_JSON,
    handle_create_exclusion },
  { "GET", "api/members/{id}/visits", SH_ROUTE_SESSION, handle_list_member_visits },
  { "POST", "api/members/{id}/visits", SH_ROUTE_SESSION | SH_ROUTE_JSON, handle_request_visit },
  { "GET", "api/orgs/{id}/visits", SH_ROUTE_SESSION, handle_list_branch_visits },
  { "GET", "api/visits/branches", SH_ROUTE_SESSION, handle_list_visit_branches },
  { "POST", "api/visits/{id}/{word}", SH_ROUTE_SESSION | SH_ROUTE_JSON, handle_visit_action },
  { NULL },
};
