/* sanhui-minutes/recordings.h — part of sanhui-minutes.h: Recordings, their tracks and files, the
 * composite render queue and the audit log of accesses. Included by sanhui-minutes.h only; see its
 * conventions. SPDX-License-Identifier: Apache-2.0 */
#pragma once

#if !defined(SH_MINUTES_INSIDE)
#error "Include <sanhui-minutes.h>, not its parts."
#endif

G_BEGIN_DECLS

/* ------------------------------------------------------- recordings */

/* A meeting's recording (docs/recording.md): the live recorder's tracks and
 * every finished file with its size, duration and SHA-256. A recording
 * still "recording" at start-up was cut by a crash: it is closed as
 * "interrupted" at the crash moment. Files are append-only. */
typedef enum {
  SH_RECORDING_RECORDING,
  SH_RECORDING_COMPLETE,
  SH_RECORDING_INTERRUPTED,
} ShRecordingState;

const char *sh_recording_state_to_string (ShRecordingState state); /* "recording", ... */

typedef struct {
  gint64 id;
  gint64 meeting_id;
  gint64 started_at;
  gint64 ended_at; /* 0 while recording */
  ShRecordingState state;
  gint64 interrupted_at; /* the crash moment, 0 unless interrupted */
} ShRecording;

void sh_recording_free (ShRecording *recording);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShRecording, sh_recording_free)

typedef struct {
  gint64 id;
  gint64 recording_id;
  guint64 track;      /* the media room's track id */
  char *kind;         /* "microphone", "camera", "screen" */
  char *codec;        /* "opus", "VP8", "VP9", "H264" */
  gint64 participant; /* the publisher's participant id in the room */
  gint64 member_id;   /* 0: not a member (a guest) */
  char *display_name;
  char *location;   /* fragment pattern relative to the data dir, one %05d */
  gint64 offset_ns; /* the track's time 0 after the recording's start */
  gint64 started_at;
  gint64 ended_at; /* 0 while recording */
} ShRecordingTrack;

void sh_recording_track_free (ShRecordingTrack *track);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShRecordingTrack, sh_recording_track_free)

typedef enum {
  SH_RECORDING_FILE_FRAGMENT,
  SH_RECORDING_FILE_TRACK,
  SH_RECORDING_FILE_COMPOSITE,
} ShRecordingFileKind;

const char *sh_recording_file_kind_to_string (ShRecordingFileKind kind);

typedef struct {
  gint64 id;
  gint64 recording_id;
  gint64 track_id; /* a recording_tracks id; 0 for a composite */
  ShRecordingFileKind kind;
  char *path; /* relative to the data directory */
  gint64 size;
  gint64 duration_ns;
  char *sha256; /* lower-case hex */
  gint64 finished_at;
} ShRecordingFile;

void sh_recording_file_free (ShRecordingFile *file);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShRecordingFile, sh_recording_file_free)

/* A new recording of @meeting_id in state recording. Returns its id, 0
 * with @error set. */
gint64 sh_recording_start (ShStore *store, gint64 meeting_id, gint64 at, GError **error);
/* Ends a recording that is still recording: complete at @at. STATE when
 * it is not recording any more. */
gboolean sh_recording_complete (ShStore *store, gint64 recording_id, gint64 at, GError **error);
/* Returns: (transfer full) the recording @id, NULL with NOT_FOUND. */
ShRecording *sh_recording_get (ShStore *store, gint64 recording_id, GError **error);
/* Recordings of @meeting_id (0: all) by id.
 * Returns: (transfer full) (element-type ShRecording) */
GPtrArray *sh_recording_list (ShStore *store, gint64 meeting_id, GError **error);

/* A track (@track's id is ignored). Returns its id, 0 with @error set. */
gint64 sh_recording_add_track (ShStore *store, const ShRecordingTrack *track, GError **error);
/* The latest offset of track @id; @ended_at 0 keeps it open. */
gboolean sh_recording_update_track (ShStore *store, gint64 track_id, gint64 offset_ns,
                                    gint64 ended_at, GError **error);
/* Returns: (transfer full) (element-type ShRecordingTrack) by id. */
GPtrArray *sh_recording_list_tracks (ShStore *store, gint64 recording_id, GError **error);

/* A finished file (@file's id is ignored): fragments from the live
 * recorder, per-track files and composites from the renderer. A path
 * recorded twice is a CONFLICT. Returns its id, 0 with @error set. */
gint64 sh_recording_add_file (ShStore *store, const ShRecordingFile *file, GError **error);
/* Files of @recording_id (0: of every recording of @meeting_id; both 0:
 * all) by id. Returns: (transfer full) (element-type ShRecordingFile) */
GPtrArray *sh_recording_list_files (ShStore *store, gint64 recording_id, gint64 meeting_id,
                                    GError **error);

/* After a crash: every recording still recording becomes interrupted, its
 * interrupted_at and ended_at the crash moment (the later of the server's
 * last heartbeat, sh_presence_heartbeat(), its last finished file and its
 * start), and its open tracks end there too.
 * Returns: (transfer full) (element-type ShRecording) those closed. */
GPtrArray *sh_recording_close_after_crash (ShStore *store, GError **error);
/* Ends a recording that is still recording as interrupted at @at (the
 * server stopped, the disk filled): interrupted_at and ended_at @at, its
 * open tracks end there. STATE when it is not recording any more. */
gboolean sh_recording_interrupt (ShStore *store, gint64 recording_id, gint64 at, GError **error);

/* ------------------------------------------------------- recording renders */

/* The composite render of a finished recording (docs/recording.md, "After
 * the meeting"): one row per recording, queued when the recording ends or
 * is closed after a crash, run by the server one at a time. A render still
 * queued or running at start-up is run again from the beginning. */
typedef enum {
  SH_RECORDING_RENDER_QUEUED,
  SH_RECORDING_RENDER_RUNNING,
  SH_RECORDING_RENDER_DONE,
  SH_RECORDING_RENDER_FAILED, /* gave up after its attempts */
} ShRecordingRenderState;

const char *sh_recording_render_state_to_string (ShRecordingRenderState state); /* "queued", ... */

typedef struct {
  gint64 id;
  gint64 recording_id;
  ShRecordingRenderState state;
  guint progress; /* 0..1000 of the current attempt */
  guint attempts; /* attempts started */
  char *error;    /* the last attempt's failure, NULL if none */
  gint64 queued_at;
  gint64 started_at;  /* the current or last attempt's start, 0 if none */
  gint64 finished_at; /* done or failed, 0 otherwise */
} ShRecordingRender;

void sh_recording_render_free (ShRecordingRender *render);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShRecordingRender, sh_recording_render_free)

/* Queues the render of @recording_id at @at; a recording has one render,
 * so queuing it again returns the existing row's id. 0 with @error set. */
gint64 sh_recording_render_queue (ShStore *store, gint64 recording_id, gint64 at, GError **error);
/* Returns: (transfer full) the render of @recording_id, NULL with NOT_FOUND. */
ShRecordingRender *sh_recording_render_get (ShStore *store, gint64 recording_id, GError **error);
/* Renders queued or running, oldest first.
 * Returns: (transfer full) (element-type ShRecordingRender) */
GPtrArray *sh_recording_render_list_unfinished (ShStore *store, GError **error);
/* Writes @render's state, progress, attempts, error and times (by its id). */
gboolean sh_recording_render_update (ShStore *store, const ShRecordingRender *render,
                                     GError **error);

/* ------------------------------------------------------- recording access */

/* The audit log of recordings (docs/recording.md, "Playback and download"):
 * who listed, played or downloaded what of a meeting's recordings, and who
 * was refused. Append-only. A player's many Range requests are folded: an
 * entry is not written when the same session already has one for the same
 * meeting, file, action and status within SH_RECORDING_ACCESS_FOLD_US;
 * downloads are always written. */
typedef enum {
  SH_RECORDING_ACCESS_LIST,     /* the recordings of a meeting listed */
  SH_RECORDING_ACCESS_PLAY,     /* a file fetched for playback */
  SH_RECORDING_ACCESS_DOWNLOAD, /* a file fetched as an attachment */
} ShRecordingAccessAction;

#define SH_RECORDING_ACCESS_FOLD_US (G_GINT64_CONSTANT (600) * G_USEC_PER_SEC)

const char *sh_recording_access_action_to_string (ShRecordingAccessAction action);

typedef struct {
  gint64 id;
  gint64 at;
  gint64 account_id;
  char *account_name; /* filled when read: the account's display name */
  char *role;         /* held at the meeting: "admin", "secretary", "chair", "inspector",
                         "member" or "none" */
  gint64 meeting_id;
  gint64 file_id; /* 0 for a listing */
  ShRecordingAccessAction action;
  guint status;  /* the HTTP status answered */
  char *range;   /* the Range header as asked, NULL without one */
  gint64 bytes;  /* body bytes answered */
  char *client;  /* the client's network (sh_client_network) */
  char *session; /* a tag of the session (never its token), folds repeats */
} ShRecordingAccess;

void sh_recording_access_free (ShRecordingAccess *access);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShRecordingAccess, sh_recording_access_free)

/* Writes @access (its id and account_name are ignored) unless an earlier
 * entry folds it (see above); *@written (nullable) says which. */
gboolean sh_recording_access_record (ShStore *store, const ShRecordingAccess *access,
                                     gboolean *written, GError **error);
/* The entries of @meeting_id, newest first, at most @limit (0: all).
 * Returns: (transfer full) (element-type ShRecordingAccess) */
GPtrArray *sh_recording_access_list (ShStore *store, gint64 meeting_id, guint limit,
                                     GError **error);
/* The recording file @file_id and the meeting it belongs to (*@meeting_id).
 * Returns: (transfer full) the file, NULL with NOT_FOUND. */
ShRecordingFile *sh_recording_access_find_file (ShStore *store, gint64 file_id, gint64 *meeting_id,
                                                GError **error);

G_END_DECLS
