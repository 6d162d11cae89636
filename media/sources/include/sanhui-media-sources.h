/* sanhui-media-sources.h — media made on the server rather than forwarded:
 * the device check's echo with its GStreamer test picture and tone (later
 * the film player for lessons). Kept out of the forwarding core so that
 * users of sanhui-media.h do not pull in GStreamer.
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "sanhui-media.h"

G_BEGIN_DECLS

/* --------------------------------------------------------------- echo */

/* The device check: a peer connection that sends a user's own camera and
 * microphone back to them, or a test picture and tone when the offer only
 * receives. Runs on one worker like a peer; so do its callbacks. */
typedef struct _ShEcho ShEcho;

typedef struct {
  /* As ShPeerCallbacks.local_candidate. */
  void (*local_candidate) (ShEcho *echo, const char *candidate, gpointer user_data);
  void (*state_changed) (ShEcho *echo, const ShPeerInfo *info, gpointer user_data);
  /* Once a second while connected, with the bitrates of the last second. */
  void (*stats) (ShEcho *echo, const ShPeerInfo *info, guint64 rx_bps, guint64 tx_bps,
                 gpointer user_data);
} ShEchoCallbacks;

/* Returns: (transfer full). Call on the worker's thread. */
ShEcho *sh_echo_new (ShMediaEngine *engine, guint worker, const ShEchoCallbacks *callbacks,
                     gpointer user_data, GError **error);
/* Returns: (transfer full) the answer. */
char *sh_echo_accept_offer (ShEcho *echo, const char *offer, GError **error);
gboolean sh_echo_add_remote_candidate (ShEcho *echo, const char *candidate, GError **error);
void sh_echo_free (ShEcho *echo);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShEcho, sh_echo_free)

G_END_DECLS
