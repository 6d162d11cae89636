/* Derived organization rules (DOMAIN.md), kept in one place so that the
 * meeting, attendance and vote code all count the same way.
 * SPDX-License-Identifier: Apache-2.0 */
#include "store-private.h"
#include "sqlite/sqlite-private.h"

/* 条例: a branch with 7 or more full members sets up a branch committee. */
#define COMMITTEE_MIN_FULL_MEMBERS 7

gboolean
sh_rules_has_vote (const ShMember *member, gint64 meeting_branch_id)
{
  g_return_val_if_fail (member != NULL, FALSE);
  /* A visiting migrant takes part but votes only in the home branch; a
   * member transferred out votes nowhere here. */
  return member->active && member->status == SH_MEMBER_FULL && !member->under_probation
         && meeting_branch_id != 0 && member->branch_id == meeting_branch_id;
}

gboolean
sh_rules_branch_has_committee (guint full_member_count)
{
  return full_member_count >= COMMITTEE_MIN_FULL_MEMBERS;
}

/* Members under 留党察看 are still full members and count here: they lose
 * the vote, not their membership. On a database failure the answer is "no
 * committee", the smaller set of obligations, and the failure is logged. */
gboolean
sh_rules_branch_has_committee_in_store (ShStore *store, gint64 branch_id)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GError) error = NULL;

  g_return_val_if_fail (store != NULL, FALSE);
  stmt = sh_sqlite_prepare (store,
                            "SELECT count(*) FROM members"
                            " WHERE branch_id = ?1 AND status = 'full' AND active",
                            "统计正式党员", &error);
  if (!stmt) {
    g_warning ("%s", error->message);
    return FALSE;
  }
  sqlite3_bind_int64 (stmt, 1, branch_id);
  if (sqlite3_step (stmt) != SQLITE_ROW) {
    sh_sqlite_set_error (store, "统计正式党员", &error);
    g_warning ("%s", error->message);
    return FALSE;
  }
  return sh_rules_branch_has_committee ((guint) sqlite3_column_int64 (stmt, 0));
}

static void
set_of_post_holders (GHashTable *set, GPtrArray *holders)
{
  for (guint i = 0; i < holders->len; i++) {
    ShPostHolder *h = g_ptr_array_index (holders, i);

    g_hash_table_add (set, g_memdup2 (&h->member_id, sizeof h->member_id));
  }
}

static void
set_of_group_members (GHashTable *set, GPtrArray *memberships)
{
  for (guint i = 0; i < memberships->len; i++) {
    ShGroupMembership *gm = g_ptr_array_index (memberships, i);

    g_hash_table_add (set, g_memdup2 (&gm->member_id, sizeof gm->member_id));
  }
}

/* Finds the branch whose roster a meeting draws on and, for committee and
 * group meetings, fills @only with the member ids of the narrower set. */
static gint64
attendee_source (ShStore *store, ShMeetingType type, gint64 org_id, GHashTable *only,
                 GError **error)
{
  g_autoptr (ShOrg) org = sh_org_get (store, org_id, error);
  g_autoptr (GPtrArray) list = NULL;

  if (!org)
    return 0;
  switch (type) {
    case SH_MEETING_GENERAL:
    case SH_MEETING_LESSON:
    case SH_MEETING_PARTY_DAY:
      /* Held by a group, these still concern its whole branch. */
      if (org->kind == SH_ORG_BRANCH)
        return org->id;
      if (org->kind == SH_ORG_GROUP)
        return org->parent_id;
      g_set_error_literal (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID,
                           "该组织不是党支部或党小组");
      return 0;
    case SH_MEETING_COMMITTEE:
      if (org->kind != SH_ORG_BRANCH) {
        g_set_error_literal (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID,
                             "支部委员会会议只能由党支部召开");
        return 0;
      }
      list = sh_post_list (store, org->id, error);
      if (!list)
        return 0;
      set_of_post_holders (only, list);
      return org->id;
    case SH_MEETING_GROUP:
      if (org->kind != SH_ORG_GROUP) {
        g_set_error_literal (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID,
                             "党小组会只能由党小组召开");
        return 0;
      }
      list = sh_group_list_members (store, org->id, error);
      if (!list)
        return 0;
      set_of_group_members (only, list);
      return org->parent_id;
  }
  g_return_val_if_reached (0);
}

/* The attendee set of the meeting type; @exclusions_at, when not 0, drops
 * the members excluded from the expected count at that time. */
static GPtrArray *
attendees (ShStore *store, ShMeetingType type, gint64 org_id, gint64 exclusions_at, GError **error)
{
  g_autoptr (GHashTable) only = NULL;
  g_autoptr (GPtrArray) roster = NULL;
  g_autoptr (GPtrArray) expected = NULL;
  gboolean narrowed = type == SH_MEETING_COMMITTEE || type == SH_MEETING_GROUP;
  gint64 branch_id;

  g_return_val_if_fail (store != NULL, NULL);
  g_return_val_if_fail ((guint) type <= SH_MEETING_PARTY_DAY, NULL);

  only = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  branch_id = attendee_source (store, type, org_id, only, error);
  if (!branch_id)
    return NULL;
  /* Everyone expected is an active member of the branch, so filtering its
   * roster yields the set already ordered by name, and leaves out anyone
   * transferred out who might linger in a post or group. */
  roster = sh_member_list (store, branch_id, error);
  if (!roster)
    return NULL;
  expected = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_member_free);
  for (guint i = 0; i < roster->len; i++) {
    ShMember *member = g_ptr_array_index (roster, i);

    if (narrowed && !g_hash_table_contains (only, &member->id))
      continue;
    if (exclusions_at && sh_member_is_excluded_at (store, member->id, exclusions_at))
      continue;
    g_ptr_array_add (expected, g_steal_pointer (&roster->pdata[i]));
  }
  return g_steal_pointer (&expected);
}

GPtrArray *
sh_rules_expected_attendees (ShStore *store, ShMeetingType type, gint64 org_id, gint64 at,
                             GError **error)
{
  return attendees (store, type, org_id, at, error);
}

GPtrArray *
sh_rules_entitled_attendees (ShStore *store, ShMeetingType type, gint64 org_id, GError **error)
{
  return attendees (store, type, org_id, 0, error);
}
