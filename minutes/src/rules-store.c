/* The derived rules over the store: fetches the records a rule needs
 * through the store interface and lets the pure rules (rules.c) decide.
 * SPDX-License-Identifier: Apache-2.0 */
#include "rules-private.h"
#include "store-group.h"
#include "store-member.h"
#include "store-org.h"
#include "store-post.h"
#include "store-private.h"

/* Members under 留党察看 are still full members and count here: they lose
 * the vote, not their membership. On a database failure the answer is "no
 * committee", the smaller set of obligations, and the failure is logged. */
gboolean
sh_rules_branch_has_committee_in_store (ShStore *store, gint64 branch_id)
{
  g_autoptr (GError) error = NULL;
  guint full = 0;

  g_return_val_if_fail (store != NULL, FALSE);
  if (!sh_store_ops (store, member)->count_full (store, branch_id, &full, &error)) {
    g_warning ("%s", error->message);
    return FALSE;
  }
  return sh_rules_branch_has_committee (full);
}

/* The attendee set of the meeting type; @exclusions_at, when not 0, drops
 * the members excluded from the expected count at that time. */
static GPtrArray *
attendees (ShStore *store, ShMeetingType type, gint64 org_id, gint64 exclusions_at, GError **error)
{
  g_autoptr (ShOrg) org = NULL;
  g_autoptr (GPtrArray) holders = NULL;
  g_autoptr (GPtrArray) group_members = NULL;
  g_autoptr (GPtrArray) roster = NULL;
  g_autoptr (GPtrArray) expected = NULL;
  GPtrArray *kept;
  gint64 branch_id;

  g_return_val_if_fail (store != NULL, NULL);
  g_return_val_if_fail ((guint) type <= SH_MEETING_PARTY_DAY, NULL);

  org = sh_store_ops (store, org)->get (store, org_id, error);
  if (!org)
    return NULL;
  branch_id = sh_rules_attendee_branch (type, org, error);
  if (!branch_id)
    return NULL;
  if (type == SH_MEETING_COMMITTEE
      && !(holders = sh_store_ops (store, post)->list (store, org->id, error)))
    return NULL;
  if (type == SH_MEETING_GROUP
      && !(group_members = sh_store_ops (store, group)->list (store, org->id, error)))
    return NULL;
  roster = sh_store_ops (store, member)->list (store, branch_id, error);
  if (!roster)
    return NULL;
  expected = sh_rules_select_attendees (type, roster, holders, group_members);
  if (!exclusions_at)
    return g_steal_pointer (&expected);
  kept = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_member_free);
  for (guint i = 0; i < expected->len; i++) {
    ShMember *member = g_ptr_array_index (expected, i);

    if (!sh_member_is_excluded_at (store, member->id, exclusions_at))
      g_ptr_array_add (kept, g_steal_pointer (&expected->pdata[i]));
  }
  return kept;
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
