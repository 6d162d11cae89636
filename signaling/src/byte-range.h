/* Layer: helper below the HTTP server. The Range request header (RFC 9110,
 * section 14.2) reduced to what the recording downloads serve: one byte
 * range of a representation of known size (byte-range.c).
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

typedef enum {
  /* Serve the whole representation with 200: no header, another unit, a
   * malformed header or more than one range (RFC 9110 lets a server ignore
   * those; multipart/byteranges is not served). */
  SH_BYTE_RANGE_FULL,
  /* Serve *@first .. *@last (inclusive) with 206 and Content-Range. */
  SH_BYTE_RANGE_PARTIAL,
  /* 416 with Content-Range: bytes *\/size: the one range starts at or
   * after the end, is an empty suffix ("-0") or the representation is
   * empty. */
  SH_BYTE_RANGE_UNSATISFIABLE,
} ShByteRange;

/* Reads @header (nullable: no Range header) against a representation of
 * @size bytes. "a-b" with b at or past the end ends at the last byte; "-n"
 * with n > @size is the whole representation; numbers too long for 64 bits
 * count as infinitely large. @first and @last are set for PARTIAL only. */
ShByteRange sh_byte_range_parse (const char *header, guint64 size, guint64 *first, guint64 *last);
