/* Helpers shared by the SDP files; not for use outside media/src/sdp*.c.
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "sdp.h"

G_BEGIN_DECLS

/* Strict decimal: digits only, no sign or spaces, at most MAX. */
gboolean sh_sdp_parse_uint (const char *text, guint64 max, guint64 *out);

/* Splits on spaces and tabs, dropping empty tokens.
 * Returns: (transfer full) a NULL-terminated vector. */
GStrv sh_sdp_split_tokens (const char *value);

/* The value of a=rid; its pt= must name payload types of MEDIA (borrowed).
 * Returns: (transfer full) or NULL with ERROR. */
ShSdpRid *sh_sdp_rid_parse (const ShSdpMedia *media, const char *value, GError **error);

/* The value of a=simulcast. Returns: (transfer full) or NULL with ERROR. */
ShSdpSimulcast *sh_sdp_simulcast_parse (const char *value, GError **error);

/* An empty simulcast stream list, and one that appends a stream with a
 * single rid. Returns: (transfer full). */
GPtrArray *sh_sdp_simulcast_list_new (void);
void sh_sdp_simulcast_list_add (GPtrArray *list, const char *rid, gboolean paused);

G_END_DECLS
