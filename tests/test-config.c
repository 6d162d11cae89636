/* Tests for the configuration loader: defaults, a full file, and every class
 * of error with the file, line and key it must name.
 * SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <string.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "config.h"

typedef struct {
  char *dir;  /* temporary directory, removed afterwards */
  char *path; /* dir/sanhui.ini */
} Fixture;

static void
fixture_setup (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  fixture->dir = g_dir_make_tmp ("sanhui-config-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "sanhui.ini", NULL);
}

static void
fixture_teardown (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GDir) dir = g_dir_open (fixture->dir, 0, NULL);
  const char *name;
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL) {
    g_autofree char *path = g_build_filename (fixture->dir, name, NULL);
    g_unlink (path);
  }
  g_rmdir (fixture->dir);
  g_free (fixture->path);
  g_free (fixture->dir);
}

static void
write_file (const char *path, const char *text)
{
  g_autoptr (GError) error = NULL;
  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
}

/* Loads @text and asserts the error: @code and the message "PATH@rest". */
static void
assert_load_error (Fixture *fixture, const char *text, ShConfigError code, const char *rest)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *expected = g_strconcat (fixture->path, rest, NULL);

  write_file (fixture->path, text);
  g_autoptr (ShConfig) config = sh_config_load (fixture->path, &error);
  g_assert_null (config);
  g_assert_error (error, SH_CONFIG_ERROR, (gint) code);
  g_assert_cmpstr (error->message, ==, expected);
}

/* Loads @text, which must be fine, and asserts that validation fails with
 * the message "PATH@rest". */
static void
assert_validate_error (Fixture *fixture, const char *text, const char *rest)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *expected = g_strconcat (fixture->path, rest, NULL);

  write_file (fixture->path, text);
  g_autoptr (ShConfig) config = sh_config_load (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_false (sh_config_validate (config, &error));
  g_assert_error (error, SH_CONFIG_ERROR, SH_CONFIG_ERROR_VALUE);
  g_assert_cmpstr (error->message, ==, expected);
}

static void
test_defaults (void)
{
  g_autoptr (GError) error = NULL;

  g_unsetenv ("SANHUI_WEB_ROOT");
  g_autoptr (ShConfig) config = sh_config_new_default ();
  g_assert_cmpstr (config->listen_address, ==, "127.0.0.1");
  g_assert_cmpuint (config->port, ==, 8080);
  g_assert_null (config->tls_certificate);
  g_assert_null (config->tls_key);
  g_assert_null (config->public_url);
  g_assert_cmpstr (config->web_root, ==, "web");
  g_assert_cmpuint (config->max_body_bytes, ==, 1048576);
  g_assert_cmpuint (config->max_upload_bytes, ==, 8388608);
  g_assert_cmpuint (config->max_ws_message_bytes, ==, 65536);
  g_assert_cmpstr (config->data_dir, ==, "data");
  g_assert_null (config->database);
  g_assert_cmpuint (config->media_port_min, ==, 40000);
  g_assert_cmpuint (config->media_port_max, ==, 40999);
  g_assert_null (config->public_address);
  g_assert_cmpuint (config->media_workers, ==, 0);
  g_assert_cmpuint (g_strv_length (config->stun_servers), ==, 0);
  g_assert_cmpuint (g_strv_length (config->turn_servers), ==, 0);
  g_assert_null (config->turn_secret);
  g_assert_cmpuint (config->session_hours, ==, 12);
  g_assert_cmpuint (config->lockout_failures, ==, 5);
  g_assert_cmpuint (config->lockout_minutes, ==, 15);
  g_assert_cmpuint (config->invitation_hours, ==, 72);
  g_assert_cmpuint (config->password_iterations, ==, 310000);
  g_assert_cmpstr (config->time_zone, ==, "Asia/Shanghai");
  g_assert_cmpuint (config->join_early_minutes, ==, 15);
  g_assert_cmpstr (config->log_level, ==, "message");

  g_autofree char *db = sh_config_database_path (config);
  g_autofree char *expected_db = g_build_filename ("data", "sanhui.db", NULL);
  g_assert_cmpstr (db, ==, expected_db);
  g_assert_true (sh_config_validate (config, &error));
  g_assert_no_error (error);
}

static void
test_web_root_env (void)
{
  g_setenv ("SANHUI_WEB_ROOT", "/srv/sanhui/web", TRUE);
  g_autoptr (ShConfig) config = sh_config_new_default ();
  g_unsetenv ("SANHUI_WEB_ROOT");
  g_assert_cmpstr (config->web_root, ==, "/srv/sanhui/web");
}

static void
test_good_file (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *cert = g_build_filename (fixture->dir, "cert.pem", NULL);
  g_autofree char *key = g_build_filename (fixture->dir, "key.pem", NULL);
  write_file (cert, "certificate\n");
  write_file (key, "key\n");

  g_autofree char *text = g_strdup_printf (
      "# Sanhui test configuration\r\n"
      "; semicolon comments too\n"
      "\n"
      "[server]\n"
      "  listen_address = 0.0.0.0  \n"
      "port=8443\n"
      "tls_certificate=%s\n"
      "tls_key=%s\n"
      "public_url=https://meet.example.cn/\n"
      "web_root=/srv/web\n"
      "max_body_bytes=2048\n"
      "max_upload_bytes=4096\n"
      "max_ws_message_bytes=1024\n"
      "[storage]\n"
      "data_dir=/var/lib/sanhui\n"
      "database=\n"
      "[media]\n"
      "port_min=50000\n"
      "port_max=50100\n"
      "public_address=203.0.113.7\n"
      "workers=4\n"
      "[ice]\n"
      "stun_servers=stun.example.cn:3478; stun2.example.cn:3478;\n"
      "turn_servers=turn:turn.example.cn:3478?transport=udp;turns:turn.example.cn:5349\n"
      "turn_secret=s3cret\n"
      "[security]\n"
      "session_hours=8\n"
      "lockout_failures=3\n"
      "lockout_minutes=30\n"
      "invitation_hours=24\n"
      "password_iterations=1000\n"
      "[meetings]\n"
      "time_zone=Asia/Urumqi\n"
      "join_early_minutes=0\n"
      "[log]\n"
      "level=debug\n",
      cert, key);
  write_file (fixture->path, text);

  g_autoptr (ShConfig) config = sh_config_load (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (config);
  g_assert_cmpstr (config->listen_address, ==, "0.0.0.0");
  g_assert_cmpuint (config->port, ==, 8443);
  g_assert_cmpstr (config->tls_certificate, ==, cert);
  g_assert_cmpstr (config->tls_key, ==, key);
  g_assert_cmpstr (config->public_url, ==, "https://meet.example.cn/");
  g_assert_cmpstr (config->web_root, ==, "/srv/web");
  g_assert_cmpuint (config->max_body_bytes, ==, 2048);
  g_assert_cmpuint (config->max_upload_bytes, ==, 4096);
  g_assert_cmpuint (config->max_ws_message_bytes, ==, 1024);
  g_assert_cmpstr (config->data_dir, ==, "/var/lib/sanhui");
  g_assert_null (config->database);
  g_assert_cmpuint (config->media_port_min, ==, 50000);
  g_assert_cmpuint (config->media_port_max, ==, 50100);
  g_assert_cmpstr (config->public_address, ==, "203.0.113.7");
  g_assert_cmpuint (config->media_workers, ==, 4);
  g_assert_cmpuint (g_strv_length (config->stun_servers), ==, 2);
  g_assert_cmpstr (config->stun_servers[0], ==, "stun.example.cn:3478");
  g_assert_cmpstr (config->stun_servers[1], ==, "stun2.example.cn:3478");
  g_assert_cmpuint (g_strv_length (config->turn_servers), ==, 2);
  g_assert_cmpstr (config->turn_servers[1], ==, "turns:turn.example.cn:5349");
  g_assert_cmpstr (config->turn_secret, ==, "s3cret");
  g_assert_cmpuint (config->session_hours, ==, 8);
  g_assert_cmpuint (config->lockout_failures, ==, 3);
  g_assert_cmpuint (config->lockout_minutes, ==, 30);
  g_assert_cmpuint (config->invitation_hours, ==, 24);
  g_assert_cmpuint (config->password_iterations, ==, 1000);
  g_assert_cmpstr (config->time_zone, ==, "Asia/Urumqi");
  g_assert_cmpuint (config->join_early_minutes, ==, 0);
  g_assert_cmpstr (config->log_level, ==, "debug");

  g_autofree char *db = sh_config_database_path (config);
  g_assert_cmpstr (db, ==, "/var/lib/sanhui/sanhui.db");
  /* TLS is configured, so a public listen address is fine. */
  g_assert_true (sh_config_validate (config, &error));
  g_assert_no_error (error);
}

static void
test_escapes_and_database (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  write_file (fixture->path, "[storage]\n"
                             "data_dir=/tmp/with\\sspace\n"
                             "database=/tmp/other.db\n");
  g_autoptr (ShConfig) config = sh_config_load (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (config->data_dir, ==, "/tmp/with space");
  g_autofree char *db = sh_config_database_path (config);
  g_assert_cmpstr (db, ==, "/tmp/other.db");
}

static void
test_missing_file (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShConfig) config = sh_config_load (fixture->path, &error);

  g_assert_null (config);
  g_assert_error (error, SH_CONFIG_ERROR, SH_CONFIG_ERROR_READ);
  g_assert_true (g_str_has_prefix (error->message, fixture->path));
  g_assert_nonnull (strstr (error->message, ": cannot read the file"));
}

static void
test_syntax_errors (Fixture *fixture, gconstpointer data)
{
  assert_load_error (fixture, "[server]\nport=1\nport 8080\n", SH_CONFIG_ERROR_SYNTAX,
                     ":3: expected [group], key=value or a comment (# or ;)");
  assert_load_error (fixture, "# ok\n[server\n", SH_CONFIG_ERROR_SYNTAX,
                     ":2: expected a group header such as [server]");
  assert_load_error (fixture, "[server] trailing\n", SH_CONFIG_ERROR_SYNTAX,
                     ":1: expected a group header such as [server]");
  assert_load_error (fixture, "\nport=8080\n", SH_CONFIG_ERROR_SYNTAX,
                     ":2: port: key before the first [group]");
  assert_load_error (fixture, "[server]\n=8080\n", SH_CONFIG_ERROR_SYNTAX,
                     ":2: expected a key name before “=”");
  assert_load_error (fixture, "[server]\nweb_root=\xff\xfe\n", SH_CONFIG_ERROR_SYNTAX,
                     ":2: not valid UTF-8 text");
}

static void
test_unknown_group (Fixture *fixture, gconstpointer data)
{
  assert_load_error (fixture, "[server]\nport=1\n[servr]\nport=2\n", SH_CONFIG_ERROR_UNKNOWN,
                     ":3: [servr]: unknown group (known groups: server, storage, media, ice, "
                     "security, meetings, recording, websocket, log)");
}

static void
test_unknown_key (Fixture *fixture, gconstpointer data)
{
  assert_load_error (fixture, "[server]\nport=1\n\n[media]\nport=2\n", SH_CONFIG_ERROR_UNKNOWN,
                     ":5: [media] port: unknown key");
  assert_load_error (fixture, "[server]\nprot=1\n", SH_CONFIG_ERROR_UNKNOWN,
                     ":2: [server] prot: unknown key");
  /* GKeyFile's localized keys are not part of the format. */
  assert_load_error (fixture, "[log]\nlevel[zh_CN]=debug\n", SH_CONFIG_ERROR_UNKNOWN,
                     ":2: [log] level[zh_CN]: unknown key");
}

static void
test_duplicate_key (Fixture *fixture, gconstpointer data)
{
  assert_load_error (fixture, "[server]\nport=1\n[log]\nlevel=info\n[server]\n port = 2\n",
                     SH_CONFIG_ERROR_SYNTAX,
                     ":6: [server] port: duplicate key, first set on line 2");
}

static void
test_bad_values (Fixture *fixture, gconstpointer data)
{
  assert_load_error (fixture, "[server]\nport=eighty\n", SH_CONFIG_ERROR_VALUE,
                     ":2: [server] port: expected a number from 0 to 65535, got “eighty”");
  assert_load_error (fixture, "[server]\nport=-1\n", SH_CONFIG_ERROR_VALUE,
                     ":2: [server] port: expected a number from 0 to 65535, got “-1”");
  assert_load_error (fixture, "[server]\nport=\n", SH_CONFIG_ERROR_VALUE,
                     ":2: [server] port: expected a number from 0 to 65535, got “”");
  assert_load_error (fixture, "[server]\nlisten_address=\n", SH_CONFIG_ERROR_VALUE,
                     ":2: [server] listen_address: must not be empty");
  assert_load_error (fixture, "[server]\npublic_url=meet.example.cn\n", SH_CONFIG_ERROR_VALUE,
                     ":2: [server] public_url: “meet.example.cn” is not an http:// or https:// "
                     "URL");
  assert_load_error (fixture, "[storage]\ndata_dir=bad\\qescape\n", SH_CONFIG_ERROR_VALUE,
                     ":2: [storage] data_dir: invalid escape sequence or text (write \\\\ for "
                     "a backslash)");
  assert_load_error (fixture, "[ice]\nturn_servers=turn:a\\x\n", SH_CONFIG_ERROR_VALUE,
                     ":2: [ice] turn_servers: invalid escape sequence or text (write \\\\ for "
                     "a backslash)");
  assert_load_error (fixture, "[ice]\nstun_servers=stun.example.cn\n", SH_CONFIG_ERROR_VALUE,
                     ":2: [ice] stun_servers: “stun.example.cn” is not a STUN server (expected "
                     "host:port)");
  assert_load_error (fixture, "[ice]\nturn_servers=turn:a:3478;http://b\n", SH_CONFIG_ERROR_VALUE,
                     ":2: [ice] turn_servers: “http://b” is not a TURN URI (expected "
                     "turn:host:port?transport=udp)");
  assert_load_error (fixture, "[log]\nlevel=loud\n", SH_CONFIG_ERROR_VALUE,
                     ":2: [log] level: unknown level “loud” (expected error, critical, warning, "
                     "message, info or debug)");
}

static void
test_out_of_range (Fixture *fixture, gconstpointer data)
{
  assert_load_error (fixture, "[server]\nport=65536\n", SH_CONFIG_ERROR_VALUE,
                     ":2: [server] port: expected a number from 0 to 65535, got “65536”");
  assert_load_error (fixture, "[media]\nport_min=80\n", SH_CONFIG_ERROR_VALUE,
                     ":2: [media] port_min: expected a number from 1024 to 65535, got “80”");
  assert_load_error (fixture, "[server]\nmax_body_bytes=0\n", SH_CONFIG_ERROR_VALUE,
                     ":2: [server] max_body_bytes: expected a number from 1 to 2147483647, got "
                     "“0”");
  assert_load_error (fixture, "[security]\n\npassword_iterations=999\n", SH_CONFIG_ERROR_VALUE,
                     ":3: [security] password_iterations: expected a number from 1000 to "
                     "2147483647, got “999”");
}

static void
test_bad_time_zone (Fixture *fixture, gconstpointer data)
{
  assert_load_error (fixture, "[meetings]\njoin_early_minutes=5\ntime_zone=Mars/Olympus\n",
                     SH_CONFIG_ERROR_VALUE,
                     ":3: [meetings] time_zone: unknown time zone “Mars/Olympus” (expected a "
                     "name such as Asia/Shanghai)");
}

static void
test_port_range (Fixture *fixture, gconstpointer data)
{
  assert_validate_error (fixture, "[media]\nport_min=41000\n",
                         ":2: [media] port_min: must be lower than port_max (40999)");
  assert_validate_error (fixture, "[media]\nport_min=41000\nport_max=41000\n",
                         ":3: [media] port_max: must be greater than port_min (41000)");
}

static void
test_bad_tls_pair (Fixture *fixture, gconstpointer data)
{
  g_autofree char *cert = g_build_filename (fixture->dir, "cert.pem", NULL);
  g_autofree char *missing = g_build_filename (fixture->dir, "missing.pem", NULL);
  write_file (cert, "certificate\n");

  g_autofree char *only_cert = g_strdup_printf ("[server]\ntls_certificate=%s\n", cert);
  assert_validate_error (fixture, only_cert,
                         ":2: [server] tls_certificate: tls_key must be set as well (both or "
                         "neither)");
  g_autofree char *only_key = g_strdup_printf ("[server]\n\ntls_key=%s\n", cert);
  assert_validate_error (fixture, only_key,
                         ":3: [server] tls_key: tls_certificate must be set as well (both or "
                         "neither)");

  g_autofree char *unreadable
      = g_strdup_printf ("[server]\ntls_certificate=%s\ntls_key=%s\n", cert, missing);
  g_autofree char *expected = g_strdup_printf (":3: [server] tls_key: cannot read “%s”: %s",
                                               missing, g_strerror (ENOENT));
  assert_validate_error (fixture, unreadable, expected);
}

static void
test_tls_less_public (Fixture *fixture, gconstpointer data)
{
  assert_validate_error (fixture, "[server]\nport=80\nlisten_address=0.0.0.0\n",
                         ":3: [server] listen_address: 0.0.0.0 is not a loopback address, and "
                         "plain HTTP is allowed only on loopback (127.0.0.0/8, ::1, localhost); "
                         "configure TLS with tls_certificate and tls_key to listen on it");
}

static void
test_loopback_addresses (void)
{
  const char *loopback[] = { "127.0.0.1", "127.3.2.1", "::1", "[::1]", "localhost", "LocalHost" };
  const char *public[] = { "0.0.0.0", "::", "192.168.1.10", "example.cn", "128.0.0.1" };
  g_autoptr (ShConfig) config = sh_config_new_default ();

  for (gsize i = 0; i < G_N_ELEMENTS (loopback); i++) {
    g_autoptr (GError) error = NULL;
    g_autofree char *assignment = g_strdup_printf ("server.listen_address=%s", loopback[i]);
    g_assert_true (sh_config_override (config, assignment, &error));
    g_assert_no_error (error);
    g_assert_true (sh_config_validate (config, &error));
    g_assert_no_error (error);
  }
  for (gsize i = 0; i < G_N_ELEMENTS (public); i++) {
    g_autoptr (GError) error = NULL;
    g_autofree char *assignment = g_strdup_printf ("server.listen_address=%s", public[i]);
    g_assert_true (sh_config_override (config, assignment, &error));
    g_assert_false (sh_config_validate (config, &error));
    g_assert_error (error, SH_CONFIG_ERROR, SH_CONFIG_ERROR_VALUE);
    g_assert_true (g_str_has_prefix (error->message, "command line: [server] listen_address: "));
    g_assert_nonnull (strstr (error->message, "configure TLS"));
  }
}

static void
test_overrides (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  write_file (fixture->path, "[server]\nport=9000\n[ice]\nturn_secret=abc\n");
  g_autoptr (ShConfig) config = sh_config_load (fixture->path, &error);
  g_assert_no_error (error);

  g_assert_true (sh_config_override (config, "server.port=0", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (config->port, ==, 0);
  g_assert_true (sh_config_override (config, "ice.stun_servers=a.cn:3478;b.cn:3478", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (config->stun_servers), ==, 2);
  g_assert_cmpstr (config->stun_servers[1], ==, "b.cn:3478");
  g_assert_true (sh_config_override (config, "ice.turn_secret=", &error));
  g_assert_no_error (error);
  g_assert_null (config->turn_secret);
  g_assert_true (sh_config_override (config, "security.password_iterations=1000", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (config->password_iterations, ==, 1000);
  g_assert_true (sh_config_override (config, "storage.data_dir=a=b", &error));
  g_assert_no_error (error);
  g_assert_cmpstr (config->data_dir, ==, "a=b");
  g_assert_true (sh_config_validate (config, &error));
  g_assert_no_error (error);

  /* The last place a key was set is the one an error names. */
  g_assert_true (sh_config_override (config, "media.port_min=41000", &error));
  g_assert_no_error (error);
  g_assert_false (sh_config_validate (config, &error));
  g_assert_cmpstr (error->message, ==,
                   "command line: [media] port_min: must be lower than port_max (40999)");
}

static void
test_bad_overrides (void)
{
  static const struct {
    const char *assignment;
    ShConfigError code;
    const char *message;
  } cases[] = {
    { "server.port=x", SH_CONFIG_ERROR_VALUE,
      "command line: [server] port: expected a number from 0 to 65535, got “x”" },
    { "server.port=70000", SH_CONFIG_ERROR_VALUE,
      "command line: [server] port: expected a number from 0 to 65535, got “70000”" },
    { "meetings.time_zone=Nowhere/City", SH_CONFIG_ERROR_VALUE,
      "command line: [meetings] time_zone: unknown time zone “Nowhere/City” (expected a name "
      "such as Asia/Shanghai)" },
    { "servr.port=1", SH_CONFIG_ERROR_UNKNOWN,
      "command line: [servr]: unknown group (known groups: server, storage, media, ice, "
      "security, meetings, recording, websocket, log)" },
    { "server.prt=1", SH_CONFIG_ERROR_UNKNOWN, "command line: [server] prt: unknown key" },
    { "port=1", SH_CONFIG_ERROR_SYNTAX, "command line: “port=1”: expected group.key=value" },
    { "server.port", SH_CONFIG_ERROR_SYNTAX,
      "command line: “server.port”: expected group.key=value" },
    { ".port=1", SH_CONFIG_ERROR_SYNTAX, "command line: “.port=1”: expected group.key=value" },
    { "server.web_root=a\nb", SH_CONFIG_ERROR_VALUE,
      "command line: [server] web_root: the value must be a single line" },
  };
  g_autoptr (ShConfig) config = sh_config_new_default ();

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr (GError) error = NULL;
    g_assert_false (sh_config_override (config, cases[i].assignment, &error));
    g_assert_error (error, SH_CONFIG_ERROR, (gint) cases[i].code);
    g_assert_cmpstr (error->message, ==, cases[i].message);
  }
  /* A rejected value changes nothing. */
  g_assert_cmpuint (config->port, ==, 8080);
  g_assert_cmpstr (config->time_zone, ==, "Asia/Shanghai");
}

/* docs/sanhui.example.ini loads as it is, and with every key uncommented it
 * sets all 69 keys to exactly the defaults, so the example stays complete and
 * truthful. */
static void
test_example_file (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  const char *root = g_getenv ("SANHUI_SOURCE_ROOT");
  if (root == NULL) {
    g_test_skip ("SANHUI_SOURCE_ROOT is not set (run through meson test)");
    return;
  }
  g_autofree char *example = g_build_filename (root, "docs", "sanhui.example.ini", NULL);
  g_autofree char *text = NULL;
  g_file_get_contents (example, &text, NULL, &error);
  g_assert_no_error (error);

  g_unsetenv ("SANHUI_WEB_ROOT");
  g_autoptr (ShConfig) as_is = sh_config_load (example, &error);
  g_assert_no_error (error);
  g_assert_nonnull (as_is);

  g_autoptr (GRegex) commented = g_regex_new ("^#([a-z_]+ =)", G_REGEX_MULTILINE, 0, &error);
  g_assert_no_error (error);
  g_autofree char *uncommented = g_regex_replace (commented, text, -1, 0, "\\1", 0, &error);
  g_assert_no_error (error);
  write_file (fixture->path, uncommented);
  g_autoptr (ShConfig) config = sh_config_load (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (config->origins);
  g_assert_cmpuint (g_hash_table_size (config->origins), ==, 74);

  g_autoptr (ShConfig) defaults = sh_config_new_default ();
  g_assert_cmpstr (config->listen_address, ==, defaults->listen_address);
  g_assert_cmpuint (config->port, ==, defaults->port);
  g_assert_null (config->tls_certificate);
  g_assert_null (config->tls_key);
  g_assert_null (config->public_url);
  g_assert_cmpstr (config->web_root, ==, defaults->web_root);
  g_assert_cmpuint (config->max_body_bytes, ==, defaults->max_body_bytes);
  g_assert_cmpuint (config->max_upload_bytes, ==, defaults->max_upload_bytes);
  g_assert_cmpuint (config->max_ws_message_bytes, ==, defaults->max_ws_message_bytes);
  g_assert_cmpstr (config->data_dir, ==, defaults->data_dir);
  g_assert_null (config->database);
  g_assert_cmpuint (config->media_port_min, ==, defaults->media_port_min);
  g_assert_cmpuint (config->media_port_max, ==, defaults->media_port_max);
  g_assert_null (config->public_address);
  g_assert_cmpuint (config->media_workers, ==, defaults->media_workers);
  g_assert_cmpuint (g_strv_length (config->stun_servers), ==, 0);
  g_assert_cmpuint (g_strv_length (config->turn_servers), ==, 0);
  g_assert_null (config->turn_secret);
  g_assert_cmpuint (config->session_hours, ==, defaults->session_hours);
  g_assert_cmpuint (config->lockout_failures, ==, defaults->lockout_failures);
  g_assert_cmpuint (config->lockout_minutes, ==, defaults->lockout_minutes);
  g_assert_cmpuint (config->invitation_hours, ==, defaults->invitation_hours);
  g_assert_cmpuint (config->password_iterations, ==, defaults->password_iterations);
  g_assert_cmpstr (config->time_zone, ==, defaults->time_zone);
  g_assert_cmpuint (config->join_early_minutes, ==, defaults->join_early_minutes);
  g_assert_cmpuint (config->warning_days, ==, defaults->warning_days);
  g_assert_cmpuint (config->warning_absences, ==, defaults->warning_absences);
  /* [websocket] */
  g_assert_cmpuint (config->ws_max_sockets_per_account, ==, defaults->ws_max_sockets_per_account);
  g_assert_cmpuint (config->ws_max_sockets_per_session, ==, defaults->ws_max_sockets_per_session);
  g_assert_cmpuint (config->ws_messages_per_second, ==, defaults->ws_messages_per_second);
  g_assert_cmpuint (config->ws_messages_burst, ==, defaults->ws_messages_burst);
  g_assert_cmpuint (config->ws_bytes_per_second, ==, defaults->ws_bytes_per_second);
  g_assert_cmpuint (config->ws_bytes_burst, ==, defaults->ws_bytes_burst);
  g_assert_cmpuint (config->ws_chat.per_minute, ==, defaults->ws_chat.per_minute);
  g_assert_cmpuint (config->ws_chat.burst, ==, defaults->ws_chat.burst);
  g_assert_cmpuint (config->ws_hand.per_minute, ==, defaults->ws_hand.per_minute);
  g_assert_cmpuint (config->ws_hand.burst, ==, defaults->ws_hand.burst);
  g_assert_cmpuint (config->ws_mute.per_minute, ==, defaults->ws_mute.per_minute);
  g_assert_cmpuint (config->ws_mute.burst, ==, defaults->ws_mute.burst);
  g_assert_cmpuint (config->ws_chair.per_minute, ==, defaults->ws_chair.per_minute);
  g_assert_cmpuint (config->ws_chair.burst, ==, defaults->ws_chair.burst);
  g_assert_cmpuint (config->ws_join.per_minute, ==, defaults->ws_join.per_minute);
  g_assert_cmpuint (config->ws_join.burst, ==, defaults->ws_join.burst);
  g_assert_cmpuint (config->ws_signaling.per_minute, ==, defaults->ws_signaling.per_minute);
  g_assert_cmpuint (config->ws_signaling.burst, ==, defaults->ws_signaling.burst);
  g_assert_cmpuint (config->ws_other.per_minute, ==, defaults->ws_other.per_minute);
  g_assert_cmpuint (config->ws_other.burst, ==, defaults->ws_other.burst);
  g_assert_cmpuint (config->ws_abuse_seconds, ==, defaults->ws_abuse_seconds);
  g_assert_cmpuint (config->ws_abuse_refusals, ==, defaults->ws_abuse_refusals);
  g_assert_cmpuint (config->ws_keepalive_seconds, ==, defaults->ws_keepalive_seconds);
  g_assert_cmpstr (config->log_level, ==, defaults->log_level);
  g_assert_true (sh_config_validate (config, &error));
  g_assert_no_error (error);
}

/* Text in memory reads the same as the file, and errors name @name. */
static void
test_load_from_data (void)
{
  static const char text[] = "# comment\n"
                             "; another\n"
                             "[server]\n"
                             "port = 9000\r\n"
                             "[meetings]\n"
                             "join_early_minutes=30";
  g_autoptr (GError) error = NULL;

  g_autoptr (ShConfig) config = sh_config_load_from_data ("mem.ini", text, strlen (text), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (config->port, ==, 9000);
  g_assert_cmpuint (config->join_early_minutes, ==, 30);

  /* Only @length bytes count: the rest would be a duplicate key. */
  static const char twice[] = "[server]\nport=1\nport=2\n";
  g_autoptr (ShConfig) first = sh_config_load_from_data ("mem.ini", twice, 16, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (first->port, ==, 1);

  g_assert_null (sh_config_load_from_data ("mem.ini", twice, sizeof twice - 1, &error));
  g_assert_error (error, SH_CONFIG_ERROR, SH_CONFIG_ERROR_SYNTAX);
  g_assert_cmpstr (error->message, ==,
                   "mem.ini:3: [server] port: duplicate key, first set on line 2");
  g_clear_error (&error);

  static const char nul[] = "[server]\nport=1\0\n";
  g_assert_null (sh_config_load_from_data ("mem.ini", nul, sizeof nul - 1, &error));
  g_assert_error (error, SH_CONFIG_ERROR, SH_CONFIG_ERROR_SYNTAX);
  g_assert_cmpstr (error->message, ==, "mem.ini:2: contains a NUL byte");
  g_clear_error (&error);

  /* Empty text is an empty file: the defaults. */
  g_autoptr (ShConfig) empty = sh_config_load_from_data ("mem.ini", NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (empty->port, ==, 8080);
}

/* Found by fuzzing: a bad escape before a backslash at the end of a value
 * made GLib set its error twice ("GError set over the top of a previous
 * GError", a warning). */
static void
test_escape_at_end (void)
{
  static const char *const values[] = { "C:\\\\data\\_dir\\", "\\", "a\\\\\\", "\\x;b\\" };
  g_autoptr (GError) error = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (values); i++) {
    g_autofree char *text = g_strdup_printf ("[storage]\ndata_dir=%s\n", values[i]);
    g_assert_null (sh_config_load_from_data ("mem.ini", text, strlen (text), &error));
    g_assert_error (error, SH_CONFIG_ERROR, SH_CONFIG_ERROR_VALUE);
    g_assert_cmpstr (error->message, ==,
                     "mem.ini:2: [storage] data_dir: invalid escape sequence or text (write \\\\ "
                     "for a backslash)");
    g_clear_error (&error);

    g_autofree char *list = g_strdup_printf ("ice.stun_servers=a:1;%s", values[i]);
    g_autoptr (ShConfig) config = sh_config_new_default ();
    g_assert_false (sh_config_override (config, list, &error));
    g_assert_error (error, SH_CONFIG_ERROR, SH_CONFIG_ERROR_VALUE);
    g_clear_error (&error);
  }

  /* An escaped backslash at the end is fine. */
  g_autoptr (ShConfig) config
      = sh_config_load_from_data ("mem.ini", "[storage]\ndata_dir=C:\\\\\n", 24, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (config->data_dir, ==, "C:\\");
}

/* [recording]: defaults, a narrower list of types, bad values, and a
 * directory that must stay inside the data directory. */
static void
test_recording (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShConfig) defaults = sh_config_new_default ();
  g_autofree char *dir = sh_config_recording_directory (defaults);

  g_assert_true (defaults->recording_enabled);
  g_assert_cmpuint (defaults->recording_fragment_seconds, ==, 10);
  g_assert_cmpuint (defaults->recording_min_free_mb, ==, 2048);
  g_assert_cmpstr (dir, ==, "data/recordings");
  g_assert_true (sh_config_records_meeting_type (defaults, "party_day"));
  g_assert_true (sh_config_records_meeting_type (defaults, "general"));

  write_file (fixture->path, "[storage]\ndata_dir=/srv/sanhui\n[recording]\nenabled=true\n"
                             "meeting_types=general; lesson\ndirectory=/srv/sanhui/rec\n"
                             "fragment_seconds=5\nmin_free_mb=0\n");
  g_autoptr (ShConfig) config = sh_config_load (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_true (sh_config_records_meeting_type (config, "lesson"));
  g_assert_false (sh_config_records_meeting_type (config, "group"));
  g_assert_cmpuint (config->recording_fragment_seconds, ==, 5);
  g_assert_cmpuint (config->recording_min_free_mb, ==, 0);
  g_assert_true (sh_config_validate (config, &error));
  g_assert_no_error (error);

  g_assert_true (sh_config_override (config, "recording.enabled=false", &error));
  g_assert_false (sh_config_records_meeting_type (config, "lesson"));
  g_assert_true (sh_config_override (config, "recording.directory=/tmp/elsewhere", &error));
  g_assert_false (sh_config_validate (config, &error));
  g_assert_error (error, SH_CONFIG_ERROR, SH_CONFIG_ERROR_VALUE);
  g_assert_nonnull (strstr (error->message, "must lie inside [storage] data_dir"));

  assert_load_error (fixture, "[recording]\nenabled=yes\n", SH_CONFIG_ERROR_VALUE,
                     ":2: [recording] enabled: expected true or false, got “yes”");
  assert_load_error (fixture, "[recording]\nmeeting_types=general;tea\n", SH_CONFIG_ERROR_VALUE,
                     ":2: [recording] meeting_types: “tea” is not a meeting type (general, "
                     "committee, group, lesson, party_day)");
  assert_load_error (fixture, "[recording]\nfragment_seconds=11\n", SH_CONFIG_ERROR_VALUE,
                     ":2: [recording] fragment_seconds: expected a number from 1 to 10, got “11”");
  assert_load_error (fixture, "[recording]\nmin_free_mb=-1\n", SH_CONFIG_ERROR_VALUE,
                     ":2: [recording] min_free_mb: expected a number from 0 to 16777216, got “-1”");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/config/defaults", test_defaults);
  g_test_add_func ("/config/web-root-env", test_web_root_env);
  g_test_add ("/config/good-file", Fixture, NULL, fixture_setup, test_good_file, fixture_teardown);
  g_test_add ("/config/escapes-and-database", Fixture, NULL, fixture_setup,
              test_escapes_and_database, fixture_teardown);
  g_test_add ("/config/missing-file", Fixture, NULL, fixture_setup, test_missing_file,
              fixture_teardown);
  g_test_add ("/config/syntax", Fixture, NULL, fixture_setup, test_syntax_errors, fixture_teardown);
  g_test_add ("/config/unknown-group", Fixture, NULL, fixture_setup, test_unknown_group,
              fixture_teardown);
  g_test_add ("/config/unknown-key", Fixture, NULL, fixture_setup, test_unknown_key,
              fixture_teardown);
  g_test_add ("/config/duplicate-key", Fixture, NULL, fixture_setup, test_duplicate_key,
              fixture_teardown);
  g_test_add ("/config/bad-values", Fixture, NULL, fixture_setup, test_bad_values,
              fixture_teardown);
  g_test_add ("/config/out-of-range", Fixture, NULL, fixture_setup, test_out_of_range,
              fixture_teardown);
  g_test_add ("/config/bad-time-zone", Fixture, NULL, fixture_setup, test_bad_time_zone,
              fixture_teardown);
  g_test_add ("/config/port-range", Fixture, NULL, fixture_setup, test_port_range,
              fixture_teardown);
  g_test_add ("/config/bad-tls-pair", Fixture, NULL, fixture_setup, test_bad_tls_pair,
              fixture_teardown);
  g_test_add ("/config/tls-less-public", Fixture, NULL, fixture_setup, test_tls_less_public,
              fixture_teardown);
  g_test_add_func ("/config/loopback", test_loopback_addresses);
  g_test_add ("/config/overrides", Fixture, NULL, fixture_setup, test_overrides, fixture_teardown);
  g_test_add_func ("/config/bad-overrides", test_bad_overrides);
  g_test_add ("/config/recording", Fixture, NULL, fixture_setup, test_recording, fixture_teardown);
  g_test_add_func ("/config/load-from-data", test_load_from_data);
  g_test_add_func ("/config/escape-at-end", test_escape_at_end);
  g_test_add ("/config/example-file", Fixture, NULL, fixture_setup, test_example_file,
              fixture_teardown);
  return g_test_run ();
}
