/* Tests for the composite render's job: the JSON file form and its checks,
 * and how sanhui-render answers a bad job file.
 * SPDX-License-Identifier: Apache-2.0 */
#include <string.h>
#include <gio/gio.h>
#include <glib/gstdio.h>

#include "sanhui-recorder.h"

typedef struct {
  char *dir;
  char *fragment; /* an existing file: its contents do not matter here */
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  f->dir = g_dir_make_tmp ("sanhui-render-job-XXXXXX", &error);
  g_assert_no_error (error);
  f->fragment = g_build_filename (f->dir, "cam-00000.mkv", NULL);
  g_file_set_contents (f->fragment, "x", 1, &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_autoptr (GDir) dir = g_dir_open (f->dir, 0, NULL);
  const char *name;
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL) {
    g_autofree char *path = g_build_filename (f->dir, name, NULL);
    g_unlink (path);
  }
  g_rmdir (f->dir);
  g_free (f->dir);
  g_free (f->fragment);
}

static ShRenderJob *
good_job (Fixture *f)
{
  ShRenderJob *job = sh_render_job_new ();
  job->title = g_strdup ("第三党支部 十二月 主题党日");
  job->start = g_date_time_new_from_iso8601 ("2026-12-07T07:00:00Z", NULL);
  job->duration_ns = 1800 * G_GINT64_CONSTANT (1000000000);
  job->webm_path = g_build_filename (f->dir, "out.webm", NULL);
  job->mp4_path = g_build_filename (f->dir, "out.mp4", NULL);
  const char *fragments[] = { f->fragment, f->fragment, NULL };
  sh_render_job_add_track (job, SH_RENDER_CAMERA, "张三", "pub-1", 0, -1, fragments);
  sh_render_job_add_track (job, SH_RENDER_MICROPHONE, "张三", "pub-1", 120000000, 900000000000,
                           fragments);
  sh_render_job_add_track (job, SH_RENDER_SCREEN, "李四", "pub-2", 5000000000, -1, fragments);
  return job;
}

static void
test_round_trip (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShRenderJob) job = good_job (f);
  g_assert_true (sh_render_job_validate (job, &error));
  g_autofree char *path = g_build_filename (f->dir, "job.json", NULL);
  g_assert_true (sh_render_job_save (job, path, &error));
  g_assert_no_error (error);

  g_autoptr (ShRenderJob) back = sh_render_job_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (back->title, ==, job->title);
  g_assert_true (g_date_time_equal (back->start, job->start));
  g_assert_cmpint (back->duration_ns, ==, job->duration_ns);
  g_assert_cmpstr (back->webm_path, ==, job->webm_path);
  g_assert_cmpstr (back->mp4_path, ==, job->mp4_path);
  g_assert_cmpuint (back->width, ==, 1280);
  g_assert_cmpuint (back->height, ==, 720);
  g_assert_cmpuint (back->tracks->len, ==, 3);
  for (guint i = 0; i < 3; i++) {
    const ShRenderTrack *a = g_ptr_array_index (job->tracks, i);
    const ShRenderTrack *b = g_ptr_array_index (back->tracks, i);
    g_assert_cmpint (a->kind, ==, b->kind);
    g_assert_cmpstr (a->name, ==, b->name);
    g_assert_cmpstr (a->publisher, ==, b->publisher);
    g_assert_cmpint (a->offset_ns, ==, b->offset_ns);
    g_assert_cmpint (a->end_ns, ==, b->end_ns);
    g_assert_true (
        g_strv_equal ((const char *const *) a->fragments, (const char *const *) b->fragments));
  }
}

/* Each case: a change to the good job's JSON text and a word of the error. */
typedef struct {
  const char *from, *to, *message;
} Edit;

static void
test_bad_json (Fixture *f, gconstpointer data)
{
  g_autoptr (ShRenderJob) job = good_job (f);
  g_autofree char *json = sh_render_job_to_json (job);
  g_autofree char *frag = g_strdup_printf ("\"%s\"", f->fragment);
  g_autofree char *out_dir = g_build_filename (f->dir, "out.webm", NULL);
  g_autofree char *in_missing_dir = g_build_filename (f->dir, "nope", "out.webm", NULL);
  g_autofree char *dotdot = g_strdup_printf ("\"%s/../etc/passwd\"", f->dir);
  const Edit edits[] = {
    { "\"duration_ns\" : 1800000000000", "\"duration_ns\" : 99999999999999999", "duration_ns" },
    { "\"duration_ns\" : 1800000000000", "\"duration_ns\" : 1e300", "duration_ns" },
    { "\"duration_ns\" : 1800000000000", "\"duration_ns\" : 999999999999999999999999",
      "duration_ns" },
    { "\"duration_ns\" : 1800000000000", "\"duration_ns\" : \"1800\"", "duration_ns" },
    { "\"duration_ns\" : 1800000000000", "\"duration_ns\" : -5", "duration_ns" },
    { "\"width\" : 1280", "\"width\" : 100000", "size" },
    { "\"width\" : 1280", "\"width\" : 1281", "size" },
    { "\"height\" : 720", "\"height\" : -720", "size" },
    { "\"offset_ns\" : 5000000000", "\"offset_ns\" : 9000000000000", "offset_ns" },
    { "\"offset_ns\" : 5000000000", "\"offset_ns\" : -1", "offset_ns" },
    { "\"kind\" : \"screen\"", "\"kind\" : \"hologram\"", "kind" },
    { "\"kind\" : \"screen\"", "\"kind\" : 3", "kind" },
    { "\"start\" : \"2026-12-07T07:00:00Z\"", "\"start\" : \"yesterday\"", "start" },
    { "\"title\" : ", "\"titel\" : ", "title" },
    { frag, "\"cam-00000.mkv\"", "fragment" },
    { frag, dotdot, "fragment" },
    { "cam-00000.mkv", "cam-99999.mkv", "fragment missing" },
    { frag, "17", "fragment" },
    { out_dir, in_missing_dir, "no such directory" },
    { out_dir, f->dir, "is a directory" },
    { "\"tracks\" : [", "\"tracks\" : {\"x\":[", "" },
    { "\"title\"", "\"title", "not JSON" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (edits); i++) {
    g_assert_nonnull (strstr (json, edits[i].from));
    g_autoptr (GString) text = g_string_new (json);
    g_string_replace (text, edits[i].from, edits[i].to, 1);
    g_autoptr (GError) error = NULL;
    g_autoptr (ShRenderJob) bad = sh_render_job_from_json (text->str, -1, &error);
    if (bad != NULL)
      g_error ("case %u accepted: %s -> %s", i, edits[i].from, edits[i].to);
    g_assert_error (error, SH_RENDER_ERROR, SH_RENDER_ERROR_INVALID);
    if (strstr (error->message, edits[i].message) == NULL)
      g_error ("case %u: \"%s\" does not say \"%s\"", i, error->message, edits[i].message);
  }
}

static void
test_bad_jobs_in_memory (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShRenderJob) none = good_job (f);
  g_clear_pointer (&none->webm_path, g_free);
  g_clear_pointer (&none->mp4_path, g_free);
  g_assert_false (sh_render_job_validate (none, &error));
  g_assert_error (error, SH_RENDER_ERROR, SH_RENDER_ERROR_INVALID);
  g_clear_error (&error);

  g_autoptr (ShRenderJob) same = good_job (f);
  g_free (same->mp4_path);
  same->mp4_path = g_strdup (same->webm_path);
  g_assert_false (sh_render_job_validate (same, &error));
  g_assert_error (error, SH_RENDER_ERROR, SH_RENDER_ERROR_INVALID);
  g_clear_error (&error);

  g_autoptr (ShRenderJob) empty = good_job (f);
  const char *no_fragments[] = { NULL };
  sh_render_job_add_track (empty, SH_RENDER_CAMERA, "王五", "pub-3", 0, -1, no_fragments);
  g_assert_false (sh_render_job_validate (empty, &error));
  g_assert_error (error, SH_RENDER_ERROR, SH_RENDER_ERROR_INVALID);
  g_clear_error (&error);

  g_autoptr (ShRenderJob) many = good_job (f);
  const char *fragments[] = { f->fragment, NULL };
  for (guint i = 0; i < SH_RENDER_MAX_TRACKS; i++)
    sh_render_job_add_track (many, SH_RENDER_MICROPHONE, "甲", "p", 0, -1, fragments);
  g_assert_false (sh_render_job_validate (many, &error));
  g_assert_error (error, SH_RENDER_ERROR, SH_RENDER_ERROR_INVALID);
}

static void
test_missing_and_garbage_files (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *missing = g_build_filename (f->dir, "missing.json", NULL);
  g_assert_null (sh_render_job_load (missing, &error));
  g_assert_error (error, SH_RENDER_ERROR, SH_RENDER_ERROR_IO);
  g_clear_error (&error);

  g_autofree char *garbage = g_build_filename (f->dir, "garbage.json", NULL);
  const char bytes[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
  g_file_set_contents (garbage, bytes, sizeof bytes, NULL);
  g_assert_null (sh_render_job_load (garbage, &error));
  g_assert_error (error, SH_RENDER_ERROR, SH_RENDER_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, garbage));
  g_clear_error (&error);

  g_assert_null (sh_render_job_from_json ("[1, 2]", -1, &error));
  g_assert_error (error, SH_RENDER_ERROR, SH_RENDER_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "not a JSON object"));
  g_clear_error (&error);

  g_autofree char *empty = g_build_filename (f->dir, "empty.json", NULL);
  g_file_set_contents (empty, "", 0, NULL);
  g_assert_null (sh_render_job_load (empty, &error));
  g_assert_error (error, SH_RENDER_ERROR, SH_RENDER_ERROR_INVALID);
}

/* The executable: a clear message on stderr and its own exit status. */
static void
test_executable_refuses (Fixture *f, gconstpointer data)
{
  const char *root = g_getenv ("SANHUI_BUILD_ROOT");
  if (root == NULL) {
    g_test_skip ("SANHUI_BUILD_ROOT not set (run under meson test)");
    return;
  }
  g_autofree char *exe = g_build_filename (root, "recorder", "sanhui-render", NULL);
  g_autofree char *garbage = g_build_filename (f->dir, "garbage.json", NULL);
  g_file_set_contents (garbage, "{\"title\": ", -1, NULL);
  g_autofree char *missing = g_build_filename (f->dir, "missing.json", NULL);
  struct {
    const char *arg;
    int status;
    const char *message;
  } cases[] = { { garbage, 2, "not JSON" }, { missing, 2, "missing.json" }, { NULL, 64, "usage" } };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    const char *argv[] = { exe, cases[i].arg, NULL };
    g_autofree char *out = NULL, *err = NULL;
    int status = 0;
    g_autoptr (GError) error = NULL;
    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out,
                                 &err, &status, &error));
    g_assert_no_error (error);
    g_assert_true (WIFEXITED (status));
    g_assert_cmpint (WEXITSTATUS (status), ==, cases[i].status);
    g_assert_nonnull (strstr (err, cases[i].message));
    g_assert_cmpstr (out, ==, "");
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/render-job/round-trip", Fixture, NULL, fixture_setup, test_round_trip,
              fixture_teardown);
  g_test_add ("/render-job/bad-json", Fixture, NULL, fixture_setup, test_bad_json,
              fixture_teardown);
  g_test_add ("/render-job/bad-jobs-in-memory", Fixture, NULL, fixture_setup,
              test_bad_jobs_in_memory, fixture_teardown);
  g_test_add ("/render-job/missing-and-garbage-files", Fixture, NULL, fixture_setup,
              test_missing_and_garbage_files, fixture_teardown);
  g_test_add ("/render-job/executable-refuses", Fixture, NULL, fixture_setup,
              test_executable_refuses, fixture_teardown);
  return g_test_run ();
}
