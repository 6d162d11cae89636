/* Canonical JSON (signaling/src/canonical-json.c) against RFC 8785: member
 * order by UTF-16 code units (the RFC's own example), ECMAScript escaping,
 * the values a record may not hold, and that a canonical text stays itself.
 * SPDX-License-Identifier: Apache-2.0 */
#include "canonical-json.h"

#include <string.h>

static JsonNode *
parse (const char *text)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;

  g_assert_true (json_parser_load_from_data (parser, text, -1, &error));
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

static char *
canonical (const char *text, GError **error)
{
  g_autoptr (JsonNode) node = parse (text);
  g_autoptr (GBytes) bytes = sh_canonical_json (node, error);
  gsize length;
  const char *data;

  if (!bytes)
    return NULL;
  data = g_bytes_get_data (bytes, &length);
  return g_strndup (data, length);
}

static void
assert_canonical (const char *in, const char *expected)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *out = canonical (in, &error);
  g_autofree char *again = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (out, ==, expected);
  again = canonical (out, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (again, ==, out);
}

static void
test_structure (void)
{
  assert_canonical (
      "{ \"b\" : 1,\n \"a\" : [ true, null, \"x\" ], \"c\": {\"z\": \"\\n\", \"y\": \"é\"} }",
      "{\"a\":[true,null,\"x\"],\"b\":1,\"c\":{\"y\":\"é\",\"z\":\"\\n\"}}");
  assert_canonical ("[]", "[]");
  assert_canonical ("{}", "{}");
  assert_canonical ("[-9007199254740991, 0, -0, 9007199254740991]",
                    "[-9007199254740991,0,0,9007199254740991]");
  assert_canonical ("{\"会议\":\"第一党支部党员大会\"}", "{\"会议\":\"第一党支部党员大会\"}");
}

/* RFC 8785 §3.2.3's sorting example: UTF-16 code units, so the emoji (a
 * surrogate pair) comes before U+FB33. */
static void
test_utf16_order (void)
{
  assert_canonical ("{\"\\u20ac\":\"Euro Sign\",\"\\r\":\"Carriage Return\",\"\\ufb33\":\"Hebrew\","
                    "\"1\":\"One\",\"\\ud83d\\ude00\":\"Emoji\",\"\\u0080\":\"Control\","
                    "\"\\u00f6\":\"Latin\"}",
                    "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\xc2\x80\":\"Control\","
                    "\"\xc3\xb6\":\"Latin\",\"\xe2\x82\xac\":\"Euro Sign\","
                    "\"\xf0\x9f\x98\x80\":\"Emoji\",\"\xef\xac\xb3\":\"Hebrew\"}");
}

static void
test_escaping (void)
{
  assert_canonical ("\"\\u0001\\u001f \\b\\f\\n\\r\\t \\\" \\\\ / \\u007f \\u2028\"",
                    "\"\\u0001\\u001f \\b\\f\\n\\r\\t \\\" \\\\ / \x7f \xe2\x80\xa8\"");
}

static void
test_refused (void)
{
  static const char *const refused[] = {
    "1.5", "[1e3]", "{\"a\":{\"b\":9007199254740992}}", "-9007199254740992", "[0.0]",
  };

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++) {
    g_autoptr (GError) error = NULL;
    g_autofree char *out = canonical (refused[i], &error);
    g_assert_null (out);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  }
  {
    g_autoptr (GError) error = NULL;
    g_autofree char *out = canonical ("{\"a\":{\"b\":[1, 2.5]}}", &error);
    g_assert_nonnull (strstr (error->message, ".a.b[1]"));
  }
}

static void
test_too_deep (void)
{
  g_autoptr (GString) text = g_string_new (NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL;

  for (int i = 0; i < 100; i++)
    g_string_append_c (text, '[');
  for (int i = 0; i < 100; i++)
    g_string_append_c (text, ']');
  out = canonical (text->str, &error);
  g_assert_null (out);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
}

/* Built in code rather than parsed: a string that is not UTF-8. */
static void
test_not_utf8 (void)
{
  g_autoptr (JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autoptr (JsonObject) object = json_object_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) out = NULL;

  json_object_set_string_member (object, "name", "\xff\xfe");
  json_node_set_object (node, object);
  out = sh_canonical_json (node, &error);
  g_assert_null (out);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/canonical-json/structure", test_structure);
  g_test_add_func ("/canonical-json/utf16-order", test_utf16_order);
  g_test_add_func ("/canonical-json/escaping", test_escaping);
  g_test_add_func ("/canonical-json/refused", test_refused);
  g_test_add_func ("/canonical-json/too-deep", test_too_deep);
  g_test_add_func ("/canonical-json/not-utf8", test_not_utf8);
  return g_test_run ();
}
