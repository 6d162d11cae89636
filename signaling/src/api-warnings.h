/* Layer: REST API (see api-private.h). GET /api/orgs/{id}/warnings: the
 * organizational-life warnings of a branch (api-warnings.c).
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "api-private.h"

extern const ShRoute sh_warning_routes[];

/* The Chinese sentence for @w as the secretary reads it at @now, dates in
 * @tz. (transfer full) */
char *sh_warning_text (const ShMemberWarning *w, gint64 now, GTimeZone *tz);
