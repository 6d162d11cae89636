/* The meeting state machine of minutes/src/meeting.c on a backend without
 * SQL: the domain file needs nothing but the store interface.
 * SPDX-License-Identifier: Apache-2.0 */
#include "minutes-fixture.h"
#include "store-meeting.h"

#define DAY (24 * G_GINT64_CONSTANT (3600000000))

/* One meeting kept in memory, its state changes counted: the state
 * machine of meeting.c needs nothing but the interface. */
typedef struct {
  ShMeetingState state;
  gint64 updated_at;
  char *cancel_reason;
  GArray *log; /* (element-type ShMeetingState) pairs: from, to */
  int begun, committed, rolled_back;
} FakeMeeting;

static FakeMeeting *
fake (ShStore *store)
{
  return store->backend_data;
}

static gboolean
fake_begin (ShStore *store, GError **error)
{
  fake (store)->begun++;
  return TRUE;
}

static gboolean
fake_commit (ShStore *store, GError **error)
{
  fake (store)->committed++;
  return TRUE;
}

static void
fake_rollback (ShStore *store)
{
  fake (store)->rolled_back++;
}

static gboolean
fake_get_state (ShStore *store, gint64 id, gboolean *found, ShMeetingState *state,
                gint64 *updated_at, GError **error)
{
  *found = id == 1;
  if (*found) {
    *state = fake (store)->state;
    *updated_at = fake (store)->updated_at;
  }
  return TRUE;
}

static gboolean
fake_set_state (ShStore *store, gint64 id, ShMeetingState state, gint64 updated_at,
                const char *cancel_reason, GError **error)
{
  fake (store)->state = state;
  fake (store)->updated_at = updated_at;
  if (cancel_reason) {
    g_free (fake (store)->cancel_reason);
    fake (store)->cancel_reason = g_strdup (cancel_reason);
  }
  return TRUE;
}

static gboolean
fake_log_state (ShStore *store, gint64 id, ShMeetingState from, ShMeetingState to,
                const char *reason, gint64 at, GError **error)
{
  g_array_append_val (fake (store)->log, from);
  g_array_append_val (fake (store)->log, to);
  return TRUE;
}

static const ShMeetingStoreOps fake_meeting_ops = {
  .get_state = fake_get_state,
  .set_state = fake_set_state,
  .log_state = fake_log_state,
};
static const ShStoreBackend fake_backend = {
  .name = "fake",
  .begin = fake_begin,
  .commit = fake_commit,
  .rollback = fake_rollback,
  .meeting = &fake_meeting_ops,
};

static void
test_fake_backend (void)
{
  g_autoptr (GError) error = NULL;
  FakeMeeting data = { SH_MEETING_SCHEDULED, 0, NULL, NULL, 0, 0, 0 };
  ShStore store = { &fake_backend, &data, NULL };
  gint64 far_future = g_get_real_time () + DAY;

  data.log = g_array_new (FALSE, FALSE, sizeof (ShMeetingState));
  /* A clock behind the stored time still moves updated_at forward. */
  data.updated_at = far_future;
  g_assert_true (sh_meeting_transition (&store, 1, SH_MEETING_OPEN, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (data.state, ==, SH_MEETING_OPEN);
  g_assert_cmpint (data.updated_at, ==, far_future + 1);
  g_assert_cmpuint (data.log->len, ==, 2);
  g_assert_cmpint (g_array_index (data.log, ShMeetingState, 0), ==, SH_MEETING_SCHEDULED);
  g_assert_cmpint (g_array_index (data.log, ShMeetingState, 1), ==, SH_MEETING_OPEN);
  g_assert_cmpint (data.committed, ==, 1);

  /* A move the state machine forbids reaches neither the meeting nor the
   * log, and the unit is rolled back. */
  g_assert_false (sh_meeting_transition (&store, 1, SH_MEETING_ARCHIVED, NULL, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_STATE);
  g_clear_error (&error);
  g_assert_cmpint (data.state, ==, SH_MEETING_OPEN);
  g_assert_cmpuint (data.log->len, ==, 2);
  g_assert_cmpint (data.rolled_back, ==, 1);

  /* The reason is checked and trimmed before the backend sees it, and
   * stored as the cancel reason only when cancelling. */
  g_assert_false (sh_meeting_transition (&store, 1, SH_MEETING_CANCELLED, "  ", &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (data.begun, ==, 2);
  g_assert_true (sh_meeting_transition (&store, 1, SH_MEETING_IN_PROGRESS, " 提前 ", &error));
  g_assert_null (data.cancel_reason);
  g_assert_true (sh_meeting_transition (&store, 1, SH_MEETING_ENDED, NULL, &error));
  g_assert_false (sh_meeting_transition (&store, 1, SH_MEETING_CANCELLED, "晚了", &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_STATE);
  g_clear_error (&error);
  g_assert_null (data.cancel_reason);
  data.state = SH_MEETING_SCHEDULED;
  g_assert_true (sh_meeting_transition (&store, 1, SH_MEETING_CANCELLED, " 书记出差 ", &error));
  g_assert_cmpstr (data.cancel_reason, ==, "书记出差");

  g_assert_false (sh_meeting_transition (&store, 2, SH_MEETING_OPEN, NULL, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_NOT_FOUND);
  g_free (data.cancel_reason);
  g_array_unref (data.log);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/meeting/fake-backend", test_fake_backend);
  return g_test_run ();
}
