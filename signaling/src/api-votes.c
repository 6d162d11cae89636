/* Layer: REST API. Motions (议题/表决事项) announced on a meeting, the
 * written opinions (书面意见) of absent members, the higher organization's
 * approval recorded on a meeting, an organization's vote settings and the
 * results of a meeting's votes. The rules are minutes/'s (motion.c,
 * opinion.c, vote.c); this file decides who may ask what. Votes themselves
 * happen in the live meeting (meeting-votes.c).
 * SPDX-License-Identifier: Apache-2.0 */
#include "api-private.h"
#include "attendance-csv.h"
#include "authz.h"
#include "json-util.h"
#include "vote-csv.h"
#include "vote-json.h"

#define APPROVAL_MAX_CHARS 500

/* The branch secretary, an administrator, or the meeting's chair. */
static gboolean
may_manage (ShRequest *req, const ShMeeting *m)
{
  gint64 member_id = req->auth.account->member_id;

  return (member_id && m->chair_member_id == member_id)
         || sh_authz_check (req->server->store, req->auth.roles, SH_PERM_MANAGE_BRANCH, m->org_id);
}

static void
build_motion (ShRequest *req, JsonBuilder *b, const ShMotion *mo)
{
  ShStore *store = req->server->store;
  g_autoptr (GPtrArray) opinions = sh_opinion_list (store, mo->id, NULL);
  gint64 me = req->auth.account->member_id;
  gboolean mine = FALSE;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_int_value (b, mo->id);
  sh_json_builder_add_id (b, "meeting_id", mo->meeting_id);
  sh_json_builder_add_string (b, "kind", sh_motion_kind_to_string (mo->kind));
  sh_json_builder_add_string (b, "kind_label", sh_motion_kind_label (mo->kind));
  sh_json_builder_add_string (b, "title", mo->title);
  sh_json_builder_add_string (b, "candidate", mo->candidate);
  sh_json_builder_add_id (b, "candidate_member_id", mo->candidate_member_id);
  json_builder_set_member_name (b, "secret");
  json_builder_add_boolean_value (b, mo->secret);
  json_builder_set_member_name (b, "ad_hoc");
  json_builder_add_boolean_value (b, mo->ad_hoc);
  json_builder_set_member_name (b, "withdrawn");
  json_builder_add_boolean_value (b, mo->withdrawn_at != 0);
  sh_json_builder_add_time (b, "created_at", mo->created_at, req->server->tz);
  json_builder_set_member_name (b, "opinions");
  json_builder_add_int_value (b, opinions ? opinions->len : 0);
  /* The caller's own opinion: the form shows it instead of asking again. */
  json_builder_set_member_name (b, "my_opinion");
  for (guint i = 0; me && opinions && i < opinions->len; i++) {
    const ShWrittenOpinion *o = g_ptr_array_index (opinions, i);

    if (o->member_id != me)
      continue;
    json_builder_begin_object (b);
    sh_json_builder_add_string (b, "choice", sh_vote_choice_to_string (o->choice));
    sh_json_builder_add_string (b, "choice_label", sh_vote_choice_label (o->choice));
    sh_json_builder_add_string (b, "text", o->text);
    sh_json_builder_add_time (b, "submitted_at", o->submitted_at, req->server->tz);
    json_builder_end_object (b);
    mine = TRUE;
    break;
  }
  if (!mine)
    json_builder_add_null_value (b);
  {
    g_autoptr (ShElection) e = sh_election_get (store, mo->id, NULL);

    json_builder_set_member_name (b, "election");
    if (e)
      sh_build_election (b, e);
    else
      json_builder_add_null_value (b);
  }
  json_builder_end_object (b);
}

/* The meeting's votes and elections as a CSV download (vote-csv.h). */
static void
reply_votes_csv (ShRequest *req, const ShMeeting *m)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) items = sh_vote_csv_items (req->server->store, m->id, &error);
  g_autofree char *ascii = g_strdup_printf ("votes-meeting-%" G_GINT64_FORMAT ".csv", m->id);
  g_autofree char *name = g_strdup_printf ("表决结果-%s.csv", m->title);
  g_autofree char *disposition = sh_csv_content_disposition (ascii, name);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (req->msg);
  GString *csv;
  gsize length;

  if (!items) {
    sh_reply_gerror (req, error);
    return;
  }
  csv = sh_csv_meeting_votes (items, req->server->tz);
  length = csv->len;
  soup_server_message_set_status (req->msg, SOUP_STATUS_OK, NULL);
  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  soup_message_headers_replace (headers, "Content-Disposition", disposition);
  soup_server_message_set_response (req->msg, "text/csv; charset=utf-8", SOUP_MEMORY_TAKE,
                                    g_string_free (csv, FALSE), length);
}

/* GET /api/meetings/{id}/motions[?format=csv]: members of the
 * organization, the chair, secretaries, administrators, inspectors. */
static void
handle_list (ShRequest *req)
{
  ShStore *store = req->server->store;
  g_autoptr (ShMeeting) m = sh_meeting_for_request (req, SH_PERM_READ_ORG, TRUE);
  g_autoptr (GPtrArray) motions = NULL;
  g_autoptr (GPtrArray) votes = NULL;
  g_autoptr (ShVoteApproval) approval = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();

  if (!m)
    return;
  if (g_strcmp0 (sh_request_query (req, "format"), "csv") == 0) {
    reply_votes_csv (req, m);
    return;
  }
  if (!(motions = sh_motion_list (store, m->id, &error))
      || !(votes = sh_vote_list (store, m->id, &error))) {
    sh_reply_gerror (req, error);
    return;
  }
  approval = sh_vote_approval_get (store, m->id, &error);
  if (error) {
    sh_reply_gerror (req, error);
    return;
  }
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "may_manage");
  json_builder_add_boolean_value (b, may_manage (req, m));
  json_builder_set_member_name (b, "takes_votes");
  json_builder_add_boolean_value (b, sh_rules_meeting_takes_votes (m->type));
  json_builder_set_member_name (b, "approval");
  if (approval) {
    json_builder_begin_object (b);
    sh_json_builder_add_string (b, "approval", approval->approval);
    sh_json_builder_add_id (b, "recorded_by", approval->recorded_by);
    sh_json_builder_add_time (b, "recorded_at", approval->recorded_at, req->server->tz);
    json_builder_end_object (b);
  } else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "motions");
  json_builder_begin_array (b);
  for (guint i = 0; i < motions->len; i++)
    build_motion (req, b, g_ptr_array_index (motions, i));
  json_builder_end_array (b);
  json_builder_set_member_name (b, "votes");
  json_builder_begin_array (b);
  for (guint i = 0; i < votes->len; i++) {
    const ShVote *v = g_ptr_array_index (votes, i);

    sh_build_vote (store, req->server->tz, b, v);
  }
  json_builder_end_array (b);
  json_builder_end_object (b);
  sh_reply_builder (req, SOUP_STATUS_OK, b);
}

/* GET /api/votes/{id}: one vote with its record (voters, receipts). */
static void
handle_vote (ShRequest *req)
{
  ShStore *store = req->server->store;
  g_autoptr (GError) error = NULL;
  g_autoptr (ShVote) v = sh_vote_get (store, req->ids[0], &error);
  g_autoptr (ShMeeting) m = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) node = NULL;

  if (!v || !(m = sh_meeting_get (store, v->meeting_id, &error))) {
    sh_reply_gerror (req, error);
    return;
  }
  if (!may_manage (req, m)
      && !sh_authz_check (store, req->auth.roles, SH_PERM_READ_ORG, m->org_id)) {
    sh_reply_forbidden (req);
    return;
  }
  sh_build_vote (store, req->server->tz, b, v);
  node = json_builder_get_root (b);
  g_clear_object (&b);
  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "vote");
  json_builder_add_value (b, g_steal_pointer (&node));
  sh_build_vote_record (store, b, v);
  json_builder_end_object (b);
  sh_reply_builder (req, SOUP_STATUS_OK, b);
}

/* POST /api/meetings/{id}/motions {kind, title, candidate,
 * candidate_member_id, secret; for an election candidates, seats}: the
 * secretary or the chair. */
static void
handle_create (ShRequest *req)
{
  ShStore *store = req->server->store;
  g_autoptr (GError) error = NULL;
  g_autoptr (ShMeeting) m = sh_meeting_get (store, req->ids[0], &error);
  g_autofree char *kind_s = NULL;
  g_autofree char *title = NULL;
  g_autofree char *candidate = NULL;
  g_autoptr (GPtrArray) candidates = NULL;
  gint64 candidate_member = 0, seats = 0, id;
  gboolean secret = FALSE;
  ShMotionKind kind = SH_MOTION_ORDINARY;

  if (!m) {
    sh_reply_gerror (req, error);
    return;
  }
  if (!may_manage (req, m)) {
    sh_reply_forbidden (req);
    return;
  }
  if (!sh_json_get_string (req->body, "kind", FALSE, 20, &kind_s, &error)
      || !sh_json_get_string (req->body, "title", TRUE, SH_MOTION_TITLE_MAX_CHARS, &title, &error)
      || !sh_json_get_string (req->body, "candidate", FALSE, 50, &candidate, &error)
      || !sh_json_get_int (req->body, "candidate_member_id", FALSE, 1, G_MAXINT64,
                           &candidate_member, &error)
      || !sh_json_get_bool (req->body, "secret", FALSE, &secret, &error)
      || !sh_json_get_string_array (req->body, "candidates", SH_ELECTION_MAX_CANDIDATES,
                                    SH_ELECTION_NAME_MAX_CHARS, &candidates, &error)
      || !sh_json_get_int (req->body, "seats", FALSE, 1, SH_ELECTION_MAX_CANDIDATES, &seats,
                           &error)) {
    sh_reply_gerror (req, error);
    return;
  }
  if (kind_s && !sh_motion_kind_from_string (kind_s, &kind)) {
    sh_reply_error (req, SOUP_STATUS_BAD_REQUEST, "invalid", "表决事项类型无效");
    return;
  }
  if ((candidates || seats) && kind != SH_MOTION_ELECTION) {
    sh_reply_error (req, SOUP_STATUS_BAD_REQUEST, "invalid", "只有选举才有候选人名单");
    return;
  }
  if (candidates && candidates->len > 0) {
    g_ptr_array_add (candidates, NULL);
    id = sh_election_create (store, m->id, title, (const char *const *) candidates->pdata,
                             (guint) seats, req->auth.account->id, &error);
  } else if (seats) {
    sh_reply_error (req, SOUP_STATUS_BAD_REQUEST, "invalid", "请填写候选人名单");
    return;
  } else
    id = sh_motion_create (store, m->id, kind, title, candidate, candidate_member, secret,
                           req->auth.account->id, &error);
  if (!id) {
    sh_reply_gerror (req, error);
    return;
  }
  g_message ("motion %" G_GINT64_FORMAT " (%s) on meeting %" G_GINT64_FORMAT
             " by account %" G_GINT64_FORMAT,
             id, sh_motion_kind_to_string (kind), m->id, req->auth.account->id);
  {
    g_autoptr (ShMotion) mo = sh_motion_get (store, id, &error);
    g_autoptr (JsonBuilder) b = json_builder_new ();

    if (!mo) {
      sh_reply_gerror (req, error);
      return;
    }
    build_motion (req, b, mo);
    sh_reply_builder (req, SOUP_STATUS_CREATED, b);
  }
}

/* POST /api/motions/{id}/withdraw: the secretary or the chair;
 * POST /api/motions/{id}/opinion {choice, text}: the member themself. */
static void
handle_action (ShRequest *req)
{
  ShStore *store = req->server->store;
  const char *action = req->words[0];
  g_autoptr (GError) error = NULL;
  g_autoptr (ShMotion) mo = sh_motion_get (store, req->ids[0], &error);
  g_autoptr (ShMeeting) m = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();

  if (!g_str_equal (action, "withdraw") && !g_str_equal (action, "opinion")) {
    sh_reply_not_found (req);
    return;
  }
  if (!mo || !(m = sh_meeting_get (store, mo->meeting_id, &error))) {
    sh_reply_gerror (req, error);
    return;
  }
  if (g_str_equal (action, "withdraw")) {
    if (!may_manage (req, m)) {
      sh_reply_forbidden (req);
      return;
    }
    if (!sh_motion_withdraw (store, mo->id, req->auth.account->id, &error)) {
      sh_reply_gerror (req, error);
      return;
    }
  } else {
    g_autofree char *choice_s = NULL;
    g_autofree char *text = NULL;
    ShVoteChoice choice;

    if (!sh_authz_check (store, req->auth.roles, SH_PERM_READ_ORG, m->org_id)) {
      sh_reply_forbidden (req);
      return;
    }
    if (!sh_json_get_string (req->body, "choice", TRUE, 10, &choice_s, &error)
        || !sh_json_get_string (req->body, "text", TRUE, SH_OPINION_TEXT_MAX_CHARS, &text,
                                &error)) {
      sh_reply_gerror (req, error);
      return;
    }
    if (!sh_vote_choice_from_string (choice_s, &choice)) {
      sh_reply_error (req, SOUP_STATUS_BAD_REQUEST, "invalid", "请选择赞成、反对或弃权");
      return;
    }
    /* Only for oneself: the member is the caller's own (no proxies). */
    if (!sh_opinion_submit (store, mo->id, req->auth.account->id, choice, text, &error)) {
      sh_reply_gerror (req, error);
      return;
    }
  }
  g_message ("motion %" G_GINT64_FORMAT ": %s by account %" G_GINT64_FORMAT, mo->id, action,
             req->auth.account->id);
  g_clear_pointer (&mo, sh_motion_free);
  if (!(mo = sh_motion_get (store, req->ids[0], &error))) {
    sh_reply_gerror (req, error);
    return;
  }
  build_motion (req, b, mo);
  sh_reply_builder (req, SOUP_STATUS_OK, b);
}

/* POST /api/meetings/{id}/vote-approval {approval}: the secretary or the
 * chair records the higher organization's approval, once. */
static void
handle_approval (ShRequest *req)
{
  ShStore *store = req->server->store;
  g_autoptr (GError) error = NULL;
  g_autoptr (ShMeeting) m = sh_meeting_get (store, req->ids[0], &error);
  g_autofree char *approval = NULL;

  if (!m) {
    sh_reply_gerror (req, error);
    return;
  }
  if (!may_manage (req, m)) {
    sh_reply_forbidden (req);
    return;
  }
  if (!sh_json_get_string (req->body, "approval", TRUE, APPROVAL_MAX_CHARS, &approval, &error)
      || !sh_vote_approval_record (store, m->id, approval, req->auth.account->id, &error)) {
    sh_reply_gerror (req, error);
    return;
  }
  g_message ("meeting %" G_GINT64_FORMAT
             ": online vote approval recorded by account %" G_GINT64_FORMAT,
             m->id, req->auth.account->id);
  sh_reply_ok (req, SOUP_STATUS_CREATED);
}

static void
build_settings (JsonBuilder *b, const ShVoteSettings *s)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "approval_required");
  json_builder_add_boolean_value (b, s->approval_required);
  json_builder_set_member_name (b, "election_share_percent");
  json_builder_add_int_value (b, s->election_share_percent);
  json_builder_end_object (b);
}

/* GET /api/orgs/{id}/vote-settings: whoever sees the organization.
 * PUT: the higher organization (its secretary's or an administrator's
 * grant on the parent), never the branch itself, as the rule it sets is
 * one the branch must follow. */
static void
handle_settings (ShRequest *req)
{
  ShStore *store = req->server->store;
  g_autoptr (GError) error = NULL;
  g_autoptr (ShOrg) org = sh_org_get (store, req->ids[0], &error);
  g_autoptr (JsonBuilder) b = json_builder_new ();
  ShVoteSettings s;
  gint64 share;

  if (!org) {
    sh_reply_gerror (req, error);
    return;
  }
  if (!sh_authz_check (store, req->auth.roles, SH_PERM_READ_ORG, org->id)) {
    sh_reply_forbidden (req);
    return;
  }
  if (!sh_vote_settings_get (store, org->id, &s, &error)) {
    sh_reply_gerror (req, error);
    return;
  }
  if (g_str_equal (req->method, "PUT")) {
    if (!sh_authz_is_admin (req->auth.roles)
        && !(org->parent_id
             && sh_authz_check (store, req->auth.roles, SH_PERM_MANAGE_BRANCH, org->parent_id))) {
      sh_reply_forbidden (req);
      return;
    }
    share = s.election_share_percent;
    if (!sh_json_get_bool (req->body, "approval_required", FALSE, &s.approval_required, &error)
        || !sh_json_get_int (req->body, "election_share_percent", FALSE, 50, 100, &share, &error)) {
      sh_reply_gerror (req, error);
      return;
    }
    s.election_share_percent = (guint) share;
    if (!sh_vote_settings_set (store, org->id, &s, &error)) {
      sh_reply_gerror (req, error);
      return;
    }
    g_message ("org %" G_GINT64_FORMAT ": vote settings changed by account %" G_GINT64_FORMAT,
               org->id, req->auth.account->id);
  }
  build_settings (b, &s);
  sh_reply_builder (req, SOUP_STATUS_OK, b);
}

const ShRoute sh_vote_routes[] = {
  { "GET", "api/meetings/{id}/motions", SH_ROUTE_SESSION, handle_list },
  { "POST", "api/meetings/{id}/motions", SH_ROUTE_SESSION | SH_ROUTE_JSON, handle_create },
  { "POST", "api/motions/{id}/{word}", SH_ROUTE_SESSION | SH_ROUTE_JSON, handle_action },
  { "POST", "api/meetings/{id}/vote-approval", SH_ROUTE_SESSION | SH_ROUTE_JSON, handle_approval },
  { "GET", "api/votes/{id}", SH_ROUTE_SESSION, handle_vote },
  { "GET", "api/orgs/{id}/vote-settings", SH_ROUTE_SESSION, handle_settings },
  { "PUT", "api/orgs/{id}/vote-settings", SH_ROUTE_SESSION | SH_ROUTE_JSON, handle_settings },
  { NULL },
};
