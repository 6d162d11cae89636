/* The persisted event log of live meetings: a listener of the room event
 * stream (room.h) that appends one row per change to the meeting's event
 * log in the store (GET /api/meetings/{id}/events, docs/room-events.md).
 * Main thread only. SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "room.h"

/* Subscribes the log to every room of @rooms. @store is borrowed and must
 * outlive @rooms. Returns the listener id. */
guint sh_room_log_attach (ShRooms *rooms, ShStore *store);

/* The stored form of @event: its kind in the store and its detail, a small
 * JSON object or NULL. FALSE for events the log does not keep (CLOSING:
 * the room going away is not a change of the meeting). @detail: (out)
 * (transfer full) (nullable). */
gboolean sh_room_log_entry (const ShRoomEvent *event, ShMeetingEventKind *kind, char **detail);
