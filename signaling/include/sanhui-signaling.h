/* sanhui-signaling.h — the HTTP and WebSocket server that wires the modules
 * together, and the operations behind the `sanhui` command.
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>
#include "sanhui-minutes.h"

G_BEGIN_DECLS

typedef struct _ShServer ShServer;

/* Creates the server for the configuration file @config_path (NULL: the
 * defaults) with command-line @overrides ("group.key=value", may be NULL),
 * opens the store and listens. Returns: (transfer full). */
ShServer *sh_server_new (const char *config_path, const char *const *overrides, GError **error);
void sh_server_free (ShServer *server);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShServer, sh_server_free)

/* The URL the server answers on, e.g. "http://127.0.0.1:8080/". (transfer none) */
const char *sh_server_url (ShServer *server);

/* Runs the main loop until SIGINT or SIGTERM, then closes connections and
 * the store cleanly. */
void sh_server_run (ShServer *server);

/* Loads the demo organization (a committee, two branches, groups, members and
 * the demo logins) into an empty store. */
gboolean sh_demo_load (ShStore *store, guint password_iterations, GError **error);

/* The demo logins, for printing: NULL-terminated array of
 * {login, password, description} triples. (transfer none) */
const char *const *sh_demo_logins (void);

/* Entry point of the `sanhui` command. */
int sh_cli_main (int argc, char **argv);

G_END_DECLS
