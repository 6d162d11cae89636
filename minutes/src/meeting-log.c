/* What happens in a live meeting, kept with it: the chat, the room event
 * stream that attendance and the minutes consume (DESIGN.md), and the
 * guests (列席) approved for the meeting. Chat and events are only ever
 * appended; the schema's triggers refuse updates and deletes.
 * SPDX-License-Identifier: Apache-2.0 */
#include "store-private.h"
#include "sqlite/sqlite-private.h"

static const char *const event_kinds[] = {
  [SH_MEETING_EVENT_JOINED] = "joined",
  [SH_MEETING_EVENT_LEFT] = "left",
  [SH_MEETING_EVENT_REPLACED] = "replaced",
  [SH_MEETING_EVENT_REMOVED] = "removed",
  [SH_MEETING_EVENT_MUTED] = "muted",
  [SH_MEETING_EVENT_UNMUTED] = "unmuted",
  [SH_MEETING_EVENT_HAND_RAISED] = "hand_raised",
  [SH_MEETING_EVENT_HAND_LOWERED] = "hand_lowered",
  [SH_MEETING_EVENT_FLOOR_GIVEN] = "floor_given",
  [SH_MEETING_EVENT_FLOOR_TAKEN] = "floor_taken",
  [SH_MEETING_EVENT_LOCKED] = "locked",
  [SH_MEETING_EVENT_UNLOCKED] = "unlocked",
  [SH_MEETING_EVENT_LESSON_MODE_ON] = "lesson_mode_on",
  [SH_MEETING_EVENT_LESSON_MODE_OFF] = "lesson_mode_off",
  [SH_MEETING_EVENT_STARTED] = "started",
  [SH_MEETING_EVENT_ENDED] = "ended",
};

const char *
sh_meeting_event_kind_to_string (ShMeetingEventKind kind)
{
  g_return_val_if_fail ((guint) kind < G_N_ELEMENTS (event_kinds), NULL);
  return event_kinds[kind];
}

gboolean
sh_meeting_event_kind_from_string (const char *s, ShMeetingEventKind *out)
{
  for (gsize i = 0; s && i < G_N_ELEMENTS (event_kinds); i++) {
    if (g_str_equal (s, event_kinds[i])) {
      *out = (ShMeetingEventKind) i;
      return TRUE;
    }
  }
  return FALSE;
}

static gboolean
invalid (GError **error, const char *message)
{
  g_set_error_literal (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID, message);
  return FALSE;
}

/* ------------------------------------------------------------------ chat */

void
sh_chat_message_free (ShChatMessage *message)
{
  if (!message)
    return;
  g_free (message->name);
  g_free (message->text);
  g_free (message);
}

gint64
sh_meeting_chat_append (ShStore *store, gint64 meeting_id, gint64 account_id, gint64 member_id,
                        const char *text, gint64 at, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autofree char *trimmed = NULL;

  g_return_val_if_fail (store != NULL, 0);
  if (!text || !g_utf8_validate (text, -1, NULL)) {
    invalid (error, "消息包含无效字符");
    return 0;
  }
  if (!sh_text_check (text, "消息", SH_TEXT_MULTILINE, error))
    return 0;
  trimmed = g_strstrip (g_strdup (text));
  if (sh_text_is_blank (trimmed)) {
    invalid (error, "消息不能为空");
    return 0;
  }
  if (g_utf8_strlen (trimmed, -1) > SH_MEETING_CHAT_MAX_CHARS) {
    invalid (error, "消息不能超过 1000 个字");
    return 0;
  }
  stmt = sh_sqlite_prepare (store,
                            "INSERT INTO meeting_chat (meeting_id, account_id, member_id, text, at)"
                            " VALUES (?, ?, ?, ?, ?)",
                            "保存会议聊天", error);
  if (!stmt)
    return 0;
  sqlite3_bind_int64 (stmt, 1, meeting_id);
  sqlite3_bind_int64 (stmt, 2, account_id);
  sh_sqlite_bind_id_or_null (stmt, 3, member_id);
  sqlite3_bind_text (stmt, 4, trimmed, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 5, at);
  if (!sh_sqlite_step_done (store, stmt, "保存会议聊天", error))
    return 0;
  return sqlite3_last_insert_rowid (sh_sqlite_db (store));
}

GPtrArray *
sh_meeting_chat_list (ShStore *store, gint64 meeting_id, guint limit, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GPtrArray) out
      = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_chat_message_free);
  int rc;

  g_return_val_if_fail (store != NULL, NULL);
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

/* ---------------------------------------------------------------- events */

void
sh_meeting_event_free (ShMeetingEvent *event)
{
  if (!event)
    return;
  g_free (event->detail);
  g_free (event);
}

gint64
sh_meeting_event_append (ShStore *store, gint64 meeting_id, gint64 account_id, gint64 member_id,
                         ShMeetingEventKind kind, const char *detail, gint64 at, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (store != NULL, 0);
  if ((guint) kind >= G_N_ELEMENTS (event_kinds)) {
    invalid (error, "会议事件类型无效");
    return 0;
  }
  stmt = sh_sqlite_prepare (store,
                            "INSERT INTO meeting_events (meeting_id, account_id, member_id, kind,"
                            " detail, at) VALUES (?, ?, ?, ?, ?, ?)",
                            "记录会议事件", error);
  if (!stmt)
    return 0;
  sqlite3_bind_int64 (stmt, 1, meeting_id);
  sh_sqlite_bind_id_or_null (stmt, 2, account_id);
  sh_sqlite_bind_id_or_null (stmt, 3, member_id);
  sqlite3_bind_text (stmt, 4, event_kinds[kind], -1, SQLITE_STATIC);
  sh_sqlite_bind_text_or_null (stmt, 5, detail);
  sqlite3_bind_int64 (stmt, 6, at);
  if (!sh_sqlite_step_done (store, stmt, "记录会议事件", error))
    return 0;
  return sqlite3_last_insert_rowid (sh_sqlite_db (store));
}

GPtrArray *
sh_meeting_event_list (ShStore *store, gint64 meeting_id, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GPtrArray) out
      = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_meeting_event_free);
  int rc;

  g_return_val_if_fail (store != NULL, NULL);
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
      g_set_error_literal (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_DATABASE, "会议事件类型无效");
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

/* ---------------------------------------------------------------- guests */

void
sh_meeting_guest_free (ShMeetingGuest *guest)
{
  if (!guest)
    return;
  g_free (guest->name);
  g_free (guest);
}

gint64
sh_meeting_guest_add (ShStore *store, gint64 meeting_id, gint64 account_id, const char *name,
                      gint64 approved_by, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (ShAccount) account = NULL;
  g_autoptr (ShMeeting) meeting = NULL;
  g_autofree char *trimmed = NULL;

  g_return_val_if_fail (store != NULL, 0);
  meeting = sh_meeting_get (store, meeting_id, error);
  if (!meeting)
    return 0;
  if (name) {
    if (!sh_text_check (name, "列席人员姓名", SH_TEXT_LINE, error))
      return 0;
    /* A name of nothing visible counts as none. */
    trimmed = sh_text_is_blank (name) ? NULL : g_strstrip (g_strdup (name));
  }
  if (account_id) {
    account = sh_account_get (store, account_id, NULL);
    if (!account) {
      invalid (error, "列席人员的账号不存在");
      return 0;
    }
    if (!trimmed || !*trimmed) {
      g_free (trimmed);
      trimmed = g_strdup (account->display_name);
    }
  }
  if (!trimmed || !*trimmed || g_utf8_strlen (trimmed, -1) > 100) {
    invalid (error, "请填写列席人员的账号或姓名（不超过 100 个字）");
    return 0;
  }
  stmt = sh_sqlite_prepare (store,
                            "INSERT INTO meeting_guests (meeting_id, account_id, name,"
                            " approved_by, at) VALUES (?, ?, ?, ?, ?)",
                            "添加列席人员", error);
  if (!stmt)
    return 0;
  sqlite3_bind_int64 (stmt, 1, meeting_id);
  sh_sqlite_bind_id_or_null (stmt, 2, account_id);
  sqlite3_bind_text (stmt, 3, trimmed, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 4, approved_by);
  sqlite3_bind_int64 (stmt, 5, sh_store_now ());
  if (!sh_sqlite_step_done (store, stmt, "添加列席人员", error))
    return 0;
  return sqlite3_last_insert_rowid (sh_sqlite_db (store));
}

GPtrArray *
sh_meeting_guest_list (ShStore *store, gint64 meeting_id, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GPtrArray) out
      = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_meeting_guest_free);
  int rc;

  g_return_val_if_fail (store != NULL, NULL);
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

gboolean
sh_meeting_guest_is_approved (ShStore *store, gint64 meeting_id, gint64 account_id)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GError) error = NULL;
  int rc;

  g_return_val_if_fail (store != NULL, FALSE);
  if (!account_id)
    return FALSE;
  stmt = sh_sqlite_prepare (store,
                            "SELECT 1 FROM meeting_guests WHERE meeting_id = ? AND account_id = ?",
                            "检查列席人员", &error);
  if (!stmt) {
    g_warning ("%s", error->message);
    return FALSE;
  }
  sqlite3_bind_int64 (stmt, 1, meeting_id);
  sqlite3_bind_int64 (stmt, 2, account_id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
    /* Refusing is the safe answer when the store fails. */
    sh_sqlite_set_error (store, "检查列席人员", &error);
    g_warning ("%s", error->message);
  }
  return rc == SQLITE_ROW;
}
