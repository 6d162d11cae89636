/* The store interface, account area (account.c): accounts and their role
 * grants. The log-in state is in store-account-access.h. See
 * store-backend.h for the conventions. SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "store-backend.h"

struct _ShAccountStoreOps {
  /* A new account with the fields of @account (checked and normalized by
   * account.c: display name trimmed, blank phone NULL), no failures, no
   * lock. A login, phone or member another account has is a CONFLICT.
   * Returns: its id, 0 with @error set. */
  gint64 (*insert) (ShStore *store, const ShAccount *account, gint64 created_at, GError **error);
  /* The account @id, NULL with NOT_FOUND when there is none.
   * Returns: (transfer full) */
  ShAccount *(*get) (ShStore *store, gint64 id, GError **error);
  /* The account whose login is @login_or_phone or, when none, one whose
   * phone it is: a login may itself be eleven digits, and an exact login
   * wins over another account's phone. NULL with NOT_FOUND when neither.
   * Returns: (transfer full) */
  ShAccount *(*find) (ShStore *store, const char *login_or_phone, GError **error);
  /* The account of the member @member_id, NULL with NOT_FOUND when none.
   * Returns: (transfer full) */
  ShAccount *(*find_by_member) (ShStore *store, gint64 member_id, GError **error);
  /* Every account, by login. Returns: (transfer full) (element-type ShAccount) */
  GPtrArray *(*list) (ShStore *store, GError **error);
  /* Set *@taken to whether some account has this login, phone, member. */
  gboolean (*login_taken) (ShStore *store, const char *login, gboolean *taken, GError **error);
  gboolean (*phone_taken) (ShStore *store, const char *phone, gboolean *taken, GError **error);
  gboolean (*member_taken) (ShStore *store, gint64 member_id, gboolean *taken, GError **error);
  /* Set one field of the account @id; *@found tells whether it exists. */
  gboolean (*set_password_hash) (ShStore *store, gint64 id, const char *hash, gboolean *found,
                                 GError **error);
  gboolean (*set_disabled) (ShStore *store, gint64 id, gboolean disabled, gboolean *found,
                            GError **error);
  /* Sets *@is_admin to whether @id holds the admin role, and *@other to
   * whether an enabled account other than @id does. */
  gboolean (*admins) (ShStore *store, gint64 id, gboolean *is_admin, gboolean *other,
                      GError **error);
  /* Records that @account_id holds @role in @org_id (0 for admin); a grant
   * held already is no error. */
  gboolean (*grant) (ShStore *store, gint64 account_id, ShRole role, gint64 org_id, GError **error);
  /* Removes that grant; *@found tells whether it was held. */
  gboolean (*revoke) (ShStore *store, gint64 account_id, ShRole role, gint64 org_id,
                      gboolean *found, GError **error);
  /* The roles granted to @account_id (not the member role, which follows
   * the membership), by role then organization.
   * Returns: (transfer full) (element-type ShRoleGrant) */
  GArray *(*grants) (ShStore *store, gint64 account_id, GError **error);
};
