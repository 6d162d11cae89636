/* An account's log-in state: failures and the lock, password changes that
 * end other sessions, the calendar link's generation, the networks the
 * owner logs in from, and one-time codes.
 * SPDX-License-Identifier: Apache-2.0 */
#include "account-private.h"
#include "store-account-access.h"
#include "store-account.h"

/* ----------------------------------------------------------- lockout */

int
sh_account_next_failure (int failed_logins, gint64 locked_until, gint64 now, int max_failures,
                         gint64 lock_duration, gint64 *new_locked_until)
{
  int count;

  if (locked_until > now) {
    *new_locked_until = locked_until;
    return failed_logins;
  }
  count = locked_until > 0 ? 1 : failed_logins + 1;
  *new_locked_until = max_failures > 0 && count >= max_failures ? now + lock_duration : 0;
  return count;
}

static gboolean
account_missing (GError **error)
{
  return sh_minutes_fail (error, SH_MINUTES_ERROR_NOT_FOUND, "账号不存在");
}

typedef struct {
  gint64 id, now, lock_duration;
  int max_failures;
  int count; /* out */
} FailureData;

static gboolean
failure_txn (ShStore *store, gpointer user_data, GError **error)
{
  const ShAccountAccessStoreOps *ops = sh_store_ops (store, account_access);
  FailureData *data = user_data;
  gboolean found = FALSE;
  int failed = 0;
  gint64 locked_until = 0;

  if (!ops->lock_state (store, data->id, &found, &failed, &locked_until, error))
    return FALSE;
  if (!found)
    return account_missing (error);
  data->count = sh_account_next_failure (failed, locked_until, data->now, data->max_failures,
                                         data->lock_duration, &locked_until);
  return ops->set_lock_state (store, data->id, data->count, locked_until, &found, error);
}

int
sh_account_record_failure (ShStore *store, gint64 id, gint64 now, int max_failures,
                           gint64 lock_duration, GError **error)
{
  FailureData data = { id, now, lock_duration, max_failures, 0 };

  g_return_val_if_fail (store != NULL, -1);
  /* Read and written in one transaction, so that concurrent failures
   * cannot lose a count. */
  if (!sh_store_transaction (store, failure_txn, &data, error))
    return -1;
  return data.count;
}

gboolean
sh_account_record_success (ShStore *store, gint64 id, GError **error)
{
  gboolean found = FALSE;

  g_return_val_if_fail (store != NULL, FALSE);
  if (!sh_store_ops (store, account_access)->set_lock_state (store, id, 0, 0, &found, error))
    return FALSE;
  return found || account_missing (error);
}

typedef struct {
  gint64 id;
  const char *hash;
  const char *keep;
} PasswordData;

static gboolean
password_txn (ShStore *store, gpointer user_data, GError **error)
{
  const ShAccountAccessStoreOps *ops = sh_store_ops (store, account_access);
  PasswordData *data = user_data;
  gboolean found = FALSE;
  gint64 generation = 0;

  if (!sh_store_ops (store, account)
           ->set_password_hash (store, data->id, data->hash, &found, error))
    return FALSE;
  if (!found)
    return account_missing (error);
  /* A new password is a fresh start: whoever held the old one loses the
   * sessions and the calendar link it opened, and a lock set by someone
   * guessing the old one has no more reason to hold. */
  return ops->set_lock_state (store, data->id, 0, 0, &found, error)
         && ops->next_calendar_generation (store, data->id, &found, &generation, error)
         && sh_session_delete_for_account (store, data->id, data->keep, error) >= 0;
}

gboolean
sh_account_change_password (ShStore *store, gint64 id, const char *hash,
                            const char *keep_token_hash, GError **error)
{
  PasswordData data = { id, hash, keep_token_hash };

  g_return_val_if_fail (store != NULL, FALSE);
  if (!hash || !*hash)
    return sh_minutes_invalid (error, "账号必须设置密码");
  return sh_store_transaction (store, password_txn, &data, error);
}

gint64
sh_account_renew_calendar (ShStore *store, gint64 id, GError **error)
{
  gboolean found = FALSE;
  gint64 generation = 0;

  g_return_val_if_fail (store != NULL, -1);
  if (!sh_store_ops (store, account_access)
           ->next_calendar_generation (store, id, &found, &generation, error))
    return -1;
  if (!found) {
    account_missing (error);
    return -1;
  }
  return generation;
}

gboolean
sh_account_add_network (ShStore *store, gint64 id, const char *network, gint64 now,
                        gint64 forget_before, GError **error)
{
  const ShAccountAccessStoreOps *ops;

  g_return_val_if_fail (store != NULL && network != NULL, FALSE);
  ops = sh_store_ops (store, account_access);
  /* Networks not logged in from for long are forgotten: the list stays
   * short, and last year's hotel is no longer exempt from the lock. */
  return ops->forget_networks (store, id, forget_before, error)
         && ops->touch_network (store, id, network, now, error);
}

gboolean
sh_account_set_login_code (ShStore *store, gint64 id, const char *code_hash, gint64 expires_at,
                           GError **error)
{
  g_autoptr (ShAccount) account = NULL;

  g_return_val_if_fail (store != NULL && code_hash != NULL, FALSE);
  account = sh_account_get (store, id, error);
  if (!account)
    return FALSE;
  return sh_store_ops (store, account_access)
      ->put_login_code (store, id, code_hash, expires_at, error);
}

gboolean
sh_account_use_login_code (ShStore *store, gint64 id, const char *code_hash, gint64 now,
                           gboolean *used, GError **error)
{
  g_return_val_if_fail (store != NULL && code_hash != NULL && used != NULL, FALSE);
  /* A code cannot be used twice by two log-ins at once: the backend takes
   * it in one step. */
  return sh_store_ops (store, account_access)
      ->take_login_code (store, id, code_hash, now, used, error);
}

gboolean
sh_account_knows_network (ShStore *store, gint64 id, const char *network, gint64 since,
                          gboolean *known, GError **error)
{
  g_return_val_if_fail (store != NULL && network != NULL && known != NULL, FALSE);
  return sh_store_ops (store, account_access)
      ->knows_network (store, id, network, since, known, error);
}
