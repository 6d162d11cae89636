/* Internal to the minutes module: how the attendance record
 * (attendance-record.c) reads a meeting entered afterwards (past-meeting.c).
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "sanhui-minutes.h"

/* When @meeting_id was entered afterwards (补录), flags @record and puts
 * the entered statuses on its rows in place of those the (absent)
 * intervals gave, with the counts to match. Nothing otherwise. */
gboolean sh_past_meeting_apply (ShStore *store, gint64 meeting_id, ShAttendanceRecord *record,
                                GError **error);
