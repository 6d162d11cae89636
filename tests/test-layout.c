/* Tests for the composite's layout over time.
 * SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include "layout.h"

#define W 1280
#define H 720
#define TOP 40
#define S G_GINT64_CONSTANT (1000000000)

static const ShLayoutSegment *
segment_at (GArray *plan, gint64 t)
{
  const ShLayoutSegment *found = NULL;
  for (guint i = 0; i < plan->len; i++)
    if (g_array_index (plan, ShLayoutSegment, i).start_ns <= t)
      found = &g_array_index (plan, ShLayoutSegment, i);
  return found;
}

static gboolean
overlap (const ShTileRect *a, const ShTileRect *b)
{
  return a->x < b->x + b->width && b->x < a->x + a->width && a->y < b->y + b->height
         && b->y < a->y + a->height;
}

static void
assert_inside (const ShTileRect *r)
{
  g_assert_cmpint (r->width, >, 0);
  g_assert_cmpint (r->x, >=, 0);
  g_assert_cmpint (r->y, >=, TOP);
  g_assert_cmpint (r->x + r->width, <=, W);
  g_assert_cmpint (r->y + r->height, <=, H);
}

static void
test_single_camera_fills (void)
{
  ShLayoutItem items[] = { { SH_TILE_CAMERA, 0, G_MAXINT64 } };
  g_autoptr (GArray) plan = sh_layout_plan (items, 1, 10 * S, W, H, TOP);
  g_assert_cmpuint (plan->len, ==, 1);
  const ShTileRect *r = &g_array_index (plan, ShLayoutSegment, 0).rects[0];
  assert_inside (r);
  /* 16:9 in 1280×680: the full height. */
  g_assert_cmpint (r->height, ==, H - TOP);
  g_assert_cmpint (r->width, ==, (H - TOP) * 16 / 9 & ~1);
}

static void
test_grid_of_ten (void)
{
  ShLayoutItem items[10];
  for (guint i = 0; i < 10; i++)
    items[i] = (ShLayoutItem){ i % 3 == 0 ? SH_TILE_NAME : SH_TILE_CAMERA, 0, G_MAXINT64 };
  g_autoptr (GArray) plan = sh_layout_plan (items, 10, 60 * S, W, H, TOP);
  g_assert_cmpuint (plan->len, ==, 1);
  const ShTileRect *rects = g_array_index (plan, ShLayoutSegment, 0).rects;
  for (guint i = 0; i < 10; i++) {
    assert_inside (&rects[i]);
    /* 4 columns, 3 rows. */
    g_assert_cmpint (rects[i].width, <=, W / 4);
    g_assert_cmpint (rects[i].height, <=, (H - TOP) / 3);
    for (guint j = 0; j < i; j++)
      g_assert_false (overlap (&rects[i], &rects[j]));
  }
}

static void
test_late_joiner_and_leaver (void)
{
  ShLayoutItem items[] = { { SH_TILE_CAMERA, 0, G_MAXINT64 }, { SH_TILE_CAMERA, 3 * S, 7 * S } };
  g_autoptr (GArray) plan = sh_layout_plan (items, 2, 10 * S, W, H, TOP);
  g_assert_cmpuint (plan->len, ==, 3);
  const ShLayoutSegment *before = segment_at (plan, 2 * S);
  const ShLayoutSegment *during = segment_at (plan, 3 * S);
  const ShLayoutSegment *after = segment_at (plan, 7 * S);
  g_assert_cmpint (during->start_ns, ==, 3 * S);
  g_assert_cmpint (after->start_ns, ==, 7 * S);
  g_assert_cmpint (before->rects[1].width, ==, 0);
  assert_inside (&during->rects[0]);
  assert_inside (&during->rects[1]);
  g_assert_false (overlap (&during->rects[0], &during->rects[1]));
  g_assert_cmpint (during->rects[0].width, <, before->rects[0].width);
  /* Closed up again: the first tile back where it was. */
  g_assert_cmpint (after->rects[1].width, ==, 0);
  g_assert_true (memcmp (&after->rects[0], &before->rects[0], sizeof (ShTileRect)) == 0);
}

static void
test_screen_takes_main_place (void)
{
  ShLayoutItem items[] = { { SH_TILE_CAMERA, 0, G_MAXINT64 },
                           { SH_TILE_NAME, 0, G_MAXINT64 },
                           { SH_TILE_SCREEN, 2 * S, 5 * S },
                           { SH_TILE_SCREEN, 3 * S, 4 * S } };
  g_autoptr (GArray) plan = sh_layout_plan (items, 4, 10 * S, W, H, TOP);
  const ShLayoutSegment *grid = segment_at (plan, 1 * S);
  const ShLayoutSegment *share = segment_at (plan, 2 * S);
  const ShLayoutSegment *second = segment_at (plan, 3 * S);
  const ShLayoutSegment *back = segment_at (plan, 5 * S);
  g_assert_cmpint (grid->rects[2].width, ==, 0);

  const ShTileRect *lead = &share->rects[2];
  g_assert_cmpint (lead->x, ==, 0);
  g_assert_cmpint (lead->y, ==, TOP);
  g_assert_cmpint (lead->width, ==, W);
  g_assert_cmpint (lead->height, >=, (H - TOP) * 3 / 4);
  for (guint i = 0; i < 2; i++) {
    assert_inside (&share->rects[i]);
    g_assert_cmpint (share->rects[i].y, >=, lead->y + lead->height);
    g_assert_false (overlap (&share->rects[i], lead));
  }
  /* The share started last is the main one; the other goes to the strip. */
  g_assert_true (memcmp (&second->rects[3], lead, sizeof (ShTileRect)) == 0);
  g_assert_cmpint (second->rects[2].width, >, 0);
  g_assert_cmpint (second->rects[2].y, >=, lead->y + lead->height);
  g_assert_true (memcmp (back->rects, grid->rects, 4 * sizeof (ShTileRect)) == 0);

  /* The size each track is scaled to where it is decoded: the one it has
   * longest (the camera: the grid's 7 s over the strip's 3 s). */
  int w, h;
  sh_layout_usual_size (plan, 10 * S, 2, &w, &h);
  g_assert_cmpint (w, ==, lead->width);
  g_assert_cmpint (h, ==, lead->height);
  sh_layout_usual_size (plan, 10 * S, 0, &w, &h);
  g_assert_cmpint (w, ==, grid->rects[0].width);
  g_assert_cmpint (h, ==, grid->rects[0].height);
  g_autoptr (GArray) late = sh_layout_plan (items, 3, 10 * S, W, H, TOP);
  ShLayoutItem long_share[] = { items[0], items[1], { SH_TILE_SCREEN, 2 * S, G_MAXINT64 } };
  g_autoptr (GArray) shared = sh_layout_plan (long_share, 3, 10 * S, W, H, TOP);
  sh_layout_usual_size (shared, 10 * S, 0, &w, &h);
  g_assert_cmpint (w, ==, segment_at (shared, 2 * S)->rects[0].width);
  g_assert_cmpint (h, ==, segment_at (shared, 2 * S)->rects[0].height);
  g_assert_cmpint (w, <, segment_at (late, 1 * S)->rects[0].width);
}

static void
test_never_shown (void)
{
  ShLayoutItem items[] = { { SH_TILE_CAMERA, 0, G_MAXINT64 }, { SH_TILE_CAMERA, 12 * S, 13 * S } };
  g_autoptr (GArray) plan = sh_layout_plan (items, 2, 10 * S, W, H, TOP);
  int w = -1, h = -1;
  sh_layout_usual_size (plan, 10 * S, 1, &w, &h);
  g_assert_cmpint (w, ==, 0);
  g_assert_cmpint (h, ==, 0);
}

static void
test_nothing_to_show (void)
{
  g_autoptr (GArray) plan = sh_layout_plan (NULL, 0, 10 * S, W, H, TOP);
  g_assert_cmpuint (plan->len, ==, 1);
  g_assert_cmpint (g_array_index (plan, ShLayoutSegment, 0).start_ns, ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/layout/single-camera-fills", test_single_camera_fills);
  g_test_add_func ("/layout/grid-of-ten", test_grid_of_ten);
  g_test_add_func ("/layout/late-joiner-and-leaver", test_late_joiner_and_leaver);
  g_test_add_func ("/layout/screen-takes-main-place", test_screen_takes_main_place);
  g_test_add_func ("/layout/nothing-to-show", test_nothing_to_show);
  g_test_add_func ("/layout/never-shown", test_never_shown);
  return g_test_run ();
}
