/* Fuzz target for the Range header parser (signaling/src/byte-range.c): any
 * text against a few sizes, the answer checked against the file's bounds,
 * and the range it names parsed back to itself.
 * SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include "byte-range.h"
#include "fuzz.h"

#define MAX_HEADER 1024

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  (void) argc;
  (void) argv;
  fuzz_init_logging ();
  return 0;
}

static void
check (const char *header, guint64 size)
{
  guint64 first = 0, last = 0;
  ShByteRange kind = sh_byte_range_parse (header, size, &first, &last);

  FUZZ_CHECK (kind == SH_BYTE_RANGE_FULL || kind == SH_BYTE_RANGE_PARTIAL
              || kind == SH_BYTE_RANGE_UNSATISFIABLE);
  /* An empty file has no byte to serve. */
  FUZZ_CHECK (size > 0 || kind != SH_BYTE_RANGE_PARTIAL);
  if (kind == SH_BYTE_RANGE_PARTIAL) {
    g_autofree char *again
        = g_strdup_printf ("bytes=%" G_GUINT64_FORMAT "-%" G_GUINT64_FORMAT, first, last);
    guint64 first2 = 0, last2 = 0;

    FUZZ_CHECK (first <= last);
    FUZZ_CHECK (last < size);
    FUZZ_CHECK (sh_byte_range_parse (again, size, &first2, &last2) == SH_BYTE_RANGE_PARTIAL);
    FUZZ_CHECK (first2 == first && last2 == last);
  }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static const guint64 sizes[] = { 0, 1, 100, G_GUINT64_CONSTANT (5000000000), G_MAXUINT64 };

  if (size > MAX_HEADER)
    return 0;
  /* A header reaches the parser as a C string: text stops at a NUL. */
  g_autofree char *header = g_strndup ((const char *) data, size);

  for (gsize i = 0; i < G_N_ELEMENTS (sizes); i++)
    check (header, sizes[i]);
  return 0;
}
