/* Helpers shared by the answer and offer builders; internal to media/src.
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "sdp-answer.h"

G_BEGIN_DECLS

/* Checks the server's own parameters and parses its fingerprint into
 * *FINGERPRINT (transfer full). Returns FALSE with ERROR (INVALID). */
gboolean sh_sdp_local_check (const ShSdpLocal *local, ShSdpFingerprint **fingerprint,
                             GError **error);

/* A session with o=, s=, t= and msid-semantic filled in.
 * Returns: (transfer full). */
ShSdp *sh_sdp_session_new (const ShSdpLocal *local);

/* Writes the server's transport (port, c=, ICE, fingerprint, SETUP,
 * rtcp-mux, and the candidates when WITH_CANDIDATES) into MEDIA. */
void sh_sdp_media_set_transport (ShSdpMedia *media, const ShSdpLocal *local,
                                 const ShSdpFingerprint *fingerprint, ShSdpSetup setup,
                                 gboolean with_candidates);

G_END_DECLS
