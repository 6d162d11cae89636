/* Layer: REST API (see api-private.h). GET /api/meetings/{id}/rollcalls:
 * the record of a meeting's roll calls (api-rollcall.c).
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "api-private.h"

extern const ShRoute sh_rollcall_routes[];
