/* Tests for the log writer: redaction, level filtering, line format.
 * SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>

#include "log.h"

#define DOMAIN "sanhui-test"

/* Output captured through open_memstream(): the writer is process-wide, so
 * each test starts a capture, logs, and takes the text. */
typedef struct {
  FILE *stream;
  char *buffer;
  size_t size;
} Capture;

static void
capture_begin (Capture *capture)
{
  capture->buffer = NULL;
  capture->size = 0;
  capture->stream = open_memstream (&capture->buffer, &capture->size);
  g_assert_nonnull (capture->stream);
  sh_log_set_output (capture->stream);
}

/* Returns: (transfer full) everything written since capture_begin(). */
static char *
capture_end (Capture *capture)
{
  sh_log_set_output (NULL);
  fclose (capture->stream);
  char *text = g_strdup (capture->buffer);
  free (capture->buffer);
  return text;
}

static void
test_redact_forms (void)
{
  static const struct {
    const char *input;
    const char *expected;
  } cases[] = {
    { "login password=hunter2 ok", "login password=*** ok" },
    { "PASSWORD=Hunter2", "PASSWORD=***" },
    { "passwd=abc&next=/home", "passwd=***&next=/home" },
    { "GET /join?token=abc.def-ghi&x=1", "GET /join?token=***&x=1" },
    { "secret=s3cr3t;other=1", "secret=***;other=1" },
    { "key=AAAA, done", "key=***, done" },
    { "csrf=q1w2e3", "csrf=***" },
    { "cookie=zzz", "cookie=***" },
    { "sanhui_session=abcdef; Path=/", "sanhui_session=***; Path=/" },
    { "turn_secret=xyz new_password=p csrf_token=t",
      "turn_secret=*** new_password=*** csrf_token=***" },
    { "password = spaced out", "password = *** out" },
    { "password=\"quoted value\" rest", "password=\"***\" rest" },
    { "token='single quoted' rest", "token='***' rest" },
    { "{\"login\":\"li\",\"password\":\"hunter2\"}", "{\"login\":\"li\",\"password\":\"***\"}" },
    { "{\"Password\" : \"a \\\"quoted\\\" one\", \"n\": 1}", "{\"Password\" : \"***\", \"n\": 1}" },
    { "{\"token\": 12345}", "{\"token\": ***}" },
    { "{\"secret\": {\"a\": [1, 2]}, \"ok\": true}", "{\"secret\": ***, \"ok\": true}" },
    { "{\"a\": \"x\", \"b\": \"y\", \"csrf\": \"z\"}",
      "{\"a\": \"x\", \"b\": \"y\", \"csrf\": \"***\"}" },
    { "{\"note\": \"password=inner\"}", "{\"note\": \"password=***\"}" },
    { "Cookie: sanhui_session=abc; csrf=def", "Cookie: ***" },
    { "cookie: a=b\nnext line", "cookie: ***\nnext line" },
    { "Set-Cookie: sanhui_session=abc; HttpOnly", "Set-Cookie: ***" },
    { "Authorization: Bearer eyJhbGciOi", "Authorization: ***" },
    { "X-CSRF-Token: abc", "X-CSRF-Token: ***" },
    { "invalid token: expired", "invalid token: expired" },
    { "no secrets here, key word only", "no secrets here, key word only" },
    { "password=", "password=" },
    { "a == b, token==x", "a == b, token==x" },
    { "", "" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autofree char *out = sh_log_redact (cases[i].input);
    g_assert_cmpstr (out, ==, cases[i].expected);
  }
}

static void
test_level_valid (void)
{
  const char *good[] = { "error", "critical", "warning", "message", "info", "debug" };
  for (gsize i = 0; i < G_N_ELEMENTS (good); i++)
    g_assert_true (sh_log_level_valid (good[i]));
  g_assert_false (sh_log_level_valid ("Warning"));
  g_assert_false (sh_log_level_valid ("verbose"));
  g_assert_false (sh_log_level_valid (""));
  g_assert_false (sh_log_level_valid (NULL));
}

static void
test_line_format (void)
{
  Capture capture;
  sh_log_init ("message");
  capture_begin (&capture);
  g_log_structured (DOMAIN, G_LOG_LEVEL_WARNING, "MESSAGE", "disk %s", "full");
  g_autofree char *text = capture_end (&capture);

  g_assert_true (g_regex_match_simple ("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}"
                                       "\\.[0-9]{3}(Z|[+-][0-9]{2}:[0-9]{2}) WARNING "
                                       "sanhui-test: disk full\\n$",
                                       text, 0, 0));
}

static void
test_one_line_and_redacted (void)
{
  Capture capture;
  sh_log_init ("message");
  capture_begin (&capture);
  g_log_structured (DOMAIN, G_LOG_LEVEL_MESSAGE, "MESSAGE", "login password=hunter2\nforged");
  g_autofree char *text = capture_end (&capture);

  g_assert_nonnull (strstr (text, "MESSAGE sanhui-test: login password=***\\nforged\n"));
  g_assert_null (strstr (text, "hunter2"));
  g_assert_cmpint (strchr (text, '\n') - text, ==, (gssize) strlen (text) - 1);
}

static void
test_level_filter (void)
{
  Capture capture;

  g_unsetenv ("G_MESSAGES_DEBUG");
  sh_log_init ("warning");
  capture_begin (&capture);
  g_log_structured (DOMAIN, G_LOG_LEVEL_DEBUG, "MESSAGE", "debug-hidden");
  g_log_structured (DOMAIN, G_LOG_LEVEL_INFO, "MESSAGE", "info-hidden");
  g_log_structured (DOMAIN, G_LOG_LEVEL_MESSAGE, "MESSAGE", "message-hidden");
  g_log_structured (DOMAIN, G_LOG_LEVEL_WARNING, "MESSAGE", "warning-shown");
  g_autofree char *warning = capture_end (&capture);
  g_assert_null (strstr (warning, "hidden"));
  g_assert_nonnull (strstr (warning, "WARNING sanhui-test: warning-shown"));

  sh_log_init ("debug");
  capture_begin (&capture);
  g_log_structured (DOMAIN, G_LOG_LEVEL_DEBUG, "MESSAGE", "debug-shown");
  g_log_structured (DOMAIN, G_LOG_LEVEL_INFO, "MESSAGE", "info-shown");
  g_autofree char *debug = capture_end (&capture);
  g_assert_nonnull (strstr (debug, "DEBUG sanhui-test: debug-shown"));
  g_assert_nonnull (strstr (debug, "INFO sanhui-test: info-shown"));

  /* Criticals print at "critical" but not at "error". */
  sh_log_init ("critical");
  capture_begin (&capture);
  g_log_structured (DOMAIN, G_LOG_LEVEL_WARNING, "MESSAGE", "warning-hidden");
  g_log_structured (DOMAIN, G_LOG_LEVEL_CRITICAL, "MESSAGE", "critical-shown");
  g_autofree char *critical = capture_end (&capture);
  g_assert_null (strstr (critical, "hidden"));
  g_assert_nonnull (strstr (critical, "CRITICAL sanhui-test: critical-shown"));

  sh_log_init ("error");
  capture_begin (&capture);
  g_log_structured (DOMAIN, G_LOG_LEVEL_CRITICAL, "MESSAGE", "critical-hidden");
  g_autofree char *error = capture_end (&capture);
  g_assert_cmpstr (error, ==, "");

  /* NULL means the default, "message". */
  sh_log_init (NULL);
  capture_begin (&capture);
  g_log_structured (DOMAIN, G_LOG_LEVEL_INFO, "MESSAGE", "info-hidden");
  g_log_structured (DOMAIN, G_LOG_LEVEL_MESSAGE, "MESSAGE", "message-shown");
  g_autofree char *deflt = capture_end (&capture);
  g_assert_null (strstr (deflt, "hidden"));
  g_assert_nonnull (strstr (deflt, "message-shown"));
}

static void
test_messages_debug (void)
{
  Capture capture;

  sh_log_init ("message");
  g_setenv ("G_MESSAGES_DEBUG", "other," DOMAIN, TRUE);
  capture_begin (&capture);
  g_log_structured (DOMAIN, G_LOG_LEVEL_DEBUG, "MESSAGE", "named-shown");
  g_log_structured ("quiet", G_LOG_LEVEL_DEBUG, "MESSAGE", "unnamed-hidden");
  g_autofree char *named = capture_end (&capture);
  g_assert_nonnull (strstr (named, "DEBUG sanhui-test: named-shown"));
  g_assert_null (strstr (named, "hidden"));

  g_setenv ("G_MESSAGES_DEBUG", "all", TRUE);
  capture_begin (&capture);
  g_log_structured ("quiet", G_LOG_LEVEL_INFO, "MESSAGE", "all-shown");
  g_autofree char *all = capture_end (&capture);
  g_assert_nonnull (strstr (all, "INFO quiet: all-shown"));
  g_unsetenv ("G_MESSAGES_DEBUG");
}

static void
test_invalid_level (void)
{
  Capture capture;

  capture_begin (&capture);
  sh_log_init ("loud");
  g_log_structured (DOMAIN, G_LOG_LEVEL_INFO, "MESSAGE", "info-hidden");
  g_autofree char *text = capture_end (&capture);
  g_assert_nonnull (strstr (text, "WARNING"));
  g_assert_nonnull (strstr (text, "unknown log level “loud”"));
  g_assert_null (strstr (text, "hidden"));
}

static void
test_fatal_criticals (void)
{
  if (g_test_subprocess ()) {
    g_setenv ("G_DEBUG", "fatal-criticals", TRUE);
    sh_log_init ("message");
    g_log_structured (DOMAIN, G_LOG_LEVEL_CRITICAL, "MESSAGE", "fatal token=abc");
    return;
  }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*CRITICAL sanhui-test: fatal token=*");
  g_test_trap_assert_stderr_unmatched ("*abc*");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  /* The capture tests log criticals on purpose. */
  g_unsetenv ("G_DEBUG");

  g_test_add_func ("/log/redact", test_redact_forms);
  g_test_add_func ("/log/level-valid", test_level_valid);
  g_test_add_func ("/log/line-format", test_line_format);
  g_test_add_func ("/log/one-line-redacted", test_one_line_and_redacted);
  g_test_add_func ("/log/level-filter", test_level_filter);
  g_test_add_func ("/log/messages-debug", test_messages_debug);
  g_test_add_func ("/log/invalid-level", test_invalid_level);
  g_test_add_func ("/log/fatal-criticals", test_fatal_criticals);
  return g_test_run ();
}
