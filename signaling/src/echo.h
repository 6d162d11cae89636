/* Layer: protocol handlers (the echo service on the WebSocket,
 * docs/protocol.md, "Echo service"), above the WebSocket transport and the
 * worker bridge. May include: ws-private.h, worker-bridge.h.
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "ws-private.h"

/* The echo service's messages, for sh_ws_register() (echo.c). */
extern const ShWsProtocol sh_echo_protocol;
