/* The schema's numbered migrations. Never edit one that has shipped: add a
 * new one. Each runs in its own transaction when the store opens.
 * SPDX-License-Identifier: Apache-2.0 */
#include "store-private.h"

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
};

const int sh_migrations_count = G_N_ELEMENTS (sh_migrations);
