/* The log-in throttle: free failures, growing delays, forgetting, bounds.
 * SPDX-License-Identifier: Apache-2.0 */
#include "throttle.h"

#define S G_GINT64_CONSTANT (1000000)
#define T0 G_GINT64_CONSTANT (1000000000000)

static void
test_delays_grow (void)
{
  g_autoptr (ShThrottle) t = sh_throttle_new (3, 2 * S, 60 * S, 600 * S, 100);
  gint64 now = T0;

  /* Two failures are free; the third makes the key wait. */
  for (int i = 0; i < 2; i++) {
    g_assert_cmpint (sh_throttle_wait (t, "k", now), ==, 0);
    g_assert_cmpint (sh_throttle_fail (t, "k", now), ==, 0);
  }
  g_assert_cmpint (sh_throttle_wait (t, "k", now), ==, 0);
  /* Then 2 s, 4 s, 8 s, ... up to the maximum. */
  g_assert_cmpint (sh_throttle_fail (t, "k", now), ==, 2 * S);
  g_assert_cmpint (sh_throttle_wait (t, "k", now + S), ==, S);
  g_assert_cmpint (sh_throttle_wait (t, "k", now + 2 * S), ==, 0);
  now += 2 * S;
  g_assert_cmpint (sh_throttle_fail (t, "k", now), ==, 4 * S);
  now += 4 * S;
  g_assert_cmpint (sh_throttle_fail (t, "k", now), ==, 8 * S);
  for (int i = 0; i < 100; i++)
    sh_throttle_fail (t, "k", now);
  g_assert_cmpint (sh_throttle_wait (t, "k", now), ==, 60 * S);
  /* Other keys are not affected. */
  g_assert_cmpint (sh_throttle_wait (t, "other", now), ==, 0);
}

static void
test_forget (void)
{
  g_autoptr (ShThrottle) t = sh_throttle_new (1, S, 10 * S, 100 * S, 100);

  sh_throttle_fail (t, "a1|10.0.0.1", T0);
  sh_throttle_fail (t, "a1|10.0.0.1", T0);
  sh_throttle_fail (t, "a12|10.0.0.1", T0);
  sh_throttle_fail (t, "a12|10.0.0.1", T0);
  g_assert_cmpint (sh_throttle_wait (t, "a1|10.0.0.1", T0), >, 0);
  /* An unlock of account 1 leaves account 12 alone. */
  sh_throttle_forget_prefix (t, "a1|");
  g_assert_cmpint (sh_throttle_wait (t, "a1|10.0.0.1", T0), ==, 0);
  g_assert_cmpint (sh_throttle_wait (t, "a12|10.0.0.1", T0), >, 0);
  sh_throttle_forget (t, "a12|10.0.0.1");
  g_assert_cmpuint (sh_throttle_size (t), ==, 0);

  /* A key quiet for the forget time starts from zero again. */
  g_assert_cmpint (sh_throttle_fail (t, "k", T0), ==, S);
  g_assert_cmpint (sh_throttle_fail (t, "k", T0 + 200 * S), ==, S);
}

/* A flood of distinct keys (addresses) keeps memory bounded, and the keys
 * still blocked survive the newest ones longest. */
static void
test_bounded (void)
{
  g_autoptr (ShThrottle) t = sh_throttle_new (0, S, 3600 * S, 3600 * S, 64);

  sh_throttle_fail (t, "attacker", T0 + 10 * S);
  for (int i = 0; i < 10000; i++) {
    g_autofree char *key = g_strdup_printf ("k%d", i);
    sh_throttle_fail (t, key, T0 + 10 * S + i);
    g_assert_cmpuint (sh_throttle_size (t), <=, 64);
  }
  g_assert_cmpuint (sh_throttle_size (t), ==, 64);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/throttle/delays-grow", test_delays_grow);
  g_test_add_func ("/throttle/forget", test_forget);
  g_test_add_func ("/throttle/bounded", test_bounded);
  return g_test_run ();
}
