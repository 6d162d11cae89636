/* The assembly: the server with its handlers. The one place that names the
 * route tables, the WebSocket protocols and the meeting layer.
 * SPDX-License-Identifier: Apache-2.0 */
#include "app.h"

#include "api-past-meetings.h"
#include "api-private.h"
#include "api-recordings.h"
#include "api-recording-files.h"
#include "api-rollcall.h"
#include "api-warnings.h"
#include "attendance-live.h"
#include "echo.h"
#include "meeting-attendance.h"
#include "meeting-private.h"
#include "meeting-render.h"
#include "room-log.h"

static const ShRoute *const route_tables[] = {
  sh_session_routes,    sh_org_routes,      sh_member_routes,
  sh_meeting_routes,    sh_account_routes,  sh_meeting_record_routes,
  sh_attendance_routes, sh_rollcall_routes, sh_vote_routes,
  sh_warning_routes,    sh_past_meeting_routes,
  sh_recording_routes,
  sh_recording_file_routes,
};

/* Sockets going away are told to the protocols in this order. */
static const ShWsProtocol *const ws_protocols[] = {
  &sh_echo_protocol, &sh_meeting_protocol, &sh_rollcall_protocol, &sh_meeting_votes_protocol, NULL,
};

const ShWsField *
sh_app_ws_schema (const char *type)
{
  const ShWsMessageDef *def = sh_ws_protocols_find (ws_protocols, type);

  return def ? def->schema : NULL;
}

ShServer *
sh_server_new (const char *config_path, const char *const *overrides, GError **error)
{
  g_autoptr (ShServer) server = sh_http_server_new (config_path, overrides, error);

  if (!server)
    return NULL;
  for (gsize i = 0; i < G_N_ELEMENTS (route_tables); i++)
    sh_server_add_routes (server, route_tables[i]);
  sh_pages_register (server, sh_calendar_feed);
  /* The log first: it records a change before anyone acts on it. */
  sh_room_log_attach (server->rooms, server->store);
  sh_attendance_live_attach (server->rooms, server->store);
  sh_meeting_attach (server);
  sh_meeting_attendance_attach (server);
  sh_meeting_rollcall_attach (server);
  sh_meeting_votes_attach (server);
  sh_meeting_recording_attach (server, sh_meeting_render_recording_finished,
                               sh_meeting_render_attach (server));
  sh_ws_register (server, ws_protocols);
  if (!sh_http_server_start (server, error))
    return NULL;
  return g_steal_pointer (&server);
}
