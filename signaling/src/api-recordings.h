/* Layer: REST API (see api-private.h). GET /api/meetings/{id}/recordings:
 * a meeting's recordings, their files and the composite render's progress
 * (api-recordings.c).
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "api-private.h"

extern const ShRoute sh_recording_routes[];
