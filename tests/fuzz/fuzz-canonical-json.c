/* Fuzz target for the archive's canonical JSON: any text json-glib accepts
 * either canonicalizes with a reason to refuse it, or gives a text that
 * parses again and canonicalizes to itself.
 * SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include "canonical-json.h"
#include "fuzz.h"

#define CANONICAL_MAX_INPUT (64 * 1024)

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fuzz_init_logging ();
  return 0;
}

static GBytes *
canonicalize (const char *text, gssize length, gboolean must_parse)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  GBytes *out;

  if (!json_parser_load_from_data (parser, text, length, &error)) {
    FUZZ_CHECK (!must_parse);
    return NULL;
  }
  if (!json_parser_get_root (parser)) /* empty text */
    return NULL;
  out = sh_canonical_json (json_parser_get_root (parser), &error);
  if (!out)
    FUZZ_CHECK_ERROR (error);
  return out;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GBytes) first = NULL;
  g_autoptr (GBytes) second = NULL;
  gsize length;
  const char *text;

  if (size > CANONICAL_MAX_INPUT)
    return 0;
  first = canonicalize ((const char *) data, (gssize) size, FALSE);
  if (!first)
    return 0;
  text = g_bytes_get_data (first, &length);
  second = canonicalize (text, (gssize) length, TRUE);
  FUZZ_CHECK (second != NULL);
  FUZZ_CHECK (g_bytes_equal (first, second));
  return 0;
}
