/* Failure counters with growing delays.
 * SPDX-License-Identifier: Apache-2.0 */
#include "throttle.h"

#include <string.h>

typedef struct {
  guint failures;
  gint64 last_failure;
  gint64 blocked_until;
} Entry;

struct _ShThrottle {
  guint free_failures;
  gint64 base_delay;
  gint64 max_delay;
  gint64 forget_after;
  guint max_keys;
  GHashTable *entries; /* key (owned) -> Entry (owned) */
};

ShThrottle *
sh_throttle_new (guint free_failures, gint64 base_delay, gint64 max_delay, gint64 forget_after,
                 guint max_keys)
{
  ShThrottle *t;

  g_return_val_if_fail (base_delay > 0 && max_delay >= base_delay && max_keys > 0, NULL);
  t = g_new0 (ShThrottle, 1);
  t->free_failures = free_failures;
  t->base_delay = base_delay;
  t->max_delay = max_delay;
  t->forget_after = forget_after;
  t->max_keys = max_keys;
  t->entries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return t;
}

void
sh_throttle_free (ShThrottle *throttle)
{
  if (!throttle)
    return;
  g_hash_table_unref (throttle->entries);
  g_free (throttle);
}

static gboolean
stale (const ShThrottle *t, const Entry *e, gint64 now)
{
  return e->blocked_until <= now && now - e->last_failure >= t->forget_after;
}

gint64
sh_throttle_wait (ShThrottle *throttle, const char *key, gint64 now)
{
  Entry *e = g_hash_table_lookup (throttle->entries, key);

  return e && e->blocked_until > now ? e->blocked_until - now : 0;
}

/* Makes room for one more key: drops the stale keys, and when none is stale
 * the one whose last failure is oldest. O(n), but only when full. */
static void
make_room (ShThrottle *t, gint64 now)
{
  GHashTableIter iter;
  gpointer key, value;
  const char *oldest = NULL;
  gint64 oldest_at = G_MAXINT64;

  g_hash_table_iter_init (&iter, t->entries);
  while (g_hash_table_iter_next (&iter, &key, &value)) {
    Entry *e = value;
    if (stale (t, e, now)) {
      g_hash_table_iter_remove (&iter);
    } else if (e->last_failure < oldest_at) {
      oldest_at = e->last_failure;
      oldest = key;
    }
  }
  if (g_hash_table_size (t->entries) >= t->max_keys && oldest)
    g_hash_table_remove (t->entries, oldest);
}

gint64
sh_throttle_fail (ShThrottle *throttle, const char *key, gint64 now)
{
  Entry *e = g_hash_table_lookup (throttle->entries, key);
  guint over;
  gint64 delay;

  if (e && stale (throttle, e, now)) {
    e->failures = 0;
    e->blocked_until = 0;
  }
  if (!e) {
    if (g_hash_table_size (throttle->entries) >= throttle->max_keys)
      make_room (throttle, now);
    e = g_new0 (Entry, 1);
    g_hash_table_insert (throttle->entries, g_strdup (key), e);
  }
  e->failures++;
  e->last_failure = now;
  if (e->failures < throttle->free_failures)
    return sh_throttle_wait (throttle, key, now);
  /* base * 2^over, computed without overflow. */
  over = e->failures - throttle->free_failures;
  delay = throttle->base_delay;
  for (guint i = 0; i < over && delay < throttle->max_delay; i++)
    delay *= 2;
  delay = MIN (delay, throttle->max_delay);
  e->blocked_until = MAX (e->blocked_until, now + delay);
  return e->blocked_until - now;
}

void
sh_throttle_forget (ShThrottle *throttle, const char *key)
{
  g_hash_table_remove (throttle->entries, key);
}

static gboolean
has_prefix (gpointer key, gpointer value, gpointer prefix)
{
  return g_str_has_prefix (key, prefix);
}

void
sh_throttle_forget_prefix (ShThrottle *throttle, const char *prefix)
{
  g_hash_table_foreach_remove (throttle->entries, has_prefix, (gpointer) prefix);
}

guint
sh_throttle_size (ShThrottle *throttle)
{
  return g_hash_table_size (throttle->entries);
}
