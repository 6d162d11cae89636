/* Tests for the composite render's row in the store
 * (minutes/src/recording-render.c and its SQLite area): queuing once per
 * recording, updates, the unfinished list a restart resumes from.
 * SPDX-License-Identifier: Apache-2.0 */
#include "minutes-fixture.h"
#include "sanhui-minutes.h"

#define SEC G_GINT64_CONSTANT (1000000)
#define T0 (G_GINT64_CONSTANT (1800000000) * G_USEC_PER_SEC)

typedef struct {
  ShStore *store;
  gint64 recordings[2];
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShMeeting) m = NULL;
  gint64 committee, branch, meeting;

  (void) data;
  f->store = minutes_fixture_open_memory ();
  committee = minutes_fixture_org (f->store, 0, SH_ORG_COMMITTEE, "机关党委");
  branch = minutes_fixture_org (f->store, committee, SH_ORG_BRANCH, "第一党支部");
  m = minutes_fixture_meeting (branch, SH_MEETING_GENERAL, "支部党员大会",
                               g_get_real_time () + 3600 * SEC);
  m->chair_member_id = minutes_fixture_member (f->store, branch, "李四", SH_MEMBER_FULL, 0);
  meeting = sh_meeting_create (f->store, m, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 2; i++) {
    f->recordings[i] = sh_recording_start (f->store, meeting, T0 + i * SEC, &error);
    g_assert_no_error (error);
  }
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  (void) data;
  sh_store_free (f->store);
}

static void
test_queue_once (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShRecordingRender) r = NULL;
  gint64 id, again;

  (void) data;
  g_assert_null (sh_recording_render_get (f->store, f->recordings[0], &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_NOT_FOUND);
  g_clear_error (&error);
  id = sh_recording_render_queue (f->store, f->recordings[0], T0 + 5 * SEC, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  again = sh_recording_render_queue (f->store, f->recordings[0], T0 + 9 * SEC, &error);
  g_assert_no_error (error);
  g_assert_cmpint (again, ==, id);
  r = sh_recording_render_get (f->store, f->recordings[0], &error);
  g_assert_no_error (error);
  g_assert_cmpint (r->id, ==, id);
  g_assert_cmpstr (sh_recording_render_state_to_string (r->state), ==, "queued");
  g_assert_cmpint (r->queued_at, ==, T0 + 5 * SEC);
  g_assert_cmpuint (r->attempts, ==, 0);
  g_assert_null (r->error);
  g_assert_cmpint (sh_recording_render_queue (f->store, 0, T0, &error), ==, 0);
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
}

static void
test_update_and_unfinished (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShRecordingRender) r = NULL;
  g_autoptr (ShRecordingRender) back = NULL;
  g_autoptr (GPtrArray) open = NULL;

  (void) data;
  for (guint i = 0; i < 2; i++) {
    sh_recording_render_queue (f->store, f->recordings[i], T0, &error);
    g_assert_no_error (error);
  }
  r = sh_recording_render_get (f->store, f->recordings[0], &error);
  r->state = SH_RECORDING_RENDER_RUNNING;
  r->attempts = 1;
  r->progress = 430;
  r->started_at = T0 + SEC;
  r->error = g_strdup ("exit status 3");
  g_assert_true (sh_recording_render_update (f->store, r, &error));
  g_assert_no_error (error);
  back = sh_recording_render_get (f->store, f->recordings[0], &error);
  g_assert_cmpint (back->state, ==, SH_RECORDING_RENDER_RUNNING);
  g_assert_cmpuint (back->progress, ==, 430);
  g_assert_cmpuint (back->attempts, ==, 1);
  g_assert_cmpstr (back->error, ==, "exit status 3");
  g_assert_cmpint (back->started_at, ==, T0 + SEC);
  g_assert_cmpint (back->finished_at, ==, 0);

  /* Queued and running both come back after a restart; done does not. */
  open = sh_recording_render_list_unfinished (f->store, &error);
  g_assert_cmpuint (open->len, ==, 2);
  g_clear_pointer (&open, g_ptr_array_unref);
  r->state = SH_RECORDING_RENDER_DONE;
  r->progress = 1000;
  r->finished_at = T0 + 2 * SEC;
  g_assert_true (sh_recording_render_update (f->store, r, &error));
  open = sh_recording_render_list_unfinished (f->store, &error);
  g_assert_cmpuint (open->len, ==, 1);
  g_assert_cmpint (((ShRecordingRender *) open->pdata[0])->recording_id, ==, f->recordings[1]);

  /* Out of range, and an unknown row. */
  r->progress = 1001;
  g_assert_false (sh_recording_render_update (f->store, r, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_clear_error (&error);
  r->progress = 0;
  r->id = 9999;
  g_assert_false (sh_recording_render_update (f->store, r, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_NOT_FOUND);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/recording-render/queue-once", Fixture, NULL, fixture_set_up, test_queue_once,
              fixture_tear_down);
  g_test_add ("/recording-render/update-and-unfinished", Fixture, NULL, fixture_set_up,
              test_update_and_unfinished, fixture_tear_down);
  return g_test_run ();
}
