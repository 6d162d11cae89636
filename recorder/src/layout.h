/* layout.h — where each tile of the composite goes, over time. Pure: no
 * GStreamer, so that every layout rule is tested on its own.
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  SH_TILE_CAMERA,
  SH_TILE_NAME, /* a member heard but not seen: their name on a dark tile */
  SH_TILE_SCREEN,
} ShTileKind;

typedef struct {
  ShTileKind kind;
  gint64 start_ns; /* meeting time the tile's media starts */
  gint64 end_ns;   /* meeting time it ends; G_MAXINT64 if it lasts */
} ShLayoutItem;

typedef struct {
  int x, y, width, height; /* width == 0: hidden */
} ShTileRect;

typedef struct {
  gint64 start_ns;   /* the segment lasts until the next one starts */
  ShTileRect *rects; /* one per item, in the items' order */
} ShLayoutSegment;

/* Splits [0, @duration_ns) at every start and end of an item and lays out
 * the items active in each piece inside @width × @height below a title band
 * of @top pixels: a grid when no screen is shared; else the screen shared
 * last takes the main area and the others share a strip at the bottom.
 * Consecutive pieces with the same layout are merged.
 * Returns: (transfer full) (element-type ShLayoutSegment) segments in time
 * order, the first at 0; free with g_array_unref (clears the rects). */
GArray *sh_layout_plan (const ShLayoutItem *items, guint n_items, gint64 duration_ns, int width,
                        int height, int top);

/* The size item @index is shown at for the longest time in @plan (of a
 * meeting of @duration_ns), so that its frames can be scaled once, where
 * they are decoded, to the size the mixer then mostly only places. Sets
 * both to 0 when the item is never shown. */
void sh_layout_usual_size (const GArray *plan, gint64 duration_ns, guint index, int *width,
                           int *height);

G_END_DECLS
