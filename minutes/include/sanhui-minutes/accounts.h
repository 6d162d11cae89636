/* sanhui-minutes/accounts.h — part of sanhui-minutes.h: Accounts and roles, sessions, and the
 * member import. Included by sanhui-minutes.h only; see its conventions. SPDX-License-Identifier:
 * Apache-2.0 */
#pragma once

#if !defined(SH_MINUTES_INSIDE)
#error "Include <sanhui-minutes.h>, not its parts."
#endif

G_BEGIN_DECLS

/* ------------------------------------------------------- accounts, roles */

typedef enum {
  SH_ROLE_ADMIN,     /* everything; org_id 0 */
  SH_ROLE_SECRETARY, /* of a branch: its members, groups and meetings */
  SH_ROLE_MEMBER,    /* of the member's own branch (derived from member_id) */
  SH_ROLE_INSPECTOR, /* read-only, of an organization and everything below */
} ShRole;

const char *sh_role_to_string (ShRole role);
gboolean sh_role_from_string (const char *s, ShRole *out);

typedef struct {
  ShRole role;
  gint64 org_id;
} ShRoleGrant;

typedef struct {
  gint64 id;
  char *login; /* account name, unique */
  char *phone; /* may be NULL; unique; also accepted at log-in */
  char *display_name;
  gint64 member_id;    /* 0 for accounts that are not Party members of a branch here */
  char *password_hash; /* opaque encoded hash; never logged */
  int failed_logins;
  gint64 locked_until;
  gboolean disabled;
  gint64 calendar_generation; /* signed into calendar links; bumped to revoke them */
} ShAccount;

void sh_account_free (ShAccount *account);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShAccount, sh_account_free)

gint64 sh_account_create (ShStore *store, const ShAccount *account, GError **error);
ShAccount *sh_account_get (ShStore *store, gint64 id, GError **error);
/* Looks up by account name, or by phone number. NOT_FOUND if neither. */
ShAccount *sh_account_find (ShStore *store, const char *login_or_phone, GError **error);
ShAccount *sh_account_find_by_member (ShStore *store, gint64 member_id, GError **error);
/* Returns: (transfer full) (element-type ShAccount). */
GPtrArray *sh_account_list (ShStore *store, GError **error);
gboolean sh_account_set_password_hash (ShStore *store, gint64 id, const char *hash, GError **error);
/* Disabling the last enabled administrator is refused (STATE). */
gboolean sh_account_set_disabled (ShStore *store, gint64 id, gboolean disabled, GError **error);

/* Counts a failed log-in; after @max_failures in a row the account is locked
 * until @now + @lock_duration. A lock that has expired starts the count
 * again; failures while locked do not extend the lock. Returns the new
 * failure count. */
int sh_account_record_failure (ShStore *store, gint64 id, gint64 now, int max_failures,
                               gint64 lock_duration, GError **error);
/* Clears the failure count and the lock (a log-in succeeded, or an
 * administrator unlocked the account). */
gboolean sh_account_record_success (ShStore *store, gint64 id, GError **error);
/* Sets a new password hash, clears the lock, bumps the calendar generation
 * and ends every session of the account except @keep_token_hash (nullable),
 * in one transaction. */
gboolean sh_account_change_password (ShStore *store, gint64 id, const char *hash,
                                     const char *keep_token_hash, GError **error);
/* Bumps the calendar generation (old calendar links stop working).
 * Returns the new generation, or -1 with @error set. */
gint64 sh_account_renew_calendar (ShStore *store, gint64 id, GError **error);
/* Remembers that @network (an opaque string, e.g. "203.0.113.0/24") saw a
 * successful log-in of the account at @now, and forgets the account's
 * networks last seen before @forget_before. */
gboolean sh_account_add_network (ShStore *store, gint64 id, const char *network, gint64 now,
                                 gint64 forget_before, GError **error);
/* Gives the account a one-time log-in code (replacing any earlier one),
 * stored as @code_hash, valid until @expires_at. */
gboolean sh_account_set_login_code (ShStore *store, gint64 id, const char *code_hash,
                                    gint64 expires_at, GError **error);
/* Uses up the account's one-time code if @code_hash is it and it has not
 * expired at @now; sets @used. */
gboolean sh_account_use_login_code (ShStore *store, gint64 id, const char *code_hash, gint64 now,
                                    gboolean *used, GError **error);
/* Whether the account logged in from @network at or after @since. */
gboolean sh_account_knows_network (ShStore *store, gint64 id, const char *network, gint64 since,
                                   gboolean *known, GError **error);

gboolean sh_role_grant (ShStore *store, gint64 account_id, ShRole role, gint64 org_id,
                        GError **error);
/* Revoking the admin role of the last enabled administrator is refused
 * (STATE): nobody could manage accounts any more. */
gboolean sh_role_revoke (ShStore *store, gint64 account_id, ShRole role, gint64 org_id,
                         GError **error);
/* Every grant of the account, including the member role derived from its
 * member (home branch, and the branch a migrant visits).
 * Returns: (transfer full) GArray of ShRoleGrant. */
GArray *sh_account_roles (ShStore *store, gint64 account_id, GError **error);

/* -------------------------------------------------------------- sessions */

/* Sessions are stored by the SHA-256 of their token, never the token. */
gboolean sh_session_create (ShStore *store, const char *token_hash, gint64 account_id,
                            const char *csrf_token, gint64 expires_at, GError **error);
/* Finds a live session; sets @account_id and @csrf_token (transfer full). */
gboolean sh_session_lookup (ShStore *store, const char *token_hash, gint64 now, gint64 *account_id,
                            char **csrf_token, GError **error);
gboolean sh_session_delete (ShStore *store, const char *token_hash, GError **error);
/* Ends every session of @account_id except @keep_token_hash (nullable);
 * returns how many, or -1 with @error set. */
gint64 sh_session_delete_for_account (ShStore *store, gint64 account_id,
                                      const char *keep_token_hash, GError **error);
/* Removes expired sessions; returns how many. */
gint64 sh_session_purge (ShStore *store, gint64 now, GError **error);

/* ------------------------------------------------------- member import */

typedef struct {
  guint line;    /* 1-based line in the file */
  char *message; /* why, in Chinese */
} ShImportRejection;

typedef struct {
  gint64 branch_id;
  GPtrArray *members;  /* (element-type ShMember) valid rows */
  GPtrArray *rejected; /* (element-type ShImportRejection) */
  char *encoding;      /* "UTF-8", "UTF-8 (BOM)" or "GBK" */
} ShImportPreview;

void sh_import_preview_free (ShImportPreview *preview);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShImportPreview, sh_import_preview_free)

/* Parses a CSV as Excel and WPS write it (UTF-8 with or without BOM, or GBK;
 * quoted fields, CRLF). Columns by Chinese header: 姓名, 手机号, 党员类别
 * (正式/预备), 入党日期, 留党察看 (是/否), 流动党员 (是/否). Rows that break a
 * rule, or repeat a phone number in the file or the store, are rejected with
 * their line. A file that cannot be read at all is an error.
 * Returns: (transfer full). */
ShImportPreview *sh_import_preview_csv (ShStore *store, gint64 branch_id, const char *data,
                                        gsize length, GError **error);

/* Imports the preview's members in one transaction. With rejected rows
 * present nothing is imported unless @skip_rejected. Sets @imported. */
gboolean sh_import_commit (ShStore *store, const ShImportPreview *preview, gboolean skip_rejected,
                           guint *imported, GError **error);

G_END_DECLS
