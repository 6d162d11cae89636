/* Party members (党员) and their home branch.
 * SPDX-License-Identifier: Apache-2.0 */
#include "store-member.h"
#include "store-private.h"

#include <stdlib.h>
#include <string.h>

/* Chinese names are short; the bound keeps typos and pasted paragraphs out
 * of rosters and printed minutes. */
#define MEMBER_NAME_MAX_CHARS 50
#define PHONE_DIGITS 11

static const char *const status_strings[] = { "full", "probationary" };

const char *
sh_member_status_to_string (ShMemberStatus s)
{
  g_return_val_if_fail ((guint) s < G_N_ELEMENTS (status_strings), NULL);
  return status_strings[s];
}

gboolean
sh_member_status_from_string (const char *s, ShMemberStatus *out)
{
  g_return_val_if_fail (out != NULL, FALSE);
  for (guint i = 0; s && i < G_N_ELEMENTS (status_strings); i++) {
    if (strcmp (s, status_strings[i]) == 0) {
      *out = (ShMemberStatus) i;
      return TRUE;
    }
  }
  return FALSE;
}

void
sh_member_free (ShMember *member)
{
  if (!member)
    return;
  g_free (member->name);
  g_free (member->phone);
  g_free (member->joined_on);
  g_free (member);
}

ShMember *
sh_member_copy (const ShMember *member)
{
  ShMember *copy;

  g_return_val_if_fail (member != NULL, NULL);
  copy = g_memdup2 (member, sizeof *member);
  copy->name = g_strdup (member->name);
  copy->phone = g_strdup (member->phone);
  copy->joined_on = g_strdup (member->joined_on);
  return copy;
}

/* Web forms send "" for a field left blank: that means "none". */
static const char *
blank_to_null (const char *s)
{
  return s && *s ? s : NULL;
}

static gboolean
phone_is_valid (const char *phone)
{
  if (strlen (phone) != PHONE_DIGITS || phone[0] != '1')
    return FALSE;
  for (int i = 0; i < PHONE_DIGITS; i++)
    if (!g_ascii_isdigit (phone[i]))
      return FALSE;
  return TRUE;
}

static gboolean
date_is_valid (const char *date)
{
  int year, month, day;

  if (strlen (date) != 10 || date[4] != '-' || date[7] != '-')
    return FALSE;
  for (int i = 0; i < 10; i++)
    if (i != 4 && i != 7 && !g_ascii_isdigit (date[i]))
      return FALSE;
  year = atoi (date);
  month = atoi (date + 5);
  day = atoi (date + 8);
  return year >= 1 && g_date_valid_dmy ((GDateDay) day, (GDateMonth) month, (GDateYear) year);
}

/* The branch a migrant takes part in is the host of their accepted visit
 * (visit.c): no member write sets it, so that nobody, the member's own
 * secretary included, grants access to a branch that did not accept them. */
#define CURRENT_BRANCH_BY_VISIT                                                                    \
  "参加其他支部的组织生活，须由该支部书记接受流动党员活动申请后生效，不能直接登记"

/* Checks that @branch_id names a 党支部. */
static gboolean
check_is_branch (ShStore *store, gint64 branch_id, const char *not_branch, GError **error)
{
  g_autoptr (ShOrg) org = sh_org_get (store, branch_id, error);

  if (!org)
    return FALSE;
  if (org->kind != SH_ORG_BRANCH)
    return sh_minutes_invalid (error, not_branch);
  return TRUE;
}

static gboolean
validate (ShStore *store, const ShMember *m, GError **error)
{
  const char *phone = blank_to_null (m->phone);
  const char *joined_on = blank_to_null (m->joined_on);

  g_return_val_if_fail ((guint) m->status < G_N_ELEMENTS (status_strings), FALSE);

  if (!m->name)
    return sh_minutes_invalid (error, "姓名不能为空");
  if (!sh_text_validate (m->name, "姓名", MEMBER_NAME_MAX_CHARS, SH_TEXT_LINE, error))
    return FALSE;
  if (phone && !phone_is_valid (phone))
    return sh_minutes_invalid (error, "手机号格式不正确");
  if (joined_on && !date_is_valid (joined_on))
    return sh_minutes_invalid (error, "入党日期格式不正确，应为“年-月-日”，如 2001-07-01");
  if (m->branch_id == 0)
    return sh_minutes_invalid (error, "请选择所在党支部");
  if (!check_is_branch (store, m->branch_id, "党员的组织关系只能在党支部", error))
    return FALSE;
  if (m->current_branch_id != 0) {
    if (!m->migrant)
      return sh_minutes_invalid (error,
                                 "该党员正在其他支部参加组织生活，请先结束该活动，再取消流动党员");
    if (m->current_branch_id == m->branch_id)
      return sh_minutes_invalid (error, "流动党员参加活动的支部不能是组织关系所在支部");
    if (!check_is_branch (store, m->current_branch_id, "流动党员只能参加党支部的组织生活", error))
      return FALSE;
  }
  return TRUE;
}

/* @m as it is stored: the name trimmed, blanks as NULL, so that insert and
 * update store the same thing. Returns: (transfer full). */
static ShMember *
normalized (const ShMember *m)
{
  ShMember *copy = sh_member_copy (m);

  g_strstrip (copy->name);
  if (!blank_to_null (copy->phone))
    g_clear_pointer (&copy->phone, g_free);
  if (!blank_to_null (copy->joined_on))
    g_clear_pointer (&copy->joined_on, g_free);
  return copy;
}

/* The phone number is the members table's only unique column, so a
 * uniqueness conflict can be told to the user precisely. Returns: FALSE. */
static gboolean
explain_conflict (GError **error)
{
  if (error && g_error_matches (*error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_CONFLICT)) {
    g_clear_error (error);
    return sh_minutes_fail (error, SH_MINUTES_ERROR_CONFLICT, "该手机号已被其他党员使用");
  }
  return FALSE;
}

/* A new member is always active, whatever @member->active says: "inactive"
 * means transferred out, which only an update can record. */
gint64
sh_member_create (ShStore *store, const ShMember *member, GError **error)
{
  g_autoptr (ShMember) row = NULL;
  g_autoptr (GError) local_error = NULL;
  gint64 id;

  g_return_val_if_fail (store != NULL && member != NULL, 0);
  if (member->current_branch_id != 0) {
    sh_minutes_invalid (error, CURRENT_BRANCH_BY_VISIT);
    return 0;
  }
  if (!validate (store, member, error))
    return 0;
  row = normalized (member);
  id = sh_store_ops (store, member)->insert (store, row, sh_store_now (), &local_error);
  if (!id) {
    explain_conflict (&local_error);
    g_propagate_error (error, g_steal_pointer (&local_error));
  }
  return id;
}

typedef struct {
  const ShMember *member;
  gboolean leaves_branch;
} UpdateData;

static gboolean
update_txn (ShStore *store, gpointer user_data, GError **error)
{
  const UpdateData *data = user_data;
  const ShMemberStoreOps *ops = sh_store_ops (store, member);
  gint64 now = sh_store_now ();

  /* A visit was asked for, and accepted, from the branch the member leaves:
   * it ends with the membership there. */
  if (data->leaves_branch
      && !ops->end_open_visits (store, data->member->id, "组织关系变动", now, error))
    return FALSE;
  if (!ops->update (store, data->member, now, error))
    return explain_conflict (error);
  /* Posts and Party groups belong to a branch: a member who is transferred
   * out or moves to another branch no longer holds them there. */
  return !data->leaves_branch || ops->drop_posts_and_groups (store, data->member->id, error);
}

gboolean
sh_member_update (ShStore *store, const ShMember *member, GError **error)
{
  g_autoptr (ShMember) old = NULL;
  g_autoptr (ShMember) checked = NULL;
  g_autoptr (ShMember) row = NULL;
  UpdateData data;

  g_return_val_if_fail (store != NULL && member != NULL, FALSE);
  old = sh_member_get (store, member->id, error);
  if (!old)
    return FALSE;
  data.leaves_branch = old->branch_id != member->branch_id || (old->active && !member->active);
  if (member->current_branch_id != old->current_branch_id && !data.leaves_branch)
    return sh_minutes_invalid (error, CURRENT_BRANCH_BY_VISIT);
  /* Leaving ends the visit: the current branch is cleared with it. */
  checked = sh_member_copy (member);
  if (data.leaves_branch)
    checked->current_branch_id = 0;
  if (!validate (store, checked, error))
    return FALSE;
  row = normalized (checked);
  data.member = row;
  /* One unit, nested in a caller's transaction (an import, say). */
  return sh_store_transaction (store, update_txn, &data, error);
}

ShMember *
sh_member_get (ShStore *store, gint64 id, GError **error)
{
  g_return_val_if_fail (store != NULL, NULL);
  return sh_store_ops (store, member)->get (store, id, error);
}

GPtrArray *
sh_member_list (ShStore *store, gint64 branch_id, GError **error)
{
  g_return_val_if_fail (store != NULL, NULL);
  return sh_store_ops (store, member)->list (store, branch_id, error);
}

GPtrArray *
sh_member_list_visiting (ShStore *store, gint64 branch_id, GError **error)
{
  g_return_val_if_fail (store != NULL, NULL);
  return sh_store_ops (store, member)->list_visiting (store, branch_id, error);
}
