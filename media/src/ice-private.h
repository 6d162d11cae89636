/* Internal to the ICE transport (ice.c, ice-candidate.c).
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "ice.h"

/* The one component of the one stream: BUNDLE and rtcp-mux always. */
#define SH_ICE_COMPONENT_ID 1

/* Checks a trickled candidate and rewrites it in the one form libnice's
 * parser accepts. Returns FALSE with @error, or TRUE with either
 * @canonical (transfer full) set, or @skip (a static reason) set when the
 * candidate is valid but of no use to this agent. */
gboolean sh_ice_canonicalize_candidate (const char *candidate, char **canonical, const char **skip,
                                        GError **error);
