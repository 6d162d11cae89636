/* sanhui-minutes.h — the Party-meeting domain and its SQLite store.
 *
 * This is the only public header of the minutes module: callers include it
 * alone. Its areas are kept in the headers of include/sanhui-minutes/ (included at the end), so
 * that each stays readable; they refuse to be included on their own. It knows
 * nothing of media or HTTP. Every query lives behind these functions so that another
 * backend can be added without touching callers.
 *
 * Conventions:
 *  - Times are UTC microseconds since the epoch (gint64), 0 meaning "unset".
 *  - Ids are SQLite rowids (gint64), 0 meaning "none".
 *  - Functions returning a pointer say who owns it; records are freed with
 *    their *_free function (g_autoptr works for every record type).
 *  - Validation errors carry a Simplified Chinese message meant for the user,
 *    in the SH_MINUTES_ERROR domain.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* ---------------------------------------------------------------- errors */

#define SH_MINUTES_ERROR (sh_minutes_error_quark ())
GQuark sh_minutes_error_quark (void);

typedef enum {
  SH_MINUTES_ERROR_DATABASE,     /* SQLite failed; message names the statement's purpose */
  SH_MINUTES_ERROR_NEWER_SCHEMA, /* the file was written by a newer Sanhui */
  SH_MINUTES_ERROR_NOT_FOUND,    /* the record does not exist */
  SH_MINUTES_ERROR_INVALID,      /* input breaks a rule; message is for the user */
  SH_MINUTES_ERROR_CONFLICT,     /* a unique value is already taken */
  SH_MINUTES_ERROR_STATE,        /* not allowed in the record's current state */
} ShMinutesError;

/* ---------------------------------------------------------------- store */

typedef struct _ShStore ShStore;

/* Opens (creating if needed) the SQLite file at @path, turns on WAL and
 * foreign keys and applies pending migrations, each in its own transaction.
 * A file from a newer schema is refused with SH_MINUTES_ERROR_NEWER_SCHEMA.
 * Use ":memory:" for a private in-memory store.  Returns: (transfer full). */
ShStore *sh_store_open (const char *path, GError **error);
void sh_store_free (ShStore *store);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShStore, sh_store_free)

/* The schema version the file is at, and the newest this build knows. */
int sh_store_schema_version (ShStore *store);
int sh_store_latest_schema_version (void);

/* Copies the live database to @dest_path with SQLite's online backup API. */
gboolean sh_store_backup (ShStore *store, const char *dest_path, GError **error);

/* Runs @func inside one transaction: committed when it returns TRUE,
 * rolled back when it returns FALSE (it must then set @error). */
typedef gboolean (*ShStoreTxnFunc) (ShStore *store, gpointer user_data, GError **error);
gboolean sh_store_transaction (ShStore *store, ShStoreTxnFunc func, gpointer user_data,
                               GError **error);

/* Number of rows in @table; for tests and /metrics. Only known table names. */
gint64 sh_store_count_rows (ShStore *store, const char *table, GError **error);

/* Whether the store can serve: a real read of the tables that log-in and
 * meetings need, the file and its directory writable, space left on the
 * disk, and SQLite's `PRAGMA quick_check`. The quick check reads the whole
 * file, so it runs at most once every @quick_check_interval_s seconds, on a
 * separate connection in a worker thread; its last result is reused
 * meanwhile (the very first one is waited for). FALSE with a short English
 * reason in @error (SH_MINUTES_ERROR_DATABASE) when not healthy. Call from
 * the thread that owns @store. */
gboolean sh_store_check_health (ShStore *store, guint quick_check_interval_s, GError **error);

/* ----------------------------------------------------------------- text */

/* What text typed by people may hold. Every name, title and message goes
 * through sh_text_validate(): no NUL or other C0/C1 control characters
 * (but \n and \t in multi-line fields), no bidirectional embeddings,
 * overrides or isolates (U+202A..U+202E, U+2066..U+2069), and not empty once
 * spaces and invisible characters (zero-width space/joiner, BOM...) are
 * taken away. */
typedef enum {
  SH_TEXT_LINE = 0,           /* one line */
  SH_TEXT_MULTILINE = 1 << 0, /* \n and \t allowed: chat, agenda items, notes */
  SH_TEXT_ALLOW_CR = 1 << 1,  /* \r allowed too: protocol text such as SDP */
} ShTextFlags;

/* Checks the characters of @text (NULL passes). Errors are INVALID, with a
 * Chinese message that starts with @label ("姓名", "字段“title”"). */
gboolean sh_text_check (const char *text, const char *label, ShTextFlags flags, GError **error);
/* TRUE when @text is NULL or holds nothing visible. */
gboolean sh_text_is_blank (const char *text);
/* sh_text_check(), then not blank and at most @max_chars once trimmed. */
gboolean sh_text_validate (const char *text, const char *label, guint max_chars, ShTextFlags flags,
                           GError **error);

G_END_DECLS

/* The areas, in the order their types build on each other. */
#define SH_MINUTES_INSIDE
#include "sanhui-minutes/org.h"
#include "sanhui-minutes/meetings.h"
#include "sanhui-minutes/votes.h"
#include "sanhui-minutes/attendance.h"
#include "sanhui-minutes/elections.h"
#include "sanhui-minutes/organizational-life.h"
#include "sanhui-minutes/recordings.h"
#include "sanhui-minutes/meeting-minutes.h"
#include "sanhui-minutes/accounts.h"
#include "sanhui-minutes/archive.h"
#undef SH_MINUTES_INSIDE
