/* sanhui-minutes/votes.h — part of sanhui-minutes.h: Motions, written opinions and votes.
 * Included by sanhui-minutes.h only; see its conventions.
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#if !defined(SH_MINUTES_INSIDE)
#error "Include <sanhui-minutes.h>, not its parts."
#endif

G_BEGIN_DECLS

/* ------------------------------------ motions, written opinions, votes */

/* Motions (议题/表决事项) announced on a meeting before it starts, written
 * opinions (书面意见) of absent full members, and the votes held on them
 * in the live meeting (motion.c, opinion.c, vote.c, ballot-box.c; the
 * design and its limits in docs/votes.md). */
typedef enum {
  SH_MOTION_ORDINARY,   /* 一般事项: open or secret ballot, chosen */
  SH_MOTION_ADMISSION,  /* 发展党员: one candidate, secret */
  SH_MOTION_CONVERSION, /* 预备党员转正: one candidate, secret */
  SH_MOTION_ELECTION,   /* 选举: secret, the election quorum */
} ShMotionKind;

const char *sh_motion_kind_to_string (ShMotionKind k); /* "ordinary", ... */
gboolean sh_motion_kind_from_string (const char *s, ShMotionKind *out);
const char *sh_motion_kind_label (ShMotionKind k); /* "一般事项", ... */

#define SH_MOTION_TITLE_MAX_CHARS 200
#define SH_OPINION_TEXT_MAX_CHARS 2000

typedef struct {
  gint64 id;
  gint64 meeting_id;
  ShMotionKind kind;
  char *title;
  char *candidate;            /* admission and conversion: the one candidate's name */
  gint64 candidate_member_id; /* conversion: the probationary member */
  gboolean secret;            /* always TRUE but for an ordinary motion */
  gboolean ad_hoc;            /* raised by the chair in the meeting */
  gint64 created_by;          /* account id */
  gint64 created_at;
  gint64 withdrawn_by; /* 0 while announced */
  gint64 withdrawn_at;
} ShMotion;

void sh_motion_free (ShMotion *motion);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShMotion, sh_motion_free)

/* Announces a motion on @meeting_id, which has not started (STATE) and is
 * of a type that takes votes (INVALID), with a title. Admission names its
 * one candidate (@candidate, a 发展对象, not yet in the roster);
 * conversion names a probationary member of the meeting's branch
 * (@candidate_member_id; the name is taken from the record). @secret is
 * forced for every kind but ordinary. Returns the new id or 0. */
gint64 sh_motion_create (ShStore *store, gint64 meeting_id, ShMotionKind kind, const char *title,
                         const char *candidate, gint64 candidate_member_id, gboolean secret,
                         gint64 created_by, GError **error);
/* An ordinary motion the chair raises in the running meeting (ad hoc). */
gint64 sh_motion_create_ad_hoc (ShStore *store, gint64 meeting_id, const char *title,
                                gboolean secret, gint64 created_by, GError **error);
/* Withdraws an announced motion before the meeting starts (STATE). */
gboolean sh_motion_withdraw (ShStore *store, gint64 motion_id, gint64 withdrawn_by, GError **error);
ShMotion *sh_motion_get (ShStore *store, gint64 id, GError **error); /* transfer full */
/* Returns: (transfer full) (element-type ShMotion), in the order announced. */
GPtrArray *sh_motion_list (ShStore *store, gint64 meeting_id, GError **error);

/* An organization's vote settings (*configurable*, DOMAIN.md). */
typedef struct {
  /* Admission, conversion and elections online need the higher
   * organization's approval recorded on the meeting. Default TRUE. */
  gboolean approval_required;
  guint election_share_percent; /* the election quorum, 50..100, default 80 */
} ShVoteSettings;

#define SH_VOTE_ELECTION_SHARE_DEFAULT 80

/* The settings of @org_id, the defaults when none were set. */
gboolean sh_vote_settings_get (ShStore *store, gint64 org_id, ShVoteSettings *out, GError **error);
gboolean sh_vote_settings_set (ShStore *store, gint64 org_id, const ShVoteSettings *settings,
                               GError **error);

/* The higher organization's approval of online admission, conversion and
 * elections at one meeting, as recorded: which organization and document
 * (@approval), by whom and when. Recorded once (CONFLICT). */
typedef struct {
  gint64 meeting_id;
  char *approval;
  gint64 recorded_by; /* account id */
  gint64 recorded_at;
} ShVoteApproval;

void sh_vote_approval_free (ShVoteApproval *approval);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShVoteApproval, sh_vote_approval_free)

gboolean sh_vote_approval_record (ShStore *store, gint64 meeting_id, const char *approval,
                                  gint64 recorded_by, GError **error);
/* The recorded approval, NULL (and no error) when there is none. */
ShVoteApproval *sh_vote_approval_get (ShStore *store, gint64 meeting_id, GError **error);

typedef enum {
  SH_VOTE_FOR,     /* 赞成 */
  SH_VOTE_AGAINST, /* 反对 */
  SH_VOTE_ABSTAIN, /* 弃权 */
} ShVoteChoice;

#define SH_VOTE_CHOICE_COUNT 3

const char *sh_vote_choice_to_string (ShVoteChoice c); /* "for", "against", "abstain" */
gboolean sh_vote_choice_from_string (const char *s, ShVoteChoice *out);
const char *sh_vote_choice_label (ShVoteChoice c); /* "赞成", ... */

/* A written opinion (书面意见): named, given before the meeting. */
typedef struct {
  gint64 id;
  gint64 motion_id;
  gint64 member_id;
  ShVoteChoice choice;
  char *text;
  gint64 submitted_at;
  gint64 voided_by_vote; /* the vote it was void in (its member attended), 0 if none */
} ShWrittenOpinion;

void sh_written_opinion_free (ShWrittenOpinion *opinion);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShWrittenOpinion, sh_written_opinion_free)

/* The member of @account_id (no proxies: only for oneself) gives their
 * opinion on an announced admission or conversion motion (INVALID
 * otherwise) before the meeting starts (STATE): they must be an expected
 * member with a vote (INVALID). One per member and motion (CONFLICT).
 * Returns the new id or 0. */
gint64 sh_opinion_submit (ShStore *store, gint64 motion_id, gint64 account_id, ShVoteChoice choice,
                          const char *text, GError **error);
/* Returns: (transfer full) (element-type ShWrittenOpinion), by id. */
GPtrArray *sh_opinion_list (ShStore *store, gint64 motion_id, GError **error);

typedef enum {
  SH_VOTE_OPEN,   /* ballots being cast */
  SH_VOTE_CLOSED, /* counted: passed or not */
  SH_VOTE_VOID,   /* 无效: quorum lost, server restart, meeting ended */
} ShVoteState;

const char *sh_vote_state_to_string (ShVoteState s); /* "open", "closed", "void" */
gboolean sh_vote_state_from_string (const char *s, ShVoteState *out);

typedef struct {
  gint64 id;
  gint64 meeting_id;
  gint64 motion_id;
  gboolean secret;
  ShVoteState state;
  guint expected_voting;                /* frozen expected voting members */
  guint present_at_start;               /* of those, present when it opened */
  guint quorum;                         /* voting members present needed */
  guint ballots[SH_VOTE_CHOICE_COUNT];  /* per choice, set when closed */
  guint opinions[SH_VOTE_CHOICE_COUNT]; /* written opinions counted */
  gboolean passed;
  char *void_reason;
  gint64 opened_by; /* account id */
  gint64 opened_at;
  gint64 closed_at;
} ShVote;

void sh_vote_free (ShVote *vote);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShVote, sh_vote_free)

/* Whether a vote on a motion of @kind may open in a meeting of @type with
 * @present_voting of @expected_voting voting members present: the type
 * takes votes; admission, conversion and elections need the approval when
 * @approval_required; the quorum (an election's with @share_percent) is
 * met. Returns: the quorum, 0 with @error (INVALID, STATE) when not. Pure. */
guint sh_vote_check_start (ShMeetingType type, ShMotionKind kind, guint expected_voting,
                           guint present_voting, guint share_percent, gboolean approval_required,
                           gboolean approval_recorded, GError **error);
/* The quorum that must stay present while the vote runs. Pure. */
guint sh_vote_quorum (ShMeetingType type, ShMotionKind kind, guint expected_voting,
                      guint share_percent);

/* The ballot box of one open vote, in memory only (ballot-box.c): who
 * voted, and apart from it the count per choice and the receipts' hashes.
 * For a secret vote nothing in it joins a voter to a choice; for an open
 * vote (举手表决) the choice per voter is the record. */
typedef struct _ShBallotBox ShBallotBox;

ShBallotBox *sh_ballot_box_new (gboolean secret); /* transfer full */
void sh_ballot_box_free (ShBallotBox *box);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShBallotBox, sh_ballot_box_free)
/* Counts @member_id's ballot once (CONFLICT when they voted already).
 * @receipt_out: (out) (transfer full) a random receipt for the voter, whose
 * hash (sh_ballot_receipt_hash()) is published with the result. */
gboolean sh_ballot_box_cast (ShBallotBox *box, gint64 member_id, ShVoteChoice choice,
                             char **receipt_out, GError **error);
gboolean sh_ballot_box_has_voted (ShBallotBox *box, gint64 member_id);
guint sh_ballot_box_count (ShBallotBox *box);
/* Marks @member_id as attending the vote: their written opinion is void. */
void sh_ballot_box_mark_present (ShBallotBox *box, gint64 member_id);
/* Lowercase hex SHA-256 of @receipt. (transfer full) */
char *sh_ballot_receipt_hash (const char *receipt);

/* Opens a vote on @motion_id in its running meeting: no other vote open
 * there (CONFLICT), the motion announced and not yet decided by a counted
 * vote (STATE), sh_vote_check_start() against the frozen expected voting
 * members, of whom those in @present_members (member ids, the voting
 * members in the room now) count as present. Returns: (transfer full). */
ShVote *sh_vote_open (ShStore *store, gint64 motion_id, GArray *present_members, gint64 opened_by,
                      GError **error);
/* Whether the quorum of the open vote @vote holds with @present_members. */
gboolean sh_vote_quorum_held (ShStore *store, const ShVote *vote, GArray *present_members,
                              GError **error);
/* Counts @box into the open vote @vote_id in one unit of work: the voters,
 * the tallies, the receipts' hashes (in their sorted order), and the
 * written opinions of absent members; passes by sh_rules_motion_passes()
 * against the expected voting members. Returns: (transfer full) the vote. */
ShVote *sh_vote_close (ShStore *store, gint64 vote_id, ShBallotBox *box, GError **error);
/* The open vote @vote_id is void for @reason; no ballot is kept. */
gboolean sh_vote_void (ShStore *store, gint64 vote_id, const char *reason, GError **error);
/* Voids every vote left open (the server restarted: the ballots lived only
 * in memory). Returns how many, -1 on error. */
gint sh_vote_void_all_open (ShStore *store, const char *reason, GError **error);
ShVote *sh_vote_get (ShStore *store, gint64 id, GError **error); /* transfer full */
/* Returns: (transfer full) (element-type ShVote), in the order opened. */
GPtrArray *sh_vote_list (ShStore *store, gint64 meeting_id, GError **error);

typedef struct {
  gint64 member_id;
  gint choice; /* ShVoteChoice for an open vote, -1 for a secret one */
} ShVoteVoter;

/* Who voted in a closed vote, by member id. Returns: (transfer full)
 * (element-type ShVoteVoter). */
GArray *sh_vote_voters (ShStore *store, gint64 vote_id, GError **error);
/* The receipts' hashes of a closed vote, sorted. Returns: (transfer full). */
GStrv sh_vote_receipts (ShStore *store, gint64 vote_id, GError **error);

G_END_DECLS
