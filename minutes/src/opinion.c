/* Written opinions (书面意见, 细则 第二十、二十一条): an expected full
 * member with a vote who will be absent gives, before the meeting starts,
 * their opinion on an announced admission or conversion motion. Only for
 * oneself (no proxies): the member is the submitting account's own. The
 * opinion is counted in the vote unless its member attends the vote
 * (vote.c voids it then). SPDX-License-Identifier: Apache-2.0 */
#include "store-vote.h"
#include "vote-private.h"

#include <string.h>

static const char *const choice_strings[] = { "for", "against", "abstain" };
static const char *const choice_labels[] = { "赞成", "反对", "弃权" };

G_STATIC_ASSERT (G_N_ELEMENTS (choice_strings) == SH_VOTE_CHOICE_COUNT);

const char *
sh_vote_choice_to_string (ShVoteChoice c)
{
  g_return_val_if_fail ((guint) c < G_N_ELEMENTS (choice_strings), NULL);
  return choice_strings[c];
}

const char *
sh_vote_choice_label (ShVoteChoice c)
{
  g_return_val_if_fail ((guint) c < G_N_ELEMENTS (choice_labels), NULL);
  return choice_labels[c];
}

gboolean
sh_vote_choice_from_string (const char *s, ShVoteChoice *out)
{
  g_return_val_if_fail (out != NULL, FALSE);
  for (guint i = 0; s && i < G_N_ELEMENTS (choice_strings); i++) {
    if (strcmp (s, choice_strings[i]) == 0) {
      *out = (ShVoteChoice) i;
      return TRUE;
    }
  }
  return FALSE;
}

void
sh_written_opinion_free (ShWrittenOpinion *opinion)
{
  if (!opinion)
    return;
  g_free (opinion->text);
  g_free (opinion);
}

typedef struct {
  gint64 motion_id;
  gint64 account_id;
  ShVoteChoice choice;
  const char *text;
  gint64 id; /* out */
} SubmitData;

/* Whether @member_id is expected at the meeting with a vote. */
static gboolean
expected_with_vote (ShStore *store, gint64 meeting_id, gint64 member_id, GError **error)
{
  g_autoptr (ShAttendance) a = sh_attendance_expected (store, meeting_id, error);

  if (!a)
    return FALSE;
  for (guint i = 0; i < a->entries->len; i++) {
    const ShAttendanceEntry *e = g_ptr_array_index (a->entries, i);

    if (e->member_id == member_id && e->role == SH_ATTENDANCE_EXPECTED && e->has_vote)
      return TRUE;
  }
  return sh_minutes_invalid (error, "只有本次会议应到的有表决权的正式党员可以提交书面意见");
}

static gboolean
submit_txn (ShStore *store, gpointer user_data, GError **error)
{
  SubmitData *d = user_data;
  g_autoptr (ShMotion) m = sh_vote_motion (store, d->motion_id, error);
  g_autoptr (ShAccount) account = NULL;
  g_autoptr (GError) local_error = NULL;
  ShVoteMeeting mt;

  if (!m || !sh_vote_meeting (store, m->meeting_id, &mt, error))
    return FALSE;
  if (m->kind != SH_MOTION_ADMISSION && m->kind != SH_MOTION_CONVERSION)
    return sh_minutes_invalid (error, "书面意见只适用于发展党员和预备党员转正的表决");
  if (m->withdrawn_at)
    return sh_minutes_fail (error, SH_MINUTES_ERROR_STATE, "该表决事项已撤回");
  /* Read inside the unit: the meeting cannot start in between. */
  if (!sh_vote_meeting_not_started (mt.state))
    return sh_minutes_fail (error, SH_MINUTES_ERROR_STATE, "会议已开始，书面意见须在会前提交");
  account = sh_account_get (store, d->account_id, error);
  if (!account)
    return FALSE;
  if (!account->member_id)
    return sh_minutes_invalid (error, "只有党员本人可以提交书面意见");
  if (!expected_with_vote (store, m->meeting_id, account->member_id, error))
    return FALSE;
  d->id = sh_store_ops (store, vote)
              ->insert_opinion (store, d->motion_id, account->member_id, d->choice, d->text,
                                d->account_id, sh_store_now (), &local_error);
  if (d->id)
    return TRUE;
  if (g_error_matches (local_error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_CONFLICT))
    return sh_minutes_fail (error, SH_MINUTES_ERROR_CONFLICT, "您已对该事项提交过书面意见");
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

gint64
sh_opinion_submit (ShStore *store, gint64 motion_id, gint64 account_id, ShVoteChoice choice,
                   const char *text, GError **error)
{
  g_autofree char *trimmed = NULL;
  SubmitData d = { motion_id, account_id, choice, NULL, 0 };

  g_return_val_if_fail (store != NULL, 0);
  g_return_val_if_fail ((guint) choice < SH_VOTE_CHOICE_COUNT, 0);
  if (!sh_vote_have_backend (store, error)
      || !sh_text_validate (text, "书面意见", SH_OPINION_TEXT_MAX_CHARS, SH_TEXT_MULTILINE, error))
    return 0;
  trimmed = g_strstrip (g_strdup (text));
  d.text = trimmed;
  if (!sh_store_transaction (store, submit_txn, &d, error))
    return 0;
  return d.id;
}

GPtrArray *
sh_opinion_list (ShStore *store, gint64 motion_id, GError **error)
{
  g_return_val_if_fail (store != NULL, NULL);
  if (!sh_vote_have_backend (store, error))
    return NULL;
  return sh_store_ops (store, vote)->list_opinions (store, motion_id, error);
}
