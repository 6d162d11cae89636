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

static void
assert_parse_error (const char *text, const char *message_part)
{
  g_autoptr (GError) error = NULL;

  g_assert_null (sh_json_parse_object (text, strlen (text), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, message_part));
}

/* Found by fuzzing: json-glib overflowed the stack on deep nesting, wrapped
 * integers beyond 64 bits, read 1e400 as infinity (written back as
 * "inf.0"), and read 012 as octal. */
static void
test_deep_nesting (void)
{
  g_autoptr (GString) deep = g_string_new ("{\"a\":");
  g_autoptr (GString) limit = g_string_new ("{\"a\":");

  for (guint i = 0; i < 500000; i++)
    g_string_append_c (deep, '[');
  for (guint i = 0; i < 500000; i++)
    g_string_append_c (deep, ']');
  g_string_append_c (deep, '}');
  assert_parse_error (deep->str, "嵌套超过 64 层");

  /* 64 levels, the object's included, are fine. */
  for (guint i = 0; i < 63; i++)
    g_string_append_c (limit, '[');
  for (guint i = 0; i < 63; i++)
    g_string_append_c (limit, ']');
  g_string_append_c (limit, '}');
  g_autoptr (JsonObject) obj = parse (limit->str);
  g_string_insert (limit, 5, "[");
  g_string_insert (limit, limit->len - 1, "]");
  assert_parse_error (limit->str, "嵌套超过 64 层");

  /* Brackets in strings and comments do not count. */
  g_autoptr (GString) quoted = g_string_new ("{\"a\":\"");
  for (guint i = 0; i < 100; i++)
    g_string_append (quoted, "[{\\\"");
  g_string_append (
      quoted, "\", \"b\": ['\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\\']"
              "/* [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[ */}");
  g_autoptr (JsonObject) strings = parse (quoted->str);
  g_assert_true (json_object_has_member (strings, "b"));
}

static void
test_number_range (void)
{
  g_autoptr (JsonObject) obj = parse ("{\"max\":9223372036854775807,\"min\":-9223372036854775808,"
                                      "\"small\":1e-400,\"float\":-0.5E+3,\"zero\":-0}");
  g_autoptr (GError) error = NULL;
  gint64 max = 0, min = 0, zero = 1;

  g_assert_true (sh_json_get_int (obj, "max", TRUE, G_MININT64, G_MAXINT64, &max, &error));
  g_assert_true (sh_json_get_int (obj, "min", TRUE, G_MININT64, G_MAXINT64, &min, &error));
  g_assert_true (sh_json_get_int (obj, "zero", TRUE, G_MININT64, G_MAXINT64, &zero, &error));
  g_assert_no_error (error);
  g_assert_cmpint (max, ==, G_MAXINT64);
  g_assert_cmpint (min, ==, G_MININT64);
  g_assert_cmpint (zero, ==, 0);

  assert_parse_error ("{\"id\":9223372036854775808}", "超出范围");
  assert_parse_error ("{\"id\":18446744073709551617}", "超出范围");
  assert_parse_error ("{\"id\":-9223372036854775809}", "超出范围");
  assert_parse_error ("{\"id\":1e400}", "超出范围");
  assert_parse_error ("{\"id\":[1,-1.7976931348623159e308]}", "超出范围");
  assert_parse_error ("{\"id\":012}", "不符合 JSON 格式");
  assert_parse_error ("{\"id\":0x10}", "不符合 JSON 格式");
  assert_parse_error ("{\"id\":.5}", "不符合 JSON 格式");
  assert_parse_error ("{\"id\":1.}", "不符合 JSON 格式");
  assert_parse_error ("{\"id\":- 1}", "不符合 JSON 格式");
}

/* Found by fuzzing: json-glib read "\u4g" as U+4000 and turned "\u4" before
 * a multi-byte character into invalid UTF-8, in values and in the error
 * message that goes back to the client. */
static void
test_escapes (void)
{
  static const char *const bad[] = {
    "{\"a\":\"\\u4g\"}",   "{\"\\u4\xe5\x85\xa5g\"}", "{\"a\":\"\\u4\xe5\x85\xa5g\"}",
    "{\"a\":\"\\x41\"}",   "{\"a\":\"\\ud800\"}",     "{\"a\":\"\\ud800\\u0041\"}",
    "{\"a\":\"\\udc00\"}", "{\"a\":\"\\u12\"}",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    assert_parse_error (bad[i], "无效的转义序列");

  g_autoptr (JsonObject) obj
      = parse ("{\"a\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\uD83D\\uDE00\"}");
  g_assert_cmpstr (json_object_get_string_member (obj, "a"), ==, "\"\\/\b\f\n\r\té😀");
}

/* Found by fuzzing: a time that GDateTime cannot show in every zone was
 * accepted, and then came back as null (or a critical); so was the epoch,
 * which stands for "no time". */
static void
test_time_range (void)
{
  g_autoptr (JsonObject) obj
      = parse ("{\"late\":\"9999-12-31T23:59:59-23:59\",\"early\":\"0001-01-01T00:00:00+23:59\","
               "\"epoch\":\"1970-01-01T08:00:00+08:00\",\"first\":\"1970-01-01T00:00:01Z\","
               "\"last\":\"9998-12-31T23:59:59Z\",\"year9999\":\"9999-01-01T00:00:00Z\"}");
  g_autoptr (GTimeZone) plus14 = g_time_zone_new_offset (14 * 3600);
  g_autoptr (GError) error = NULL;
  static const char *const refused[] = { "late", "early", "epoch", "year9999" };
  gint64 first = 0, last = 0, untouched = 7;

  for (gsize i = 0; i < G_N_ELEMENTS (refused); i++) {
    g_assert_false (sh_json_get_time (obj, refused[i], TRUE, &untouched, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
    g_assert_nonnull (strstr (error->message, "超出范围"));
    g_clear_error (&error);
  }
  g_assert_cmpint (untouched, ==, 7);

  g_assert_true (sh_json_get_time (obj, "first", TRUE, &first, &error));
  g_assert_true (sh_json_get_time (obj, "last", TRUE, &last, &error));
  g_assert_no_error (error);
  g_assert_cmpint (first, ==, G_USEC_PER_SEC);
  g_autofree char *text = sh_json_format_time (last, plus14);
  g_assert_cmpstr (text, ==, "9999-01-01T13:59:59+14:00");
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
  g_test_add_func ("/json-util/deep-nesting", test_deep_nesting);
  g_test_add_func ("/json-util/number-range", test_number_range);
  g_test_add_func ("/json-util/time-range", test_time_range);
  g_test_add_func ("/json-util/escapes", test_escapes);
  return g_test_run ();
}
