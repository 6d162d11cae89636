/* The ballot box of one open vote, in memory only. It keeps three things
 * that nothing joins for a secret vote: the set of members who voted, the
 * count per choice, and the set of receipts' hashes. A cast adds to each
 * and keeps no link: no per-ballot record, no order (hash sets), no time.
 * An open vote (举手表决) keeps the choice per voter, which is its record.
 * SPDX-License-Identifier: Apache-2.0 */
#include "store-private.h"
#include "vote-box-private.h"

#include <sys/random.h>

#define RECEIPT_BYTES 16

struct _ShBallotBox {
  gboolean secret;
  GHashTable *voters;   /* member id (gint64*) -> choice+1 (open) or 1 (secret) */
  GHashTable *present;  /* member ids (gint64*) who attended the vote */
  GHashTable *receipts; /* receipt hashes (char*) */
  guint counts[SH_VOTE_CHOICE_COUNT];
  /* An election's: per candidate, a count per mark, and the void ballots.
   * A ballot's marks are added to these and forgotten, so that not even
   * its combination of marks is kept. */
  guint n_candidates;
  guint seats;
  guint (*marks)[SH_VOTE_CHOICE_COUNT];
  guint invalid;
};

ShBallotBox *
sh_ballot_box_new (gboolean secret)
{
  ShBallotBox *box = g_new0 (ShBallotBox, 1);

  box->secret = secret;
  box->voters = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  box->present = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  box->receipts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  return box;
}

void
sh_ballot_box_free (ShBallotBox *box)
{
  if (!box)
    return;
  g_hash_table_unref (box->voters);
  g_hash_table_unref (box->present);
  g_hash_table_unref (box->receipts);
  g_free (box->marks);
  g_free (box);
}

char *
sh_ballot_receipt_hash (const char *receipt)
{
  g_return_val_if_fail (receipt != NULL, NULL);
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, receipt, -1);
}

/* A random receipt from the kernel's generator, as 32 hex digits. */
static char *
new_receipt (GError **error)
{
  guint8 bytes[RECEIPT_BYTES];
  GString *s = g_string_sized_new (RECEIPT_BYTES * 2);
  gsize got = 0;

  while (got < sizeof bytes) {
    ssize_t n = getrandom (bytes + got, sizeof bytes - got, 0);

    if (n < 0) {
      g_string_free (s, TRUE);
      sh_minutes_fail (error, SH_MINUTES_ERROR_DATABASE, "无法生成选票回执");
      return NULL;
    }
    got += (gsize) n;
  }
  for (gsize i = 0; i < sizeof bytes; i++)
    g_string_append_printf (s, "%02x", bytes[i]);
  return g_string_free (s, FALSE);
}

static gint64 *
key (gint64 member_id)
{
  return g_memdup2 (&member_id, sizeof member_id);
}

ShBallotBox *
sh_ballot_box_new_election (guint n_candidates, guint seats)
{
  ShBallotBox *box;

  g_return_val_if_fail (n_candidates >= SH_ELECTION_MIN_CANDIDATES
                            && n_candidates <= SH_ELECTION_MAX_CANDIDATES,
                        NULL);
  g_return_val_if_fail (seats >= 1 && seats <= n_candidates, NULL);
  box = sh_ballot_box_new (TRUE);
  box->n_candidates = n_candidates;
  box->seats = seats;
  box->marks = g_malloc0_n (n_candidates, sizeof *box->marks);
  return box;
}

guint
sh_ballot_box_candidates (ShBallotBox *box)
{
  g_return_val_if_fail (box != NULL, 0);
  return box->n_candidates;
}

/* Records that @member_id voted and hands out their receipt: the part of a
 * cast that a ballot for a motion and an election's share. */
static gboolean
admit (ShBallotBox *box, gint64 member_id, gint open_choice, char **receipt_out, GError **error)
{
  g_autofree char *receipt = NULL;
  char *hash;

  if (g_hash_table_contains (box->voters, &member_id))
    return sh_minutes_fail (error, SH_MINUTES_ERROR_CONFLICT, "您已投票，每人只能投一次");
  if (!(receipt = new_receipt (error)))
    return FALSE;
  hash = sh_ballot_receipt_hash (receipt);
  /* A collision of 128 random bits does not happen; were it to, the count
   * and the receipts would disagree, so refuse rather than lose one. */
  if (g_hash_table_contains (box->receipts, hash)) {
    g_free (hash);
    return sh_minutes_fail (error, SH_MINUTES_ERROR_DATABASE, "选票回执重复，请重新投票");
  }
  g_hash_table_add (box->receipts, hash);
  g_hash_table_insert (box->voters, key (member_id),
                       GINT_TO_POINTER (box->secret ? 1 : open_choice + 1));
  g_hash_table_add (box->present, key (member_id));
  if (receipt_out)
    *receipt_out = g_steal_pointer (&receipt);
  return TRUE;
}

gboolean
sh_ballot_box_cast (ShBallotBox *box, gint64 member_id, ShVoteChoice choice, char **receipt_out,
                    GError **error)
{
  g_return_val_if_fail (box != NULL && member_id != 0, FALSE);
  g_return_val_if_fail ((guint) choice < SH_VOTE_CHOICE_COUNT, FALSE);
  if (box->n_candidates)
    return sh_minutes_invalid (error, "这是选举，请对每位候选人表态");
  if (!admit (box, member_id, (gint) choice, receipt_out, error))
    return FALSE;
  box->counts[choice]++;
  return TRUE;
}

gboolean
sh_ballot_box_cast_election (ShBallotBox *box, gint64 member_id, const ShVoteChoice *marks,
                             guint n_marks, gboolean *valid_out, char **receipt_out, GError **error)
{
  guint approvals = 0;

  g_return_val_if_fail (box != NULL && member_id != 0 && marks != NULL, FALSE);
  if (!box->n_candidates)
    return sh_minutes_invalid (error, "这不是选举，请选择赞成、反对或弃权");
  if (n_marks != box->n_candidates)
    return sh_minutes_invalid (error, "选票与候选人名单不符");
  for (guint i = 0; i < n_marks; i++) {
    if ((guint) marks[i] >= SH_VOTE_CHOICE_COUNT)
      return sh_minutes_invalid (error, "选票与候选人名单不符");
    approvals += marks[i] == SH_VOTE_FOR;
  }
  if (!admit (box, member_id, -1, receipt_out, error))
    return FALSE;
  /* 所选人数多于应选人数的选票无效: cast, counted as void, marks dropped. */
  if (approvals > box->seats)
    box->invalid++;
  else
    for (guint i = 0; i < n_marks; i++)
      box->marks[i][marks[i]]++;
  if (valid_out)
    *valid_out = approvals <= box->seats;
  return TRUE;
}

gboolean
sh_ballot_box_has_voted (ShBallotBox *box, gint64 member_id)
{
  g_return_val_if_fail (box != NULL, FALSE);
  return g_hash_table_contains (box->voters, &member_id);
}

guint
sh_ballot_box_count (ShBallotBox *box)
{
  g_return_val_if_fail (box != NULL, 0);
  return g_hash_table_size (box->voters);
}

void
sh_ballot_box_mark_present (ShBallotBox *box, gint64 member_id)
{
  g_return_if_fail (box != NULL);
  if (member_id && !g_hash_table_contains (box->present, &member_id))
    g_hash_table_add (box->present, key (member_id));
}

gboolean
sh_ballot_box_attended (ShBallotBox *box, gint64 member_id)
{
  return g_hash_table_contains (box->present, &member_id);
}

gboolean
sh_ballot_box_is_secret (ShBallotBox *box)
{
  return box->secret;
}

void
sh_ballot_box_counts (ShBallotBox *box, guint counts[SH_VOTE_CHOICE_COUNT])
{
  memcpy (counts, box->counts, sizeof box->counts);
}

guint
sh_ballot_box_election_counts (ShBallotBox *box, GArray *tallies)
{
  for (guint i = 0; i < box->n_candidates; i++) {
    ShElectionTally t = { 0 };

    memcpy (t.marks, box->marks[i], sizeof t.marks);
    g_array_append_val (tallies, t);
  }
  return box->invalid;
}

static gint
compare_voter (gconstpointer a, gconstpointer b)
{
  gint64 x = ((const ShVoteVoter *) a)->member_id, y = ((const ShVoteVoter *) b)->member_id;

  return x < y ? -1 : x > y;
}

GArray *
sh_ballot_box_voters (ShBallotBox *box)
{
  GArray *voters = g_array_new (FALSE, FALSE, sizeof (ShVoteVoter));
  GHashTableIter iter;
  gpointer k, v;

  g_hash_table_iter_init (&iter, box->voters);
  while (g_hash_table_iter_next (&iter, &k, &v)) {
    ShVoteVoter x = { *(gint64 *) k, box->secret ? -1 : GPOINTER_TO_INT (v) - 1 };

    g_array_append_val (voters, x);
  }
  g_array_sort (voters, compare_voter);
  return voters;
}

static gint
compare_str (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

GPtrArray *
sh_ballot_box_receipts (ShBallotBox *box)
{
  GPtrArray *hashes = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer k;

  g_hash_table_iter_init (&iter, box->receipts);
  while (g_hash_table_iter_next (&iter, &k, NULL))
    g_ptr_array_add (hashes, g_strdup (k));
  g_ptr_array_sort (hashes, compare_str);
  return hashes;
}
