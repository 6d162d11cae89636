/* SPDX-License-Identifier: Apache-2.0 */
#include "rate-limit.h"

#include <string.h>

void
sh_token_bucket_init (ShTokenBucket *bucket, double rate, double burst, gint64 now_us)
{
  g_return_if_fail (rate > 0 && burst >= 1);

  bucket->rate = rate;
  bucket->burst = burst;
  bucket->tokens = burst;
  bucket->updated_us = now_us;
}

static void
refill (ShTokenBucket *bucket, gint64 now_us)
{
  /* A clock that goes back (it should not: monotonic) refills nothing. */
  if (now_us > bucket->updated_us) {
    bucket->tokens += (double) (now_us - bucket->updated_us) / G_USEC_PER_SEC * bucket->rate;
    if (bucket->tokens > bucket->burst)
      bucket->tokens = bucket->burst;
    bucket->updated_us = now_us;
  }
}

gint64
sh_token_bucket_wait (ShTokenBucket *bucket, double cost, gint64 now_us)
{
  double missing, us;
  gint64 wait;

  if (cost > bucket->burst)
    return G_MAXINT64;
  refill (bucket, now_us);
  missing = cost - bucket->tokens;
  if (missing <= 0)
    return 0;
  /* Rounded up (no libm here): a client that waits exactly this long gets
   * through. */
  us = missing / bucket->rate * G_USEC_PER_SEC;
  wait = (gint64) us;
  return (double) wait < us ? wait + 1 : wait;
}

gboolean
sh_token_bucket_take (ShTokenBucket *bucket, double cost, gint64 now_us, gint64 *retry_after_us)
{
  gint64 wait = sh_token_bucket_wait (bucket, cost, now_us);

  if (retry_after_us)
    *retry_after_us = wait;
  if (wait > 0)
    return FALSE;
  bucket->tokens -= cost;
  return TRUE;
}

void
sh_token_bucket_consume (ShTokenBucket *bucket, double cost, gint64 now_us)
{
  refill (bucket, now_us);
  bucket->tokens -= cost;
}

gboolean
sh_token_bucket_full (ShTokenBucket *bucket, gint64 now_us)
{
  refill (bucket, now_us);
  return bucket->tokens >= bucket->burst;
}

gboolean
sh_abuse_streak_refused (ShAbuseStreak *streak, gint64 now_us, gint64 gap_us, gint64 max_us,
                         guint max_refusals)
{
  if (streak->refusals == 0 || now_us - streak->last_us > gap_us) {
    streak->first_us = now_us;
    streak->refusals = 0;
  }
  streak->last_us = now_us;
  if (streak->refusals < G_MAXUINT)
    streak->refusals++;
  return now_us - streak->first_us >= max_us || streak->refusals >= max_refusals;
}

/* ------------------------------------------------ the WebSocket's limits */

/* A refusal more than this after the previous one ends an abuse streak. */
#define STREAK_GAP_US (2 * G_USEC_PER_SEC)

struct _ShWsLimits {
  gint refs;
  GHashTable *accounts; /* gint64 account id → WsAccount (owned) */
  double kind_rate[SH_WS_N_KINDS];
  double kind_burst[SH_WS_N_KINDS];
  double messages_rate, messages_burst;
  double bytes_rate, bytes_burst;
  gint64 abuse_us;
  guint abuse_refusals;
};

typedef struct {
  gint64 id; /* the key */
  guint sockets;
  ShTokenBucket kinds[SH_WS_N_KINDS];
} WsAccount;

ShWsLimits *
sh_ws_limits_new (const ShConfig *config)
{
  ShWsLimits *limits = g_new0 (ShWsLimits, 1);
  const ShConfigRate *rates[SH_WS_N_KINDS] = {
    [SH_WS_KIND_CHAT] = &config->ws_chat,   [SH_WS_KIND_HAND] = &config->ws_hand,
    [SH_WS_KIND_MUTE] = &config->ws_mute,   [SH_WS_KIND_CHAIR] = &config->ws_chair,
    [SH_WS_KIND_JOIN] = &config->ws_join,   [SH_WS_KIND_SIGNALING] = &config->ws_signaling,
    [SH_WS_KIND_OTHER] = &config->ws_other,
  };

  limits->refs = 1;
  limits->accounts = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, g_free);
  for (gsize i = 0; i < SH_WS_N_KINDS; i++) {
    limits->kind_rate[i] = rates[i]->per_minute / 60.0;
    limits->kind_burst[i] = rates[i]->burst;
  }
  limits->messages_rate = config->ws_messages_per_second;
  limits->messages_burst = config->ws_messages_burst;
  limits->bytes_rate = (double) config->ws_bytes_per_second;
  /* A message of the largest size allowed must be able to pass. */
  limits->bytes_burst = (double) MAX (config->ws_bytes_burst, config->max_ws_message_bytes);
  limits->abuse_us = (gint64) config->ws_abuse_seconds * G_USEC_PER_SEC;
  limits->abuse_refusals = config->ws_abuse_refusals;
  return limits;
}

ShWsLimits *
sh_ws_limits_ref (ShWsLimits *limits)
{
  limits->refs++;
  return limits;
}

void
sh_ws_limits_unref (ShWsLimits *limits)
{
  if (!limits || --limits->refs > 0)
    return;
  g_hash_table_unref (limits->accounts);
  g_free (limits);
}

guint
sh_ws_limits_accounts (ShWsLimits *limits)
{
  return g_hash_table_size (limits->accounts);
}

static gboolean
account_idle (WsAccount *account, gint64 now_us)
{
  if (account->sockets > 0)
    return FALSE;
  for (gsize i = 0; i < SH_WS_N_KINDS; i++)
    if (!sh_token_bucket_full (&account->kinds[i], now_us))
      return FALSE;
  return TRUE;
}

static gboolean
drop_idle (gpointer key, gpointer value, gpointer user_data)
{
  return account_idle (value, *(gint64 *) user_data);
}

void
sh_ws_socket_limits_init (ShWsSocketLimits *socket, ShWsLimits *limits, gint64 account_id,
                          gint64 now_us)
{
  WsAccount *account;

  /* Accounts whose sockets are gone and whose buckets have refilled are
   * forgotten here, so that the table holds only recent ones. */
  g_hash_table_foreach_remove (limits->accounts, drop_idle, &now_us);
  account = g_hash_table_lookup (limits->accounts, &account_id);
  if (!account) {
    account = g_new0 (WsAccount, 1);
    account->id = account_id;
    for (gsize i = 0; i < SH_WS_N_KINDS; i++)
      sh_token_bucket_init (&account->kinds[i], limits->kind_rate[i], limits->kind_burst[i],
                            now_us);
    g_hash_table_insert (limits->accounts, &account->id, account);
  }
  account->sockets++;
  memset (socket, 0, sizeof *socket);
  socket->limits = sh_ws_limits_ref (limits);
  socket->account_id = account_id;
  sh_token_bucket_init (&socket->messages, limits->messages_rate, limits->messages_burst, now_us);
  sh_token_bucket_init (&socket->bytes, limits->bytes_rate, limits->bytes_burst, now_us);
}

void
sh_ws_socket_limits_clear (ShWsSocketLimits *socket, gint64 now_us)
{
  WsAccount *account;

  if (!socket->limits)
    return;
  account = g_hash_table_lookup (socket->limits->accounts, &socket->account_id);
  if (account && account->sockets > 0 && --account->sockets == 0 && account_idle (account, now_us))
    g_hash_table_remove (socket->limits->accounts, &socket->account_id);
  g_clear_pointer (&socket->limits, sh_ws_limits_unref);
}

gboolean
sh_ws_socket_limits_frame (ShWsSocketLimits *socket, gsize length, gint64 now_us,
                           gint64 *retry_after_us)
{
  gint64 wait = MAX (sh_token_bucket_wait (&socket->messages, 1, now_us),
                     sh_token_bucket_wait (&socket->bytes, (double) length, now_us));

  if (retry_after_us)
    *retry_after_us = wait;
  if (wait > 0)
    return FALSE;
  sh_token_bucket_consume (&socket->messages, 1, now_us);
  sh_token_bucket_consume (&socket->bytes, (double) length, now_us);
  return TRUE;
}

gboolean
sh_ws_socket_limits_message (ShWsSocketLimits *socket, ShWsKind kind, gint64 now_us,
                             gint64 *retry_after_us)
{
  WsAccount *account = g_hash_table_lookup (socket->limits->accounts, &socket->account_id);

  g_return_val_if_fail (account != NULL && kind < SH_WS_N_KINDS, FALSE);
  return sh_token_bucket_take (&account->kinds[kind], 1, now_us, retry_after_us);
}

gboolean
sh_ws_socket_limits_refused (ShWsSocketLimits *socket, gint64 now_us)
{
  return sh_abuse_streak_refused (&socket->streak, now_us, STREAK_GAP_US, socket->limits->abuse_us,
                                  socket->limits->abuse_refusals);
}
