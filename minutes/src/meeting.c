/* Meetings: types, states, scheduling with validation, listings and the
 * state machine. SPDX-License-Identifier: Apache-2.0 */
#include "store-private.h"
#include "sqlite/sqlite-private.h"

#include <string.h>

#define TITLE_MAX_CHARS 200
#define AGENDA_MAX_ITEMS 50
#define AGENDA_ITEM_MAX_CHARS 500

/* ------------------------------------------------------------ enums */

static const struct {
  const char *name;
  const char *label;
} meeting_types[] = {
  [SH_MEETING_GENERAL] = { "general", "支部党员大会" },
  [SH_MEETING_COMMITTEE] = { "committee", "支部委员会会议" },
  [SH_MEETING_GROUP] = { "group", "党小组会" },
  [SH_MEETING_LESSON] = { "lesson", "党课" },
  [SH_MEETING_PARTY_DAY] = { "party_day", "主题党日" },
};

static const struct {
  const char *name;
  const char *label;
} meeting_states[] = {
  [SH_MEETING_SCHEDULED] = { "scheduled", "已安排" },
  [SH_MEETING_OPEN] = { "open", "可入会" },
  [SH_MEETING_IN_PROGRESS] = { "in_progress", "进行中" },
  [SH_MEETING_ENDED] = { "ended", "已结束" },
  [SH_MEETING_ARCHIVED] = { "archived", "已归档" },
  [SH_MEETING_CANCELLED] = { "cancelled", "已取消" },
};

const char *
sh_meeting_type_to_string (ShMeetingType t)
{
  g_return_val_if_fail ((guint) t < G_N_ELEMENTS (meeting_types), NULL);
  return meeting_types[t].name;
}

gboolean
sh_meeting_type_from_string (const char *s, ShMeetingType *out)
{
  for (guint i = 0; s && i < G_N_ELEMENTS (meeting_types); i++) {
    if (strcmp (s, meeting_types[i].name) == 0) {
      if (out)
        *out = (ShMeetingType) i;
      return TRUE;
    }
  }
  return FALSE;
}

const char *
sh_meeting_type_label (ShMeetingType t)
{
  g_return_val_if_fail ((guint) t < G_N_ELEMENTS (meeting_types), NULL);
  return meeting_types[t].label;
}

const char *
sh_meeting_state_to_string (ShMeetingState s)
{
  g_return_val_if_fail ((guint) s < G_N_ELEMENTS (meeting_states), NULL);
  return meeting_states[s].name;
}

gboolean
sh_meeting_state_from_string (const char *s, ShMeetingState *out)
{
  for (guint i = 0; s && i < G_N_ELEMENTS (meeting_states); i++) {
    if (strcmp (s, meeting_states[i].name) == 0) {
      if (out)
        *out = (ShMeetingState) i;
      return TRUE;
    }
  }
  return FALSE;
}

const char *
sh_meeting_state_label (ShMeetingState s)
{
  g_return_val_if_fail ((guint) s < G_N_ELEMENTS (meeting_states), NULL);
  return meeting_states[s].label;
}

/* ----------------------------------------------------------- record */

ShMeeting *
sh_meeting_new (void)
{
  ShMeeting *meeting = g_new0 (ShMeeting, 1);

  meeting->state = SH_MEETING_SCHEDULED;
  meeting->node_id = g_strdup ("");
  meeting->agenda = g_ptr_array_new_with_free_func (g_free);
  return meeting;
}

void
sh_meeting_free (ShMeeting *meeting)
{
  if (!meeting)
    return;
  g_free (meeting->title);
  g_free (meeting->place);
  g_free (meeting->delegation_note);
  g_free (meeting->lecturer_name);
  g_free (meeting->topic);
  g_free (meeting->cancel_reason);
  g_free (meeting->node_id);
  if (meeting->agenda)
    g_ptr_array_unref (meeting->agenda);
  g_free (meeting);
}

/* --------------------------------------------------------- validation */

/* Nothing visible: spaces and zero-width characters only. */
static gboolean
is_blank (const char *s)
{
  return sh_text_is_blank (s);
}

static gboolean
invalid (GError **error, const char *message)
{
  g_set_error_literal (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID, message);
  return FALSE;
}

/* Reads the kind and parent of @org_id. FALSE with INVALID if it is missing. */
static gboolean
lookup_org (ShStore *store, gint64 org_id, ShOrgKind *kind, gint64 *parent_id, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = sh_sqlite_prepare (store, "SELECT kind, parent_id FROM organizations WHERE id = ?",
                            "读取组织", error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, org_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    return invalid (error, "会议所属的组织不存在");
  if (rc != SQLITE_ROW) {
    sh_sqlite_set_error (store, "读取组织", error);
    return FALSE;
  }
  if (!sh_org_kind_from_string ((const char *) sqlite3_column_text (stmt, 0), kind))
    return invalid (error, "会议所属的组织类型无效");
  *parent_id = sqlite3_column_int64 (stmt, 1);
  return TRUE;
}

/* A person who takes a role in a meeting must be an active member of the
 * branch, or a migrant member who takes part in that branch. */
static gboolean
member_takes_part (ShStore *store, gint64 member_id, gint64 branch_id, gboolean *ok, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = sh_sqlite_prepare (store,
                            "SELECT 1 FROM members WHERE id = ?1 AND active = 1"
                            " AND (branch_id = ?2 OR (migrant = 1 AND current_branch_id = ?2))",
                            "核对党员", error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, member_id);
  sqlite3_bind_int64 (stmt, 2, branch_id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
    sh_sqlite_set_error (store, "核对党员", error);
    return FALSE;
  }
  *ok = rc == SQLITE_ROW;
  return TRUE;
}

static gboolean
check_role (ShStore *store, gint64 member_id, gint64 branch_id, const char *message, GError **error)
{
  gboolean ok = FALSE;

  if (!member_id)
    return TRUE;
  if (!member_takes_part (store, member_id, branch_id, &ok, error))
    return FALSE;
  return ok ? TRUE : invalid (error, message);
}

static gboolean
validate_meeting (ShStore *store, const ShMeeting *m, GError **error)
{
  ShOrgKind kind;
  gint64 parent_id = 0;
  gint64 branch_id;

  if ((guint) m->type >= G_N_ELEMENTS (meeting_types))
    return invalid (error, "会议类型无效");
  if (!m->title)
    return invalid (error, "会议名称不能为空");
  if (!sh_text_validate (m->title, "会议名称", TITLE_MAX_CHARS, SH_TEXT_LINE, error))
    return FALSE;
  if (m->planned_start <= 0 || m->planned_end <= m->planned_start)
    return invalid (error, "会议结束时间必须晚于开始时间");
  if (m->planned_end - m->planned_start > SH_MEETING_MAX_DURATION_US)
    return invalid (error, "会议时长不能超过 24 小时");
  if (m->planned_start > sh_store_now () + SH_MEETING_MAX_AHEAD_US)
    return invalid (error, "会议开始时间不能晚于两年之后");
  if (!sh_text_check (m->place, "会议地点", SH_TEXT_LINE, error)
      || !sh_text_check (m->topic, "党课主题", SH_TEXT_LINE, error)
      || !sh_text_check (m->lecturer_name, "授课人", SH_TEXT_LINE, error)
      || !sh_text_check (m->delegation_note, "委托说明", SH_TEXT_MULTILINE, error))
    return FALSE;
  if (!lookup_org (store, m->org_id, &kind, &parent_id, error))
    return FALSE;

  if (m->type == SH_MEETING_GROUP) {
    if (kind != SH_ORG_GROUP)
      return invalid (error, "党小组会只能由党小组召开");
    branch_id = parent_id;
  } else {
    if (kind != SH_ORG_BRANCH)
      return invalid (error, "该类会议只能由党支部召开");
    branch_id = m->org_id;
  }
  if (m->type == SH_MEETING_COMMITTEE && !sh_rules_branch_has_committee_in_store (store, m->org_id))
    return invalid (error, "正式党员不足7人的支部不设支部委员会，不能召开支部委员会会议");

  if (!check_role (store, m->chair_member_id, branch_id, "主持人必须是本支部的党员", error)
      || !check_role (store, m->recorder_member_id, branch_id, "记录人必须是本支部的党员", error)
      || !check_role (store, m->lecturer_member_id, branch_id, "授课人必须是本支部的党员", error))
    return FALSE;

  if (m->delegated_by_member_id) {
    if (!m->chair_member_id)
      return invalid (error, "委托主持时必须指定主持人");
    if (m->delegated_by_member_id == m->chair_member_id)
      return invalid (error, "委托人与主持人不能是同一人");
    if (!check_role (store, m->delegated_by_member_id, branch_id, "委托人必须是本支部的党员",
                     error))
      return FALSE;
  }

  if (m->type == SH_MEETING_LESSON) {
    if (!m->topic || is_blank (m->topic) || !g_utf8_validate (m->topic, -1, NULL))
      return invalid (error, "党课必须填写主题");
    if (!m->lecturer_member_id
        && (!m->lecturer_name || is_blank (m->lecturer_name)
            || !g_utf8_validate (m->lecturer_name, -1, NULL)))
      return invalid (error, "党课必须指定授课人");
  }

  if (m->agenda) {
    if (m->agenda->len > AGENDA_MAX_ITEMS)
      return invalid (error, "议程不能超过50项");
    for (guint i = 0; i < m->agenda->len; i++) {
      const char *item = g_ptr_array_index (m->agenda, i);

      if (!item)
        return invalid (error, "每项议程不能为空，且不超过500个字");
      if (!sh_text_validate (item, "议程", AGENDA_ITEM_MAX_CHARS, SH_TEXT_MULTILINE, error))
        return FALSE;
    }
  }
  return TRUE;
}

gboolean
sh_meeting_check_new_start (gint64 planned_start, gint64 now_us, GError **error)
{
  if (planned_start < now_us - SH_MEETING_MAX_PAST_US)
    return invalid (error, "会议开始时间不能早于一年之前");
  if (planned_start > now_us + SH_MEETING_MAX_AHEAD_US)
    return invalid (error, "会议开始时间不能晚于两年之后");
  return TRUE;
}

/* ------------------------------------------------------------ create */

typedef struct {
  const ShMeeting *meeting;
  gint64 id;
} CreateData;

static gboolean
create_txn (ShStore *store, gpointer user_data, GError **error)
{
  CreateData *data = user_data;
  const ShMeeting *m = data->meeting;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (sqlite3_stmt) item = NULL;
  gint64 now = sh_store_now ();

  stmt = sh_sqlite_prepare (
      store,
      "INSERT INTO meetings (org_id, type, title, planned_start, planned_end, place,"
      " chair_member_id, delegated_by_member_id, delegation_note, recorder_member_id,"
      " lecturer_member_id, lecturer_name, topic, state, node_id, created_by, created_at,"
      " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'scheduled', ?, ?, ?, ?)",
      "安排会议", error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, m->org_id);
  sqlite3_bind_text (stmt, 2, sh_meeting_type_to_string (m->type), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, m->title, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 4, m->planned_start);
  sqlite3_bind_int64 (stmt, 5, m->planned_end);
  sh_sqlite_bind_text_or_null (stmt, 6, m->place && *m->place ? m->place : NULL);
  sh_sqlite_bind_id_or_null (stmt, 7, m->chair_member_id);
  sh_sqlite_bind_id_or_null (stmt, 8, m->delegated_by_member_id);
  sh_sqlite_bind_text_or_null (stmt, 9, m->delegated_by_member_id ? m->delegation_note : NULL);
  sh_sqlite_bind_id_or_null (stmt, 10, m->recorder_member_id);
  sh_sqlite_bind_id_or_null (stmt, 11, m->lecturer_member_id);
  sh_sqlite_bind_text_or_null (stmt, 12, m->lecturer_name);
  sh_sqlite_bind_text_or_null (stmt, 13, m->topic);
  sqlite3_bind_text (stmt, 14, m->node_id ? m->node_id : "", -1, SQLITE_TRANSIENT);
  sh_sqlite_bind_id_or_null (stmt, 15, m->created_by);
  sqlite3_bind_int64 (stmt, 16, now);
  sqlite3_bind_int64 (stmt, 17, now);
  if (!sh_sqlite_step_done (store, stmt, "安排会议", error))
    return FALSE;
  data->id = sqlite3_last_insert_rowid (sh_sqlite_db (store));

  if (!m->agenda || m->agenda->len == 0)
    return TRUE;
  item = sh_sqlite_prepare (
      store, "INSERT INTO agenda_items (meeting_id, position, title) VALUES (?, ?, ?)", "保存议程",
      error);
  if (!item)
    return FALSE;
  for (guint i = 0; i < m->agenda->len; i++) {
    sqlite3_reset (item);
    sqlite3_bind_int64 (item, 1, data->id);
    sqlite3_bind_int (item, 2, (int) i);
    sqlite3_bind_text (item, 3, g_ptr_array_index (m->agenda, i), -1, SQLITE_TRANSIENT);
    if (!sh_sqlite_step_done (store, item, "保存议程", error))
      return FALSE;
  }
  return TRUE;
}

gint64
sh_meeting_create (ShStore *store, const ShMeeting *meeting, GError **error)
{
  CreateData data = { meeting, 0 };

  g_return_val_if_fail (store != NULL && meeting != NULL, 0);
  if (!validate_meeting (store, meeting, error))
    return 0;
  if (!sh_store_transaction (store, create_txn, &data, error))
    return 0;
  return data.id;
}

/* -------------------------------------------------------------- read */

#define MEETING_COLUMNS                                                                            \
  "id, org_id, type, title, planned_start, planned_end, place, chair_member_id,"                   \
  " delegated_by_member_id, delegation_note, recorder_member_id, lecturer_member_id,"              \
  " lecturer_name, topic, state, cancel_reason, node_id, created_by, created_at, updated_at"

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

ShMeeting *
sh_meeting_get (ShStore *store, gint64 id, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (ShMeeting) meeting = NULL;
  int rc;

  g_return_val_if_fail (store != NULL, NULL);
  stmt = sh_sqlite_prepare (store, "SELECT " MEETING_COLUMNS " FROM meetings WHERE id = ?",
                            "读取会议", error);
  if (!stmt)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE) {
    g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_NOT_FOUND, "会议不存在");
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

/* Collects every row of a prepared meeting query, each with its agenda.
 * @keep, when set, decides per meeting whether it belongs in the result. */
typedef gboolean (*KeepFunc) (ShStore *store, const ShMeeting *m, gpointer user_data,
                              gboolean *keep, GError **error);

static GPtrArray *
collect_meetings (ShStore *store, sqlite3_stmt *stmt, KeepFunc keep_func, gpointer user_data,
                  GError **error)
{
  g_autoptr (GPtrArray) result = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_meeting_free);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW) {
    g_autoptr (ShMeeting) m = meeting_from_row (stmt);
    gboolean keep = TRUE;

    if (keep_func && !keep_func (store, m, user_data, &keep, error))
      return NULL;
    if (!keep)
      continue;
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

GPtrArray *
sh_meeting_list_for_org (ShStore *store, gint64 org_id, gint64 from, gint64 to, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (store != NULL, NULL);
  /* A branch sees its groups' meetings too: the secretary schedules and
   * oversees them. */
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
  return collect_meetings (store, stmt, NULL, NULL, error);
}

typedef struct {
  gint64 member_id;
  gint64 visiting_branch_id; /* 0 unless the member is a migrant taking part elsewhere */
} MemberFilter;

static gboolean
member_is_expected (ShStore *store, const ShMeeting *m, gpointer user_data, gboolean *keep,
                    GError **error)
{
  MemberFilter *filter = user_data;
  g_autoptr (GPtrArray) expected = NULL;

  *keep = TRUE;
  if (m->chair_member_id == filter->member_id || m->recorder_member_id == filter->member_id
      || m->lecturer_member_id == filter->member_id)
    return TRUE;
  /* A migrant takes part in the organizational life of the branch they
   * visit, but only in meetings open to every member there. */
  if (filter->visiting_branch_id && m->org_id == filter->visiting_branch_id
      && (m->type == SH_MEETING_GENERAL || m->type == SH_MEETING_LESSON
          || m->type == SH_MEETING_PARTY_DAY))
    return TRUE;
  expected = sh_rules_expected_attendees (store, m->type, m->org_id, m->planned_start, error);
  if (!expected)
    return FALSE;
  *keep = FALSE;
  for (guint i = 0; i < expected->len; i++) {
    const ShMember *member = g_ptr_array_index (expected, i);

    if (member->id == filter->member_id) {
      *keep = TRUE;
      break;
    }
  }
  return TRUE;
}

GPtrArray *
sh_meeting_list_for_member (ShStore *store, gint64 member_id, gint64 from, gint64 to,
                            GError **error)
{
  g_autoptr (sqlite3_stmt) member = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  MemberFilter filter = { member_id, 0 };
  gint64 home_branch_id;
  int rc;

  g_return_val_if_fail (store != NULL, NULL);
  member = sh_sqlite_prepare (
      store, "SELECT branch_id, migrant, current_branch_id FROM members WHERE id = ?", "读取党员",
      error);
  if (!member)
    return NULL;
  sqlite3_bind_int64 (member, 1, member_id);
  rc = sqlite3_step (member);
  if (rc == SQLITE_DONE) {
    g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_NOT_FOUND, "党员不存在");
    return NULL;
  }
  if (rc != SQLITE_ROW) {
    sh_sqlite_set_error (store, "读取党员", error);
    return NULL;
  }
  home_branch_id = sqlite3_column_int64 (member, 0);
  if (sqlite3_column_int (member, 1))
    filter.visiting_branch_id = sqlite3_column_int64 (member, 2);

  /* Candidates: everything in the home branch and its groups, meetings the
   * member has a role in, and the visited branch's meetings; the filter
   * then keeps those the member is actually expected at. */
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
  sqlite3_bind_int64 (stmt, 3, filter.visiting_branch_id);
  sqlite3_bind_int64 (stmt, 4, from);
  sqlite3_bind_int64 (stmt, 5, to);
  return collect_meetings (store, stmt, member_is_expected, &filter, error);
}

/* -------------------------------------------------------- transitions */

static gboolean
transition_allowed (ShMeetingState from, ShMeetingState to)
{
  switch (to) {
    case SH_MEETING_OPEN:
      return from == SH_MEETING_SCHEDULED;
    case SH_MEETING_IN_PROGRESS:
      return from == SH_MEETING_SCHEDULED || from == SH_MEETING_OPEN;
    case SH_MEETING_ENDED:
      return from == SH_MEETING_IN_PROGRESS;
    case SH_MEETING_ARCHIVED:
      return from == SH_MEETING_ENDED;
    case SH_MEETING_CANCELLED:
      return from == SH_MEETING_SCHEDULED || from == SH_MEETING_OPEN;
    case SH_MEETING_SCHEDULED:
    default:
      return FALSE;
  }
}

typedef struct {
  gint64 id;
  ShMeetingState to;
  const char *reason;
} TransitionData;

static gboolean
transition_txn (ShStore *store, gpointer user_data, GError **error)
{
  TransitionData *data = user_data;
  g_autoptr (sqlite3_stmt) read = NULL;
  g_autoptr (sqlite3_stmt) update = NULL;
  g_autoptr (sqlite3_stmt) log = NULL;
  ShMeetingState from;
  gint64 now, updated_at;
  int rc;

  /* Read inside the transaction so that two chairs pressing buttons at
   * once cannot both move the meeting from the same state. */
  read = sh_sqlite_prepare (store, "SELECT state, updated_at FROM meetings WHERE id = ?",
                            "读取会议状态", error);
  if (!read)
    return FALSE;
  sqlite3_bind_int64 (read, 1, data->id);
  rc = sqlite3_step (read);
  if (rc == SQLITE_DONE) {
    g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_NOT_FOUND, "会议不存在");
    return FALSE;
  }
  if (rc != SQLITE_ROW) {
    sh_sqlite_set_error (store, "读取会议状态", error);
    return FALSE;
  }
  if (!sh_meeting_state_from_string ((const char *) sqlite3_column_text (read, 0), &from)) {
    g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_DATABASE, "会议状态无效");
    return FALSE;
  }
  if (!transition_allowed (from, data->to)) {
    g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_STATE, "会议当前%s，不能改为%s",
                 sh_meeting_state_label (from), sh_meeting_state_label (data->to));
    return FALSE;
  }
  /* updated_at feeds the calendar's SEQUENCE: keep it strictly rising even
   * when two changes land within the same microsecond. */
  now = sh_store_now ();
  updated_at = MAX (now, sqlite3_column_int64 (read, 1) + 1);

  update = sh_sqlite_prepare (store,
                              "UPDATE meetings SET state = ?, updated_at = ?,"
                              " cancel_reason = coalesce(?, cancel_reason) WHERE id = ?",
                              "更新会议状态", error);
  if (!update)
    return FALSE;
  sqlite3_bind_text (update, 1, sh_meeting_state_to_string (data->to), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (update, 2, updated_at);
  sh_sqlite_bind_text_or_null (update, 3, data->to == SH_MEETING_CANCELLED ? data->reason : NULL);
  sqlite3_bind_int64 (update, 4, data->id);
  if (!sh_sqlite_step_done (store, update, "更新会议状态", error))
    return FALSE;

  log = sh_sqlite_prepare (store,
                           "INSERT INTO meeting_state_log (meeting_id, from_state, to_state,"
                           " reason, at) VALUES (?, ?, ?, ?, ?)",
                           "记录会议状态变化", error);
  if (!log)
    return FALSE;
  sqlite3_bind_int64 (log, 1, data->id);
  sqlite3_bind_text (log, 2, sh_meeting_state_to_string (from), -1, SQLITE_STATIC);
  sqlite3_bind_text (log, 3, sh_meeting_state_to_string (data->to), -1, SQLITE_STATIC);
  sh_sqlite_bind_text_or_null (log, 4, data->reason);
  sqlite3_bind_int64 (log, 5, now);
  return sh_sqlite_step_done (store, log, "记录会议状态变化", error);
}

gboolean
sh_meeting_transition (ShStore *store, gint64 id, ShMeetingState to, const char *reason,
                       GError **error)
{
  g_autofree char *trimmed = NULL;
  TransitionData data = { id, to, NULL };

  g_return_val_if_fail (store != NULL, FALSE);
  if ((guint) to >= G_N_ELEMENTS (meeting_states))
    return invalid (error, "会议状态无效");
  if (reason) {
    if (!g_utf8_validate (reason, -1, NULL))
      return invalid (error, "原因包含无效字符");
    trimmed = g_strstrip (g_strdup (reason));
  }
  if (to == SH_MEETING_CANCELLED && (!trimmed || !*trimmed))
    return invalid (error, "取消会议必须填写原因");
  data.reason = trimmed && *trimmed ? trimmed : NULL;
  return sh_store_transaction (store, transition_txn, &data, error);
}
