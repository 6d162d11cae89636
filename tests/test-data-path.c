/* Tests for resolving stored paths under the data directory
 * (signaling/src/data-path.c): a file inside, "..", ".", absolute and empty
 * paths, a symbolic link leading out (and one staying in), a missing file,
 * a dangling link and a directory.
 * SPDX-License-Identifier: Apache-2.0 */
#include <glib.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "data-path.h"

typedef struct {
  char *top; /* holds data/ and outside/ */
  char *data;
} Fixture;

static void
write_file (const char *path)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (g_file_set_contents (path, "abc", 3, &error));
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *outside = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *inner = NULL;

  (void) data;
  f->top = g_dir_make_tmp ("sanhui-data-path-XXXXXX", &error);
  g_assert_no_error (error);
  f->data = g_build_filename (f->top, "data", NULL);
  dir = g_build_filename (f->data, "recordings", "1", NULL);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  outside = g_build_filename (f->top, "outside", NULL);
  g_assert_cmpint (g_mkdir_with_parents (outside, 0700), ==, 0);
  secret = g_build_filename (outside, "secret.webm", NULL);
  write_file (secret);
  inner = g_build_filename (dir, "composite.webm", NULL);
  write_file (inner);
  /* data/recordings/1/out.webm -> ../../../outside/secret.webm */
  g_autofree char *out_link = g_build_filename (dir, "out.webm", NULL);
  g_assert_cmpint (symlink (secret, out_link), ==, 0);
  g_autofree char *out_dir = g_build_filename (f->data, "elsewhere", NULL);
  g_assert_cmpint (symlink (outside, out_dir), ==, 0);
  g_autofree char *in_link = g_build_filename (dir, "same.webm", NULL);
  g_assert_cmpint (symlink ("composite.webm", in_link), ==, 0);
  g_autofree char *dangling = g_build_filename (dir, "gone.webm", NULL);
  g_assert_cmpint (symlink ("nothing.webm", dangling), ==, 0);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", f->top);

  (void) data;
  g_assert_cmpint (system (cmd), ==, 0);
  g_free (f->data);
  g_free (f->top);
}

static void
assert_refused (Fixture *f, const char *relative, gint code)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = sh_data_path_resolve (f->data, relative, &error);

  g_test_message ("%s", relative ? relative : "(null)");
  g_assert_null (path);
  g_assert_error (error, G_IO_ERROR, code);
  g_assert_nonnull (error->message);
}

static void
test_inside (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = sh_data_path_resolve (f->data, "recordings/1/composite.webm", &error);
  g_autofree char *real_data = realpath (f->data, NULL);
  g_autofree char *expected = g_build_filename (real_data, "recordings/1/composite.webm", NULL);
  g_autofree char *via_link = NULL;

  (void) data;
  g_assert_no_error (error);
  g_assert_cmpstr (path, ==, expected);
  /* A link that stays inside is followed to its real path. */
  via_link = sh_data_path_resolve (f->data, "recordings/1/same.webm", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (via_link, ==, expected);
}

static void
test_text_refused (Fixture *f, gconstpointer data)
{
  g_autofree char *absolute = g_build_filename (f->data, "recordings/1/composite.webm", NULL);

  (void) data;
  assert_refused (f, "../outside/secret.webm", G_IO_ERROR_INVALID_FILENAME);
  assert_refused (f, "recordings/../../outside/secret.webm", G_IO_ERROR_INVALID_FILENAME);
  assert_refused (f, "recordings/1/..", G_IO_ERROR_INVALID_FILENAME);
  assert_refused (f, "./recordings/1/composite.webm", G_IO_ERROR_INVALID_FILENAME);
  assert_refused (f, "recordings//1/composite.webm", G_IO_ERROR_INVALID_FILENAME);
  assert_refused (f, absolute, G_IO_ERROR_INVALID_FILENAME);
  assert_refused (f, "/etc/passwd", G_IO_ERROR_INVALID_FILENAME);
  assert_refused (f, "", G_IO_ERROR_INVALID_FILENAME);
  assert_refused (f, NULL, G_IO_ERROR_INVALID_FILENAME);
}

static void
test_links_out_refused (Fixture *f, gconstpointer data)
{
  (void) data;
  assert_refused (f, "recordings/1/out.webm", G_IO_ERROR_INVALID_FILENAME);
  assert_refused (f, "elsewhere/secret.webm", G_IO_ERROR_INVALID_FILENAME);
}

static void
test_missing (Fixture *f, gconstpointer data)
{
  (void) data;
  assert_refused (f, "recordings/1/none.webm", G_IO_ERROR_NOT_FOUND);
  assert_refused (f, "recordings/2/none.webm", G_IO_ERROR_NOT_FOUND);
  assert_refused (f, "recordings/1/gone.webm", G_IO_ERROR_NOT_FOUND);
  assert_refused (f, "recordings/1", G_IO_ERROR_NOT_REGULAR_FILE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/data-path/inside", test_inside);
  ADD ("/data-path/text-refused", test_text_refused);
  ADD ("/data-path/links-out-refused", test_links_out_refused);
  ADD ("/data-path/missing", test_missing);
  return g_test_run ();
}
