/* Layer: below the REST API and the WebSocket protocols, above the HTTP
 * server's types. The JSON objects of docs/api.md that both REST replies
 * and WebSocket messages carry. May include: http-private.h.
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "http-private.h"

/* Writes the *Me* object of docs/api.md; @csrf nullable (not sent over the
 * WebSocket). */
void sh_build_me (JsonBuilder *b, const ShAccount *account, GArray *roles, const char *csrf);

/* Writes a *Meeting* object of docs/api.md. */
void sh_build_meeting (ShServer *server, JsonBuilder *b, const ShMeeting *m);
