/* The SQLite backend, meeting area: meetings, agenda_items and
 * meeting_state_log. SPDX-License-Identifier: Apache-2.0 */
#include "sqlite-private.h"
#include "store-meeting.h"

static gint64
insert (ShStore *store, const ShMeeting *m, gint64 now, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = sh_sqlite_prepare (
      store,
      "INSERT INTO meetings (org_id, type, title, planned_start, planned_end, place,"
      " chair_member_id, delegated_by_member_id, delegation_note, recorder_member_id,"
      " lecturer_member_id, lecturer_name, topic, state, node_id, created_by, created_at,"
      " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'scheduled', ?, ?, ?, ?)",
      "安排会议", error);
  if (!stmt)
    return 0;
  sqlite3_bind_int64 (stmt, 1, m->org_id);
  sqlite3_bind_text (stmt, 2, sh_meeting_type_to_string (m->type), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, m->title, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 4, m->planned_start);
  sqlite3_bind_int64 (stmt, 5, m->planned_end);
  sh_sqlite_bind_text_or_null (stmt, 6, m->place);
  sh_sqlite_bind_id_or_null (stmt, 7, m->chair_member_id);
  sh_sqlite_bind_id_or_null (stmt, 8, m->delegated_by_member_id);
  sh_sqlite_bind_text_or_null (stmt, 9, m->delegation_note);
  sh_sqlite_bind_id_or_null (stmt, 10, m->recorder_member_id);
  sh_sqlite_bind_id_or_null (stmt, 11, m->lecturer_member_id);
  sh_sqlite_bind_text_or_null (stmt, 12, m->lecturer_name);
  sh_sqlite_bind_text_or_null (stmt, 13, m->topic);
  sqlite3_bind_text (stmt, 14, m->node_id ? m->node_id : "", -1, SQLITE_TRANSIENT);
  sh_sqlite_bind_id_or_null (stmt, 15, m->created_by);
  sqlite3_bind_int64 (stmt, 16, now);
  sqlite3_bind_int64 (stmt, 17, now);
  if (!sh_sqlite_step_done (store, stmt, "安排会议", error))
    return 0;
  return sqlite3_last_insert_rowid (sh_sqlite_db (store));
}

static gboolean
insert_agenda_item (ShStore *store, gint64 meeting_id, guint position, const char *title,
                    GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = sh_sqlite_prepare (
      store, "INSERT INTO agenda_items (meeting_id, position, title) VALUES (?, ?, ?)", "保存议程",
      error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, meeting_id);
  sqlite3_bind_int (stmt, 2, (int) position);
  sqlite3_bind_text (stmt, 3, title, -1, SQLITE_TRANSIENT);
  return sh_sqlite_step_done (store, stmt, "保存议程", error);
}

#define MEETING_COLUMNS                                                                            \
  "id, org_id, type, title, planned_start, planned_end, place, chair_member_id,"                   \
  " delegated_by_member_id, delegation_note, recorder_member_id, lecturer_member_id,"              \
  " lecturer_name, topic, state, cancel_reason, node_id, created_by, created_at, updated_at"

/* Reads a row selected with MEETING_COLUMNS. Returns: (transfer full) */
static ShMeeting *
meeting_from_row (sqlite3_stmt *stmt)
{
  ShMeeting *m = sh_meeting_new ();

  m->id = sqlite3_column_int64 (stmt, 0);
  m->org_id = sqlite3_column_int64 (stmt, 1);
  sh_meeting_type_from_string ((const char *) sqlite3_column_text (stmt, 2), &m->type);
  m->title = sh_sqlite_column_text (stmt, 3);
  m->planned_start = sqlite3_column_int64 (stmt, 4);
  m->planned_end = sqlite3_column_int64 (stmt, 5);
  m->place = sh_sqlite_column_text (stmt, 6);
  m->chair_member_id = sqlite3_column_int64 (stmt, 7);
  m->delegated_by_member_id = sqlite3_column_int64 (stmt, 8);
  m->delegation_note = sh_sqlite_column_text (stmt, 9);
  m->recorder_member_id = sqlite3_column_int64 (stmt, 10);
  m->lecturer_member_id = sqlite3_column_int64 (stmt, 11);
  m->lecturer_name = sh_sqlite_column_text (stmt, 12);
  m->topic = sh_sqlite_column_text (stmt, 13);
  sh_meeting_state_from_string ((const char *) sqlite3_column_text (stmt, 14), &m->state);
  m->cancel_reason = sh_sqlite_column_text (stmt, 15);
  g_free (m->node_id);
  m->node_id = sh_sqlite_column_text (stmt, 16);
  if (!m->node_id)
    m->node_id = g_strdup ("");
  m->created_by = sqlite3_column_int64 (stmt, 17);
  m->created_at = sqlite3_column_int64 (stmt, 18);
  m->updated_at = sqlite3_column_int64 (stmt, 19);
  return m;
}

static gboolean
load_agenda (ShStore *store, ShMeeting *m, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = sh_sqlite_prepare (store,
                            "SELECT title FROM agenda_items WHERE meeting_id = ? ORDER BY position",
                            "读取议程", error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, m->id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (m->agenda, sh_sqlite_column_text (stmt, 0));
  if (rc != SQLITE_DONE) {
    sh_sqlite_set_error (store, "读取议程", error);
    return FALSE;
  }
  return TRUE;
}

static ShMeeting *
get (ShStore *store, gint64 id, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (ShMeeting) meeting = NULL;
  int rc;

  stmt = sh_sqlite_prepare (store, "SELECT " MEETING_COLUMNS " FROM meetings WHERE id = ?",
                            "读取会议", error);
  if (!stmt)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE) {
    sh_minutes_fail (error, SH_MINUTES_ERROR_NOT_FOUND, "会议不存在");
    return NULL;
  }
  if (rc != SQLITE_ROW) {
    sh_sqlite_set_error (store, "读取会议", error);
    return NULL;
  }
  meeting = meeting_from_row (stmt);
  if (!load_agenda (store, meeting, error))
    return NULL;
  return g_steal_pointer (&meeting);
}

/* Collects every row of a prepared meeting query, each with its agenda. */
static GPtrArray *
collect_meetings (ShStore *store, sqlite3_stmt *stmt, GError **error)
{
  g_autoptr (GPtrArray) result = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_meeting_free);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW) {
    g_autoptr (ShMeeting) m = meeting_from_row (stmt);

    if (!load_agenda (store, m, error))
      return NULL;
    g_ptr_array_add (result, g_steal_pointer (&m));
  }
  if (rc != SQLITE_DONE) {
    sh_sqlite_set_error (store, "列出会议", error);
    return NULL;
  }
  return g_steal_pointer (&result);
}

static GPtrArray *
list_for_org (ShStore *store, gint64 org_id, gint64 from, gint64 to, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt
      = sh_sqlite_prepare (store,
                           "SELECT " MEETING_COLUMNS " FROM meetings"
                           " WHERE (org_id = ?1 OR org_id IN (SELECT id FROM organizations"
                           "        WHERE parent_id = ?1 AND kind = 'group'))"
                           " AND (?2 = 0 OR planned_start >= ?2) AND (?3 = 0 OR planned_start < ?3)"
                           " ORDER BY planned_start, id",
                           "列出会议", error);
  if (!stmt)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, org_id);
  sqlite3_bind_int64 (stmt, 2, from);
  sqlite3_bind_int64 (stmt, 3, to);
  return collect_meetings (store, stmt, error);
}

static GPtrArray *
list_candidates (ShStore *store, gint64 home_branch_id, gint64 member_id, gint64 visiting_branch_id,
                 gint64 from, gint64 to, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = sh_sqlite_prepare (
      store,
      "SELECT " MEETING_COLUMNS " FROM meetings"
      " WHERE (org_id = ?1 OR org_id IN (SELECT id FROM organizations"
      "        WHERE parent_id = ?1 AND kind = 'group')"
      "   OR chair_member_id = ?2 OR recorder_member_id = ?2 OR lecturer_member_id = ?2"
      "   OR (?3 != 0 AND org_id = ?3 AND type IN ('general', 'lesson', 'party_day')))"
      " AND (?4 = 0 OR planned_start >= ?4) AND (?5 = 0 OR planned_start < ?5)"
      " ORDER BY planned_start, id",
      "列出党员的会议", error);
  if (!stmt)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, home_branch_id);
  sqlite3_bind_int64 (stmt, 2, member_id);
  sqlite3_bind_int64 (stmt, 3, visiting_branch_id);
  sqlite3_bind_int64 (stmt, 4, from);
  sqlite3_bind_int64 (stmt, 5, to);
  return collect_meetings (store, stmt, error);
}

static gboolean
get_state (ShStore *store, gint64 id, gboolean *found, ShMeetingState *state, gint64 *updated_at,
           GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = sh_sqlite_prepare (store, "SELECT state, updated_at FROM meetings WHERE id = ?",
                            "读取会议状态", error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
    sh_sqlite_set_error (store, "读取会议状态", error);
    return FALSE;
  }
  *found = rc == SQLITE_ROW;
  if (!*found)
    return TRUE;
  if (!sh_meeting_state_from_string ((const char *) sqlite3_column_text (stmt, 0), state))
    return sh_minutes_fail (error, SH_MINUTES_ERROR_DATABASE, "会议状态无效");
  *updated_at = sqlite3_column_int64 (stmt, 1);
  return TRUE;
}

static gboolean
set_state (ShStore *store, gint64 id, ShMeetingState state, gint64 updated_at,
           const char *cancel_reason, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = sh_sqlite_prepare (store,
                            "UPDATE meetings SET state = ?, updated_at = ?,"
                            " cancel_reason = coalesce(?, cancel_reason) WHERE id = ?",
                            "更新会议状态", error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_text (stmt, 1, sh_meeting_state_to_string (state), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, updated_at);
  sh_sqlite_bind_text_or_null (stmt, 3, cancel_reason);
  sqlite3_bind_int64 (stmt, 4, id);
  return sh_sqlite_step_done (store, stmt, "更新会议状态", error);
}

static gboolean
log_state (ShStore *store, gint64 id, ShMeetingState from, ShMeetingState to, const char *reason,
           gint64 at, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = sh_sqlite_prepare (store,
                            "INSERT INTO meeting_state_log (meeting_id, from_state, to_state,"
                            " reason, at) VALUES (?, ?, ?, ?, ?)",
                            "记录会议状态变化", error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_text (stmt, 2, sh_meeting_state_to_string (from), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, sh_meeting_state_to_string (to), -1, SQLITE_STATIC);
  sh_sqlite_bind_text_or_null (stmt, 4, reason);
  sqlite3_bind_int64 (stmt, 5, at);
  return sh_sqlite_step_done (store, stmt, "记录会议状态变化", error);
}

const ShMeetingStoreOps sh_sqlite_meeting_ops = {
  .insert = insert,
  .insert_agenda_item = insert_agenda_item,
  .get = get,
  .list_for_org = list_for_org,
  .list_candidates = list_candidates,
  .get_state = get_state,
  .set_state = set_state,
  .log_state = log_state,
};
