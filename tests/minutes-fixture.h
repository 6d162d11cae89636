/* Shared by the minutes module's unit tests: a store in memory or in a
 * temporary directory, and the organizations, members and accounts their
 * fixtures set up (each call asserts that it worked).
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "sqlite/sqlite-private.h"

/* A store in memory. Returns: (transfer full). */
ShStore *minutes_fixture_open_memory (void);

/* A store in the file sanhui.db of a new temporary directory, made from
 * @tmpl as g_dir_make_tmp() does. Sets *@dir and, unless @path is NULL,
 * *@path (both to free; minutes_fixture_close_tmp() frees *@dir).
 * Returns: (transfer full). */
ShStore *minutes_fixture_open_tmp (const char *tmpl, char **dir, char **path);

/* Removes the files in @dir, then @dir. */
void minutes_fixture_remove_dir (const char *dir);

/* Frees @store, then removes the files in @dir (the database and its -wal
 * and -shm files), @dir itself, and frees @dir. */
void minutes_fixture_close_tmp (ShStore *store, char *dir);

/* A new organization. Returns: its id. */
gint64 minutes_fixture_org (ShStore *store, gint64 parent, ShOrgKind kind, const char *name);

/* A new member as @m describes it. Returns: its id. */
gint64 minutes_fixture_create_member (ShStore *store, const ShMember *m);

/* A new member of @branch with @status; when @visiting is not 0, a migrant
 * who takes part in branch @visiting. Returns: its id. */
gint64 minutes_fixture_member (ShStore *store, gint64 branch, const char *name,
                               ShMemberStatus status, gint64 visiting);

/* A new account, linked to @member_id unless it is 0. Returns: its id. */
gint64 minutes_fixture_account (ShStore *store, const char *login, const char *display_name,
                                gint64 member_id);

/* A meeting of @org_id, two hours from @start on, not stored.
 * Returns: (transfer full). */
ShMeeting *minutes_fixture_meeting (gint64 org_id, ShMeetingType type, const char *title,
                                    gint64 start);
