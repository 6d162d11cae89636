/* Meetings: types, states, scheduling with validation, listings and the
 * state machine. SPDX-License-Identifier: Apache-2.0 */
#include "attendance-private.h"
#include "store-meeting.h"
#include "store-private.h"

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

/* Reads the kind and parent of @org_id. FALSE with INVALID if it is missing. */
static gboolean
lookup_org (ShStore *store, gint64 org_id, ShOrgKind *kind, gint64 *parent_id, GError **error)
{
  g_autoptr (ShOrg) org = NULL;
  g_autoptr (GError) local_error = NULL;

  org = sh_org_get (store, org_id, &local_error);
  if (!org) {
    if (g_error_matches (local_error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_NOT_FOUND))
      return sh_minutes_invalid (error, "会议所属的组织不存在");
    g_propagate_error (error, g_steal_pointer (&local_error));
    return FALSE;
  }
  *kind = org->kind;
  *parent_id = org->parent_id;
  return TRUE;
}

/* A person who takes a role in a meeting must be an active member of the
 * branch, or a migrant member who takes part in that branch. */
static gboolean
takes_part (const ShMember *member, gint64 branch_id)
{
  return member->active
         && (member->branch_id == branch_id
             || (member->migrant && member->current_branch_id == branch_id));
}

static gboolean
check_role (ShStore *store, gint64 member_id, gint64 branch_id, const char *message, GError **error)
{
  g_autoptr (ShMember) member = NULL;
  g_autoptr (GError) local_error = NULL;

  if (!member_id)
    return TRUE;
  member = sh_member_get (store, member_id, &local_error);
  if (!member && !g_error_matches (local_error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_NOT_FOUND)) {
    g_propagate_error (error, g_steal_pointer (&local_error));
    return FALSE;
  }
  return member && takes_part (member, branch_id) ? TRUE : sh_minutes_invalid (error, message);
}

static gboolean
validate_meeting (ShStore *store, const ShMeeting *m, GError **error)
{
  ShOrgKind kind = SH_ORG_BRANCH;
  gint64 parent_id = 0;
  gint64 branch_id;

  if ((guint) m->type >= G_N_ELEMENTS (meeting_types))
    return sh_minutes_invalid (error, "会议类型无效");
  if (!m->title)
    return sh_minutes_invalid (error, "会议名称不能为空");
  if (!sh_text_validate (m->title, "会议名称", TITLE_MAX_CHARS, SH_TEXT_LINE, error))
    return FALSE;
  if (m->planned_start <= 0 || m->planned_end <= m->planned_start)
    return sh_minutes_invalid (error, "会议结束时间必须晚于开始时间");
  if (m->planned_end - m->planned_start > SH_MEETING_MAX_DURATION_US)
    return sh_minutes_invalid (error, "会议时长不能超过 24 小时");
  if (m->planned_start > sh_store_now () + SH_MEETING_MAX_AHEAD_US)
    return sh_minutes_invalid (error, "会议开始时间不能晚于两年之后");
  if (!sh_text_check (m->place, "会议地点", SH_TEXT_LINE, error)
      || !sh_text_check (m->topic, "党课主题", SH_TEXT_LINE, error)
      || !sh_text_check (m->lecturer_name, "授课人", SH_TEXT_LINE, error)
      || !sh_text_check (m->delegation_note, "委托说明", SH_TEXT_MULTILINE, error))
    return FALSE;
  if (!lookup_org (store, m->org_id, &kind, &parent_id, error))
    return FALSE;

  if (m->type == SH_MEETING_GROUP) {
    if (kind != SH_ORG_GROUP)
      return sh_minutes_invalid (error, "党小组会只能由党小组召开");
    branch_id = parent_id;
  } else {
    if (kind != SH_ORG_BRANCH)
      return sh_minutes_invalid (error, "该类会议只能由党支部召开");
    branch_id = m->org_id;
  }
  if (m->type == SH_MEETING_COMMITTEE && !sh_rules_branch_has_committee_in_store (store, m->org_id))
    return sh_minutes_invalid (error,
                               "正式党员不足7人的支部不设支部委员会，不能召开支部委员会会议");

  if (!check_role (store, m->chair_member_id, branch_id, "主持人必须是本支部的党员", error)
      || !check_role (store, m->recorder_member_id, branch_id, "记录人必须是本支部的党员", error)
      || !check_role (store, m->lecturer_member_id, branch_id, "授课人必须是本支部的党员", error))
    return FALSE;

  if (m->delegated_by_member_id) {
    if (!m->chair_member_id)
      return sh_minutes_invalid (error, "委托主持时必须指定主持人");
    if (m->delegated_by_member_id == m->chair_member_id)
      return sh_minutes_invalid (error, "委托人与主持人不能是同一人");
    if (!check_role (store, m->delegated_by_member_id, branch_id, "委托人必须是本支部的党员",
                     error))
      return FALSE;
  }

  if (m->type == SH_MEETING_LESSON) {
    if (!m->topic || is_blank (m->topic) || !g_utf8_validate (m->topic, -1, NULL))
      return sh_minutes_invalid (error, "党课必须填写主题");
    if (!m->lecturer_member_id
        && (!m->lecturer_name || is_blank (m->lecturer_name)
            || !g_utf8_validate (m->lecturer_name, -1, NULL)))
      return sh_minutes_invalid (error, "党课必须指定授课人");
  }

  if (m->agenda) {
    if (m->agenda->len > AGENDA_MAX_ITEMS)
      return sh_minutes_invalid (error, "议程不能超过50项");
    for (guint i = 0; i < m->agenda->len; i++) {
      const char *item = g_ptr_array_index (m->agenda, i);

      if (!item)
        return sh_minutes_invalid (error, "每项议程不能为空，且不超过500个字");
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
    return sh_minutes_invalid (error, "会议开始时间不能早于一年之前");
  if (planned_start > now_us + SH_MEETING_MAX_AHEAD_US)
    return sh_minutes_invalid (error, "会议开始时间不能晚于两年之后");
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
  const ShMeetingStoreOps *ops = sh_store_ops (store, meeting);
  CreateData *data = user_data;
  const ShMeeting *m = data->meeting;
  ShMeeting row = *m;

  /* What is stored: no blank place, and a delegation note only with a
   * delegator. */
  row.place = m->place && *m->place ? m->place : NULL;
  row.delegation_note = m->delegated_by_member_id ? m->delegation_note : NULL;
  data->id = ops->insert (store, &row, sh_store_now (), error);
  if (!data->id)
    return FALSE;
  for (guint i = 0; m->agenda && i < m->agenda->len; i++) {
    if (!ops->insert_agenda_item (store, data->id, i, g_ptr_array_index (m->agenda, i), error))
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

ShMeeting *
sh_meeting_get (ShStore *store, gint64 id, GError **error)
{
  g_return_val_if_fail (store != NULL, NULL);
  return sh_store_ops (store, meeting)->get (store, id, error);
}

GPtrArray *
sh_meeting_list_for_org (ShStore *store, gint64 org_id, gint64 from, gint64 to, GError **error)
{
  g_return_val_if_fail (store != NULL, NULL);
  /* A branch sees its groups' meetings too: the secretary schedules and
   * oversees them. */
  return sh_store_ops (store, meeting)->list_for_org (store, org_id, from, to, error);
}

/* Whether @member_id is expected at @m; @visiting_branch_id is 0 unless
 * the member is a migrant taking part elsewhere. */
static gboolean
member_is_expected (ShStore *store, const ShMeeting *m, gint64 member_id, gint64 visiting_branch_id,
                    gboolean *keep, GError **error)
{
  g_autoptr (GPtrArray) expected = NULL;

  *keep = TRUE;
  if (m->chair_member_id == member_id || m->recorder_member_id == member_id
      || m->lecturer_member_id == member_id)
    return TRUE;
  /* A migrant takes part in the organizational life of the branch they
   * visit, but only in meetings open to every member there. */
  if (visiting_branch_id && m->org_id == visiting_branch_id
      && (m->type == SH_MEETING_GENERAL || m->type == SH_MEETING_LESSON
          || m->type == SH_MEETING_PARTY_DAY))
    return TRUE;
  expected = sh_rules_expected_attendees (store, m->type, m->org_id, m->planned_start, error);
  if (!expected)
    return FALSE;
  *keep = FALSE;
  for (guint i = 0; i < expected->len; i++) {
    const ShMember *member = g_ptr_array_index (expected, i);

    if (member->id == member_id) {
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
  g_autoptr (ShMember) member = NULL;
  g_autoptr (GPtrArray) candidates = NULL;
  g_autoptr (GPtrArray) result = NULL;
  g_autoptr (GError) local_error = NULL;
  gint64 visiting_branch_id;

  g_return_val_if_fail (store != NULL, NULL);
  member = sh_member_get (store, member_id, &local_error);
  if (!member) {
    if (g_error_matches (local_error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_NOT_FOUND))
      sh_minutes_fail (error, SH_MINUTES_ERROR_NOT_FOUND, "党员不存在");
    else
      g_propagate_error (error, g_steal_pointer (&local_error));
    return NULL;
  }
  visiting_branch_id = member->migrant ? member->current_branch_id : 0;

  /* Candidates: everything in the home branch and its groups, meetings the
   * member has a role in, and the visited branch's meetings; then only
   * those the member is actually expected at. */
  candidates = sh_store_ops (store, meeting)
                   ->list_candidates (store, member->branch_id, member_id, visiting_branch_id, from,
                                      to, error);
  if (!candidates)
    return NULL;
  result = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_meeting_free);
  for (guint i = 0; i < candidates->len; i++) {
    gboolean keep = TRUE;

    if (!member_is_expected (store, g_ptr_array_index (candidates, i), member_id,
                             visiting_branch_id, &keep, error))
      return NULL;
    if (keep)
      g_ptr_array_add (result, g_steal_pointer (&candidates->pdata[i]));
  }
  return g_steal_pointer (&result);
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
  const ShMeetingStoreOps *ops = sh_store_ops (store, meeting);
  TransitionData *data = user_data;
  ShMeetingState from = SH_MEETING_SCHEDULED;
  gboolean found = FALSE;
  gint64 now, updated_at = 0;

  /* Read inside the transaction so that two chairs pressing buttons at
   * once cannot both move the meeting from the same state. */
  if (!ops->get_state (store, data->id, &found, &from, &updated_at, error))
    return FALSE;
  if (!found)
    return sh_minutes_fail (error, SH_MINUTES_ERROR_NOT_FOUND, "会议不存在");
  if (!transition_allowed (from, data->to)) {
    g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_STATE, "会议当前%s，不能改为%s",
                 sh_meeting_state_label (from), sh_meeting_state_label (data->to));
    return FALSE;
  }
  /* updated_at feeds the calendar's SEQUENCE: keep it strictly rising even
   * when two changes land within the same microsecond. */
  now = sh_store_now ();
  return ops->set_state (store, data->id, data->to, MAX (now, updated_at + 1),
                         data->to == SH_MEETING_CANCELLED ? data->reason : NULL, error)
         && ops->log_state (store, data->id, from, data->to, data->reason, now, error)
         /* Who was expected is fixed when the meeting starts, with it. */
         && (data->to != SH_MEETING_IN_PROGRESS
             || sh_attendance_freeze (store, data->id, now, error));
}

gboolean
sh_meeting_transition (ShStore *store, gint64 id, ShMeetingState to, const char *reason,
                       GError **error)
{
  g_autofree char *trimmed = NULL;
  TransitionData data = { id, to, NULL };

  g_return_val_if_fail (store != NULL, FALSE);
  if ((guint) to >= G_N_ELEMENTS (meeting_states))
    return sh_minutes_invalid (error, "会议状态无效");
  if (reason) {
    if (!g_utf8_validate (reason, -1, NULL))
      return sh_minutes_invalid (error, "原因包含无效字符");
    trimmed = g_strstrip (g_strdup (reason));
  }
  if (to == SH_MEETING_CANCELLED && (!trimmed || !*trimmed))
    return sh_minutes_invalid (error, "取消会议必须填写原因");
  data.reason = trimmed && *trimmed ? trimmed : NULL;
  return sh_store_transaction (store, transition_txn, &data, error);
}
