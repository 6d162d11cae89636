/* Layout of the composite over time. A tile is shown only while its media
 * lasts; when a member joins or leaves, or a screen share starts or stops,
 * the layout closes up around the tiles that remain (docs/recording.md,
 * "Composite render").
 * SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include "layout.h"

static gboolean
active (const ShLayoutItem *item, gint64 t)
{
  return item->start_ns <= t && t < item->end_ns;
}

static int
even (int v)
{
  return v & ~1;
}

/* Fits a 16:9 tile into the cell and centres it there. */
static ShTileRect
fit (int x, int y, int cell_w, int cell_h)
{
  int w = cell_w, h = cell_w * 9 / 16;
  if (h > cell_h) {
    h = cell_h;
    w = cell_h * 16 / 9;
  }
  w = even (w);
  h = even (h);
  return (ShTileRect){
    .x = even (x + (cell_w - w) / 2), .y = even (y + (cell_h - h) / 2), .width = w, .height = h
  };
}

static void
grid (ShTileRect *rects, const guint *shown, guint n, int width, int height, int top)
{
  guint cols = 1;
  while (cols * cols < n)
    cols++;
  guint rows = (n + cols - 1) / cols;
  int cell_w = width / (int) cols, cell_h = (height - top) / (int) rows;
  for (guint i = 0; i < n; i++) {
    guint row = i / cols, col = i % cols;
    /* The last row, if not full, is centred. */
    guint in_row = row == rows - 1 ? n - row * cols : cols;
    int left = (width - (int) in_row * cell_w) / 2;
    rects[shown[i]] = fit (left + (int) col * cell_w, top + (int) row * cell_h, cell_w, cell_h);
  }
}

static void
lay_out_at (const ShLayoutItem *items, guint n_items, gint64 t, int width, int height, int top,
            ShTileRect *rects)
{
  g_autofree guint *shown = g_new (guint, n_items);
  guint n = 0;
  gint lead = -1;
  for (guint i = 0; i < n_items; i++) {
    rects[i] = (ShTileRect){ 0 };
    if (!active (&items[i], t))
      continue;
    if (items[i].kind == SH_TILE_SCREEN && (lead < 0 || items[i].start_ns >= items[lead].start_ns))
      lead = (gint) i;
  }
  for (guint i = 0; i < n_items; i++)
    if (active (&items[i], t) && (gint) i != lead)
      shown[n++] = i;

  if (lead < 0) {
    if (n > 0)
      grid (rects, shown, n, width, height, top);
    return;
  }
  int strip_h = n > 0 ? even (height / 5) : 0;
  rects[lead]
      = (ShTileRect){ .x = 0, .y = top, .width = width, .height = even (height - top - strip_h) };
  if (n == 0)
    return;
  int tile_w = strip_h * 16 / 9;
  if (tile_w * (int) n > width)
    tile_w = width / (int) n;
  int left = (width - tile_w * (int) n) / 2;
  for (guint i = 0; i < n; i++)
    rects[shown[i]] = fit (left + (int) i * tile_w, height - strip_h, tile_w, strip_h);
}

static void
segment_clear (gpointer data)
{
  ShLayoutSegment *segment = data;
  g_free (segment->rects);
}

static int
compare_times (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return x < y ? -1 : x > y;
}

GArray *
sh_layout_plan (const ShLayoutItem *items, guint n_items, gint64 duration_ns, int width, int height,
                int top)
{
  g_return_val_if_fail (n_items == 0 || items != NULL, NULL);
  g_return_val_if_fail (width > 0 && height > top && top >= 0, NULL);

  g_autoptr (GArray) cuts = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 zero = 0;
  g_array_append_val (cuts, zero);
  for (guint i = 0; i < n_items; i++) {
    if (items[i].start_ns > 0 && items[i].start_ns < duration_ns)
      g_array_append_val (cuts, items[i].start_ns);
    if (items[i].end_ns > 0 && items[i].end_ns < duration_ns)
      g_array_append_val (cuts, items[i].end_ns);
  }
  g_array_sort (cuts, compare_times);

  GArray *segments = g_array_new (FALSE, FALSE, sizeof (ShLayoutSegment));
  g_array_set_clear_func (segments, segment_clear);
  for (guint c = 0; c < cuts->len; c++) {
    gint64 t = g_array_index (cuts, gint64, c);
    if (c > 0 && t == g_array_index (cuts, gint64, c - 1))
      continue;
    ShLayoutSegment segment = { .start_ns = t, .rects = g_new0 (ShTileRect, MAX (n_items, 1)) };
    lay_out_at (items, n_items, t, width, height, top, segment.rects);
    if (segments->len > 0) {
      const ShLayoutSegment *last = &g_array_index (segments, ShLayoutSegment, segments->len - 1);
      if (memcmp (last->rects, segment.rects, n_items * sizeof (ShTileRect)) == 0) {
        g_free (segment.rects);
        continue;
      }
    }
    g_array_append_val (segments, segment);
  }
  return segments;
}

void
sh_layout_usual_size (const GArray *plan, gint64 duration_ns, guint index, int *width, int *height)
{
  g_return_if_fail (plan != NULL && width != NULL && height != NULL);
  *width = *height = 0;
  gint64 best = 0;
  for (guint s = 0; s < plan->len; s++) {
    const ShTileRect *rect = &g_array_index (plan, ShLayoutSegment, s).rects[index];
    if (rect->width == 0)
      continue;
    /* The total time of every segment at this size, counted from its first. */
    gint64 shown = 0;
    for (guint t = s; t < plan->len; t++) {
      const ShLayoutSegment *seg = &g_array_index (plan, ShLayoutSegment, t);
      gint64 end
          = t + 1 < plan->len ? g_array_index (plan, ShLayoutSegment, t + 1).start_ns : duration_ns;
      if (seg->rects[index].width == rect->width && seg->rects[index].height == rect->height)
        shown += end - seg->start_ns;
    }
    if (shown > best) {
      best = shown;
      *width = rect->width;
      *height = rect->height;
    }
  }
}
