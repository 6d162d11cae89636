/* A recorded track's fragments read back as one stream that keeps the
 * track's own timestamps. SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <gst/gst.h>

/* Adds to @bin a source reading the Matroska @fragments (in order, copied)
 * one after another. Its buffers keep the timestamps the recorder wrote
 * (0 at the track's first packet, gaps between fragments included) and its
 * segment is a plain one from 0, so that running time is track time.
 * At most three fragments are open at a time (the one playing, the next
 * one prerolled, the one before being closed), whatever their number.
 * Returns: (transfer none) the element whose "src" pad carries the stream,
 * owned by @bin; NULL with @error set when an element is missing. */
GstElement *sh_fragment_source_add (GstBin *bin, const char *const *fragments, GError **error);
