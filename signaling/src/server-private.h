/* Kept for room.c (and its tests), which include it for the socket's structure: the
 * WebSocket transport's header. New code includes the header of its own
 * layer instead (see docs/architecture.md).
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "ws-private.h"
