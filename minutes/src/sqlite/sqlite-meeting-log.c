/* The SQLite backend, meeting log area: the meeting_chat, meeting_events
 * and meeting_guests tables (whose triggers refuse changing the first two).
 * SPDX-License-Identifier: Apache-2.0 */
#include "sqlite-private.h"
#include "store-meeting-log.h"

static gint64
chat_insert (ShStore *store, gint64 meeting_id, gint64 account_id, gint64 member_id,
             const char *text, gint64 at, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = sh_sqlite_prepare (store,
                            "INSERT INTO meeting_chat (meeting_id, account_id, member_id, text, at)"
                            " VALUES (?, ?, ?, ?, ?)",
                            "保存会议聊天", error);
  if (!stmt)
    return 0;
  sqlite3_bind_int64 (stmt, 1, meeting_id);
  sqlite3_bind_int64 (stmt, 2, account_id);
  sh_sqlite_bind_id_or_null (stmt, 3, member_id);
  sqlite3_bind_text (stmt, 4, text, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 5, at);
  if (!sh_sqlite_step_done (store, stmt, "保存会议聊天", error))
    return 0;
  return sqlite3_last_insert_rowid (sh_sqlite_db (store));
}

static GPtrArray *
chat_list (ShStore *store, gint64 meeting_id, guint limit, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GPtrArray) out
      = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_chat_message_free);
  int rc;

  /* The newest @limit rows, then put back in the order they were said. */
  stmt = sh_sqlite_prepare (store,
                            "SELECT * FROM (SELECT c.id, c.account_id, c.member_id,"
                            " a.display_name, c.text, c.at FROM meeting_chat c"
                            " JOIN accounts a ON a.id = c.account_id WHERE c.meeting_id = ?1"
                            " ORDER BY c.id DESC LIMIT ?2) ORDER BY id",
                            "读取会议聊天", error);
  if (!stmt)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, meeting_id);
  sqlite3_bind_int64 (stmt, 2, limit ? (gint64) limit : -1);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW) {
    ShChatMessage *m = g_new0 (ShChatMessage, 1);

    m->id = sqlite3_column_int64 (stmt, 0);
    m->meeting_id = meeting_id;
    m->account_id = sqlite3_column_int64 (stmt, 1);
    m->member_id = sqlite3_column_int64 (stmt, 2);
    m->name = sh_sqlite_column_text (stmt, 3);
    m->text = sh_sqlite_column_text (stmt, 4);
    m->at = sqlite3_column_int64 (stmt, 5);
    g_ptr_array_add (out, m);
  }
  if (rc != SQLITE_DONE) {
    sh_sqlite_set_error (store, "读取会议聊天", error);
    return NULL;
  }
  return g_steal_pointer (&out);
}

static gint64
event_insert (ShStore *store, gint64 meeting_id, gint64 account_id, gint64 member_id,
              ShMeetingEventKind kind, const char *detail, gint64 at, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = sh_sqlite_prepare (store,
                            "INSERT INTO meeting_events (meeting_id, account_id, member_id, kind,"
                            " detail, at) VALUES (?, ?, ?, ?, ?, ?)",
                            "记录会议事件", error);
  if (!stmt)
    return 0;
  sqlite3_bind_int64 (stmt, 1, meeting_id);
  sh_sqlite_bind_id_or_null (stmt, 2, account_id);
  sh_sqlite_bind_id_or_null (stmt, 3, member_id);
  sqlite3_bind_text (stmt, 4, sh_meeting_event_kind_to_string (kind), -1, SQLITE_STATIC);
  sh_sqlite_bind_text_or_null (stmt, 5, detail);
  sqlite3_bind_int64 (stmt, 6, at);
  if (!sh_sqlite_step_done (store, stmt, "记录会议事件", error))
    return 0;
  return sqlite3_last_insert_rowid (sh_sqlite_db (store));
}

static GPtrArray *
event_list (ShStore *store, gint64 meeting_id, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GPtrArray) out
      = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_meeting_event_free);
  int rc;

  stmt = sh_sqlite_prepare (store,
                            "SELECT id, account_id, member_id, kind, detail, at FROM meeting_events"
                            " WHERE meeting_id = ? ORDER BY id",
                            "读取会议事件", error);
  if (!stmt)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, meeting_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW) {
    g_autoptr (ShMeetingEvent) e = g_new0 (ShMeetingEvent, 1);

    e->id = sqlite3_column_int64 (stmt, 0);
    e->meeting_id = meeting_id;
    e->account_id = sqlite3_column_int64 (stmt, 1);
    e->member_id = sqlite3_column_int64 (stmt, 2);
    if (!sh_meeting_event_kind_from_string ((const char *) sqlite3_column_text (stmt, 3),
                                            &e->kind)) {
      sh_minutes_fail (error, SH_MINUTES_ERROR_DATABASE, "会议事件类型无效");
      return NULL;
    }
    e->detail = sh_sqlite_column_text (stmt, 4);
    e->at = sqlite3_column_int64 (stmt, 5);
    g_ptr_array_add (out, g_steal_pointer (&e));
  }
  if (rc != SQLITE_DONE) {
    sh_sqlite_set_error (store, "读取会议事件", error);
    return NULL;
  }
  return g_steal_pointer (&out);
}

static gint64
guest_insert (ShStore *store, gint64 meeting_id, gint64 account_id, const char *name,
              gint64 approved_by, gint64 at, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = sh_sqlite_prepare (store,
                            "INSERT INTO meeting_guests (meeting_id, account_id, name,"
                            " approved_by, at) VALUES (?, ?, ?, ?, ?)",
                            "添加列席人员", error);
  if (!stmt)
    return 0;
  sqlite3_bind_int64 (stmt, 1, meeting_id);
  sh_sqlite_bind_id_or_null (stmt, 2, account_id);
  sqlite3_bind_text (stmt, 3, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 4, approved_by);
  sqlite3_bind_int64 (stmt, 5, at);
  if (!sh_sqlite_step_done (store, stmt, "添加列席人员", error))
    return 0;
  return sqlite3_last_insert_rowid (sh_sqlite_db (store));
}

static GPtrArray *
guest_list (ShStore *store, gint64 meeting_id, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GPtrArray) out
      = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_meeting_guest_free);
  int rc;

  stmt = sh_sqlite_prepare (store,
                            "SELECT id, account_id, name, approved_by, at FROM meeting_guests"
                            " WHERE meeting_id = ? ORDER BY id",
                            "读取列席人员", error);
  if (!stmt)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, meeting_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW) {
    ShMeetingGuest *g = g_new0 (ShMeetingGuest, 1);

    g->id = sqlite3_column_int64 (stmt, 0);
    g->meeting_id = meeting_id;
    g->account_id = sqlite3_column_int64 (stmt, 1);
    g->name = sh_sqlite_column_text (stmt, 2);
    g->approved_by = sqlite3_column_int64 (stmt, 3);
    g->at = sqlite3_column_int64 (stmt, 4);
    g_ptr_array_add (out, g);
  }
  if (rc != SQLITE_DONE) {
    sh_sqlite_set_error (store, "读取列席人员", error);
    return NULL;
  }
  return g_steal_pointer (&out);
}

static gboolean
guest_approved (ShStore *store, gint64 meeting_id, gint64 account_id, gboolean *approved,
                GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = sh_sqlite_prepare (store,
                            "SELECT 1 FROM meeting_guests WHERE meeting_id = ? AND account_id = ?",
                            "检查列席人员", error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, meeting_id);
  sqlite3_bind_int64 (stmt, 2, account_id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
    sh_sqlite_set_error (store, "检查列席人员", error);
    return FALSE;
  }
  *approved = rc == SQLITE_ROW;
  return TRUE;
}

const ShMeetingLogStoreOps sh_sqlite_meeting_log_ops = {
  .chat_insert = chat_insert,
  .chat_list = chat_list,
  .event_insert = event_insert,
  .event_list = event_list,
  .guest_insert = guest_insert,
  .guest_list = guest_list,
  .guest_approved = guest_approved,
};
