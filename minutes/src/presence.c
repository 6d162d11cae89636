/* Attendance intervals (sanhui-minutes.h): the checks on what the live
 * server records, the names of devices and end reasons, and closing what a
 * crash left open. Who is present is decided by the room event stream
 * (signaling/src/attendance-live.c); this file only keeps it.
 * SPDX-License-Identifier: Apache-2.0 */
#include "store-presence.h"
#include "store-private.h"

#include <string.h>

static const char *const device_strings[] = { "computer", "phone" };
static const char *const device_labels[] = { "电脑", "手机" };

static const char *const end_strings[] = {
  "open",     "left",          "disconnected",   "removed", "media_lost",
  "replaced", "meeting_ended", "server_stopped", "crash",
};
static const char *const end_labels[] = {
  "未结束",       "离开会议", "连接断开",   "被主持人移出", "媒体连接中断",
  "换用其他设备", "会议结束", "服务器停止", "服务器故障",
};

G_STATIC_ASSERT (G_N_ELEMENTS (end_strings) == SH_PRESENCE_CRASH + 1);
G_STATIC_ASSERT (G_N_ELEMENTS (end_labels) == SH_PRESENCE_CRASH + 1);

static gboolean
index_of (const char *const *strings, guint n, const char *s, guint *out)
{
  for (guint i = 0; s && i < n; i++) {
    if (strcmp (s, strings[i]) == 0) {
      *out = i;
      return TRUE;
    }
  }
  return FALSE;
}

const char *
sh_device_to_string (ShDevice d)
{
  g_return_val_if_fail ((guint) d < G_N_ELEMENTS (device_strings), NULL);
  return device_strings[d];
}

const char *
sh_device_label (ShDevice d)
{
  g_return_val_if_fail ((guint) d < G_N_ELEMENTS (device_labels), NULL);
  return device_labels[d];
}

gboolean
sh_device_from_string (const char *s, ShDevice *out)
{
  guint i;

  g_return_val_if_fail (out != NULL, FALSE);
  if (!index_of (device_strings, G_N_ELEMENTS (device_strings), s, &i))
    return FALSE;
  *out = (ShDevice) i;
  return TRUE;
}

ShDevice
sh_device_from_user_agent (const char *user_agent)
{
  /* Browsers mark phones with "Mobi" (Mozilla's advice, which Chromium,
   * Safari and Firefox follow); Android tablets and iPads leave it out but
   * name their system, and are handled like phones: a touch screen held in
   * the hand. */
  static const char *const phone_marks[] = { "Mobi", "Android", "iPhone", "iPad", "HarmonyOS" };

  for (guint i = 0; user_agent && i < G_N_ELEMENTS (phone_marks); i++)
    if (strstr (user_agent, phone_marks[i]))
      return SH_DEVICE_PHONE;
  return SH_DEVICE_COMPUTER;
}

const char *
sh_presence_end_to_string (ShPresenceEnd e)
{
  g_return_val_if_fail ((guint) e < G_N_ELEMENTS (end_strings), NULL);
  return end_strings[e];
}

const char *
sh_presence_end_label (ShPresenceEnd e)
{
  g_return_val_if_fail ((guint) e < G_N_ELEMENTS (end_labels), NULL);
  return end_labels[e];
}

gboolean
sh_presence_end_from_string (const char *s, ShPresenceEnd *out)
{
  guint i;

  g_return_val_if_fail (out != NULL, FALSE);
  if (!index_of (end_strings, G_N_ELEMENTS (end_strings), s, &i))
    return FALSE;
  *out = (ShPresenceEnd) i;
  return TRUE;
}

void
sh_presence_interval_free (ShPresenceInterval *interval)
{
  g_free (interval);
}

static gboolean
have_backend (ShStore *store, GError **error)
{
  if (store->backend->presence)
    return TRUE;
  return sh_minutes_fail (error, SH_MINUTES_ERROR_DATABASE, "此存储不记录出席时段");
}

gint64
sh_presence_open (ShStore *store, gint64 meeting_id, gint64 account_id, gint64 member_id,
                  ShAttendanceRole role, ShDevice device, gboolean video, gint64 at, GError **error)
{
  ShPresenceInterval i = {
    .meeting_id = meeting_id,
    .account_id = account_id,
    .member_id = member_id,
    .role = role,
    .started_at = at,
    .device = device,
    .video = video,
  };

  g_return_val_if_fail (store != NULL, 0);
  if (!have_backend (store, error))
    return 0;
  if (meeting_id <= 0 || account_id <= 0 || member_id < 0 || at <= 0)
    return sh_minutes_invalid (error, "出席时段的会议、账号或时间无效");
  if ((guint) role > SH_ATTENDANCE_GUEST || (guint) device > SH_DEVICE_PHONE)
    return sh_minutes_invalid (error, "出席时段的身份或设备无效");
  return sh_store_ops (store, presence)->insert (store, &i, error);
}

gboolean
sh_presence_close (ShStore *store, gint64 id, gint64 at, ShPresenceEnd reason, GError **error)
{
  gboolean found = FALSE;

  g_return_val_if_fail (store != NULL, FALSE);
  if (!have_backend (store, error))
    return FALSE;
  /* A crash is closed by sh_presence_close_after_crash() only. */
  if (reason == SH_PRESENCE_OPEN || reason == SH_PRESENCE_CRASH
      || (guint) reason > SH_PRESENCE_CRASH)
    return sh_minutes_invalid (error, "出席时段的结束原因无效");
  if (at <= 0)
    return sh_minutes_invalid (error, "出席时段的结束时间无效");
  if (!sh_store_ops (store, presence)->close (store, id, at, reason, &found, error))
    return FALSE;
  return found || sh_minutes_fail (error, SH_MINUTES_ERROR_STATE, "该出席时段已结束");
}

gboolean
sh_presence_mark_video (ShStore *store, gint64 id, GError **error)
{
  gboolean found = FALSE;

  g_return_val_if_fail (store != NULL, FALSE);
  if (!have_backend (store, error)
      || !sh_store_ops (store, presence)->mark_video (store, id, &found, error))
    return FALSE;
  return found || sh_minutes_fail (error, SH_MINUTES_ERROR_STATE, "该出席时段已结束");
}

GPtrArray *
sh_presence_list (ShStore *store, gint64 meeting_id, GError **error)
{
  g_return_val_if_fail (store != NULL, NULL);
  if (!store->backend->presence)
    return g_ptr_array_new_with_free_func ((GDestroyNotify) sh_presence_interval_free);
  return sh_store_ops (store, presence)->list (store, meeting_id, error);
}

gboolean
sh_presence_heartbeat (ShStore *store, gint64 at, GError **error)
{
  g_return_val_if_fail (store != NULL, FALSE);
  if (!store->backend->presence)
    return TRUE;
  return sh_store_ops (store, presence)->heartbeat (store, at, error);
}

gint
sh_presence_close_after_crash (ShStore *store, GError **error)
{
  g_return_val_if_fail (store != NULL, -1);
  if (!store->backend->presence)
    return 0;
  return sh_store_ops (store, presence)->close_open_at_crash (store, error);
}
