/* Fuzz target for the configuration: the input as an INI file
 * (sh_config_load_from_data, then sh_config_validate), and each of its
 * lines as a "group.key=value" override, which must leave the configuration
 * as it was when rejected.
 * SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include "config.h"
#include "fuzz.h"

/* The largest configuration file worth trying. */
#define MAX_INI_BYTES (64 * 1024)
/* Overrides tried per input, to keep runs fast. */
#define MAX_OVERRIDES 64

static void
dump_string (GString *out, const char *name, const char *value)
{
  g_string_append_printf (out, "%s=%s%s\n", name, value != NULL ? "\"" : "(null)",
                          value != NULL ? value : "");
}

static void
dump_list (GString *out, const char *name, char **items)
{
  FUZZ_CHECK (items != NULL);
  g_string_append_printf (out, "%s=", name);
  for (char **item = items; *item != NULL; item++) {
    FUZZ_CHECK (**item != '\0');
    g_string_append_printf (out, "[%s]", *item);
  }
  g_string_append_c (out, '\n');
}

/* Every field as text, to compare configurations. Returns: (transfer full). */
static char *
dump (const ShConfig *c)
{
  GString *out = g_string_new (NULL);

  dump_string (out, "listen_address", c->listen_address);
  g_string_append_printf (out, "port=%u\n", c->port);
  dump_string (out, "tls_certificate", c->tls_certificate);
  dump_string (out, "tls_key", c->tls_key);
  dump_string (out, "public_url", c->public_url);
  dump_string (out, "web_root", c->web_root);
  g_string_append_printf (out,
                          "sizes=%" G_GSIZE_FORMAT " %" G_GSIZE_FORMAT " %" G_GSIZE_FORMAT "\n",
                          c->max_body_bytes, c->max_upload_bytes, c->max_ws_message_bytes);
  dump_string (out, "data_dir", c->data_dir);
  dump_string (out, "database", c->database);
  g_string_append_printf (out, "media=%u %u %u\n", c->media_port_min, c->media_port_max,
                          c->media_workers);
  dump_string (out, "public_address", c->public_address);
  dump_list (out, "stun_servers", c->stun_servers);
  dump_list (out, "turn_servers", c->turn_servers);
  dump_string (out, "turn_secret", c->turn_secret);
  g_string_append_printf (out, "security=%u %u %u %u %u\n", c->session_hours, c->lockout_failures,
                          c->lockout_minutes, c->invitation_hours, c->password_iterations);
  dump_string (out, "time_zone", c->time_zone);
  g_string_append_printf (out, "join_early_minutes=%u\n", c->join_early_minutes);
  dump_string (out, "log_level", c->log_level);
  return g_string_free (out, FALSE);
}

/* What every loaded configuration satisfies, valid or not. */
static void
check_config (const ShConfig *c)
{
  FUZZ_CHECK (c->listen_address != NULL && c->listen_address[0] != '\0');
  FUZZ_CHECK (c->web_root != NULL && c->web_root[0] != '\0');
  FUZZ_CHECK (c->data_dir != NULL && c->data_dir[0] != '\0');
  FUZZ_CHECK (c->time_zone != NULL && c->log_level != NULL);
  FUZZ_CHECK (c->port <= 65535);
  FUZZ_CHECK (c->max_body_bytes >= 1 && c->max_body_bytes <= G_MAXINT32);
  FUZZ_CHECK (c->media_port_min >= 1024 && c->media_port_max <= 65535);
  FUZZ_CHECK (c->password_iterations >= 1000);
  g_autofree char *db = sh_config_database_path (c);
  FUZZ_CHECK (db != NULL);
}

static void
try_override (ShConfig *config, const char *line)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *before = dump (config);

  if (sh_config_override (config, line, &error)) {
    FUZZ_CHECK (error == NULL);
    check_config (config);
    return;
  }
  FUZZ_CHECK_ERROR (error);
  FUZZ_CHECK (error->domain == SH_CONFIG_ERROR);
  /* A rejected override changes nothing. */
  g_autofree char *after = dump (config);
  FUZZ_CHECK (strcmp (before, after) == 0);
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fuzz_init_logging ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GError) error = NULL;

  if (size > MAX_INI_BYTES)
    return 0;
  g_autoptr (ShConfig) config
      = sh_config_load_from_data ("fuzz.ini", (const char *) data, size, &error);
  if (config == NULL) {
    FUZZ_CHECK_ERROR (error);
    FUZZ_CHECK (error->domain == SH_CONFIG_ERROR);
    /* Errors name the file. */
    FUZZ_CHECK (g_str_has_prefix (error->message, "fuzz.ini"));
    g_clear_error (&error);
  } else {
    FUZZ_CHECK (error == NULL);
    check_config (config);
    if (!sh_config_validate (config, &error)) {
      FUZZ_CHECK_ERROR (error);
      g_clear_error (&error);
    }
  }

  /* Each line as an override, on the loaded configuration or the defaults.
   * Overrides come from argv: text up to a NUL. */
  g_autoptr (ShConfig) target
      = config != NULL ? g_steal_pointer (&config) : sh_config_new_default ();
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_auto (GStrv) lines = g_strsplit (text, "\n", MAX_OVERRIDES + 1);
  for (guint i = 0; lines[i] != NULL && i < MAX_OVERRIDES; i++)
    try_override (target, lines[i]);
  return 0;
}
