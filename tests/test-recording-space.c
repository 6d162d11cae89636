/* Tests for a recording's disk space arithmetic (signaling/src/
 * recording-space.c): the write rate over its window, the floor crossing
 * told once, the chair's message.
 * SPDX-License-Identifier: Apache-2.0 */
#include <gio/gio.h>

#include "recording-space.h"

#define MIB (G_GUINT64_CONSTANT (1024) * 1024)
#define S G_USEC_PER_SEC

static void
test_rate (void)
{
  ShRecordingSpace space = { 0 };

  /* Nothing known yet: the nominal rate. */
  g_assert_cmpfloat (sh_recording_space_rate (&space), ==, SH_RECORDING_SPACE_NOMINAL_RATE);
  sh_recording_space_sample (&space, 0, 0);
  g_assert_cmpfloat (sh_recording_space_rate (&space), ==, SH_RECORDING_SPACE_NOMINAL_RATE);
  /* 100 kB/s for a minute and a half, then 300 kB/s: the window follows. */
  for (gint64 t = 10; t <= 90; t += 10)
    sh_recording_space_sample (&space, t * S, (guint64) t * 100000);
  g_assert_cmpfloat_with_epsilon (sh_recording_space_rate (&space), 100000, 1);
  for (gint64 t = 100; t <= 200; t += 10)
    sh_recording_space_sample (&space, t * S, 9000000 + (guint64) (t - 90) * 300000);
  g_assert_cmpfloat_with_epsilon (sh_recording_space_rate (&space), 300000, 1);
  g_assert_cmpuint (space.n, <=, G_N_ELEMENTS (space.at));
}

static void
test_crossing (void)
{
  ShRecordingSpace space = { 0 };
  guint64 floor = 2048 * MIB;

  g_assert_false (sh_recording_space_crossed (&space, 3000 * MIB, floor));
  g_assert_true (sh_recording_space_crossed (&space, 2000 * MIB, floor));
  /* Still under, or hovering just above: told once. */
  g_assert_false (sh_recording_space_crossed (&space, 1000 * MIB, floor));
  g_assert_false (sh_recording_space_crossed (&space, 2100 * MIB, floor));
  g_assert_false (sh_recording_space_crossed (&space, 2000 * MIB, floor));
  /* Well above again, then under: a new crossing. */
  g_assert_false (sh_recording_space_crossed (&space, 2300 * MIB, floor));
  g_assert_true (sh_recording_space_crossed (&space, 2000 * MIB, floor));
  /* A floor of 0 never warns. */
  {
    ShRecordingSpace none = { 0 };

    g_assert_false (sh_recording_space_crossed (&none, 0, 0));
  }
}

static void
test_message (void)
{
  g_autofree char *m = NULL;
  guint64 free_bytes = 1536 * MIB;

  g_assert_cmpuint (sh_recording_space_minutes_left (free_bytes, 600000), ==, 44);
  g_assert_cmpuint (sh_recording_space_minutes_left (60 * 1000, 1000), ==, 1);
  m = sh_recording_space_message (free_bytes, 44);
  g_assert_cmpstr (m, ==, "录像存储空间不足：剩余 1.5 GB，约可再录 44 分钟");
}

static void
test_free_bytes (void)
{
  g_autoptr (GError) error = NULL;
  guint64 free_bytes = 0;

  g_assert_true (sh_recording_space_free_bytes (g_get_tmp_dir (), &free_bytes, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (free_bytes, >, 0);
  g_assert_false (sh_recording_space_free_bytes ("/nonexistent/sanhui", &free_bytes, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/recording-space/rate", test_rate);
  g_test_add_func ("/recording-space/crossing", test_crossing);
  g_test_add_func ("/recording-space/message", test_message);
  g_test_add_func ("/recording-space/free-bytes", test_free_bytes);
  return g_test_run ();
}
