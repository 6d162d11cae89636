/* Approved exclusions from the expected count (不计入应到会人数).
 * SPDX-License-Identifier: Apache-2.0 */
#include "rules-private.h"
#include "store-exclusion.h"
#include "store-private.h"

#include <string.h>

/* The approver is a name or an office as written on the approval; the note
 * is a line or two. Both are bounded because they come from a form. */
#define APPROVER_MAX_CHARS 100
#define NOTE_MAX_CHARS 500

static const char *const reason_strings[]
    = { "illness", "abroad", "sentence", "bedridden", "away" };
static const char *const reason_labels[] = {
  "长期患病", "出国（境）半年以上", "服刑", "卧床不起", "外出半年以上未转组织关系",
};

const char *
sh_exclusion_reason_to_string (ShExclusionReason r)
{
  g_return_val_if_fail ((guint) r < G_N_ELEMENTS (reason_strings), NULL);
  return reason_strings[r];
}

gboolean
sh_exclusion_reason_from_string (const char *s, ShExclusionReason *out)
{
  g_return_val_if_fail (out != NULL, FALSE);
  for (guint i = 0; s && i < G_N_ELEMENTS (reason_strings); i++) {
    if (strcmp (s, reason_strings[i]) == 0) {
      *out = (ShExclusionReason) i;
      return TRUE;
    }
  }
  return FALSE;
}

const char *
sh_exclusion_reason_label (ShExclusionReason r)
{
  g_return_val_if_fail ((guint) r < G_N_ELEMENTS (reason_labels), NULL);
  return reason_labels[r];
}

void
sh_exclusion_free (ShExclusion *exclusion)
{
  if (!exclusion)
    return;
  g_free (exclusion->approver);
  g_free (exclusion->note);
  g_free (exclusion);
}

static gboolean
validate (ShStore *store, const ShExclusion *e, GError **error)
{
  g_autoptr (ShMember) member = NULL;
  g_autofree char *approver = NULL;

  g_return_val_if_fail ((guint) e->reason < G_N_ELEMENTS (reason_strings), FALSE);

  member = sh_member_get (store, e->member_id, error);
  if (!member)
    return FALSE;
  /* Without a recorded approval an absence is just an absence. */
  if (!e->approver || !g_utf8_validate (e->approver, -1, NULL))
    return sh_minutes_invalid (error, "请填写批准人");
  approver = g_strstrip (g_strdup (e->approver));
  if (*approver == '\0')
    return sh_minutes_invalid (error, "请填写批准人");
  if (g_utf8_strlen (approver, -1) > APPROVER_MAX_CHARS)
    return sh_minutes_invalid (error, "批准人不能超过100个字");
  if (e->note
      && (!g_utf8_validate (e->note, -1, NULL) || g_utf8_strlen (e->note, -1) > NOTE_MAX_CHARS))
    return sh_minutes_invalid (error, "备注不能超过500个字");
  if (e->starts_at <= 0)
    return sh_minutes_invalid (error, "请填写开始时间");
  if (e->ends_at != 0 && e->ends_at <= e->starts_at)
    return sh_minutes_invalid (error, "结束时间须晚于开始时间");
  return TRUE;
}

gint64
sh_exclusion_create (ShStore *store, const ShExclusion *exclusion, GError **error)
{
  g_autofree char *approver = NULL;
  ShExclusion row;

  g_return_val_if_fail (store != NULL && exclusion != NULL, 0);
  if (!validate (store, exclusion, error))
    return 0;
  approver = g_strstrip (g_strdup (exclusion->approver));
  row = *exclusion;
  row.approver = approver;
  row.note = exclusion->note && *exclusion->note ? exclusion->note : NULL;
  return sh_store_ops (store, exclusion)->insert (store, &row, sh_store_now (), error);
}

GPtrArray *
sh_exclusion_list (ShStore *store, gint64 member_id, GError **error)
{
  g_return_val_if_fail (store != NULL, NULL);
  return sh_store_ops (store, exclusion)->list (store, member_id, error);
}

/* On a database failure the member counts as expected, which errs on the
 * strict side. */
gboolean
sh_member_is_excluded_at (ShStore *store, gint64 member_id, gint64 at)
{
  g_autoptr (GPtrArray) exclusions = NULL;
  g_autoptr (GError) error = NULL;

  g_return_val_if_fail (store != NULL, FALSE);
  exclusions = sh_store_ops (store, exclusion)->list (store, member_id, &error);
  if (!exclusions) {
    g_warning ("%s", error->message);
    return FALSE;
  }
  return sh_rules_excluded_at (exclusions, at);
}
