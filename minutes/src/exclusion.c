/* Approved exclusions from the expected count (不计入应到会人数).
 * SPDX-License-Identifier: Apache-2.0 */
#include "store-private.h"
#include "sqlite/sqlite-private.h"

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
invalid (GError **error, const char *message)
{
  g_set_error_literal (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID, message);
  return FALSE;
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
    return invalid (error, "请填写批准人");
  approver = g_strstrip (g_strdup (e->approver));
  if (*approver == '\0')
    return invalid (error, "请填写批准人");
  if (g_utf8_strlen (approver, -1) > APPROVER_MAX_CHARS)
    return invalid (error, "批准人不能超过100个字");
  if (e->note
      && (!g_utf8_validate (e->note, -1, NULL) || g_utf8_strlen (e->note, -1) > NOTE_MAX_CHARS))
    return invalid (error, "备注不能超过500个字");
  if (e->starts_at <= 0)
    return invalid (error, "请填写开始时间");
  if (e->ends_at != 0 && e->ends_at <= e->starts_at)
    return invalid (error, "结束时间须晚于开始时间");
  return TRUE;
}

gint64
sh_exclusion_create (ShStore *store, const ShExclusion *exclusion, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autofree char *approver = NULL;

  g_return_val_if_fail (store != NULL && exclusion != NULL, 0);
  if (!validate (store, exclusion, error))
    return 0;
  stmt = sh_sqlite_prepare (store,
                            "INSERT INTO exclusions (member_id, reason, approver, note, starts_at,"
                            " ends_at, recorded_by, created_at)"
                            " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                            "登记不计入应到人数", error);
  if (!stmt)
    return 0;
  approver = g_strstrip (g_strdup (exclusion->approver));
  sqlite3_bind_int64 (stmt, 1, exclusion->member_id);
  sqlite3_bind_text (stmt, 2, reason_strings[exclusion->reason], -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, approver, -1, SQLITE_TRANSIENT);
  sh_sqlite_bind_text_or_null (stmt, 4,
                               exclusion->note && *exclusion->note ? exclusion->note : NULL);
  sqlite3_bind_int64 (stmt, 5, exclusion->starts_at);
  sqlite3_bind_int64 (stmt, 6, exclusion->ends_at);
  sh_sqlite_bind_id_or_null (stmt, 7, exclusion->recorded_by);
  sqlite3_bind_int64 (stmt, 8, sh_store_now ());
  if (!sh_sqlite_step_done (store, stmt, "登记不计入应到人数", error))
    return 0;
  return sqlite3_last_insert_rowid (sh_sqlite_db (store));
}

GPtrArray *
sh_exclusion_list (ShStore *store, gint64 member_id, GError **error)
{
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (store != NULL, NULL);
  stmt = sh_sqlite_prepare (store,
                            "SELECT id, member_id, reason, approver, note, starts_at, ends_at,"
                            " recorded_by FROM exclusions WHERE member_id = ?1"
                            " ORDER BY starts_at, id",
                            "列出不计入应到人数的登记", error);
  if (!stmt)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, member_id);
  list = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_exclusion_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW) {
    g_autoptr (ShExclusion) e = g_new0 (ShExclusion, 1);

    e->id = sqlite3_column_int64 (stmt, 0);
    e->member_id = sqlite3_column_int64 (stmt, 1);
    if (!sh_exclusion_reason_from_string ((const char *) sqlite3_column_text (stmt, 2),
                                          &e->reason)) {
      g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_DATABASE,
                   "exclusion %" G_GINT64_FORMAT " has an unknown reason", e->id);
      return NULL;
    }
    e->approver = sh_sqlite_column_text (stmt, 3);
    e->note = sh_sqlite_column_text (stmt, 4);
    e->starts_at = sqlite3_column_int64 (stmt, 5);
    e->ends_at = sqlite3_column_int64 (stmt, 6);
    e->recorded_by = sqlite3_column_int64 (stmt, 7);
    g_ptr_array_add (list, g_steal_pointer (&e));
  }
  if (rc != SQLITE_DONE) {
    sh_sqlite_set_error (store, "列出不计入应到人数的登记", error);
    return NULL;
  }
  return g_steal_pointer (&list);
}

/* The period is half-open, [starts_at, ends_at): an exclusion that ends at
 * the very moment a meeting starts no longer applies to it. On a database
 * failure the member counts as expected, which errs on the strict side. */
gboolean
sh_member_is_excluded_at (ShStore *store, gint64 member_id, gint64 at)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GError) error = NULL;
  int rc;

  g_return_val_if_fail (store != NULL, FALSE);
  stmt = sh_sqlite_prepare (store,
                            "SELECT 1 FROM exclusions WHERE member_id = ?1 AND starts_at <= ?2"
                            " AND (ends_at = 0 OR ends_at > ?2) LIMIT 1",
                            "检查不计入应到人数", &error);
  if (!stmt) {
    g_warning ("%s", error->message);
    return FALSE;
  }
  sqlite3_bind_int64 (stmt, 1, member_id);
  sqlite3_bind_int64 (stmt, 2, at);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return TRUE;
  if (rc != SQLITE_DONE) {
    sh_sqlite_set_error (store, "检查不计入应到人数", &error);
    g_warning ("%s", error->message);
  }
  return FALSE;
}
