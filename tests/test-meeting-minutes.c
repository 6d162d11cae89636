/* Tests for minutes (minutes/src/meeting-minutes.c): revisions with server
 * times and no lost update between the chair and the recorder, autosaves
 * that add nothing, resolutions tied to this meeting's votes, signatures by
 * the chair and recorder themselves only (代签 refused), frozen after the
 * first and final after both, corrections as new entries, and a database
 * that refuses to rewrite any of it.
 * SPDX-License-Identifier: Apache-2.0 */
#include "minutes-fixture.h"

#include <string.h>

#define HOUR (G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC)
#define DAY (24 * HOUR)

enum { CHAIR, RECORDER, MEMBER, N_MEMBERS };

typedef struct {
  ShStore *store;
  gint64 now, branch;
  gint64 member[N_MEMBERS], account[N_MEMBERS];
  gint64 meeting, other_meeting;
} Fixture;

static gint64
make_meeting (Fixture *f, const char *title, gint64 start)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShMeeting) m = minutes_fixture_meeting (f->branch, SH_MEETING_GENERAL, title, start);
  gint64 id;

  m->chair_member_id = f->member[CHAIR];
  m->recorder_member_id = f->member[RECORDER];
  id = sh_meeting_create (f->store, m, &error);
  g_assert_no_error (error);
  return id;
}

static void
start (Fixture *f, gint64 meeting, gint64 at)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (sh_meeting_mark_started (f->store, meeting, at, f->now, &error));
  g_assert_no_error (error);
}

static void
end (Fixture *f, gint64 meeting, gint64 at)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (sh_meeting_mark_ended (f->store, meeting, at, f->now, &error));
  g_assert_no_error (error);
}

static void
setup (Fixture *f, gconstpointer data)
{
  static const char *const names[N_MEMBERS] = { "张伟", "陈静", "王芳" };
  static const char *const logins[N_MEMBERS] = { "zhangwei", "chenjing", "wangfang" };

  f->store = minutes_fixture_open_memory ();
  f->now = g_get_real_time ();
  f->branch = minutes_fixture_org (f->store, 0, SH_ORG_BRANCH, "第一党支部");
  for (guint i = 0; i < N_MEMBERS; i++) {
    f->member[i] = minutes_fixture_member (f->store, f->branch, names[i], SH_MEMBER_FULL, 0);
    f->account[i] = minutes_fixture_account (f->store, logins[i], names[i], f->member[i]);
  }
  f->meeting = make_meeting (f, "支部党员大会", f->now - 2 * DAY);
  f->other_meeting = make_meeting (f, "支委会", f->now - DAY);
}

static void
teardown (Fixture *f, gconstpointer data)
{
  sh_store_free (f->store);
}

static ShMinutesRevision *
save (Fixture *f, ShMinutesPart part, gint64 motion, const char *text, gint64 base, GError **error)
{
  return sh_minutes_save (f->store, f->meeting, part, motion, text, base, f->account[RECORDER],
                          g_get_real_time (), error);
}

static guint
history_length (Fixture *f, gint64 meeting)
{
  g_autoptr (GPtrArray) h = sh_minutes_history (f->store, meeting, NULL);

  g_assert_nonnull (h);
  return h->len;
}

static void
test_save_and_history (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShMinutesRevision) first = NULL;
  g_autoptr (ShMinutesRevision) again = NULL;
  g_autoptr (ShMinutesRevision) second = NULL;
  g_autoptr (ShMinutesRevision) stale = NULL;
  g_autoptr (ShMinutesRevision) speeches = NULL;
  g_autoptr (GPtrArray) current = NULL;

  /* Not before the meeting starts. */
  g_assert_null (save (f, SH_MINUTES_PART_AGENDA, 0, "一、学习文件", 0, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_STATE);
  g_clear_error (&error);

  start (f, f->meeting, f->now - 2 * DAY);
  first = save (f, SH_MINUTES_PART_AGENDA, 0, "一、学习文件", 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (first->id, >, 0);
  g_assert_cmpint (first->author_account_id, ==, f->account[RECORDER]);
  /* Autosave of the same text adds nothing. */
  again = save (f, SH_MINUTES_PART_AGENDA, 0, "一、学习文件", first->id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (again->id, ==, first->id);
  g_assert_cmpuint (history_length (f, f->meeting), ==, 1);

  second = save (f, SH_MINUTES_PART_AGENDA, 0, "一、学习文件\n二、讨论", first->id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (second->base_id, ==, first->id);
  /* The chair's editor still holds the first revision: no silent overwrite. */
  stale = sh_minutes_save (f->store, f->meeting, SH_MINUTES_PART_AGENDA, 0, "一、学习", first->id,
                           f->account[CHAIR], g_get_real_time (), &error);
  g_assert_null (stale);
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_CONFLICT);
  g_clear_error (&error);
  /* A first save of a part someone has written is a conflict too. */
  g_assert_null (save (f, SH_MINUTES_PART_AGENDA, 0, "另写一份", 0, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_CONFLICT);
  g_clear_error (&error);

  speeches = save (f, SH_MINUTES_PART_SPEECHES, 0, "王芳：不同意第二条。", 0, &error);
  g_assert_no_error (error);
  current = sh_minutes_current (f->store, f->meeting, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (current->len, ==, 2);
  g_assert_cmpint (((ShMinutesRevision *) current->pdata[0])->id, ==, second->id);
  g_assert_cmpint (((ShMinutesRevision *) current->pdata[1])->id, ==, speeches->id);
  g_assert_cmpuint (history_length (f, f->meeting), ==, 3);
  g_assert_cmpuint (history_length (f, f->other_meeting), ==, 0);
}

static void
test_resolutions (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShMinutesRevision) linked = NULL;
  g_autoptr (ShMinutesRevision) loose = NULL;
  gint64 motion, foreign;

  motion = sh_motion_create (f->store, f->meeting, SH_MOTION_ORDINARY, "关于党费使用的决定", NULL,
                             0, FALSE, f->account[CHAIR], &error);
  g_assert_no_error (error);
  foreign = sh_motion_create (f->store, f->other_meeting, SH_MOTION_ORDINARY, "另一事项", NULL, 0,
                              FALSE, f->account[CHAIR], &error);
  g_assert_no_error (error);
  start (f, f->meeting, f->now - 2 * DAY);

  linked = save (f, SH_MINUTES_PART_RESOLUTION, motion, "会议同意……", 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (linked->motion_id, ==, motion);
  loose = save (f, SH_MINUTES_PART_RESOLUTION, 0, "会议要求……", 0, &error);
  g_assert_no_error (error);
  g_assert_null (save (f, SH_MINUTES_PART_RESOLUTION, foreign, "x", 0, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (save (f, SH_MINUTES_PART_AGENDA, motion, "x", 0, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (save (f, SH_MINUTES_PART_RESOLUTION, 987654, "x", 0, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (save (f, (ShMinutesPart) 99, 0, "x", 0, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_assert_cmpuint (history_length (f, f->meeting), ==, 2);
}

static void
test_bad_text (Fixture *f, gconstpointer data)
{
  g_autofree char *huge = NULL;
  GString *s = g_string_new (NULL);
  const char *bad[] = { NULL, "控制\x01字符", "方向\xe2\x80\xae覆盖", "\xff\xfe", NULL };

  for (guint i = 0; i <= SH_MINUTES_TEXT_MAX_CHARS; i++)
    g_string_append (s, "字");
  huge = g_string_free (s, FALSE);
  bad[4] = huge;
  start (f, f->meeting, f->now - 2 * DAY);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
    g_autoptr (GError) error = NULL;
    g_assert_null (save (f, SH_MINUTES_PART_OTHER, 0, bad[i], 0, &error));
    g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  }
  g_assert_cmpuint (history_length (f, f->meeting), ==, 0);
}

static ShMinutesSignature *
sign (Fixture *f, ShMinutesSigner signer, guint who, GError **error)
{
  return sh_minutes_sign (f->store, f->meeting, signer, f->account[who], f->member[who],
                          g_get_real_time (), error);
}

static void
test_sign_and_correct (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShMinutesRevision) agenda = NULL;
  g_autoptr (ShMinutesRevision) correction = NULL;
  g_autoptr (ShMinutesSignature) by_recorder = NULL;
  g_autoptr (ShMinutesSignature) by_chair = NULL;
  g_autoptr (GPtrArray) current = NULL;
  g_autofree char *content = NULL;
  gboolean final = TRUE;

  start (f, f->meeting, f->now - 2 * DAY);
  agenda = save (f, SH_MINUTES_PART_AGENDA, 0, "一、学习文件", 0, &error);
  g_assert_no_error (error);
  /* Not while the meeting runs. */
  g_assert_null (sign (f, SH_MINUTES_SIGNER_RECORDER, RECORDER, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_STATE);
  g_clear_error (&error);
  end (f, f->meeting, f->now - 2 * DAY + 2 * HOUR);

  /* 代签: nobody signs for the recorder or the chair. */
  g_assert_null (sign (f, SH_MINUTES_SIGNER_RECORDER, MEMBER, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (sign (f, SH_MINUTES_SIGNER_CHAIR, RECORDER, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_clear_error (&error);

  by_recorder = sign (f, SH_MINUTES_SIGNER_RECORDER, RECORDER, &error);
  g_assert_no_error (error);
  content = sh_minutes_content_sha256 (f->store, f->meeting, &error);
  g_assert_cmpstr (by_recorder->content_sha256, ==, content);
  g_assert_true (sh_minutes_is_final (f->store, f->meeting, &final, &error));
  g_assert_false (final);
  /* Frozen after the first signature. */
  g_assert_null (save (f, SH_MINUTES_PART_AGENDA, 0, "改一下", agenda->id, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_STATE);
  g_clear_error (&error);
  g_assert_null (sign (f, SH_MINUTES_SIGNER_RECORDER, RECORDER, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_STATE);
  g_clear_error (&error);
  /* Corrections wait for both signatures. */
  g_assert_null (sh_minutes_correct (f->store, f->meeting, agenda->id, "更正", f->account[RECORDER],
                                     g_get_real_time (), &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_STATE);
  g_clear_error (&error);

  by_chair = sign (f, SH_MINUTES_SIGNER_CHAIR, CHAIR, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (by_chair->content_sha256, ==, content);
  g_assert_true (sh_minutes_is_final (f->store, f->meeting, &final, &error));
  g_assert_true (final);

  correction = sh_minutes_correct (f->store, f->meeting, agenda->id, "议程第一项应为“学习党章”",
                                   f->account[RECORDER], g_get_real_time (), &error);
  g_assert_no_error (error);
  g_assert_cmpint (correction->corrects_id, ==, agenda->id);
  g_assert_cmpint (correction->part, ==, SH_MINUTES_PART_AGENDA);
  /* The signed state is unchanged; the history holds both. */
  current = sh_minutes_current (f->store, f->meeting, &error);
  g_assert_cmpuint (current->len, ==, 1);
  g_assert_cmpint (((ShMinutesRevision *) current->pdata[0])->id, ==, agenda->id);
  g_assert_cmpuint (history_length (f, f->meeting), ==, 2);

  g_assert_null (sh_minutes_correct (f->store, f->meeting, agenda->id, "  ", f->account[RECORDER],
                                     g_get_real_time (), &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (sh_minutes_correct (f->store, f->meeting, 424242, "x", f->account[RECORDER],
                                     g_get_real_time (), &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
}

static void
test_empty_and_cancelled (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  start (f, f->meeting, f->now - 2 * DAY);
  end (f, f->meeting, f->now - 2 * DAY + HOUR);
  g_assert_null (sign (f, SH_MINUTES_SIGNER_RECORDER, RECORDER, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_STATE);
  g_clear_error (&error);

  g_assert_true (
      sh_meeting_transition (f->store, f->other_meeting, SH_MEETING_CANCELLED, "改期", &error));
  g_assert_null (sh_minutes_save (f->store, f->other_meeting, SH_MINUTES_PART_OTHER, 0, "x", 0,
                                  f->account[RECORDER], g_get_real_time (), &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_STATE);
}

static void
test_append_only (Fixture *f, gconstpointer data)
{
  sqlite3 *db = sh_sqlite_db (f->store);
  g_autoptr (ShMinutesRevision) agenda = NULL;
  g_autoptr (ShMinutesSignature) s = NULL;
  g_autofree char *insert = NULL;

  start (f, f->meeting, f->now - 2 * DAY);
  agenda = save (f, SH_MINUTES_PART_AGENDA, 0, "一、学习文件", 0, NULL);
  end (f, f->meeting, f->now - 2 * DAY + HOUR);
  /* Straight into the table, past the domain's checks: accepted while
   * nobody has signed, refused once anyone has. */
  insert = g_strdup_printf ("INSERT INTO minutes_revisions (meeting_id, part, text,"
                            " author_account_id, saved_at) VALUES (%" G_GINT64_FORMAT
                            ", 'agenda', '偷改', %" G_GINT64_FORMAT ", 1)",
                            f->meeting, f->account[MEMBER]);
  g_assert_cmpint (sqlite3_exec (db, insert, NULL, NULL, NULL), ==, SQLITE_OK);
  s = sign (f, SH_MINUTES_SIGNER_RECORDER, RECORDER, NULL);
  g_assert_nonnull (s);
  g_assert_cmpint (sqlite3_exec (db, insert, NULL, NULL, NULL), !=, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "UPDATE minutes_revisions SET text = '改'", NULL, NULL, NULL),
                   !=, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "DELETE FROM minutes_revisions", NULL, NULL, NULL), !=,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "DELETE FROM minutes_signatures", NULL, NULL, NULL), !=,
                   SQLITE_OK);
  g_assert_cmpuint (history_length (f, f->meeting), ==, 2);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func) g_test_add (path, Fixture, NULL, setup, func, teardown)
  ADD ("/meeting-minutes/save-and-history", test_save_and_history);
  ADD ("/meeting-minutes/resolutions", test_resolutions);
  ADD ("/meeting-minutes/bad-text", test_bad_text);
  ADD ("/meeting-minutes/sign-and-correct", test_sign_and_correct);
  ADD ("/meeting-minutes/empty-and-cancelled", test_empty_and_cancelled);
  ADD ("/meeting-minutes/append-only", test_append_only);
#undef ADD
  return g_test_run ();
}
