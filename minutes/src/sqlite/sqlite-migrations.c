/* The schema's numbered migrations. Never edit one that has shipped: add a
 * new one. Each runs in its own transaction when the store opens.
 * SPDX-License-Identifier: Apache-2.0 */
#include "sqlite-private.h"

const char *const sh_migrations[] = {
  /* 1: organizations, members, posts, groups, exclusions, accounts,
   *    sessions and meetings. */
  "CREATE TABLE organizations ("
  "  id INTEGER PRIMARY KEY,"
  "  parent_id INTEGER REFERENCES organizations(id),"
  "  kind TEXT NOT NULL CHECK (kind IN ('committee','general_branch','branch','group')),"
  "  name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),"
  "  themed_day INTEGER NOT NULL DEFAULT 0 CHECK (themed_day BETWEEN 0 AND 28),"
  "  online_votes_approved INTEGER NOT NULL DEFAULT 0,"
  "  created_at INTEGER NOT NULL);"
  "CREATE INDEX organizations_parent ON organizations(parent_id);"

  "CREATE TABLE members ("
  "  id INTEGER PRIMARY KEY,"
  "  branch_id INTEGER NOT NULL REFERENCES organizations(id),"
  "  name TEXT NOT NULL,"
  "  phone TEXT UNIQUE,"
  "  status TEXT NOT NULL CHECK (status IN ('full','probationary')),"
  "  under_probation INTEGER NOT NULL DEFAULT 0,"
  "  migrant INTEGER NOT NULL DEFAULT 0,"
  "  current_branch_id INTEGER REFERENCES organizations(id),"
  "  joined_on TEXT,"
  "  active INTEGER NOT NULL DEFAULT 1,"
  "  created_at INTEGER NOT NULL,"
  "  updated_at INTEGER NOT NULL);"
  "CREATE INDEX members_branch ON members(branch_id);"
  "CREATE INDEX members_current_branch ON members(current_branch_id);"

  "CREATE TABLE committee_posts ("
  "  branch_id INTEGER NOT NULL REFERENCES organizations(id),"
  "  member_id INTEGER NOT NULL REFERENCES members(id),"
  "  post TEXT NOT NULL CHECK (post IN ('secretary','deputy_secretary','organization',"
  "                                     'propaganda','discipline','committee_member')),"
  "  since INTEGER NOT NULL,"
  "  PRIMARY KEY (branch_id, member_id, post));"

  "CREATE TABLE group_members ("
  "  group_id INTEGER NOT NULL REFERENCES organizations(id),"
  "  member_id INTEGER NOT NULL REFERENCES members(id),"
  "  leader INTEGER NOT NULL DEFAULT 0,"
  "  PRIMARY KEY (group_id, member_id));"

  "CREATE TABLE exclusions ("
  "  id INTEGER PRIMARY KEY,"
  "  member_id INTEGER NOT NULL REFERENCES members(id),"
  "  reason TEXT NOT NULL CHECK (reason IN ('illness','abroad','sentence','bedridden','away')),"
  "  approver TEXT NOT NULL,"
  "  note TEXT,"
  "  starts_at INTEGER NOT NULL,"
  "  ends_at INTEGER NOT NULL DEFAULT 0,"
  "  recorded_by INTEGER,"
  "  created_at INTEGER NOT NULL);"
  "CREATE INDEX exclusions_member ON exclusions(member_id);"

  "CREATE TABLE accounts ("
  "  id INTEGER PRIMARY KEY,"
  "  login TEXT NOT NULL UNIQUE,"
  "  phone TEXT UNIQUE,"
  "  display_name TEXT NOT NULL,"
  "  member_id INTEGER UNIQUE REFERENCES members(id),"
  "  password_hash TEXT NOT NULL,"
  "  failed_logins INTEGER NOT NULL DEFAULT 0,"
  "  locked_until INTEGER NOT NULL DEFAULT 0,"
  "  disabled INTEGER NOT NULL DEFAULT 0,"
  "  created_at INTEGER NOT NULL);"

  "CREATE TABLE role_grants ("
  "  account_id INTEGER NOT NULL REFERENCES accounts(id),"
  "  role TEXT NOT NULL CHECK (role IN ('admin','secretary','inspector')),"
  "  org_id INTEGER NOT NULL DEFAULT 0,"
  "  PRIMARY KEY (account_id, role, org_id));"

  "CREATE TABLE sessions ("
  "  token_hash TEXT PRIMARY KEY,"
  "  account_id INTEGER NOT NULL REFERENCES accounts(id),"
  "  csrf_token TEXT NOT NULL,"
  "  created_at INTEGER NOT NULL,"
  "  expires_at INTEGER NOT NULL);"

  "CREATE TABLE meetings ("
  "  id INTEGER PRIMARY KEY,"
  "  org_id INTEGER NOT NULL REFERENCES organizations(id),"
  "  type TEXT NOT NULL CHECK (type IN ('general','committee','group','lesson','party_day')),"
  "  title TEXT NOT NULL,"
  "  planned_start INTEGER NOT NULL,"
  "  planned_end INTEGER NOT NULL CHECK (planned_end > planned_start),"
  "  place TEXT,"
  "  chair_member_id INTEGER REFERENCES members(id),"
  "  delegated_by_member_id INTEGER REFERENCES members(id),"
  "  delegation_note TEXT,"
  "  recorder_member_id INTEGER REFERENCES members(id),"
  "  lecturer_member_id INTEGER REFERENCES members(id),"
  "  lecturer_name TEXT,"
  "  topic TEXT,"
  "  state TEXT NOT NULL CHECK (state IN ('scheduled','open','in_progress','ended',"
  "                                       'archived','cancelled')),"
  "  cancel_reason TEXT,"
  "  node_id TEXT NOT NULL DEFAULT '',"
  "  created_by INTEGER,"
  "  created_at INTEGER NOT NULL,"
  "  updated_at INTEGER NOT NULL);"
  "CREATE INDEX meetings_org_start ON meetings(org_id, planned_start);"

  "CREATE TABLE agenda_items ("
  "  meeting_id INTEGER NOT NULL REFERENCES meetings(id),"
  "  position INTEGER NOT NULL,"
  "  title TEXT NOT NULL,"
  "  PRIMARY KEY (meeting_id, position));"

  /* Every state change of a meeting, append-only: the start of the room
   * event stream that attendance and minutes will consume. */
  "CREATE TABLE meeting_state_log ("
  "  id INTEGER PRIMARY KEY,"
  "  meeting_id INTEGER NOT NULL REFERENCES meetings(id),"
  "  from_state TEXT NOT NULL,"
  "  to_state TEXT NOT NULL,"
  "  reason TEXT,"
  "  at INTEGER NOT NULL);",

  /* 2: the live meeting room: chat kept with the meeting, the room event
   *    stream (join, leave, mute, hands, floor, chair actions) that
   *    attendance and minutes consume, and the approved guests (列席).
   *    Chat and events are append-only: triggers refuse changes, because
   *    inspectors audit them. */
  "CREATE TABLE meeting_chat ("
  "  id INTEGER PRIMARY KEY,"
  "  meeting_id INTEGER NOT NULL REFERENCES meetings(id),"
  "  account_id INTEGER NOT NULL REFERENCES accounts(id),"
  "  member_id INTEGER REFERENCES members(id),"
  "  text TEXT NOT NULL CHECK (length(text) BETWEEN 1 AND 1000),"
  "  at INTEGER NOT NULL);"
  "CREATE INDEX meeting_chat_meeting ON meeting_chat(meeting_id, id);"
  "CREATE TRIGGER meeting_chat_no_update BEFORE UPDATE ON meeting_chat"
  "  BEGIN SELECT RAISE(ABORT, 'meeting_chat is append-only'); END;"
  "CREATE TRIGGER meeting_chat_no_delete BEFORE DELETE ON meeting_chat"
  "  BEGIN SELECT RAISE(ABORT, 'meeting_chat is append-only'); END;"

  "CREATE TABLE meeting_events ("
  "  id INTEGER PRIMARY KEY,"
  "  meeting_id INTEGER NOT NULL REFERENCES meetings(id),"
  "  account_id INTEGER REFERENCES accounts(id),"
  "  member_id INTEGER REFERENCES members(id),"
  "  kind TEXT NOT NULL CHECK (kind IN ('joined','left','replaced','removed','muted',"
  "    'unmuted','hand_raised','hand_lowered','floor_given','floor_taken','locked','unlocked',"
  "    'lesson_mode_on','lesson_mode_off','started','ended')),"
  "  detail TEXT,"
  "  at INTEGER NOT NULL);"
  "CREATE INDEX meeting_events_meeting ON meeting_events(meeting_id, id);"
  "CREATE TRIGGER meeting_events_no_update BEFORE UPDATE ON meeting_events"
  "  BEGIN SELECT RAISE(ABORT, 'meeting_events is append-only'); END;"
  "CREATE TRIGGER meeting_events_no_delete BEFORE DELETE ON meeting_events"
  "  BEGIN SELECT RAISE(ABORT, 'meeting_events is append-only'); END;"

  "CREATE TABLE meeting_guests ("
  "  id INTEGER PRIMARY KEY,"
  "  meeting_id INTEGER NOT NULL REFERENCES meetings(id),"
  "  account_id INTEGER REFERENCES accounts(id),"
  "  name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),"
  "  approved_by INTEGER NOT NULL REFERENCES accounts(id),"
  "  at INTEGER NOT NULL,"
  "  UNIQUE (meeting_id, account_id));"
  "CREATE INDEX meeting_guests_meeting ON meeting_guests(meeting_id);",

  /* 3: log-in hardening. calendar_generation is signed into the calendar
   *    link, so bumping it (renewal, password change) kills old links.
   *    account_networks are the networks an account logged in from: they
   *    are exempt from the account-wide lock, so that a stranger's wrong
   *    passwords cannot lock the owner out of their usual place. */
  "ALTER TABLE accounts ADD COLUMN calendar_generation INTEGER NOT NULL DEFAULT 0;"
  "CREATE TABLE account_networks ("
  "  account_id INTEGER NOT NULL REFERENCES accounts(id),"
  "  network TEXT NOT NULL,"
  "  last_login_at INTEGER NOT NULL,"
  "  PRIMARY KEY (account_id, network));",

  /* 4: migrant visits (流动党员参加其他支部的组织生活). A visit is requested
   *    by the home side and takes effect only once the receiving branch
   *    accepts it; members.current_branch_id becomes a copy of the one
   *    accepted visit, kept so by triggers, so that every reader of it
   *    (roles, meeting lists, joining) honours the acceptance. Branches
   *    recorded before this version were never accepted by anyone: they
   *    become pending requests and grant nothing until accepted.
   *    member_visit_log is the append-only history auditors read. */
  "CREATE TABLE member_visits ("
  "  id INTEGER PRIMARY KEY,"
  "  member_id INTEGER NOT NULL REFERENCES members(id),"
  "  home_branch_id INTEGER NOT NULL REFERENCES organizations(id),"
  "  host_branch_id INTEGER NOT NULL REFERENCES organizations(id),"
  "  state TEXT NOT NULL CHECK (state IN ('pending','accepted','refused','ended')),"
  "  note TEXT,"
  "  requested_by INTEGER REFERENCES accounts(id),"
  "  requested_at INTEGER NOT NULL,"
  "  decided_by INTEGER REFERENCES accounts(id),"
  "  decided_at INTEGER,"
  "  decision_note TEXT,"
  "  ended_by INTEGER REFERENCES accounts(id),"
  "  ended_at INTEGER,"
  "  end_note TEXT,"
  "  CHECK (host_branch_id <> home_branch_id));"
  "CREATE UNIQUE INDEX member_visits_open ON member_visits(member_id)"
  "  WHERE state IN ('pending','accepted');"
  "CREATE INDEX member_visits_host ON member_visits(host_branch_id, id);"
  "CREATE INDEX member_visits_home ON member_visits(home_branch_id, id);"
  "CREATE TRIGGER member_visits_no_delete BEFORE DELETE ON member_visits"
  "  BEGIN SELECT RAISE(ABORT, 'member_visits are kept'); END;"
  "CREATE TRIGGER member_visits_forward_only BEFORE UPDATE ON member_visits"
  "  WHEN OLD.state IN ('refused','ended') OR NEW.member_id <> OLD.member_id"
  "    OR NEW.home_branch_id <> OLD.home_branch_id OR NEW.host_branch_id <> OLD.host_branch_id"
  "    OR NEW.requested_at <> OLD.requested_at OR NEW.requested_by IS NOT OLD.requested_by"
  "    OR (OLD.state = 'accepted' AND NEW.state NOT IN ('accepted','ended'))"
  "  BEGIN SELECT RAISE(ABORT, 'a decided visit cannot be changed'); END;"

  "CREATE TABLE member_visit_log ("
  "  id INTEGER PRIMARY KEY,"
  "  visit_id INTEGER NOT NULL REFERENCES member_visits(id),"
  "  state TEXT NOT NULL,"
  "  account_id INTEGER REFERENCES accounts(id),"
  "  note TEXT,"
  "  at INTEGER NOT NULL);"
  "CREATE INDEX member_visit_log_visit ON member_visit_log(visit_id, id);"
  "CREATE TRIGGER member_visit_log_no_update BEFORE UPDATE ON member_visit_log"
  "  BEGIN SELECT RAISE(ABORT, 'member_visit_log is append-only'); END;"
  "CREATE TRIGGER member_visit_log_no_delete BEFORE DELETE ON member_visit_log"
  "  BEGIN SELECT RAISE(ABORT, 'member_visit_log is append-only'); END;"

  "INSERT INTO member_visits (member_id, home_branch_id, host_branch_id, state, note,"
  "    requested_at)"
  "  SELECT id, branch_id, current_branch_id, 'pending',"
  "    '升级前登记的流动党员活动，待接收支部确认', CAST(strftime('%s','now') AS INTEGER) * 1000000"
  "  FROM members WHERE current_branch_id IS NOT NULL AND current_branch_id <> branch_id"
  "    AND active;"
  "INSERT INTO member_visit_log (visit_id, state, note, at)"
  "  SELECT id, state, note, requested_at FROM member_visits;"
  "UPDATE members SET current_branch_id = NULL WHERE current_branch_id IS NOT NULL;"

  /* From now on a member's current branch is the host of their accepted
   *    visit, or nothing. */
  "CREATE TRIGGER members_current_branch_insert BEFORE INSERT ON members"
  "  WHEN NEW.current_branch_id IS NOT NULL"
  "  BEGIN SELECT RAISE(ABORT, 'current_branch_id follows an accepted visit'); END;"
  "CREATE TRIGGER members_current_branch_update BEFORE UPDATE OF current_branch_id ON members"
  "  WHEN NEW.current_branch_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM member_visits v"
  "    WHERE v.member_id = NEW.id AND v.state = 'accepted'"
  "      AND v.host_branch_id = NEW.current_branch_id)"
  "  BEGIN SELECT RAISE(ABORT, 'current_branch_id follows an accepted visit'); END;",

  /* 5: one-time log-in codes an administrator hands a locked-out owner who
   *    is away from their usual networks: the right password and the code
   *    pass the account lock once, without lifting it for everyone. Stored
   *    as the SHA-256 of the code. */
  "CREATE TABLE login_codes ("
  "  account_id INTEGER PRIMARY KEY REFERENCES accounts(id),"
  "  code_hash TEXT NOT NULL,"
  "  expires_at INTEGER NOT NULL);",

  /* 6: the room event stream records every change of a live meeting: the
   *    chair's "mute all", state changes besides start and end, and media
   *    connections lost and regained. SQLite cannot widen a CHECK in place:
   *    the table is copied, row for row, into one that allows the new
   *    kinds (dropping a table fires none of its triggers). */
  "CREATE TABLE meeting_events_v6 ("
  "  id INTEGER PRIMARY KEY,"
  "  meeting_id INTEGER NOT NULL REFERENCES meetings(id),"
  "  account_id INTEGER REFERENCES accounts(id),"
  "  member_id INTEGER REFERENCES members(id),"
  "  kind TEXT NOT NULL CHECK (kind IN ('joined','left','replaced','removed','muted',"
  "    'unmuted','hand_raised','hand_lowered','floor_given','floor_taken','locked','unlocked',"
  "    'lesson_mode_on','lesson_mode_off','started','ended','all_muted','all_unmuted',"
  "    'state_changed','connection_lost','connection_regained')),"
  "  detail TEXT,"
  "  at INTEGER NOT NULL);"
  "INSERT INTO meeting_events_v6 (id, meeting_id, account_id, member_id, kind, detail, at)"
  "  SELECT id, meeting_id, account_id, member_id, kind, detail, at FROM meeting_events;"
  "DROP TABLE meeting_events;"
  "ALTER TABLE meeting_events_v6 RENAME TO meeting_events;"
  "CREATE INDEX meeting_events_meeting ON meeting_events(meeting_id, id);"
  "CREATE TRIGGER meeting_events_no_update BEFORE UPDATE ON meeting_events"
  "  BEGIN SELECT RAISE(ABORT, 'meeting_events is append-only'); END;"
  "CREATE TRIGGER meeting_events_no_delete BEFORE DELETE ON meeting_events"
  "  BEGIN SELECT RAISE(ABORT, 'meeting_events is append-only'); END;",

  /* 7: the expected attendance frozen when a meeting starts (one header
   *    row, one row per person, never changed), and leave requests (请假)
   *    with their log. A request moves only forward from pending; one open
   *    (pending or approved) request per member and meeting. */
  "CREATE TABLE attendance_frozen ("
  "  meeting_id INTEGER PRIMARY KEY REFERENCES meetings(id),"
  "  at INTEGER NOT NULL,"
  "  frozen_at INTEGER NOT NULL);"
  "CREATE TRIGGER attendance_frozen_no_update BEFORE UPDATE ON attendance_frozen"
  "  BEGIN SELECT RAISE(ABORT, 'attendance_frozen is append-only'); END;"
  "CREATE TRIGGER attendance_frozen_no_delete BEFORE DELETE ON attendance_frozen"
  "  BEGIN SELECT RAISE(ABORT, 'attendance_frozen is append-only'); END;"

  "CREATE TABLE attendance_entries ("
  "  id INTEGER PRIMARY KEY,"
  "  meeting_id INTEGER NOT NULL REFERENCES attendance_frozen(meeting_id),"
  "  position INTEGER NOT NULL,"
  "  role TEXT NOT NULL CHECK (role IN ('expected','excluded','visitor','guest')),"
  "  member_id INTEGER REFERENCES members(id),"
  "  account_id INTEGER REFERENCES accounts(id),"
  "  name TEXT NOT NULL,"
  "  status TEXT CHECK (status IN ('full','probationary')),"
  "  under_probation INTEGER NOT NULL DEFAULT 0,"
  "  has_vote INTEGER NOT NULL DEFAULT 0,"
  "  reason TEXT,"
  "  UNIQUE (meeting_id, position));"
  "CREATE TRIGGER attendance_entries_no_update BEFORE UPDATE ON attendance_entries"
  "  BEGIN SELECT RAISE(ABORT, 'attendance_entries is append-only'); END;"
  "CREATE TRIGGER attendance_entries_no_delete BEFORE DELETE ON attendance_entries"
  "  BEGIN SELECT RAISE(ABORT, 'attendance_entries is append-only'); END;"

  "CREATE TABLE leave_requests ("
  "  id INTEGER PRIMARY KEY,"
  "  meeting_id INTEGER NOT NULL REFERENCES meetings(id),"
  "  member_id INTEGER NOT NULL REFERENCES members(id),"
  "  reason TEXT NOT NULL,"
  "  state TEXT NOT NULL CHECK (state IN ('pending','approved','refused','withdrawn')),"
  "  requested_by INTEGER REFERENCES accounts(id),"
  "  requested_at INTEGER NOT NULL,"
  "  decided_by INTEGER REFERENCES accounts(id),"
  "  decided_at INTEGER,"
  "  decision_note TEXT);"
  "CREATE UNIQUE INDEX leave_requests_open ON leave_requests(meeting_id, member_id)"
  "  WHERE state IN ('pending','approved');"
  "CREATE INDEX leave_requests_member ON leave_requests(member_id, id);"
  "CREATE TRIGGER leave_requests_no_delete BEFORE DELETE ON leave_requests"
  "  BEGIN SELECT RAISE(ABORT, 'leave_requests are kept'); END;"
  "CREATE TRIGGER leave_requests_forward_only BEFORE UPDATE ON leave_requests"
  "  WHEN OLD.state <> 'pending' OR NEW.meeting_id <> OLD.meeting_id"
  "    OR NEW.member_id <> OLD.member_id OR NEW.reason <> OLD.reason"
  "    OR NEW.requested_at <> OLD.requested_at OR NEW.requested_by IS NOT OLD.requested_by"
  "  BEGIN SELECT RAISE(ABORT, 'a decided leave request cannot be changed'); END;"

  "CREATE TABLE leave_log ("
  "  id INTEGER PRIMARY KEY,"
  "  leave_id INTEGER NOT NULL REFERENCES leave_requests(id),"
  "  state TEXT NOT NULL,"
  "  account_id INTEGER REFERENCES accounts(id),"
  "  note TEXT,"
  "  at INTEGER NOT NULL);"
  "CREATE INDEX leave_log_leave ON leave_log(leave_id, id);"
  "CREATE TRIGGER leave_log_no_update BEFORE UPDATE ON leave_log"
  "  BEGIN SELECT RAISE(ABORT, 'leave_log is append-only'); END;"
  "CREATE TRIGGER leave_log_no_delete BEFORE DELETE ON leave_log"
  "  BEGIN SELECT RAISE(ABORT, 'leave_log is append-only'); END;",

  /* 8: roll calls (点名): one open per meeting (a partial unique index), and
   *    one entry per member asked or expected. Nothing is deleted; a roll
   *    call only gets closed, an entry only gets asked and answered, once. */
  "CREATE TABLE rollcalls ("
  "  id INTEGER PRIMARY KEY,"
  "  meeting_id INTEGER NOT NULL REFERENCES meetings(id),"
  "  started_by INTEGER REFERENCES accounts(id),"
  "  seconds INTEGER NOT NULL CHECK (seconds > 0),"
  "  started_at INTEGER NOT NULL,"
  "  deadline INTEGER NOT NULL,"
  "  closed_at INTEGER);"
  "CREATE UNIQUE INDEX rollcalls_open ON rollcalls(meeting_id) WHERE closed_at IS NULL;"
  "CREATE INDEX rollcalls_meeting ON rollcalls(meeting_id, id);"
  "CREATE TRIGGER rollcalls_no_delete BEFORE DELETE ON rollcalls"
  "  BEGIN SELECT RAISE(ABORT, 'rollcalls are kept'); END;"
  "CREATE TRIGGER rollcalls_close_only BEFORE UPDATE ON rollcalls"
  "  WHEN OLD.closed_at IS NOT NULL OR NEW.closed_at IS NULL OR NEW.meeting_id <> OLD.meeting_id"
  "    OR NEW.started_by IS NOT OLD.started_by OR NEW.seconds <> OLD.seconds"
  "    OR NEW.started_at <> OLD.started_at OR NEW.deadline <> OLD.deadline"
  "  BEGIN SELECT RAISE(ABORT, 'a roll call is only closed, once'); END;"

  "CREATE TABLE rollcall_entries ("
  "  id INTEGER PRIMARY KEY,"
  "  rollcall_id INTEGER NOT NULL REFERENCES rollcalls(id),"
  "  member_id INTEGER NOT NULL REFERENCES members(id),"
  "  account_id INTEGER REFERENCES accounts(id),"
  "  name TEXT NOT NULL,"
  "  expected INTEGER NOT NULL DEFAULT 0,"
  "  on_leave INTEGER NOT NULL DEFAULT 0,"
  "  asked_at INTEGER,"
  "  answered_at INTEGER,"
  "  UNIQUE (rollcall_id, member_id));"
  "CREATE TRIGGER rollcall_entries_no_delete BEFORE DELETE ON rollcall_entries"
  "  BEGIN SELECT RAISE(ABORT, 'rollcall_entries are kept'); END;"
  "CREATE TRIGGER rollcall_entries_once BEFORE UPDATE ON rollcall_entries"
  "  WHEN NEW.rollcall_id <> OLD.rollcall_id OR NEW.member_id <> OLD.member_id"
  "    OR NEW.name <> OLD.name OR NEW.expected <> OLD.expected OR NEW.on_leave <> OLD.on_leave"
  "    OR (OLD.asked_at IS NOT NULL AND NEW.asked_at IS NOT OLD.asked_at)"
  "    OR (OLD.account_id IS NOT NULL AND NEW.account_id IS NOT OLD.account_id)"
  "    OR (OLD.answered_at IS NOT NULL AND NEW.answered_at IS NOT OLD.answered_at)"
  "    OR (NEW.answered_at IS NOT NULL AND NEW.asked_at IS NULL)"
  "  BEGIN SELECT RAISE(ABORT, 'a roll call entry is asked and answered once'); END;",
  /* 9: attendance intervals (a person present with live media), and the
   *    heartbeat the running server writes so that the next start knows
   *    when a crash happened. An interval is only ever closed (once), or
   *    marked as having had video while open; it is never deleted. */
  "CREATE TABLE presence_intervals ("
  "  id INTEGER PRIMARY KEY,"
  "  meeting_id INTEGER NOT NULL REFERENCES meetings(id),"
  "  account_id INTEGER NOT NULL REFERENCES accounts(id),"
  "  member_id INTEGER REFERENCES members(id),"
  "  role TEXT NOT NULL CHECK (role IN ('expected','excluded','visitor','guest')),"
  "  started_at INTEGER NOT NULL,"
  "  ended_at INTEGER CHECK (ended_at IS NULL OR ended_at >= started_at),"
  "  end_reason TEXT CHECK ((ended_at IS NULL) = (end_reason IS NULL) AND end_reason IN"
  "    ('left','disconnected','removed','media_lost','replaced','meeting_ended',"
  "     'server_stopped','crash')),"
  "  device TEXT NOT NULL CHECK (device IN ('computer','phone')),"
  "  video INTEGER NOT NULL DEFAULT 0 CHECK (video IN (0, 1)));"
  "CREATE UNIQUE INDEX presence_intervals_open ON presence_intervals(meeting_id, account_id)"
  "  WHERE ended_at IS NULL;"
  "CREATE INDEX presence_intervals_meeting ON presence_intervals(meeting_id, started_at);"
  "CREATE INDEX presence_intervals_member ON presence_intervals(member_id, started_at);"
  "CREATE TRIGGER presence_intervals_no_delete BEFORE DELETE ON presence_intervals"
  "  BEGIN SELECT RAISE(ABORT, 'presence_intervals are kept'); END;"
  "CREATE TRIGGER presence_intervals_close_only BEFORE UPDATE ON presence_intervals"
  "  WHEN OLD.ended_at IS NOT NULL OR NEW.meeting_id <> OLD.meeting_id"
  "    OR NEW.account_id <> OLD.account_id OR NEW.member_id IS NOT OLD.member_id"
  "    OR NEW.role <> OLD.role OR NEW.started_at <> OLD.started_at"
  "    OR NEW.device <> OLD.device OR NEW.video < OLD.video"
  "  BEGIN SELECT RAISE(ABORT, 'a closed interval cannot be changed'); END;"
  "CREATE TABLE presence_heartbeat ("
  "  id INTEGER PRIMARY KEY CHECK (id = 1),"
  "  at INTEGER NOT NULL);",
};

const int sh_migrations_count = G_N_ELEMENTS (sh_migrations);
