/* The store interface: what a storage backend provides to the domain code
 * of the minutes module. Domain files (org.c, member.c, meeting.c, ...)
 * validate, apply the rules and run the state machines, then call the
 * backend through these tables; all SQL lives behind them, in one folder
 * per backend (sqlite/ today). No backend's own header is included here
 * or by any domain file.
 *
 * Each area's operations are declared in its own header, store-AREA.h
 * (store-org.h, store-member.h, ...), as `struct _ShAREAStoreOps`; the
 * typedefs below let this root struct compile without them.
 *
 * Conventions for every operation: the ShStore comes first, a GError last;
 * errors are SH_MINUTES_ERROR codes (a unique key violated: CONFLICT; a
 * reference to a missing row or a value the schema refuses: INVALID; a row
 * asked for by id that is not there: NOT_FOUND; anything else: DATABASE).
 * Returned records and arrays are (transfer full) and made with the
 * public types' free functions (sh_org_free, ...).
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "sanhui-minutes.h"

typedef struct _ShHealthStoreOps ShHealthStoreOps;
typedef struct _ShOrgStoreOps ShOrgStoreOps;
typedef struct _ShMemberStoreOps ShMemberStoreOps;
typedef struct _ShPostStoreOps ShPostStoreOps;
typedef struct _ShGroupStoreOps ShGroupStoreOps;
typedef struct _ShExclusionStoreOps ShExclusionStoreOps;
typedef struct _ShAccountStoreOps ShAccountStoreOps;
typedef struct _ShAccountAccessStoreOps ShAccountAccessStoreOps;
typedef struct _ShSessionStoreOps ShSessionStoreOps;
typedef struct _ShVisitStoreOps ShVisitStoreOps;
typedef struct _ShMeetingStoreOps ShMeetingStoreOps;
typedef struct _ShMeetingLogStoreOps ShMeetingLogStoreOps;
typedef struct _ShAttendanceStoreOps ShAttendanceStoreOps;
typedef struct _ShLeaveStoreOps ShLeaveStoreOps;
typedef struct _ShRollcallStoreOps ShRollcallStoreOps;
typedef struct _ShPresenceStoreOps ShPresenceStoreOps;
typedef struct _ShVoteStoreOps ShVoteStoreOps;
typedef struct _ShElectionStoreOps ShElectionStoreOps;
typedef struct _ShRecordingRenderStoreOps ShRecordingRenderStoreOps;
typedef struct _ShPastMeetingStoreOps ShPastMeetingStoreOps;
typedef struct _ShRecordingStoreOps ShRecordingStoreOps;
typedef struct _ShRecordingAccessStoreOps ShRecordingAccessStoreOps;

typedef struct _ShStoreBackend {
  const char *name; /* "sqlite" */

  /* Releases the backend's connection and its backend_data. */
  void (*close) (ShStore *store);

  /* One unit of work: begin, then commit or rollback. Calls nest: a begin
   * inside an open transaction starts a nested unit (a savepoint) that the
   * matching commit or rollback ends, so that record functions needing
   * atomicity compose (the demo loader, imports). Domain code uses
   * sh_store_transaction(), not these. A failed commit leaves the unit
   * open: the caller rolls it back. */
  gboolean (*begin) (ShStore *store, GError **error);
  gboolean (*commit) (ShStore *store, GError **error);
  void (*rollback) (ShStore *store);

  /* The schema version of the open database, -1 when it cannot be read. */
  int (*schema_version) (ShStore *store);
  /* The version this build's schema changes bring a store to. */
  int (*latest_schema_version) (void);
  /* A consistent copy of the whole store into a new file @dest_path. */
  gboolean (*backup) (ShStore *store, const char *dest_path, GError **error);
  /* Rows of one of the tables sh_store_count_rows() accepts, -1 on error. */
  gint64 (*count_rows) (ShStore *store, const char *table, GError **error);

  /* One table per area; store-AREA.h declares it. */
  const ShHealthStoreOps *health;
  const ShOrgStoreOps *org;
  const ShMemberStoreOps *member;
  const ShPostStoreOps *post;
  const ShGroupStoreOps *group;
  const ShExclusionStoreOps *exclusion;
  const ShAccountStoreOps *account;
  const ShAccountAccessStoreOps *account_access;
  const ShSessionStoreOps *session;
  const ShVisitStoreOps *visit;
  const ShMeetingStoreOps *meeting;
  const ShMeetingLogStoreOps *meeting_log;
  /* Optional: a backend without them (NULL) keeps no frozen attendance
   * and no leave; starting a meeting then freezes nothing. */
  const ShAttendanceStoreOps *attendance;
  const ShLeaveStoreOps *leave;
  /* Optional: a backend without it (NULL) keeps no roll calls. */
  const ShRollcallStoreOps *rollcall;
  /* Optional too: without it (NULL) no attendance intervals are kept. */
  const ShPresenceStoreOps *presence;
  /* Optional: a backend without it (NULL) keeps no motions and no votes. */
  const ShVoteStoreOps *vote;
  /* Optional: without it (NULL) elections have no candidates. */
  const ShElectionStoreOps *election;
  /* Optional: without it (NULL) no meeting can be entered afterwards (补录). */
  const ShPastMeetingStoreOps *past_meeting;
  /* Optional: without it (NULL) nothing is recorded. */
  const ShRecordingStoreOps *recording;
  /* Optional: without it (NULL) no composite is rendered. */
  const ShRecordingRenderStoreOps *recording_render;
  /* Optional: without it (NULL) recordings are not served (no audit log). */
  const ShRecordingAccessStoreOps *recording_access;
} ShStoreBackend;
