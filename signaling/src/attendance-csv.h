/* CSV exports of attendance (docs/api.md "Attendance record"): files that
 * Excel and WPS open cleanly. UTF-8 with a byte order mark, CRLF line
 * ends, fields quoted as RFC 4180 says (only those that need it), a cell
 * starting with = + - @ (or a tab or carriage return) prefixed with ' so
 * that no spreadsheet runs it as a formula, times as "YYYY-MM-DD HH:MM:SS"
 * in the display zone.
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

#include "sanhui-minutes.h"

/* A new document: the byte order mark only. Returns: (transfer full) */
GString *sh_csv_new (void);
/* Appends one record of @n cells (NULL cells are empty) and CRLF. */
void sh_csv_row (GString *csv, const char *const *cells, guint n);
/* One cell, guarded and quoted, appended to @out. */
void sh_csv_cell (GString *out, const char *value);
/* "YYYY-MM-DD HH:MM:SS" of @utc_us in @tz; "" for 0. Returns: (transfer full) */
char *sh_csv_time (gint64 utc_us, GTimeZone *tz);
/* Minutes with one decimal ("47.5") of @us. Returns: (transfer full) */
char *sh_csv_minutes (gint64 us);
/* The value of a Content-Disposition header for an attachment named
 * @filename (UTF-8): an ASCII fallback (@ascii_fallback) and the real
 * name as filename* (RFC 6266, RFC 8187). Returns: (transfer full) */
char *sh_csv_content_disposition (const char *ascii_fallback, const char *filename);

/* The entry of @member_id (not 0) in @rollcall, NULL when they have none
 * (a guest, or someone neither expected nor in the room while it was
 * open). (transfer none) */
const ShRollcallEntry *sh_rollcall_entry_of (const ShRollcall *rollcall, gint64 member_id);

/* The three documents. Columns are those of docs/api.md; the meeting's
 * @rollcalls (nullable, element-type ShRollcall, oldest first) add one
 * last column each to the member rows: "点名1（14:05）" → "已签到 14:05:12",
 * "未签到", "缺席", "请假". Returns: (transfer full) */
GString *sh_csv_meeting_attendance (const ShMeeting *meeting, const ShAttendanceRecord *record,
                                    GPtrArray *rollcalls, GTimeZone *tz);

/* One meeting of a period: the meeting, its record and (for a member's
 * history) the member's row in it. */
typedef struct {
  ShMeeting *meeting;
  ShAttendanceRecord *record;
  const ShAttendanceRow *row; /* (nullable) borrowed from record */
} ShAttendanceItem;

void sh_attendance_item_free (ShAttendanceItem *item);

/* A member's attendance over a period: one line per meeting. @items:
 * (element-type ShAttendanceItem) by planned start. */
GString *sh_csv_member_attendance (const char *name, GPtrArray *items, GTimeZone *tz);

/* A member's totals over a branch's meetings (ShAttendanceTotals). */
typedef struct {
  gint64 member_id;
  char *name;
  guint expected, present, partly, late, left_early, absent, on_leave, excluded;
  gint64 total_us;
} ShAttendanceTotals;

/* Per member totals of @items, in order of first appearance.
 * Returns: (transfer full) (element-type ShAttendanceTotals) */
GPtrArray *sh_attendance_totals (GPtrArray *items);

/* A branch's attendance over a period: per meeting counts, then per
 * member totals. */
GString *sh_csv_org_attendance (const char *org_name, GPtrArray *items, GPtrArray *totals,
                                GTimeZone *tz);
