/* The SQLite backend, meeting minutes area: minutes_revisions and
 * minutes_signatures (migration 17: append-only, and only corrections of
 * minutes both have signed once anyone has).
 * SPDX-License-Identifier: Apache-2.0 */
#include "sqlite-private.h"
#include "store-meeting-minutes.h"

#define REVISION_COLUMNS                                                                           \
  "id, meeting_id, part, motion_id, text, base_id, corrects_id, author_account_id, saved_at"

#define PART_ORDER                                                                                 \
  "CASE part WHEN 'agenda' THEN 0 WHEN 'speeches' THEN 1 WHEN 'resolution' THEN 2"                 \
  " WHEN 'lesson_material' THEN 3 ELSE 4 END"

static gboolean
insert_revision (ShStore *store, ShMinutesRevision *r, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = sh_sqlite_prepare (store,
                            "INSERT INTO minutes_revisions (meeting_id, part, motion_id, text,"
                            " base_id, corrects_id, author_account_id, saved_at)"
                            " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                            "保存会议记录", error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, r->meeting_id);
  sqlite3_bind_text (stmt, 2, sh_minutes_part_to_string (r->part), -1, SQLITE_STATIC);
  sh_sqlite_bind_id_or_null (stmt, 3, r->motion_id);
  sqlite3_bind_text (stmt, 4, r->text, -1, SQLITE_STATIC);
  sh_sqlite_bind_id_or_null (stmt, 5, r->base_id);
  sh_sqlite_bind_id_or_null (stmt, 6, r->corrects_id);
  sqlite3_bind_int64 (stmt, 7, r->author_account_id);
  sqlite3_bind_int64 (stmt, 8, r->saved_at);
  if (!sh_sqlite_step_done (store, stmt, "保存会议记录", error))
    return FALSE;
  r->id = sqlite3_last_insert_rowid (sh_sqlite_db (store));
  return TRUE;
}

static ShMinutesRevision *
read_revision (ShStore *store, sqlite3_stmt *stmt, GError **error)
{
  g_autoptr (ShMinutesRevision) r = g_new0 (ShMinutesRevision, 1);

  r->id = sqlite3_column_int64 (stmt, 0);
  r->meeting_id = sqlite3_column_int64 (stmt, 1);
  if (!sh_minutes_part_from_string ((const char *) sqlite3_column_text (stmt, 2), &r->part)) {
    g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_DATABASE, "会议记录的部分无法识别");
    return NULL;
  }
  r->motion_id = sqlite3_column_int64 (stmt, 3);
  r->text = sh_sqlite_column_text (stmt, 4);
  r->base_id = sqlite3_column_int64 (stmt, 5);
  r->corrects_id = sqlite3_column_int64 (stmt, 6);
  r->author_account_id = sqlite3_column_int64 (stmt, 7);
  r->saved_at = sqlite3_column_int64 (stmt, 8);
  return g_steal_pointer (&r);
}

/* Reads every row of @stmt. Returns: (transfer full) or NULL on error. */
static GPtrArray *
read_revisions (ShStore *store, sqlite3_stmt *stmt, const char *purpose, GError **error)
{
  g_autoptr (GPtrArray) list
      = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_minutes_revision_free);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW) {
    ShMinutesRevision *r = read_revision (store, stmt, error);
    if (!r)
      return NULL;
    g_ptr_array_add (list, r);
  }
  if (rc != SQLITE_DONE) {
    sh_sqlite_set_error (store, purpose, error);
    return NULL;
  }
  return g_steal_pointer (&list);
}

/* The first row of @stmt, or NULL with *@found FALSE. */
static ShMinutesRevision *
read_one (ShStore *store, sqlite3_stmt *stmt, gboolean *found, GError **error)
{
  g_autoptr (GPtrArray) rows = read_revisions (store, stmt, "读取会议记录", error);

  *found = rows && rows->len > 0;
  return *found ? g_ptr_array_steal_index (rows, 0) : NULL;
}

static ShMinutesRevision *
latest (ShStore *store, gint64 meeting_id, ShMinutesPart part, gint64 motion_id, gboolean *found,
        GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  *found = FALSE;
  stmt = sh_sqlite_prepare (store,
                            "SELECT " REVISION_COLUMNS " FROM minutes_revisions"
                            " WHERE meeting_id = ?1 AND part = ?2 AND motion_id IS ?3"
                            " AND corrects_id IS NULL ORDER BY id DESC LIMIT 1",
                            "读取会议记录", error);
  if (!stmt)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, meeting_id);
  sqlite3_bind_text (stmt, 2, sh_minutes_part_to_string (part), -1, SQLITE_STATIC);
  sh_sqlite_bind_id_or_null (stmt, 3, motion_id);
  return read_one (store, stmt, found, error);
}

static ShMinutesRevision *
get_revision (ShStore *store, gint64 id, gboolean *found, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  *found = FALSE;
  stmt = sh_sqlite_prepare (store,
                            "SELECT " REVISION_COLUMNS " FROM minutes_revisions WHERE id = ?1",
                            "读取会议记录", error);
  if (!stmt)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  return read_one (store, stmt, found, error);
}

static GPtrArray *
current (ShStore *store, gint64 meeting_id, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = sh_sqlite_prepare (store,
                            "SELECT " REVISION_COLUMNS " FROM minutes_revisions r"
                            " WHERE meeting_id = ?1 AND corrects_id IS NULL AND id ="
                            " (SELECT MAX(id) FROM minutes_revisions l"
                            "  WHERE l.meeting_id = r.meeting_id AND l.part = r.part"
                            "  AND l.motion_id IS r.motion_id AND l.corrects_id IS NULL)"
                            " ORDER BY " PART_ORDER ", COALESCE(motion_id, 0)",
                            "读取会议记录", error);
  if (!stmt)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, meeting_id);
  return read_revisions (store, stmt, "读取会议记录", error);
}

static GPtrArray *
history (ShStore *store, gint64 meeting_id, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = sh_sqlite_prepare (store,
                            "SELECT " REVISION_COLUMNS " FROM minutes_revisions"
                            " WHERE meeting_id = ?1 ORDER BY id",
                            "读取会议记录历史", error);
  if (!stmt)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, meeting_id);
  return read_revisions (store, stmt, "读取会议记录历史", error);
}

static const char *const signer_strings[] = { "recorder", "chair" };

static gboolean
insert_signature (ShStore *store, const ShMinutesSignature *s, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt
      = sh_sqlite_prepare (store,
                           "INSERT INTO minutes_signatures (meeting_id, signer, account_id,"
                           " member_id, content_sha256, signed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                           "保存签名", error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, s->meeting_id);
  sqlite3_bind_text (stmt, 2, signer_strings[s->signer], -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, s->account_id);
  sqlite3_bind_int64 (stmt, 4, s->member_id);
  sqlite3_bind_text (stmt, 5, s->content_sha256, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 6, s->signed_at);
  return sh_sqlite_step_done (store, stmt, "保存签名", error);
}

static GPtrArray *
signatures (ShStore *store, gint64 meeting_id, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GPtrArray) list
      = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_minutes_signature_free);
  int rc;

  stmt = sh_sqlite_prepare (store,
                            "SELECT signer, account_id, member_id, content_sha256, signed_at"
                            " FROM minutes_signatures WHERE meeting_id = ?1"
                            " ORDER BY signer = 'chair'",
                            "读取签名", error);
  if (!stmt)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, meeting_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW) {
    ShMinutesSignature *s = g_new0 (ShMinutesSignature, 1);
    s->meeting_id = meeting_id;
    s->signer = g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "chair") == 0
                    ? SH_MINUTES_SIGNER_CHAIR
                    : SH_MINUTES_SIGNER_RECORDER;
    s->account_id = sqlite3_column_int64 (stmt, 1);
    s->member_id = sqlite3_column_int64 (stmt, 2);
    s->content_sha256 = sh_sqlite_column_text (stmt, 3);
    s->signed_at = sqlite3_column_int64 (stmt, 4);
    g_ptr_array_add (list, s);
  }
  if (rc != SQLITE_DONE) {
    sh_sqlite_set_error (store, "读取签名", error);
    return NULL;
  }
  return g_steal_pointer (&list);
}

const ShMeetingMinutesStoreOps sh_sqlite_meeting_minutes_ops = {
  .insert_revision = insert_revision,
  .latest = latest,
  .get_revision = get_revision,
  .current = current,
  .history = history,
  .insert_signature = insert_signature,
  .signatures = signatures,
};
