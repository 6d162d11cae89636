/* Shared by the account files of the minutes module.
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "store-private.h"

/* Sets a minutes error of @code. Returns: FALSE. */
static inline gboolean
sh_account_error (GError **error, ShMinutesError code, const char *message)
{
  g_set_error_literal (error, SH_MINUTES_ERROR, code, message);
  return FALSE;
}

/* Runs a one-parameter existence query (@text, or @id when @text is NULL);
 * *@found tells whether a row came. */
gboolean sh_account_row_exists (ShStore *store, const char *sql, const char *text, gint64 id,
                                gboolean *found, GError **error);

/* Runs an UPDATE of one account bound to (?1 = @id, ?2 = @text or @value)
 * and reports NOT_FOUND when no row changed. */
gboolean sh_account_update (ShStore *store, const char *sql, gint64 id, const char *text,
                            gint64 value, const char *purpose, GError **error);
