/* Internal to the minutes module: the hook meeting.c calls when a meeting
 * starts (attendance.c). SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "sanhui-minutes.h"

/* Computes the expected attendance of @meeting_id with the exclusions in
 * force at @at and stores it as the meeting's frozen list. Called inside
 * the transaction that moves the meeting to in_progress, so that the list
 * and the state change are written together. A backend without an
 * attendance area freezes nothing. */
gboolean sh_attendance_freeze (ShStore *store, gint64 meeting_id, gint64 at, GError **error);

/* sh_attendance_freeze() with the list stamped as frozen at @frozen_at
 * rather than now: a meeting that took place earlier (past-meeting.c). */
gboolean sh_attendance_freeze_at (ShStore *store, gint64 meeting_id, gint64 at, gint64 frozen_at,
                                  GError **error);
