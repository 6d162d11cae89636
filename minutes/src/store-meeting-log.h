/* The store interface, meeting log area (meeting-log.c): what happens in a
 * live meeting, kept with it: chat, room events and approved guests. Chat
 * and events are only ever appended. See store-backend.h for the
 * conventions. SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "store-backend.h"

struct _ShMeetingLogStoreOps {
  /* A chat message (@text checked and trimmed by meeting-log.c) of
   * @account_id, and of @member_id when not 0. A meeting or account that
   * does not exist is INVALID. Returns: its id, 0 with @error set. */
  gint64 (*chat_insert) (ShStore *store, gint64 meeting_id, gint64 account_id, gint64 member_id,
                         const char *text, gint64 at, GError **error);
  /* The newest @limit (0: all) chat messages of the meeting, in the order
   * they were said, each with its author's display name.
   * Returns: (transfer full) (element-type ShChatMessage) */
  GPtrArray *(*chat_list) (ShStore *store, gint64 meeting_id, guint limit, GError **error);
  /* A room event; @account_id and @member_id may be 0, @detail NULL.
   * Returns: its id, 0 with @error set. */
  gint64 (*event_insert) (ShStore *store, gint64 meeting_id, gint64 account_id, gint64 member_id,
                          ShMeetingEventKind kind, const char *detail, gint64 at, GError **error);
  /* Every event of the meeting, in the order appended.
   * Returns: (transfer full) (element-type ShMeetingEvent) */
  GPtrArray *(*event_list) (ShStore *store, gint64 meeting_id, GError **error);
  /* A guest of the meeting named @name (checked by meeting-log.c), with
   * an account unless @account_id is 0. Returns: its id, 0 with @error set. */
  gint64 (*guest_insert) (ShStore *store, gint64 meeting_id, gint64 account_id, const char *name,
                          gint64 approved_by, gint64 at, GError **error);
  /* The meeting's guests in the order added.
   * Returns: (transfer full) (element-type ShMeetingGuest) */
  GPtrArray *(*guest_list) (ShStore *store, gint64 meeting_id, GError **error);
  /* Sets *@approved to whether @account_id is a guest of the meeting. */
  gboolean (*guest_approved) (ShStore *store, gint64 meeting_id, gint64 account_id,
                              gboolean *approved, GError **error);
};
