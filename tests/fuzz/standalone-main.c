/* Replays inputs through a fuzz target without libFuzzer: every file given
 * on the command line, and every file in every directory given, once. The
 * targets' seed corpora and crash reproducers run this way as unit tests.
 * SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include "fuzz.h"

/* libFuzzer makes it optional; a target without it leaves it NULL. */
int LLVMFuzzerInitialize (int *argc, char ***argv) __attribute__ ((weak));

static gboolean
run_file (const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, &error)) {
    fprintf (stderr, "%s\n", error->message);
    return FALSE;
  }
  /* An exact-size copy, so that AddressSanitizer sees reads past the end
   * (g_file_get_contents adds a NUL). */
  g_autofree uint8_t *data = g_memdup2 (contents, length);
  printf ("%s (%" G_GSIZE_FORMAT " bytes)\n", path, length);
  fflush (stdout);
  LLVMFuzzerTestOneInput (data, length);
  return TRUE;
}

static gint
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* Runs @path, or the files in it, in name order. Adds to @n_run. */
static gboolean
run_path (const char *path, guint *n_run)
{
  if (!g_file_test (path, G_FILE_TEST_IS_DIR)) {
    if (!run_file (path))
      return FALSE;
    (*n_run)++;
    return TRUE;
  }

  g_autoptr (GError) error = NULL;
  g_autoptr (GDir) dir = g_dir_open (path, 0, &error);
  if (dir == NULL) {
    fprintf (stderr, "%s\n", error->message);
    return FALSE;
  }
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_build_filename (path, name, NULL));
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++) {
    const char *child = g_ptr_array_index (names, i);
    if (!g_file_test (child, G_FILE_TEST_IS_REGULAR))
      continue;
    if (!run_file (child))
      return FALSE;
    (*n_run)++;
  }
  return TRUE;
}

int
main (int argc, char **argv)
{
  guint n_run = 0;

  if (argc < 2) {
    fprintf (stderr, "usage: %s FILE-OR-DIRECTORY...\n", argv[0]);
    return 2;
  }
  if (LLVMFuzzerInitialize != NULL)
    LLVMFuzzerInitialize (&argc, &argv);
  for (int i = 1; i < argc; i++) {
    if (!run_path (argv[i], &n_run))
      return 1;
  }
  if (n_run == 0) {
    fprintf (stderr, "no inputs found\n");
    return 1;
  }
  printf ("%u inputs ran without a failure\n", n_run);
  return 0;
}
