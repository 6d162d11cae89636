/* Layer: the assembly, above all others. Builds the server with its
 * tables: the REST route tables, the calendar feed, the WebSocket protocol
 * tables and the meeting layer's hooks are handed over here, so that no
 * lower layer names a handler. Used by sh_server_new() (public), the tests
 * and the fuzz targets. May include every private header.
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "ws-envelope.h"

/* The payload schema of WebSocket message @type in the protocol tables the
 * server is built with, or NULL when the handler reads the payload itself
 * (or there is no such message). (transfer none) */
const ShWsField *sh_app_ws_schema (const char *type);
