/* The Range request header (RFC 9110, sections 14.1 and 14.2): one
 * range-spec of unit "bytes", as int-range "a-b", open "a-" or suffix "-n",
 * inside a list whose empty elements and optional whitespace around commas
 * are allowed. Anything else is served whole (200): RFC 9110 lets a server
 * ignore a Range it does not support, and a video player never needs
 * multipart/byteranges.
 * SPDX-License-Identifier: Apache-2.0 */
#include "byte-range.h"

#include <string.h>

static gboolean
is_ows (char c)
{
  return c == ' ' || c == '\t';
}

/* 1*DIGIT at *@p; saturates at G_MAXUINT64. FALSE without a digit. */
static gboolean
read_number (const char **p, guint64 *value)
{
  const char *s = *p;
  guint64 v = 0;

  if (!g_ascii_isdigit (*s))
    return FALSE;
  for (; g_ascii_isdigit (*s); s++) {
    guint d = (guint) (*s - '0');
    v = v > (G_MAXUINT64 - d) / 10 ? G_MAXUINT64 : v * 10 + d;
  }
  *p = s;
  *value = v;
  return TRUE;
}

typedef struct {
  gboolean suffix;
  guint64 first; /* or the suffix length */
  gboolean has_last;
  guint64 last;
} Spec;

/* One range-spec filling exactly [@s, @end). */
static gboolean
read_spec (const char *s, const char *end, Spec *spec)
{
  memset (spec, 0, sizeof *spec);
  if (*s == '-') {
    s++;
    spec->suffix = TRUE;
    return read_number (&s, &spec->first) && s == end;
  }
  if (!read_number (&s, &spec->first) || s == end || *s != '-')
    return FALSE;
  s++;
  if (s == end)
    return TRUE;
  spec->has_last = TRUE;
  /* "a-b" with b < a is invalid (RFC 9110, 14.1.1), not unsatisfiable. */
  return read_number (&s, &spec->last) && s == end && spec->last >= spec->first;
}

ShByteRange
sh_byte_range_parse (const char *header, guint64 size, guint64 *first, guint64 *last)
{
  const char *p = header;
  Spec spec = { 0 };
  guint specs = 0;

  g_return_val_if_fail (first != NULL && last != NULL, SH_BYTE_RANGE_FULL);
  if (header == NULL)
    return SH_BYTE_RANGE_FULL;
  while (is_ows (*p))
    p++;
  if (g_ascii_strncasecmp (p, "bytes=", 6) != 0)
    return SH_BYTE_RANGE_FULL;
  p += 6;
  /* range-set = 1#range-spec: elements between commas, OWS around them. */
  for (;;) {
    const char *end;

    while (is_ows (*p))
      p++;
    end = p;
    while (*end != '\0' && *end != ',' && !is_ows (*end))
      end++;
    if (end > p) {
      if (++specs > 1 || !read_spec (p, end, &spec))
        return SH_BYTE_RANGE_FULL;
    }
    p = end;
    while (is_ows (*p))
      p++;
    if (*p == '\0')
      break;
    if (*p != ',')
      return SH_BYTE_RANGE_FULL;
    p++;
  }
  if (specs == 0)
    return SH_BYTE_RANGE_FULL;
  if (spec.suffix) {
    if (spec.first == 0 || size == 0)
      return SH_BYTE_RANGE_UNSATISFIABLE;
    *first = spec.first >= size ? 0 : size - spec.first;
    *last = size - 1;
    return SH_BYTE_RANGE_PARTIAL;
  }
  if (spec.first >= size)
    return SH_BYTE_RANGE_UNSATISFIABLE;
  *first = spec.first;
  *last = spec.has_last && spec.last < size ? spec.last : size - 1;
  return SH_BYTE_RANGE_PARTIAL;
}
