/* Shared by the account files of the minutes module and their tests.
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "store-private.h"

/* The lock rule: an account's failures in a row and the end of its lock
 * after one more wrong log-in at @now, from @failed_logins and
 * @locked_until before it. @max_failures of 0 or less turns the lock off;
 * a lock that has run out starts the count again (else one more wrong try
 * would lock at once); failures while locked leave the lock as it is, so
 * that a stranger cannot keep the account locked for ever.
 * Returns: the new count of failures; sets *@new_locked_until. */
int sh_account_next_failure (int failed_logins, gint64 locked_until, gint64 now, int max_failures,
                             gint64 lock_duration, gint64 *new_locked_until);
