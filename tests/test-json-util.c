/* Typed access to request JSON and time formatting.
 * SPDX-License-Identifier: Apache-2.0 */
#include "json-util.h"

#include <gio/gio.h>

static JsonObject *
parse (const char *text)
{
  g_autoptr (GError) error = NULL;
  JsonObject *obj = sh_json_parse_object (text, strlen (text), &error);

  g_assert_no_error (error);
  return obj;
}

static void
test_parse_errors (void)
{
  static const char *const bad[] = { "", "nope", "[1]", "\"text\"", "{\"a\":", "null" };

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++) {
    g_autoptr (GError) error = NULL;
    g_assert_null (sh_json_parse_object (bad[i], strlen (bad[i]), &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  }
  {
    g_autoptr (GError) error = NULL;
    const char invalid_utf8[] = "{\"a\":\"\xff\xfe\"}";
    g_assert_null (sh_json_parse_object (invalid_utf8, sizeof invalid_utf8 - 1, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  }
}

static void
test_strings (void)
{
  g_autoptr (JsonObject) obj = parse ("{\"name\":\"  张三  \",\"empty\":\"   \",\"n\":5,"
                                      "\"long\":\"一二三四五六\",\"nul\":null}");
  g_autoptr (GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *empty = NULL;
  g_autofree char *missing = NULL;
  g_autofree char *wrong = NULL;
  g_autofree char *too_long = NULL;

  g_assert_true (sh_json_get_string (obj, "name", TRUE, 10, &name, &error));
  g_assert_cmpstr (name, ==, "张三");
  g_assert_true (sh_json_get_string (obj, "empty", FALSE, 10, &empty, &error));
  g_assert_null (empty);
  g_assert_true (sh_json_get_string (obj, "nul", FALSE, 10, &missing, &error));
  g_assert_true (sh_json_get_string (obj, "absent", FALSE, 10, &missing, &error));
  g_assert_null (missing);
  g_assert_false (sh_json_get_string (obj, "empty", TRUE, 10, &empty, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (sh_json_get_string (obj, "absent", TRUE, 10, &missing, &error));
  g_assert_nonnull (strstr (error->message, "absent"));
  g_clear_error (&error);
  g_assert_false (sh_json_get_string (obj, "n", FALSE, 10, &wrong, &error));
  g_assert_nonnull (strstr (error->message, "“n”"));
  g_clear_error (&error);
  /* The limit counts characters, not bytes. */
  g_assert_true (sh_json_get_string (obj, "long", TRUE, 6, &too_long, &error));
  g_clear_pointer (&too_long, g_free);
  g_assert_false (sh_json_get_string (obj, "long", TRUE, 5, &too_long, &error));
  g_assert_null (too_long);
}

static void
test_numbers_and_bools (void)
{
  g_autoptr (JsonObject) obj = parse ("{\"id\":7,\"neg\":-1,\"f\":1.5,\"s\":\"7\",\"b\":true}");
  g_autoptr (GError) error = NULL;
  gint64 v = 0;
  gboolean b = FALSE;

  g_assert_true (sh_json_get_int (obj, "id", TRUE, 1, 100, &v, &error));
  g_assert_cmpint (v, ==, 7);
  g_assert_false (sh_json_get_int (obj, "neg", TRUE, 0, 100, &v, &error));
  g_clear_error (&error);
  g_assert_false (sh_json_get_int (obj, "f", TRUE, 0, 100, &v, &error));
  g_clear_error (&error);
  g_assert_false (sh_json_get_int (obj, "s", TRUE, 0, 100, &v, &error));
  g_clear_error (&error);
  g_assert_true (sh_json_get_bool (obj, "b", TRUE, &b, &error));
  g_assert_true (b);
  g_assert_false (sh_json_get_bool (obj, "id", TRUE, &b, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
}

static void
test_times (void)
{
  g_autoptr (JsonObject) obj = parse ("{\"cn\":\"2026-12-01T14:00:00+08:00\","
                                      "\"z\":\"2026-12-01T06:00:00Z\","
                                      "\"bare\":\"2026-12-01T14:00:00\",\"junk\":\"明天下午\"}");
  g_autoptr (GError) error = NULL;
  g_autoptr (GTimeZone) shanghai = g_time_zone_new_identifier ("Asia/Shanghai");
  g_autofree char *text = NULL;
  gint64 cn = 0, z = 0, bare = 0;

  g_assert_true (sh_json_get_time (obj, "cn", TRUE, &cn, &error));
  g_assert_true (sh_json_get_time (obj, "z", TRUE, &z, &error));
  g_assert_cmpint (cn, ==, z);
  g_assert_cmpint (cn, ==, G_GINT64_CONSTANT (1796104800) * G_USEC_PER_SEC);
  /* A time without an offset would depend on the server's zone. */
  g_assert_false (sh_json_get_time (obj, "bare", TRUE, &bare, &error));
  g_assert_nonnull (strstr (error->message, "ISO 8601"));
  g_clear_error (&error);
  g_assert_false (sh_json_get_time (obj, "junk", TRUE, &bare, &error));
  g_clear_error (&error);
  text = sh_json_format_time (cn, shanghai);
  g_assert_cmpstr (text, ==, "2026-12-01T14:00:00+08:00");
  g_assert_null (sh_json_format_time (0, shanghai));
}

static void
test_string_arrays (void)
{
  g_autoptr (JsonObject) obj = parse ("{\"ok\":[\" 议程一 \",\"议程二\"],\"mixed\":[\"a\",1],"
                                      "\"many\":[\"1\",\"2\",\"3\"],\"not\":\"x\"}");
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) items = NULL;

  g_assert_true (sh_json_get_string_array (obj, "ok", 5, 10, &items, &error));
  g_assert_cmpuint (items->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (items, 0), ==, "议程一");
  g_assert_false (sh_json_get_string_array (obj, "mixed", 5, 10, &items, &error));
  g_clear_error (&error);
  g_assert_false (sh_json_get_string_array (obj, "many", 2, 10, &items, &error));
  g_clear_error (&error);
  g_assert_false (sh_json_get_string_array (obj, "not", 2, 10, &items, &error));
  g_clear_error (&error);
  /* Failures leave the earlier value in place. */
  g_assert_cmpuint (items->len, ==, 2);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/json-util/parse-errors", test_parse_errors);
  g_test_add_func ("/json-util/strings", test_strings);
  g_test_add_func ("/json-util/numbers-and-bools", test_numbers_and_bools);
  g_test_add_func ("/json-util/times", test_times);
  g_test_add_func ("/json-util/string-arrays", test_string_arrays);
  return g_test_run ();
}
