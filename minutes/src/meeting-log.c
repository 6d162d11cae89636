/* What happens in a live meeting, kept with it: the chat, the room event
 * stream that attendance and the minutes consume (DESIGN.md), and the
 * guests (列席) approved for the meeting. Chat and events are only ever
 * appended; the schema's triggers refuse updates and deletes.
 * SPDX-License-Identifier: Apache-2.0 */
#include "store-meeting-log.h"
#include "store-private.h"

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
  [SH_MEETING_EVENT_ALL_MUTED] = "all_muted",
  [SH_MEETING_EVENT_ALL_UNMUTED] = "all_unmuted",
  [SH_MEETING_EVENT_STATE_CHANGED] = "state_changed",
  [SH_MEETING_EVENT_CONNECTION_LOST] = "connection_lost",
  [SH_MEETING_EVENT_CONNECTION_REGAINED] = "connection_regained",
};

G_STATIC_ASSERT (G_N_ELEMENTS (event_kinds) == SH_MEETING_EVENT_KIND_COUNT);

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
  g_autofree char *trimmed = NULL;

  g_return_val_if_fail (store != NULL, 0);
  if (!text || !g_utf8_validate (text, -1, NULL)) {
    sh_minutes_invalid (error, "消息包含无效字符");
    return 0;
  }
  if (!sh_text_check (text, "消息", SH_TEXT_MULTILINE, error))
    return 0;
  trimmed = g_strstrip (g_strdup (text));
  if (sh_text_is_blank (trimmed)) {
    sh_minutes_invalid (error, "消息不能为空");
    return 0;
  }
  if (g_utf8_strlen (trimmed, -1) > SH_MEETING_CHAT_MAX_CHARS) {
    sh_minutes_invalid (error, "消息不能超过 1000 个字");
    return 0;
  }
  return sh_store_ops (store, meeting_log)
      ->chat_insert (store, meeting_id, account_id, member_id, trimmed, at, error);
}

GPtrArray *
sh_meeting_chat_list (ShStore *store, gint64 meeting_id, guint limit, GError **error)
{
  g_return_val_if_fail (store != NULL, NULL);
  return sh_store_ops (store, meeting_log)->chat_list (store, meeting_id, limit, error);
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
  g_return_val_if_fail (store != NULL, 0);
  if ((guint) kind >= G_N_ELEMENTS (event_kinds)) {
    sh_minutes_invalid (error, "会议事件类型无效");
    return 0;
  }
  return sh_store_ops (store, meeting_log)
      ->event_insert (store, meeting_id, account_id, member_id, kind, detail, at, error);
}

GPtrArray *
sh_meeting_event_list (ShStore *store, gint64 meeting_id, GError **error)
{
  g_return_val_if_fail (store != NULL, NULL);
  return sh_store_ops (store, meeting_log)->event_list (store, meeting_id, error);
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
      sh_minutes_invalid (error, "列席人员的账号不存在");
      return 0;
    }
    if (!trimmed || !*trimmed) {
      g_free (trimmed);
      trimmed = g_strdup (account->display_name);
    }
  }
  if (!trimmed || !*trimmed || g_utf8_strlen (trimmed, -1) > 100) {
    sh_minutes_invalid (error, "请填写列席人员的账号或姓名（不超过 100 个字）");
    return 0;
  }
  return sh_store_ops (store, meeting_log)
      ->guest_insert (store, meeting_id, account_id, trimmed, approved_by, sh_store_now (), error);
}

GPtrArray *
sh_meeting_guest_list (ShStore *store, gint64 meeting_id, GError **error)
{
  g_return_val_if_fail (store != NULL, NULL);
  return sh_store_ops (store, meeting_log)->guest_list (store, meeting_id, error);
}

gboolean
sh_meeting_guest_is_approved (ShStore *store, gint64 meeting_id, gint64 account_id)
{
  g_autoptr (GError) error = NULL;
  gboolean approved = FALSE;

  g_return_val_if_fail (store != NULL, FALSE);
  if (!account_id)
    return FALSE;
  /* Refusing is the safe answer when the store fails. */
  if (!sh_store_ops (store, meeting_log)
           ->guest_approved (store, meeting_id, account_id, &approved, &error)) {
    g_warning ("%s", error->message);
    return FALSE;
  }
  return approved;
}
