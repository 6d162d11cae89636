/* Layer: REST API (see api-private.h). A meeting held offline, entered
 * afterwards by the secretary (补录, api-past-meetings.c).
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "api-private.h"

extern const ShRoute sh_past_meeting_routes[];
