/* Tests for the streaming SHA-256 of recording files.
 * SPDX-License-Identifier: Apache-2.0 */
#include <string.h>
#include <gio/gio.h>
#include <glib/gstdio.h>

#include "sanhui-recorder.h"

typedef struct {
  char *dir;
} Fixture;

static void
fixture_setup (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  fixture->dir = g_dir_make_tmp ("sanhui-digest-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GDir) dir = g_dir_open (fixture->dir, 0, NULL);
  const char *name;
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL) {
    g_autofree char *path = g_build_filename (fixture->dir, name, NULL);
    g_unlink (path);
  }
  g_rmdir (fixture->dir);
  g_free (fixture->dir);
}

/* Returns: (transfer full) the path of a new file holding @length bytes. */
static char *
write_file (Fixture *fixture, const char *name, const void *data, gsize length)
{
  g_autoptr (GError) error = NULL;
  char *path = g_build_filename (fixture->dir, name, NULL);
  g_file_set_contents (path, data, (gssize) length, &error);
  g_assert_no_error (error);
  return path;
}

static void
test_known_digest (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = write_file (fixture, "abc.bin", "abc", 3);
  guint64 size = 0;

  g_autofree char *digest = sh_recorder_file_sha256 (path, &size, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (digest, ==, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  g_assert_cmpuint (size, ==, 3);
}

static void
test_empty_file (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = write_file (fixture, "empty.bin", "", 0);
  guint64 size = 99;

  g_autofree char *digest = sh_recorder_file_sha256 (path, &size, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (digest, ==, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  g_assert_cmpuint (size, ==, 0);
}

/* A file of several chunks plus a partial one: the digest must equal the
 * digest of the same bytes in one piece. */
static void
test_multi_chunk (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  gsize length = 3 * 64 * 1024 + 12345;
  g_autofree guchar *bytes = g_malloc (length);
  for (gsize i = 0; i < length; i++)
    bytes[i] = (guchar) ((i * 131u + (i >> 16)) & 0xff);
  g_autofree char *path = write_file (fixture, "multi.bin", bytes, length);
  g_autofree char *expected = g_compute_checksum_for_data (G_CHECKSUM_SHA256, bytes, length);
  guint64 size = 0;

  g_autofree char *digest = sh_recorder_file_sha256 (path, &size, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (digest, ==, expected);
  g_assert_cmpuint (size, ==, length);

  /* The size is optional. */
  g_autofree char *again = sh_recorder_file_sha256 (path, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (again, ==, expected);
}

static void
test_missing_file (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (fixture->dir, "missing.webm", NULL);
  guint64 size = 7;

  g_autofree char *digest = sh_recorder_file_sha256 (path, &size, NULL, &error);
  g_assert_null (digest);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_cmpuint (size, ==, 7);
}

static void
test_directory (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  g_autofree char *digest = sh_recorder_file_sha256 (fixture->dir, NULL, NULL, &error);
  g_assert_null (digest);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY);
}

static void
test_cancelled (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = write_file (fixture, "abc.bin", "abc", 3);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();

  g_cancellable_cancel (cancellable);
  g_autofree char *digest = sh_recorder_file_sha256 (path, NULL, cancellable, &error);
  g_assert_null (digest);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/digest/known", Fixture, NULL, fixture_setup, test_known_digest, fixture_teardown);
  g_test_add ("/digest/empty", Fixture, NULL, fixture_setup, test_empty_file, fixture_teardown);
  g_test_add ("/digest/multi-chunk", Fixture, NULL, fixture_setup, test_multi_chunk,
              fixture_teardown);
  g_test_add ("/digest/missing", Fixture, NULL, fixture_setup, test_missing_file, fixture_teardown);
  g_test_add ("/digest/directory", Fixture, NULL, fixture_setup, test_directory, fixture_teardown);
  g_test_add ("/digest/cancelled", Fixture, NULL, fixture_setup, test_cancelled, fixture_teardown);
  return g_test_run ();
}
