/* Nothing the server acknowledged is lost when it is killed mid-write: a
 * secretary's client keeps several writes in flight, the server is killed
 * with SIGKILL (as by a power cut or the OOM killer) at an arbitrary moment,
 * restarted on the same files, and every write it had answered 201 to must
 * be there. Repeated over several rounds.
 * SPDX-License-Identifier: Apache-2.0 */
#include "harness.h"

#include <sqlite3.h>

#define IN_FLIGHT 4
#define ROUNDS 4

typedef struct {
  TestClient *client;
  char *path;          /* POST target */
  GHashTable *acked;   /* titles answered 201 (owned keys) */
  GHashTable *unknown; /* titles sent but not answered before the kill */
  guint next;          /* title counter */
  guint pending;       /* requests in flight */
  gboolean killed;     /* stop sending */
} Writer;

static void send_one (Writer *w);

static void
on_reply (GObject *source, GAsyncResult *result, gpointer user_data)
{
  SoupMessage *msg = user_data;
  Writer *w = g_object_get_data (G_OBJECT (msg), "writer");
  const char *title = g_object_get_data (G_OBJECT (msg), "title");
  g_autoptr (GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);

  w->pending--;
  if (body && soup_message_get_status (msg) == SOUP_STATUS_CREATED) {
    g_hash_table_add (w->acked, g_strdup (title));
    g_hash_table_remove (w->unknown, title);
  } else if (body) {
    g_error ("write refused with %u: %.*s", soup_message_get_status (msg),
             (int) g_bytes_get_size (body), (const char *) g_bytes_get_data (body, NULL));
  }
  g_object_unref (msg);
  if (!w->killed)
    send_one (w);
}

static void
send_one (Writer *w)
{
  g_autofree char *url = g_strconcat (w->client->server->url, w->path, NULL);
  g_autofree char *title = g_strdup_printf ("耐久测试 %u", w->next++);
  g_autofree char *json = g_strdup_printf (
      "{\"type\":\"general\",\"title\":\"%s\",\"planned_start\":\"2026-12-20T14:00:00+08:00\","
      "\"planned_end\":\"2026-12-20T16:00:00+08:00\",\"place\":\"线上\"}",
      title);
  SoupMessage *msg = soup_message_new ("POST", url);
  g_autoptr (GBytes) bytes = g_bytes_new (json, strlen (json));

  soup_message_headers_replace (soup_message_get_request_headers (msg), "X-CSRF-Token",
                                w->client->csrf);
  soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
  g_object_set_data (G_OBJECT (msg), "writer", w);
  g_object_set_data_full (G_OBJECT (msg), "title", g_strdup (title), g_free);
  g_hash_table_add (w->unknown, g_strdup (title));
  w->pending++;
  soup_session_send_and_read_async (w->client->session, msg, G_PRIORITY_DEFAULT, NULL, on_reply,
                                    msg);
}

/* Titles of every meeting in the database file. Returns: (transfer full). */
static GHashTable *
stored_titles (const char *db_path)
{
  GHashTable *titles = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT title FROM meetings", -1, &stmt, NULL), ==,
                   SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_hash_table_add (titles, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return titles;
}

static void
test_sigkill_loses_no_acknowledged_write (void)
{
  TestServer *server = test_server_start (NULL);
  Writer w = { 0 };
  guint acked_total = 0, unknown_total = 0, unknown_stored = 0;

  w.acked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  w.unknown = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  w.path = g_strdup_printf ("api/orgs/%" G_GINT64_FORMAT "/meetings",
                            test_org_id (server, "第一党支部"));
  for (guint round = 0; round < ROUNDS; round++) {
    g_autoptr (GHashTable) stored = NULL;
    GHashTableIter it;
    gpointer key;

    w.client = test_client_new (server);
    g_assert_cmpuint (test_client_login (w.client, "secretary", TEST_PASSWORD), ==, 200);
    w.killed = FALSE;
    for (guint i = 0; i < IN_FLIGHT; i++)
      send_one (&w);
    /* A different moment each round, always with writes in flight. */
    while (g_hash_table_size (w.acked) < 20 + 13 * round)
      g_main_context_iteration (NULL, TRUE);
    w.killed = TRUE;
    test_server_crash_and_restart (server, NULL);
    while (w.pending > 0)
      g_main_context_iteration (NULL, TRUE);
    test_client_free (g_steal_pointer (&w.client));

    stored = stored_titles (server->db_path);
    g_hash_table_iter_init (&it, w.acked);
    while (g_hash_table_iter_next (&it, &key, NULL))
      if (!g_hash_table_contains (stored, key))
        g_error ("acknowledged write “%s” lost after SIGKILL in round %u", (char *) key, round);
    g_hash_table_iter_init (&it, w.unknown);
    while (g_hash_table_iter_next (&it, &key, NULL))
      unknown_stored += g_hash_table_contains (stored, key);
    acked_total += g_hash_table_size (w.acked);
    unknown_total += g_hash_table_size (w.unknown);
    g_hash_table_remove_all (w.acked);
    g_hash_table_remove_all (w.unknown);
  }
  g_test_message ("%u SIGKILLs: %u acknowledged writes, 0 lost; %u in flight at the kills, %u of "
                  "them stored",
                  ROUNDS, acked_total, unknown_total, unknown_stored);
  /* The database is intact and serving after the last restart. */
  {
    g_autoptr (TestClient) client = test_client_new (server);
    g_assert_cmpuint (test_client_login (client, "secretary", TEST_PASSWORD), ==, 200);
  }
  g_hash_table_unref (w.acked);
  g_hash_table_unref (w.unknown);
  g_free (w.path);
  test_server_stop (server);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/durability/sigkill-loses-no-acknowledged-write",
                   test_sigkill_loses_no_acknowledged_write);
  return g_test_run ();
}
