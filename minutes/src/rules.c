/* Derived organization rules (DOMAIN.md), kept in one place so that the
 * meeting, attendance and vote code all count the same way. Pure: each
 * decides on the records it is given (rules-store.c fetches them).
 * SPDX-License-Identifier: Apache-2.0 */
#include "rules-private.h"

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

gint64
sh_rules_attendee_branch (ShMeetingType type, const ShOrg *org, GError **error)
{
  g_return_val_if_fail (org != NULL, 0);
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
      return org->id;
    case SH_MEETING_GROUP:
      if (org->kind != SH_ORG_GROUP) {
        g_set_error_literal (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID,
                             "党小组会只能由党小组召开");
        return 0;
      }
      return org->parent_id;
  }
  g_return_val_if_reached (0);
}

gboolean
sh_rules_attendees_narrowed (ShMeetingType type)
{
  return type == SH_MEETING_COMMITTEE || type == SH_MEETING_GROUP;
}

GPtrArray *
sh_rules_select_attendees (ShMeetingType type, GPtrArray *roster, GPtrArray *post_holders,
                           GPtrArray *group_members)
{
  g_autoptr (GHashTable) only = g_hash_table_new (g_int64_hash, g_int64_equal);
  GPtrArray *expected = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_member_free);

  g_return_val_if_fail (roster != NULL, expected);
  /* The ids point into the records, which outlive the table. */
  if (type == SH_MEETING_COMMITTEE && post_holders)
    for (guint i = 0; i < post_holders->len; i++)
      g_hash_table_add (only, &((ShPostHolder *) g_ptr_array_index (post_holders, i))->member_id);
  if (type == SH_MEETING_GROUP && group_members)
    for (guint i = 0; i < group_members->len; i++)
      g_hash_table_add (only,
                        &((ShGroupMembership *) g_ptr_array_index (group_members, i))->member_id);
  for (guint i = 0; i < roster->len; i++) {
    const ShMember *member = g_ptr_array_index (roster, i);

    if (sh_rules_attendees_narrowed (type) && !g_hash_table_contains (only, &member->id))
      continue;
    g_ptr_array_add (expected, sh_member_copy (member));
  }
  return expected;
}

gboolean
sh_rules_excluded_at (GPtrArray *exclusions, gint64 at)
{
  g_return_val_if_fail (exclusions != NULL, FALSE);
  for (guint i = 0; i < exclusions->len; i++) {
    const ShExclusion *e = g_ptr_array_index (exclusions, i);

    if (e->starts_at <= at && (e->ends_at == 0 || e->ends_at > at))
      return TRUE;
  }
  return FALSE;
}

gboolean
sh_rules_meeting_takes_votes (ShMeetingType type)
{
  return type == SH_MEETING_GENERAL || type == SH_MEETING_COMMITTEE;
}

/* "More than half" of @n, as the smallest whole number of people. */
static guint
more_than_half (guint n)
{
  return n / 2 + 1;
}

guint
sh_rules_quorum (ShMeetingType type, guint expected_voting)
{
  return sh_rules_meeting_takes_votes (type) ? more_than_half (expected_voting) : 0;
}

guint
sh_rules_election_quorum (ShMeetingType type, guint expected_voting, guint share_percent)
{
  g_return_val_if_fail (share_percent <= 100, 0);
  if (!sh_rules_meeting_takes_votes (type))
    return 0;
  /* Rounded up in whole numbers: 4/5 of 11 people is 9 people, not 8.8. */
  guint64 share = ((guint64) expected_voting * share_percent + 99) / 100;
  return MAX ((guint) share, sh_rules_quorum (type, expected_voting));
}

gboolean
sh_rules_motion_passes (guint in_favour, guint expected_voting)
{
  return in_favour >= more_than_half (expected_voting);
}

/* 党章 第九条: six months in a row without organizational life. */
#define LAPSE_MONTHS 6

void
sh_rules_organizational_life (const ShLifeRecord *records, guint n_records, gint64 since,
                              gint64 now, GTimeZone *tz, gint64 warn_before, guint absent_limit,
                              ShLifeWarning *out)
{
  g_return_if_fail (records != NULL || n_records == 0);
  g_return_if_fail (tz != NULL && out != NULL);

  *out = (ShLifeWarning){ 0 };
  for (guint i = 0; i < n_records; i++) {
    const ShLifeRecord *r = &records[i];
    if (r->attended) {
      out->last_attended = r->at;
      out->missed = out->missed_unexcused = out->absent_in_row = 0;
      continue;
    }
    out->missed++;
    if (r->excused)
      continue; /* a recorded reason neither counts nor breaks the row */
    out->missed_unexcused++;
    out->absent_in_row++;
  }

  gint64 start = MAX (out->last_attended, since);
  /* Calendar months where the branch is: 31 August + 6 months is the end
   * of February, as people count it. */
  g_autoptr (GDateTime) from = g_date_time_new_from_unix_utc (start / G_USEC_PER_SEC);
  g_autoptr (GDateTime) local = from ? g_date_time_to_timezone (from, tz) : NULL;
  g_autoptr (GDateTime) lapse = local ? g_date_time_add_months (local, LAPSE_MONTHS) : NULL;
  out->lapse_at
      = lapse ? g_date_time_to_unix (lapse) * G_USEC_PER_SEC + start % G_USEC_PER_SEC : G_MAXINT64;

  gboolean reasons_for_all = out->missed > 0 && out->missed_unexcused == 0;
  out->lapse_warning = !reasons_for_all && now >= out->lapse_at - warn_before;
  out->absence_warning = absent_limit > 0 && out->absent_in_row >= absent_limit;
}
