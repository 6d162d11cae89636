/* The `sanhui` command: serve, db, demo and admin subcommands.
 * SPDX-License-Identifier: Apache-2.0 */
#include "sanhui-signaling.h"

#include <errno.h>
#include <gio/gio.h>
#include <locale.h>
#include <stdio.h>

#include "config.h"
#include "log.h"
#include "login.h"
#include "password.h"
#include "sanhui-recorder.h"

static const char usage[]
    = "Usage: sanhui [--config FILE] [--set GROUP.KEY=VALUE]... COMMAND [ARGS]\n"
      "\n"
      "Commands:\n"
      "  serve                         run the server (Ctrl-C stops it)\n"
      "  demo                          load the demo organization into an empty database\n"
      "  db migrate                    apply pending schema migrations\n"
      "  db version                    print the schema version\n"
      "  db backup FILE                copy the live database to FILE (online backup)\n"
      "  verify-recordings [--meeting ID]\n"
      "                                recompute every recording file's size and SHA-256\n"
      "                                against the store; names each file changed or\n"
      "                                missing, exit status 1 then\n"
      "  admin org list\n"
      "  admin org add --kind KIND --name NAME [--parent ID]\n"
      "                                KIND: committee, general_branch, branch, group\n"
      "  admin member list --branch ID\n"
      "  admin member add --branch ID --name NAME [--phone PHONE] [--status full|probationary]\n"
      "  admin account list\n"
      "  admin account add --login LOGIN --name NAME [--phone PHONE] [--member ID]\n"
      "                                the password is read from standard input\n"
      "  admin account password --login LOGIN   (new password from standard input;\n"
      "                                ends the account's sessions and unlocks it)\n"
      "  admin account unlock --login LOGIN\n"
      "  admin account code --login LOGIN   (prints a one-time log-in code that passes\n"
      "                                the lock once with the right password, 24 hours)\n"
      "  admin account disable|enable --login LOGIN\n"
      "  admin role grant --login LOGIN --role admin|secretary|inspector [--org ID]\n"
      "  admin role revoke --login LOGIN --role admin|secretary|inspector [--org ID]\n"
      "\n"
      "Settings come from the INI file (docs/configuration.md) with --set overrides,\n"
      "for example --set server.port=9000 --set storage.data_dir=/var/lib/sanhui.\n";

typedef struct {
  const char *config_path;
  GPtrArray *overrides; /* (element-type utf8) NULL-terminated, borrowed from argv */
  char **args;          /* the command and its arguments, borrowed from argv */
  int n_args;
} CliOptions;

static int
fail (const char *what, const GError *error)
{
  g_printerr ("sanhui: %s%s%s\n", what, error ? ": " : "", error ? error->message : "");
  return 1;
}

static ShConfig *
load_config (const CliOptions *opts, GError **error)
{
  g_autoptr (ShConfig) config
      = opts->config_path ? sh_config_load (opts->config_path, error) : sh_config_new_default ();

  if (!config)
    return NULL;
  for (guint i = 0; i < opts->overrides->len; i++)
    if (!sh_config_override (config, g_ptr_array_index (opts->overrides, i), error))
      return NULL;
  if (!sh_config_validate (config, error))
    return NULL;
  sh_log_init (config->log_level);
  return g_steal_pointer (&config);
}

static ShStore *
open_store (const ShConfig *config, GError **error)
{
  g_autofree char *path = sh_config_database_path (config);

  if (g_mkdir_with_parents (config->data_dir, 0700) != 0) {
    int err = errno;

    g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (err), "%scannot create %s as %s: %s",
                 err == EACCES || err == EPERM || err == EROFS ? "permission denied: " : "",
                 config->data_dir, g_get_user_name (), g_strerror (err));
    return NULL;
  }
  return sh_store_open (path, error);
}

/* The value after --NAME in the command's arguments, or NULL. */
static const char *
arg_value (const CliOptions *opts, const char *name)
{
  for (int i = 0; i + 1 < opts->n_args; i++)
    if (g_str_has_prefix (opts->args[i], "--") && g_str_equal (opts->args[i] + 2, name))
      return opts->args[i + 1];
  return NULL;
}

static gboolean
arg_id (const CliOptions *opts, const char *name, gboolean required, gint64 *out, GError **error)
{
  const char *text = arg_value (opts, name);
  guint64 v;

  if (!text) {
    if (required)
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "--%s is required", name);
    return !required;
  }
  if (!g_ascii_string_to_unsigned (text, 10, 1, G_MAXINT64, &v, error))
    return FALSE;
  *out = (gint64) v;
  return TRUE;
}

static const char *
arg_required (const CliOptions *opts, const char *name, GError **error)
{
  const char *value = arg_value (opts, name);

  if (!value)
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "--%s is required", name);
  return value;
}

/* A password for the account @login/@phone (nullable) from standard input:
 * the first line, without its newline. */
static char *
read_password (const char *login, const char *phone, GError **error)
{
  char line[256];
  gsize n;

  if (!fgets (line, sizeof line, stdin)) {
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                         "expected the password on standard input");
    return NULL;
  }
  n = strcspn (line, "\r\n");
  line[n] = '\0';
  if (!sh_password_acceptable_for (line, login, phone, error)) {
    memset (line, 0, sizeof line);
    return NULL;
  }
  return g_strdup (line);
}

static int
cmd_serve (const CliOptions *opts)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShServer) server
      = sh_server_new (opts->config_path, (const char *const *) opts->overrides->pdata, &error);

  if (!server)
    return fail ("cannot start", error);
  g_print ("Sanhui is running at %s\n", sh_server_url (server));
  g_print ("三会一课在线会议系统已启动，请在浏览器中打开 %s\n", sh_server_url (server));
  fflush (stdout);
  sh_server_run (server);
  return 0;
}

static int
cmd_demo (const CliOptions *opts)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShConfig) config = load_config (opts, &error);
  g_autoptr (ShStore) store = config ? open_store (config, &error) : NULL;
  const char *const *logins = sh_demo_logins ();

  if (!store || !sh_demo_load (store, config->password_iterations, &error))
    return fail ("cannot load the demo", error);
  g_print ("Demo organization loaded. Logins (演示账号):\n");
  for (gsize i = 0; logins[i]; i += 3)
    g_print ("  %-10s %-10s %s\n", logins[i], logins[i + 1], logins[i + 2]);
  return 0;
}

static int
cmd_db (const CliOptions *opts)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShConfig) config = load_config (opts, &error);
  g_autoptr (ShStore) store = config ? open_store (config, &error) : NULL;
  const char *sub = opts->n_args > 1 ? opts->args[1] : "";

  if (!store)
    return fail ("cannot open the database", error);
  if (g_str_equal (sub, "migrate") || g_str_equal (sub, "version")) {
    g_print ("schema version %d (this build knows %d)\n", sh_store_schema_version (store),
             sh_store_latest_schema_version ());
    return 0;
  }
  if (g_str_equal (sub, "backup") && opts->n_args == 3) {
    if (!sh_store_backup (store, opts->args[2], &error))
      return fail ("backup failed", error);
    g_print ("backed up to %s\n", opts->args[2]);
    return 0;
  }
  g_printerr ("%s", usage);
  return 2;
}

static int
admin_org (const CliOptions *opts, ShStore *store, const char *verb, GError **error)
{
  if (g_str_equal (verb, "list")) {
    g_autoptr (GPtrArray) orgs = sh_org_list_subtree (store, 0, error);
    if (!orgs)
      return fail ("cannot list", *error);
    for (guint i = 0; i < orgs->len; i++) {
      ShOrg *o = g_ptr_array_index (orgs, i);
      g_print ("%" G_GINT64_FORMAT "\t%s\t%s\tparent %" G_GINT64_FORMAT "\n", o->id,
               sh_org_kind_label (o->kind), o->name, o->parent_id);
    }
    return 0;
  }
  if (g_str_equal (verb, "add")) {
    const char *kind_text = arg_required (opts, "kind", error);
    const char *name = kind_text ? arg_required (opts, "name", error) : NULL;
    gint64 parent = 0, id;
    ShOrgKind kind;

    if (!name || !arg_id (opts, "parent", FALSE, &parent, error))
      return fail ("bad arguments", *error);
    if (!sh_org_kind_from_string (kind_text, &kind))
      return fail ("--kind must be committee, general_branch, branch or group", NULL);
    if (!(id = sh_org_create (store, parent, kind, name, error)))
      return fail ("cannot add", *error);
    g_print ("%" G_GINT64_FORMAT "\n", id);
    return 0;
  }
  return fail ("unknown org command; see sanhui --help", NULL);
}

static int
admin_member (const CliOptions *opts, ShStore *store, const char *verb, GError **error)
{
  gint64 branch = 0;

  if (!arg_id (opts, "branch", TRUE, &branch, error))
    return fail ("bad arguments", *error);
  if (g_str_equal (verb, "list")) {
    g_autoptr (GPtrArray) members = sh_member_list (store, branch, error);
    if (!members)
      return fail ("cannot list", *error);
    for (guint i = 0; i < members->len; i++) {
      ShMember *m = g_ptr_array_index (members, i);
      g_print ("%" G_GINT64_FORMAT "\t%s\t%s\t%s\n", m->id, m->name, m->phone ? m->phone : "-",
               sh_member_status_to_string (m->status));
    }
    return 0;
  }
  if (g_str_equal (verb, "add")) {
    g_autoptr (ShMember) m = g_new0 (ShMember, 1);
    const char *status = arg_value (opts, "status");
    gint64 id;

    m->branch_id = branch;
    m->active = TRUE;
    m->name = g_strdup (arg_required (opts, "name", error));
    m->phone = g_strdup (arg_value (opts, "phone"));
    if (!m->name)
      return fail ("bad arguments", *error);
    if (status && !sh_member_status_from_string (status, &m->status))
      return fail ("--status must be full or probationary", NULL);
    if (!(id = sh_member_create (store, m, error)))
      return fail ("cannot add", *error);
    g_print ("%" G_GINT64_FORMAT "\n", id);
    return 0;
  }
  return fail ("unknown member command; see sanhui --help", NULL);
}

static ShAccount *
account_by_login (const CliOptions *opts, ShStore *store, GError **error)
{
  const char *login = arg_required (opts, "login", error);

  return login ? sh_account_find (store, login, error) : NULL;
}

static int
admin_account (const CliOptions *opts, const ShConfig *config, ShStore *store, const char *verb,
               GError **error)
{
  if (g_str_equal (verb, "list")) {
    g_autoptr (GPtrArray) accounts = sh_account_list (store, error);
    if (!accounts)
      return fail ("cannot list", *error);
    for (guint i = 0; i < accounts->len; i++) {
      ShAccount *a = g_ptr_array_index (accounts, i);
      g_print ("%" G_GINT64_FORMAT "\t%s\t%s\t%s%s\n", a->id, a->login, a->display_name,
               a->disabled ? "disabled" : "active",
               a->locked_until > g_get_real_time () ? ", locked" : "");
    }
    return 0;
  }
  if (g_str_equal (verb, "add")) {
    g_autoptr (ShAccount) a = g_new0 (ShAccount, 1);
    g_autofree char *password = NULL;
    gint64 id;

    a->login = g_strdup (arg_required (opts, "login", error));
    a->display_name = a->login ? g_strdup (arg_required (opts, "name", error)) : NULL;
    a->phone = g_strdup (arg_value (opts, "phone"));
    if (!a->display_name || !arg_id (opts, "member", FALSE, &a->member_id, error)
        || !(password = read_password (a->login, a->phone, error)))
      return fail ("bad arguments", *error);
    a->password_hash = sh_password_hash (password, config->password_iterations);
    if (!(id = sh_account_create (store, a, error)))
      return fail ("cannot add", *error);
    g_print ("%" G_GINT64_FORMAT "\n", id);
    return 0;
  }
  if (g_str_equal (verb, "disable") || g_str_equal (verb, "enable")) {
    g_autoptr (ShAccount) a = account_by_login (opts, store, error);

    if (!a)
      return fail ("no such account", *error);
    return sh_account_set_disabled (store, a->id, g_str_equal (verb, "disable"), error)
               ? 0
               : fail ("cannot change", *error);
  }
  if (g_str_equal (verb, "code")) {
    g_autoptr (ShAccount) a = account_by_login (opts, store, error);
    g_autofree char *code = NULL;
    gint64 expires_at = 0;

    if (!a)
      return fail ("no such account", *error);
    if (!(code = sh_login_issue_code (store, a->id, &expires_at, error)))
      return fail ("cannot issue a code", *error);
    g_print ("%s\n", code);
    g_printerr ("一次性登录码（%d 小时内有效，仅可使用一次）：%s\n", SH_LOGIN_CODE_HOURS, code);
    return 0;
  }
  if (g_str_equal (verb, "password") || g_str_equal (verb, "unlock")) {
    g_autoptr (ShAccount) a = account_by_login (opts, store, error);
    g_autofree char *password = NULL;
    g_autofree char *hash = NULL;

    if (!a)
      return fail ("no such account", *error);
    if (g_str_equal (verb, "unlock"))
      return sh_account_record_success (store, a->id, error) ? 0 : fail ("cannot unlock", *error);
    if (!(password = read_password (a->login, a->phone, error)))
      return fail ("bad password", *error);
    hash = sh_password_hash (password, config->password_iterations);
    /* A reset by the administrator: whoever held the old password is out. */
    return sh_account_change_password (store, a->id, hash, NULL, error)
               ? 0
               : fail ("cannot set", *error);
  }
  return fail ("unknown account command; see sanhui --help", NULL);
}

static int
admin_role (const CliOptions *opts, ShStore *store, const char *verb, GError **error)
{
  g_autoptr (ShAccount) a = NULL;
  const char *role_text;
  gint64 org = 0;
  ShRole role;

  if (!g_str_equal (verb, "grant") && !g_str_equal (verb, "revoke"))
    return fail ("unknown role command; see sanhui --help", NULL);
  a = account_by_login (opts, store, error);
  if (!a)
    return fail ("no such account", *error);
  role_text = arg_required (opts, "role", error);
  if (!role_text || !arg_id (opts, "org", FALSE, &org, error))
    return fail ("bad arguments", *error);
  if (!sh_role_from_string (role_text, &role) || role == SH_ROLE_MEMBER)
    return fail ("--role must be admin, secretary or inspector", NULL);
  if (g_str_equal (verb, "revoke"))
    return sh_role_revoke (store, a->id, role, org, error) ? 0 : fail ("cannot revoke", *error);
  if (!sh_role_grant (store, a->id, role, org, error))
    return fail ("cannot grant", *error);
  return 0;
}

static int
cmd_admin (const CliOptions *opts)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShConfig) config = load_config (opts, &error);
  g_autoptr (ShStore) store = config ? open_store (config, &error) : NULL;
  const char *noun = opts->n_args > 1 ? opts->args[1] : "";
  const char *verb = opts->n_args > 2 ? opts->args[2] : "";

  if (!store)
    return fail ("cannot open the database", error);
  if (g_str_equal (noun, "org"))
    return admin_org (opts, store, verb, &error);
  if (g_str_equal (noun, "member"))
    return admin_member (opts, store, verb, &error);
  if (g_str_equal (noun, "account"))
    return admin_account (opts, config, store, verb, &error);
  if (g_str_equal (noun, "role"))
    return admin_role (opts, store, verb, &error);
  g_printerr ("%s", usage);
  return 2;
}

/* Every recording file of the store (of one meeting with --meeting) read
 * again: a size or SHA-256 other than stored, or no file, is named. */
static int
cmd_verify_recordings (const CliOptions *opts)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShConfig) config = load_config (opts, &error);
  g_autoptr (ShStore) store = config ? open_store (config, &error) : NULL;
  g_autoptr (GPtrArray) files = NULL;
  gint64 meeting = 0;
  guint bad = 0;

  if (!store)
    return fail ("cannot open the database", error);
  if (!arg_id (opts, "meeting", FALSE, &meeting, &error))
    return fail ("bad --meeting", error);
  files = sh_recording_list_files (store, 0, meeting, &error);
  if (!files)
    return fail ("cannot read the recordings", error);
  for (guint i = 0; i < files->len; i++) {
    ShRecordingFile *f = files->pdata[i];
    g_autofree char *path = g_build_filename (config->data_dir, f->path, NULL);
    g_autoptr (GError) local = NULL;
    guint64 size = 0;
    g_autofree char *sha = sh_recorder_file_sha256 (path, &size, NULL, &local);

    if (sha == NULL && g_error_matches (local, G_IO_ERROR, G_IO_ERROR_NOT_FOUND)) {
      g_print ("MISSING %s\n", f->path);
      bad++;
    } else if (sha == NULL) {
      g_print ("UNREADABLE %s: %s\n", f->path, local->message);
      bad++;
    } else if ((gint64) size != f->size || !g_str_equal (sha, f->sha256)) {
      g_print ("CHANGED %s (stored %" G_GINT64_FORMAT " bytes, SHA-256 %s; now %" G_GUINT64_FORMAT
               " bytes, %s)\n",
               f->path, f->size, f->sha256, size, sha);
      bad++;
    }
  }
  g_print ("%u recording file(s) checked, %u changed or missing\n", files->len, bad);
  return bad > 0 ? 1 : 0;
}

int
sh_cli_main (int argc, char **argv)
{
  g_autoptr (GPtrArray) overrides = g_ptr_array_new_null_terminated (4, NULL, TRUE);
  CliOptions opts = { .overrides = overrides };
  int i;

  setlocale (LC_ALL, "");
  for (i = 1; i < argc; i++) {
    if (g_str_equal (argv[i], "--help") || g_str_equal (argv[i], "-h")) {
      g_print ("%s", usage);
      return 0;
    } else if (g_str_equal (argv[i], "--config") && i + 1 < argc) {
      opts.config_path = argv[++i];
    } else if (g_str_equal (argv[i], "--set") && i + 1 < argc) {
      g_ptr_array_add (overrides, argv[++i]);
    } else {
      break;
    }
  }
  opts.args = argv + i;
  opts.n_args = argc - i;
  if (opts.n_args == 0) {
    g_printerr ("%s", usage);
    return 2;
  }
  if (g_str_equal (opts.args[0], "serve"))
    return cmd_serve (&opts);
  if (g_str_equal (opts.args[0], "demo"))
    return cmd_demo (&opts);
  if (g_str_equal (opts.args[0], "db"))
    return cmd_db (&opts);
  if (g_str_equal (opts.args[0], "admin"))
    return cmd_admin (&opts);
  if (g_str_equal (opts.args[0], "verify-recordings"))
    return cmd_verify_recordings (&opts);
  g_printerr ("sanhui: unknown command '%s'\n\n%s", opts.args[0], usage);
  return 2;
}
