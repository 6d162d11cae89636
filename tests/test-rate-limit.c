/* Token buckets, abuse streaks and the WebSocket's limits built on them,
 * on a clock the test moves by hand.
 * SPDX-License-Identifier: Apache-2.0 */
#include "rate-limit.h"

#define S ((gint64) G_USEC_PER_SEC)
/* Any start: the code must not care about the clock's origin. */
#define T0 ((gint64) 1000 * S)

static void
test_bucket_burst_then_rate (void)
{
  ShTokenBucket b;
  gint64 retry = -1;
  guint passed = 0;

  sh_token_bucket_init (&b, 2, 5, T0);
  /* A flood at one instant: exactly the burst passes. */
  for (guint i = 0; i < 1000; i++)
    passed += sh_token_bucket_take (&b, 1, T0, &retry);
  g_assert_cmpuint (passed, ==, 5);
  /* One token at 2 a second comes after half a second. */
  g_assert_cmpint (retry, ==, S / 2);
  g_assert_false (sh_token_bucket_take (&b, 1, T0 + S / 2 - 1, &retry));
  g_assert_cmpint (retry, ==, 1);
  g_assert_true (sh_token_bucket_take (&b, 1, T0 + S / 2, &retry));
  g_assert_cmpint (retry, ==, 0);
  /* Sustained: over 10 s at most 20 more pass, however often one asks. */
  passed = 0;
  for (gint64 t = T0 + S / 2; t <= T0 + S / 2 + 10 * S; t += S / 100)
    passed += sh_token_bucket_take (&b, 1, t, NULL);
  g_assert_cmpuint (passed, ==, 20);
}

static void
test_bucket_refills_to_capacity_only (void)
{
  ShTokenBucket b;

  sh_token_bucket_init (&b, 1, 3, T0);
  g_assert_true (sh_token_bucket_take (&b, 3, T0, NULL));
  g_assert_false (sh_token_bucket_full (&b, T0 + 2 * S));
  /* A day of silence buys no more than the burst. */
  g_assert_true (sh_token_bucket_full (&b, T0 + 86400 * S));
  g_assert_true (sh_token_bucket_take (&b, 3, T0 + 86400 * S, NULL));
  g_assert_false (sh_token_bucket_take (&b, 1, T0 + 86400 * S, NULL));
}

static void
test_bucket_hostile_costs_and_clock (void)
{
  ShTokenBucket b;
  gint64 retry = 0;

  sh_token_bucket_init (&b, 1, 10, T0);
  /* More than the capacity never passes, and says so. */
  g_assert_false (sh_token_bucket_take (&b, 11, T0, &retry));
  g_assert_cmpint (retry, ==, G_MAXINT64);
  g_assert_true (sh_token_bucket_take (&b, 10, T0, NULL));
  /* A clock that goes back refills nothing and breaks nothing. */
  g_assert_false (sh_token_bucket_take (&b, 1, T0 - 100 * S, &retry));
  g_assert_cmpint (retry, ==, S);
  g_assert_true (sh_token_bucket_take (&b, 1, T0 + S, NULL));
  /* Several buckets all or nothing: wait, then consume. */
  g_assert_cmpint (sh_token_bucket_wait (&b, 1, T0 + S), ==, S);
  sh_token_bucket_consume (&b, 0.5, T0 + 2 * S);
  g_assert_cmpint (sh_token_bucket_wait (&b, 1, T0 + 2 * S), ==, S / 2);
}

static void
test_abuse_streak (void)
{
  ShAbuseStreak streak = { 0 };
  const gint64 gap = 2 * S, max = 10 * S;

  /* Someone who clicks too often now and then is never abusing. */
  for (gint64 t = T0; t < T0 + 600 * S; t += 3 * S)
    g_assert_false (sh_abuse_streak_refused (&streak, t, gap, max, 100));
  /* Refused once a second for ten seconds is. */
  memset (&streak, 0, sizeof streak);
  for (gint64 t = T0; t < T0 + 10 * S; t += S)
    g_assert_false (sh_abuse_streak_refused (&streak, t, gap, max, 100));
  g_assert_true (sh_abuse_streak_refused (&streak, T0 + 10 * S, gap, max, 100));
  /* So is a burst of refusals at one instant. */
  memset (&streak, 0, sizeof streak);
  for (guint i = 1; i < 100; i++)
    g_assert_false (sh_abuse_streak_refused (&streak, T0, gap, max, 100));
  g_assert_true (sh_abuse_streak_refused (&streak, T0, gap, max, 100));
  /* A pause ends the streak. */
  g_assert_false (sh_abuse_streak_refused (&streak, T0 + 3 * S, gap, max, 100));
  g_assert_cmpuint (streak.refusals, ==, 1);
}

static ShConfig *
small_config (void)
{
  ShConfig *config = sh_config_new_default ();

  config->ws_chat = (ShConfigRate){ 60, 3 };
  config->ws_hand = (ShConfigRate){ 60, 2 };
  config->ws_messages_per_second = 10;
  config->ws_messages_burst = 20;
  config->ws_bytes_per_second = 1024;
  config->ws_bytes_burst = 1024;
  config->max_ws_message_bytes = 4096;
  return config;
}

/* An account's buckets are shared by its sockets and outlive them: a
 * second socket, or a reconnection, does not refill them. */
static void
test_kinds_per_account (void)
{
  g_autoptr (ShConfig) config = small_config ();
  ShWsLimits *limits = sh_ws_limits_new (config);
  ShWsSocketLimits a, b, other;
  gint64 retry = 0;

  sh_ws_socket_limits_init (&a, limits, 7, T0);
  sh_ws_socket_limits_init (&b, limits, 7, T0);
  sh_ws_socket_limits_init (&other, limits, 8, T0);
  g_assert_true (sh_ws_socket_limits_message (&a, SH_WS_KIND_CHAT, T0, NULL));
  g_assert_true (sh_ws_socket_limits_message (&b, SH_WS_KIND_CHAT, T0, NULL));
  g_assert_true (sh_ws_socket_limits_message (&a, SH_WS_KIND_CHAT, T0, NULL));
  g_assert_false (sh_ws_socket_limits_message (&b, SH_WS_KIND_CHAT, T0, &retry));
  g_assert_cmpint (retry, ==, S);
  /* Other kinds and other accounts have their own buckets. */
  g_assert_true (sh_ws_socket_limits_message (&a, SH_WS_KIND_HAND, T0, NULL));
  g_assert_true (sh_ws_socket_limits_message (&other, SH_WS_KIND_CHAT, T0, NULL));
  /* Both sockets gone, back at once: still empty. */
  sh_ws_socket_limits_clear (&a, T0);
  sh_ws_socket_limits_clear (&b, T0);
  g_assert_cmpuint (sh_ws_limits_accounts (limits), ==, 2);
  sh_ws_socket_limits_init (&a, limits, 7, T0);
  g_assert_false (sh_ws_socket_limits_message (&a, SH_WS_KIND_CHAT, T0, NULL));
  g_assert_true (sh_ws_socket_limits_message (&a, SH_WS_KIND_CHAT, T0 + S, NULL));
  sh_ws_socket_limits_clear (&a, T0 + S);
  sh_ws_socket_limits_clear (&other, T0 + S);
  /* Once refilled, gone accounts are forgotten. */
  sh_ws_socket_limits_init (&b, limits, 9, T0 + 60 * S);
  g_assert_cmpuint (sh_ws_limits_accounts (limits), ==, 1);
  sh_ws_socket_limits_clear (&b, T0 + 60 * S);
  g_assert_cmpuint (sh_ws_limits_accounts (limits), ==, 0);
  sh_ws_limits_unref (limits);
}

/* The catch-all counts messages and bytes per socket, all or nothing; the
 * largest message allowed always fits the bytes bucket. */
static void
test_socket_catch_all (void)
{
  g_autoptr (ShConfig) config = small_config ();
  ShWsLimits *limits = sh_ws_limits_new (config);
  ShWsSocketLimits s;
  gint64 retry = 0;
  guint passed = 0;

  sh_ws_socket_limits_init (&s, limits, 7, T0);
  /* Nothing left of the limits' creator is needed. */
  sh_ws_limits_unref (limits);
  g_assert_true (sh_ws_socket_limits_frame (&s, 4096, T0, NULL));
  g_assert_false (sh_ws_socket_limits_frame (&s, 1, T0, &retry));
  /* One byte at 1024 a second, rounded up. */
  g_assert_cmpint (retry, ==, 977);
  /* The refused frame took no message token. */
  g_assert_cmpint (sh_token_bucket_wait (&s.messages, 19, T0), ==, 0);
  /* Once bytes are back, the message count limits: 20 a burst. */
  for (guint i = 0; i < 100; i++)
    passed += sh_ws_socket_limits_frame (&s, 1, T0 + 4 * S, NULL);
  g_assert_cmpuint (passed, ==, 20);
  sh_ws_socket_limits_clear (&s, T0 + 4 * S);
  /* Clearing twice is harmless (the socket's free path may run once more). */
  sh_ws_socket_limits_clear (&s, T0 + 4 * S);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/rate-limit/bucket/burst-then-rate", test_bucket_burst_then_rate);
  g_test_add_func ("/rate-limit/bucket/refills-to-capacity-only",
                   test_bucket_refills_to_capacity_only);
  g_test_add_func ("/rate-limit/bucket/hostile-costs-and-clock",
                   test_bucket_hostile_costs_and_clock);
  g_test_add_func ("/rate-limit/abuse-streak", test_abuse_streak);
  g_test_add_func ("/rate-limit/ws/kinds-per-account", test_kinds_per_account);
  g_test_add_func ("/rate-limit/ws/socket-catch-all", test_socket_catch_all);
  return g_test_run ();
}
