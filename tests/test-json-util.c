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

/* Issue 7: json-glib keeps strings as C strings, so "\u0000" silently cut
 * a name or a chat line short. The body is refused, naming the field. */
static void
test_nul_refused (void)
{
  assert_parse_error ("{\"name\":\"张\\u0000三\"}", "字段“name”含有空字符");
  assert_parse_error ("{\"a\":1,\"agenda\":[\"一\",\"\\u0000\"]}", "字段“agenda”");
  assert_parse_error ("{\"na\\u0000me\":\"x\"}", "空字符");
  assert_parse_error ("{\"payload\":{\"text\":\"\\u0000\"}}", "字段“text”");
  /* A raw NUL byte is not UTF-8 text at all. */
  {
    g_autoptr (GError) error = NULL;
    const char raw[] = "{\"a\":\"x\0y\"}";

    g_assert_null (sh_json_parse_object (raw, sizeof raw - 1, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  }
  /* Other escapes of low code points are fine at this level. */
  g_autoptr (JsonObject) ok = parse ("{\"a\":\"\\u0041\\u0009\"}");
  g_assert_cmpstr (json_object_get_string_member (ok, "a"), ==, "A\t");
}

/* Issue 7: a body followed by a second object was accepted (and only the
 * first one read). */
static void
test_trailing_content (void)
{
  static const char *const bad[] = {
    "{\"a\":1}{\"b\":2}", "{\"a\":1} {\"b\":2}", "{\"a\":1}x", "{\"a\":1}\n1",
    "{\"a\":1}\"s\"",     "{\"a\":1}[]",         "{\"a\":1}}", "{\"a\":1} null",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    assert_parse_error (bad[i], "多余的内容");
  g_autoptr (JsonObject) spaced = parse (" \r\n\t{\"a\":{\"b\":[1,{}]}} \n\t ");
  g_assert_true (json_object_has_member (spaced, "a"));
}

/* Issue 7: control characters, bidirectional overrides and names made of
 * zero-width spaces were accepted in every string field. */
static void
test_string_characters (void)
{
  static const struct {
    const char *json;
    const char *message_part;
  } bad[] = {
    { "{\"s\":\"a\\u0001b\"}", "控制字符（U+0001）" },
    { "{\"s\":\"a\\u001bb\"}", "控制字符（U+001B）" },
    { "{\"s\":\"a\\u007fb\"}", "控制字符（U+007F）" },
    { "{\"s\":\"a\\u0085b\"}", "控制字符（U+0085）" },
    { "{\"s\":\"a\\u009bb\"}", "控制字符" },
    { "{\"s\":\"\\u202egpj.exe\"}", "文字显示方向" },
    { "{\"s\":\"a\\u202ab\"}", "U+202A" },
    { "{\"s\":\"a\\u2066b\\u2069\"}", "U+2066" },
    { "{\"s\":\"\\u200b\\u200b\\u200b\"}", "不能为空" },
    { "{\"s\":\" \\u200c\\u200d\\ufeff\\u2060 \"}", "不能为空" },
    { "{\"s\":\"\\u3000\\u00a0\\u00ad\"}", "不能为空" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++) {
    g_autoptr (JsonObject) obj = parse (bad[i].json);
    g_autoptr (GError) error = NULL;
    g_autofree char *out = NULL;

    g_assert_false (sh_json_get_string (obj, "s", TRUE, 100, &out, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
    g_assert_nonnull (strstr (error->message, "字段“s”"));
    g_assert_nonnull (strstr (error->message, bad[i].message_part));
    g_assert_null (out);
  }
  /* An optional field that looks empty but is not is refused too. */
  {
    g_autoptr (JsonObject) obj = parse ("{\"s\":\"\\u200b\"}");
    g_autoptr (GError) error = NULL;
    g_autofree char *out = NULL;

    g_assert_false (sh_json_get_string (obj, "s", FALSE, 100, &out, &error));
    g_assert_nonnull (strstr (error->message, "不可见字符"));
  }
  /* Line breaks and tabs stay possible (chat, agenda, SDP). */
  {
    g_autoptr (JsonObject) obj
        = parse ("{\"s\":\"v=0\\r\\no=- 1\\tx\\n\",\"ok\":\"张\\u200d三\",\"a\":[\"\\u202e\"]}");
    g_autoptr (GError) error = NULL;
    g_autofree char *out = NULL;
    g_autofree char *ok = NULL;
    g_autoptr (GPtrArray) items = NULL;

    g_assert_true (sh_json_get_string (obj, "s", TRUE, 100, &out, &error));
    g_assert_cmpstr (out, ==, "v=0\r\no=- 1\tx");
    g_assert_true (sh_json_get_string (obj, "ok", TRUE, 100, &ok, &error));
    g_assert_no_error (error);
    g_assert_false (sh_json_get_string_array (obj, "a", 5, 100, &items, &error));
    g_assert_nonnull (strstr (error->message, "字段“a”"));
    g_assert_null (items);
  }
}

/* Issue 7: second 60 became :59 (GDateTime clamps it); 24:00, 2 月 30 日
 * and a 24-hour offset must be refused, not moved. */
static void
test_time_fields_checked (void)
{
  static const char *const invalid[] = {
    "2026-12-01T14:00:60+08:00", "2026-12-01T14:00:60.5Z",    "2026-12-01T24:00:00+08:00",
    "2026-02-30T14:00:00+08:00", "2026-02-29T14:00:00+08:00", "2026-13-01T14:00:00+08:00",
    "2026-00-10T14:00:00+08:00", "2026-12-00T14:00:00+08:00", "2026-12-01T14:60:00+08:00",
    "2026-12-01T14:00:00+24:00", "2026-12-01T14:00:00+08:60", "2026-04-31T14:00:00Z",
  };
  static const char *const malformed[] = {
    "2026-12-01T14:00+08:00",
    "20261201T140000Z",
    "2026-W01-1T14:00:00Z",
    "2026-335T14:00:00Z",
    "2026-12-01T14:00:00+0800",
    "2026-12-01T14:00:00+08",
    "2026-12-01T14:00:00.Z",
    "2026-12-01T14:00:00Z junk",
    "+2026-12-01T14:00:00Z",
    "2026-1-01T14:00:00Z",
    "2026-12-01T14:00:00.1234567890Z",
  };
  static const struct {
    const char *text;
    gint64 unix_s;
    gint64 micro;
  } good[] = {
    { "2028-02-29T14:00:00+08:00", G_GINT64_CONSTANT (1835416800), 0 },
    { "2026-12-01 06:00:00Z", G_GINT64_CONSTANT (1796104800), 0 },
    { "2026-12-01T14:00:59.25+08:00", G_GINT64_CONSTANT (1796104859), 250000 },
    { "2026-12-01T00:00:00-05:30", G_GINT64_CONSTANT (1796104800) - 30 * 60, 0 },
    { "2000-02-29T00:00:00Z", G_GINT64_CONSTANT (951782400), 0 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (invalid); i++) {
    g_autoptr (JsonObject) obj = json_object_new ();
    g_autoptr (GError) error = NULL;
    gint64 t = 7;

    json_object_set_string_member (obj, "t", invalid[i]);
    g_assert_false (sh_json_get_time (obj, "t", TRUE, &t, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
    g_assert_nonnull (strstr (error->message, "无效"));
    g_assert_cmpint (t, ==, 7);
  }
  for (gsize i = 0; i < G_N_ELEMENTS (malformed); i++) {
    g_autoptr (JsonObject) obj = json_object_new ();
    g_autoptr (GError) error = NULL;
    gint64 t = 7;

    json_object_set_string_member (obj, "t", malformed[i]);
    g_assert_false (sh_json_get_time (obj, "t", TRUE, &t, &error));
    g_assert_nonnull (strstr (error->message, "ISO 8601"));
    g_assert_cmpint (t, ==, 7);
  }
  for (gsize i = 0; i < G_N_ELEMENTS (good); i++) {
    g_autoptr (JsonObject) obj = json_object_new ();
    g_autoptr (GError) error = NULL;
    gint64 t = 0;

    json_object_set_string_member (obj, "t", good[i].text);
    g_assert_true (sh_json_get_time (obj, "t", TRUE, &t, &error));
    g_assert_no_error (error);
    g_assert_cmpint (t, ==, good[i].unix_s * G_USEC_PER_SEC + good[i].micro);
  }
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
  g_test_add_func ("/json-util/nul-refused", test_nul_refused);
  g_test_add_func ("/json-util/trailing-content", test_trailing_content);
  g_test_add_func ("/json-util/string-characters", test_string_characters);
  g_test_add_func ("/json-util/time-fields-checked", test_time_fields_checked);
  return g_test_run ();
}
