/* Attendance intervals from the room event stream: a listener that opens
 * an interval when a participant's media is live on their own socket and
 * closes it when they leave, drop, are removed, lose the media, are
 * replaced by another socket or the meeting ends; and a heartbeat in the
 * store, so that the next start closes what a crash left open at the
 * crash (sh_presence_close_after_crash()).
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "room.h"

/* Closes the intervals a crash left open, then subscribes to every room of
 * @rooms and starts the heartbeat (every SH_PRESENCE_HEARTBEAT_SECONDS).
 * @store is borrowed and must outlive @rooms. Returns the listener id. */
guint sh_attendance_live_attach (ShRooms *rooms, ShStore *store);
