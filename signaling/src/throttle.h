/* Failure counters with growing delays, keyed by a string (a client
 * address, or an account and an address): the log-in throttle.
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

typedef struct _ShThrottle ShThrottle;

/* The @free_failures-th failure of a key blocks it for @base_delay, each
 * further one for twice as long as the one before, up to @max_delay (µs). A key that has not
 * failed for @forget_after µs starts again from zero. At most @max_keys keys
 * are kept (the stalest go first), so that a flood of addresses cannot
 * exhaust memory. Returns: (transfer full). */
ShThrottle *sh_throttle_new (guint free_failures, gint64 base_delay, gint64 max_delay,
                             gint64 forget_after, guint max_keys);
void sh_throttle_free (ShThrottle *throttle);

/* How long @key must still wait at @now (µs), 0 when it may try. */
gint64 sh_throttle_wait (ShThrottle *throttle, const char *key, gint64 now);
/* Counts a failure of @key at @now; returns the wait it now has (µs). */
gint64 sh_throttle_fail (ShThrottle *throttle, const char *key, gint64 now);
/* Forgets @key (a success). */
void sh_throttle_forget (ShThrottle *throttle, const char *key);
/* Forgets every key starting with @prefix (an administrator's unlock). */
void sh_throttle_forget_prefix (ShThrottle *throttle, const char *prefix);
/* Number of keys kept. */
guint sh_throttle_size (ShThrottle *throttle);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShThrottle, sh_throttle_free)
