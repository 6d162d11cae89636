/* GET /api/meetings/{id}/recordings (docs/api.md, "Recordings"): what was
 * recorded of a meeting, for its secretary and chair and the inspectors of
 * its organization: each recording's state (an interrupted one with the
 * crash moment), its tracks, its finished files other than the live
 * fragments (counted per track) and the composite render's state and
 * progress, which the secretary's page polls. Every listing and every
 * refusal goes to the audit log (api-recording-files.c).
 * SPDX-License-Identifier: Apache-2.0 */
#include "api-recordings.h"

#include "api-recording-files.h"

static void
add_int (JsonBuilder *b, const char *field, gint64 value)
{
  json_builder_set_member_name (b, field);
  json_builder_add_int_value (b, value);
}

static void
build_track (JsonBuilder *b, const ShRecordingTrack *t, GPtrArray *files, GTimeZone *tz)
{
  guint fragments = 0;

  for (guint i = 0; i < files->len; i++) {
    const ShRecordingFile *f = files->pdata[i];
    if (f->kind == SH_RECORDING_FILE_FRAGMENT && f->track_id == t->id)
      fragments++;
  }
  json_builder_begin_object (b);
  add_int (b, "id", t->id);
  sh_json_builder_add_string (b, "kind", t->kind);
  sh_json_builder_add_string (b, "codec", t->codec);
  sh_json_builder_add_string (b, "name", t->display_name);
  sh_json_builder_add_id (b, "member_id", t->member_id);
  add_int (b, "offset_ns", t->offset_ns);
  sh_json_builder_add_time (b, "started_at", t->started_at, tz);
  sh_json_builder_add_time (b, "ended_at", t->ended_at, tz);
  add_int (b, "fragments", fragments);
  json_builder_end_object (b);
}

static void
build_file (JsonBuilder *b, const ShRecordingFile *f, GTimeZone *tz)
{
  const char *dot = strrchr (f->path, '.');

  json_builder_begin_object (b);
  add_int (b, "id", f->id);
  sh_json_builder_add_string (b, "kind", sh_recording_file_kind_to_string (f->kind));
  sh_json_builder_add_string (b, "format", dot ? dot + 1 : NULL);
  sh_json_builder_add_id (b, "track_id", f->track_id);
  add_int (b, "size", f->size);
  add_int (b, "duration_ns", f->duration_ns);
  sh_json_builder_add_string (b, "sha256", f->sha256);
  sh_json_builder_add_time (b, "finished_at", f->finished_at, tz);
  json_builder_end_object (b);
}

static void
build_render (JsonBuilder *b, ShStore *store, gint64 recording_id, GTimeZone *tz)
{
  g_autoptr (ShRecordingRender) r = sh_recording_render_get (store, recording_id, NULL);

  json_builder_set_member_name (b, "render");
  if (r == NULL) {
    json_builder_add_null_value (b);
    return;
  }
  json_builder_begin_object (b);
  sh_json_builder_add_string (b, "state", sh_recording_render_state_to_string (r->state));
  add_int (b, "progress", r->progress);
  add_int (b, "attempts", r->attempts);
  sh_json_builder_add_string (b, "error", r->error);
  sh_json_builder_add_time (b, "queued_at", r->queued_at, tz);
  sh_json_builder_add_time (b, "started_at", r->started_at, tz);
  sh_json_builder_add_time (b, "finished_at", r->finished_at, tz);
  json_builder_end_object (b);
}

static gboolean
build_recording (JsonBuilder *b, ShStore *store, const ShRecording *rec, GTimeZone *tz,
                 GError **error)
{
  g_autoptr (GPtrArray) tracks = sh_recording_list_tracks (store, rec->id, error);
  g_autoptr (GPtrArray) files = tracks ? sh_recording_list_files (store, rec->id, 0, error) : NULL;

  if (files == NULL)
    return FALSE;
  json_builder_begin_object (b);
  add_int (b, "id", rec->id);
  sh_json_builder_add_string (b, "state", sh_recording_state_to_string (rec->state));
  sh_json_builder_add_time (b, "started_at", rec->started_at, tz);
  sh_json_builder_add_time (b, "ended_at", rec->ended_at, tz);
  sh_json_builder_add_time (b, "interrupted_at", rec->interrupted_at, tz);
  json_builder_set_member_name (b, "tracks");
  json_builder_begin_array (b);
  for (guint i = 0; i < tracks->len; i++)
    build_track (b, tracks->pdata[i], files, tz);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "files");
  json_builder_begin_array (b);
  for (guint i = 0; i < files->len; i++) {
    const ShRecordingFile *f = files->pdata[i];
    if (f->kind != SH_RECORDING_FILE_FRAGMENT)
      build_file (b, f, tz);
  }
  json_builder_end_array (b);
  build_render (b, store, rec->id, tz);
  json_builder_end_object (b);
  return TRUE;
}

static void
handle_recordings (ShRequest *req)
{
  g_autoptr (ShMeeting) m = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) recordings = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  ShStore *store = req->server->store;
  const char *role;

  if (!(m = sh_meeting_get (store, req->ids[0], &error))) {
    sh_reply_gerror (req, error);
    return;
  }
  /* The roster's readers (secretary, inspectors above) and the chair; a
   * refusal is written to the audit log too. */
  role = sh_recording_role (req, m);
  if (!sh_recording_role_may_watch (role)) {
    sh_reply_forbidden (req);
    sh_recording_audit (req, m, role, SH_RECORDING_ACCESS_LIST, 0, SOUP_STATUS_FORBIDDEN, NULL, 0);
    return;
  }
  if (!(recordings = sh_recording_list (store, m->id, &error))) {
    sh_reply_gerror (req, error);
    return;
  }
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "recordings");
  json_builder_begin_array (b);
  for (guint i = 0; i < recordings->len; i++)
    if (!build_recording (b, store, recordings->pdata[i], req->server->tz, &error)) {
      sh_reply_gerror (req, error);
      return;
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  sh_reply_builder (req, SOUP_STATUS_OK, b);
  sh_recording_audit (req, m, role, SH_RECORDING_ACCESS_LIST, 0, SOUP_STATUS_OK, NULL, 0);
}

const ShRoute sh_recording_routes[] = {
  { "GET", "api/meetings/{id}/recordings", SH_ROUTE_SESSION, handle_recordings },
  { NULL },
};
