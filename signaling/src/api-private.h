/* Layer: REST API (api-*.c), above the HTTP server and the sessions. Each
 * file contributes one route table; the assembly (app.c) hands them to the
 * server at start, the server never names them. May include:
 * http-private.h, builders.h, login.h and the helpers below them; never a
 * header of the WebSocket or meeting layers (a state change reaches the
 * rooms through sh_server_meeting_state_changed()).
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "builders.h"
#include "http-private.h"

/* Route tables, one per API file. */
extern const ShRoute sh_session_routes[];
extern const ShRoute sh_org_routes[];
extern const ShRoute sh_member_routes[];
extern const ShRoute sh_meeting_routes[];
extern const ShRoute sh_account_routes[];
extern const ShRoute sh_meeting_record_routes[];
extern const ShRoute sh_attendance_routes[];
extern const ShRoute sh_vote_routes[];

/* Writes a *Member* object (api-members.c). @branch_id is the branch whose
 * view this is (vote right is relative to it). */
void sh_build_member (ShRequest *req, JsonBuilder *b, const ShMember *member, gint64 branch_id);
/* Writes an *Org* object (api-orgs.c). */
void sh_build_org (ShRequest *req, JsonBuilder *b, const ShOrg *org);
/* Reads *MemberInput* fields present in the body over @member. */
gboolean sh_read_member_input (JsonObject *body, ShMember *member, GError **error);

/* Loads the meeting of the first path id when the caller may @perm on its
 * organization (or is its chair, with @chair_ok); replies and returns NULL
 * otherwise (api-meetings.c). Returns: (transfer full). */
ShMeeting *sh_meeting_for_request (ShRequest *req, ShPermission perm, gboolean chair_ok);

/* GET /calendar/{token}.ics (api-meetings.c), handed to the pages. */
void sh_calendar_feed (ShRequest *req);
