/* Tests for the Range header parser (signaling/src/byte-range.c): the three
 * forms of a single range, clamping, unsatisfiable ranges, and everything
 * that is served whole (malformed, other units, several ranges).
 * SPDX-License-Identifier: Apache-2.0 */
#include <glib.h>

#include "byte-range.h"

typedef struct {
  const char *header;
  guint64 size;
  ShByteRange expected;
  guint64 first, last;
} Case;

static const Case cases[] = {
  { NULL, 100, SH_BYTE_RANGE_FULL, 0, 0 },
  { "bytes=0-99", 100, SH_BYTE_RANGE_PARTIAL, 0, 99 },
  { "bytes=10-19", 100, SH_BYTE_RANGE_PARTIAL, 10, 19 },
  { "bytes=10-10", 100, SH_BYTE_RANGE_PARTIAL, 10, 10 },
  { "bytes=90-", 100, SH_BYTE_RANGE_PARTIAL, 90, 99 },
  { "bytes=0-", 100, SH_BYTE_RANGE_PARTIAL, 0, 99 },
  { "bytes=-10", 100, SH_BYTE_RANGE_PARTIAL, 90, 99 },
  { "bytes=-100", 100, SH_BYTE_RANGE_PARTIAL, 0, 99 },
  { "bytes=-1000", 100, SH_BYTE_RANGE_PARTIAL, 0, 99 },
  /* The last position past the end: up to the last byte. */
  { "bytes=50-5000", 100, SH_BYTE_RANGE_PARTIAL, 50, 99 },
  { "bytes=50-99999999999999999999999", 100, SH_BYTE_RANGE_PARTIAL, 50, 99 },
  /* Unit case-insensitive, OWS and empty list elements around the one range. */
  { "Bytes=1-2", 100, SH_BYTE_RANGE_PARTIAL, 1, 2 },
  { "bytes= 1-2 ", 100, SH_BYTE_RANGE_PARTIAL, 1, 2 },
  { "bytes=,1-2,", 100, SH_BYTE_RANGE_PARTIAL, 1, 2 },
  { "bytes=1-2 , ", 100, SH_BYTE_RANGE_PARTIAL, 1, 2 },
  /* Unsatisfiable: first position at or after the end, an empty suffix,
   * an empty file. */
  { "bytes=100-", 100, SH_BYTE_RANGE_UNSATISFIABLE, 0, 0 },
  { "bytes=100-200", 100, SH_BYTE_RANGE_UNSATISFIABLE, 0, 0 },
  { "bytes=99999999999999999999999-", 100, SH_BYTE_RANGE_UNSATISFIABLE, 0, 0 },
  { "bytes=-0", 100, SH_BYTE_RANGE_UNSATISFIABLE, 0, 0 },
  { "bytes=0-", 0, SH_BYTE_RANGE_UNSATISFIABLE, 0, 0 },
  { "bytes=-5", 0, SH_BYTE_RANGE_UNSATISFIABLE, 0, 0 },
  /* Served whole: malformed, another unit, several ranges. */
  { "", 100, SH_BYTE_RANGE_FULL, 0, 0 },
  { "bytes=", 100, SH_BYTE_RANGE_FULL, 0, 0 },
  { "bytes=,", 100, SH_BYTE_RANGE_FULL, 0, 0 },
  { "bytes=-", 100, SH_BYTE_RANGE_FULL, 0, 0 },
  { "bytes=5-4", 100, SH_BYTE_RANGE_FULL, 0, 0 },
  { "bytes=a-4", 100, SH_BYTE_RANGE_FULL, 0, 0 },
  { "bytes=1-2x", 100, SH_BYTE_RANGE_FULL, 0, 0 },
  { "bytes=1 -2", 100, SH_BYTE_RANGE_FULL, 0, 0 },
  { "bytes=+1-2", 100, SH_BYTE_RANGE_FULL, 0, 0 },
  { "bytes=--2", 100, SH_BYTE_RANGE_FULL, 0, 0 },
  { "bytes 1-2", 100, SH_BYTE_RANGE_FULL, 0, 0 },
  { "bytes=1-2;x", 100, SH_BYTE_RANGE_FULL, 0, 0 },
  { "items=1-2", 100, SH_BYTE_RANGE_FULL, 0, 0 },
  { "bytes=0-1,5-6", 100, SH_BYTE_RANGE_FULL, 0, 0 },
  { "bytes=0-1, -5", 100, SH_BYTE_RANGE_FULL, 0, 0 },
  { "bytes=0-1,200-300", 100, SH_BYTE_RANGE_FULL, 0, 0 },
};

static void
test_cases (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    const Case *c = &cases[i];
    guint64 first = 12345, last = 12345;
    ShByteRange got = sh_byte_range_parse (c->header, c->size, &first, &last);

    g_test_message ("%s of %" G_GUINT64_FORMAT, c->header ? c->header : "(none)", c->size);
    g_assert_cmpint (got, ==, c->expected);
    if (got == SH_BYTE_RANGE_PARTIAL) {
      g_assert_cmpuint (first, ==, c->first);
      g_assert_cmpuint (last, ==, c->last);
    } else {
      /* Nothing is set unless a range is served. */
      g_assert_cmpuint (first, ==, 12345);
      g_assert_cmpuint (last, ==, 12345);
    }
  }
}

/* Every partial answer lies inside the file, whatever the numbers. */
static void
test_bounds (void)
{
  static const guint64 sizes[] = { 1, 2, 7, 1000, G_MAXUINT64 };
  static const char *const headers[] = { "bytes=0-0",
                                         "bytes=-1",
                                         "bytes=6-",
                                         "bytes=0-6",
                                         "bytes=-18446744073709551615",
                                         "bytes=18446744073709551614-" };

  for (gsize s = 0; s < G_N_ELEMENTS (sizes); s++)
    for (gsize h = 0; h < G_N_ELEMENTS (headers); h++) {
      guint64 first = 0, last = 0;

      if (sh_byte_range_parse (headers[h], sizes[s], &first, &last) == SH_BYTE_RANGE_PARTIAL) {
        g_assert_cmpuint (first, <=, last);
        g_assert_cmpuint (last, <, sizes[s]);
      }
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/byte-range/cases", test_cases);
  g_test_add_func ("/byte-range/bounds", test_bounds);
  return g_test_run ();
}
