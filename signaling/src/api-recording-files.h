/* Layer: REST API (see api-private.h). Serving recording files with HTTP
 * Range, the audit log of recordings and who may watch them
 * (api-recording-files.c); the listing (api-recordings.c) uses the last two.
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "api-private.h"

extern const ShRoute sh_recording_file_routes[];

/* What the caller is at @m: "admin", "secretary", "chair", "inspector",
 * "member" or "none". (transfer none) */
const char *sh_recording_role (ShRequest *req, const ShMeeting *m);
/* TRUE when @role (of sh_recording_role()) may list, play and download the
 * recordings: the meeting's secretary and chair, inspectors above, admins. */
gboolean sh_recording_role_may_watch (const char *role);
/* Writes the audit log entry of the request being answered with @status
 * (folded as sh_recording_access_record() says); a failure is logged, never
 * answered. @file_id 0 for a listing, @range (nullable) as asked. */
void sh_recording_audit (ShRequest *req, const ShMeeting *m, const char *role,
                         ShRecordingAccessAction action, gint64 file_id, guint status,
                         const char *range, gint64 bytes);
