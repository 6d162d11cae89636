/* Recording files served to those who may watch them (docs/api.md,
 * "Recordings"): GET /api/recordings/files/{id} with HTTP Range (RFC 9110,
 * section 14) and the audit log of every access,
 * GET /api/meetings/{id}/recordings/access-log.
 *
 * A file is found by its store row only and resolved under the data
 * directory (data-path.h); its bytes are mapped, never read whole, and the
 * body is handed to libsoup as a slice of the mapping. This handler answers
 * Range itself (206 and 416 are not 200, which is the only status libsoup's
 * own partial-GET handling touches) and turns the body's accumulation off,
 * so that libsoup neither builds a multipart/byteranges body from a full
 * answer nor keeps written chunks.
 * SPDX-License-Identifier: Apache-2.0 */
#include "api-recording-files.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <string.h>
#include <unistd.h>

#include "attendance-csv.h"
#include "byte-range.h"
#include "data-path.h"

/* Entries shown by the access log, newest first. */
#define ACCESS_LOG_LIMIT 500

const char *
sh_recording_role (ShRequest *req, const ShMeeting *m)
{
  ShStore *store = req->server->store;
  GArray *roles = req->auth.roles;

  if (sh_authz_is_admin (roles))
    return "admin";
  if (sh_authz_check (store, roles, SH_PERM_MANAGE_BRANCH, m->org_id))
    return "secretary";
  if (m->chair_member_id && m->chair_member_id == req->auth.account->member_id)
    return "chair";
  if (sh_authz_check (store, roles, SH_PERM_READ_ROSTER, m->org_id))
    return "inspector";
  if (sh_authz_check (store, roles, SH_PERM_READ_ORG, m->org_id))
    return "member";
  return "none";
}

gboolean
sh_recording_role_may_watch (const char *role)
{
  return g_str_equal (role, "admin") || g_str_equal (role, "secretary")
         || g_str_equal (role, "chair") || g_str_equal (role, "inspector");
}

/* The access log is the secretary's and the inspectors' (not the chair's). */
static gboolean
role_may_read_log (const char *role)
{
  return g_str_equal (role, "admin") || g_str_equal (role, "secretary")
         || g_str_equal (role, "inspector");
}

void
sh_recording_audit (ShRequest *req, const ShMeeting *m, const char *role,
                    ShRecordingAccessAction action, gint64 file_id, guint status, const char *range,
                    gint64 bytes)
{
  g_autoptr (GInetAddress) address = sh_request_client_address (req->server, req->msg);
  g_autofree char *client = sh_client_network (address, 32, 128);
  g_autofree char *salted = g_strconcat ("recording-access:", req->auth.token_hash, NULL);
  g_autofree char *digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, salted, -1);
  g_autoptr (GError) error = NULL;
  ShRecordingAccess entry = {
    .at = g_get_real_time (),
    .account_id = req->auth.account->id,
    .role = (char *) role,
    .meeting_id = m->id,
    .file_id = file_id,
    .action = action,
    .status = status,
    .range = (char *) range,
    .bytes = bytes,
    .client = client,
    /* A tag that tells sessions apart, from which no session can be found. */
    .session = digest,
  };

  digest[16] = '\0';
  if (!sh_recording_access_record (req->server->store, &entry, NULL, &error))
    g_warning ("recording access of meeting %" G_GINT64_FORMAT " not logged: %s", m->id,
               error->message);
}

static const char *
content_type_for (const char *path)
{
  if (g_str_has_suffix (path, ".webm"))
    return "video/webm";
  if (g_str_has_suffix (path, ".mp4"))
    return "video/mp4";
  if (g_str_has_suffix (path, ".mkv"))
    return "video/x-matroska";
  return "application/octet-stream";
}

/* "attachment; ..." named after the meeting and the recording's day in the
 * display zone: "<title> 2026-12-07.webm". Returns: (transfer full) */
static char *
disposition_for (ShRequest *req, const ShMeeting *m, const ShRecordingFile *f)
{
  g_autoptr (ShRecording) rec = sh_recording_get (req->server->store, f->recording_id, NULL);
  g_autoptr (GDateTime) at
      = g_date_time_new_from_unix_utc ((rec ? rec->started_at : f->finished_at) / G_USEC_PER_SEC);
  g_autoptr (GDateTime) local = at ? g_date_time_to_timezone (at, req->server->tz) : NULL;
  g_autofree char *day = local ? g_date_time_format (local, "%Y-%m-%d") : g_strdup ("");
  const char *dot = strrchr (f->path, '.');
  const char *ext = dot && !strchr (dot, '/') ? dot : "";
  g_autofree char *ascii = g_strdup_printf ("recording-%" G_GINT64_FORMAT "%s", f->id, ext);
  g_autofree char *name = g_strdup_printf ("%s %s%s", m->title, day, ext);

  /* A title is one line of text; a slash would be taken for a folder. */
  g_strdelimit (name, "/\\\r\n", '_');
  return sh_csv_content_disposition (ascii, name);
}

/* Opens @path (its real path, no link left) and maps it.
 * Returns: (transfer full) (nullable) */
static GMappedFile *
map_file (const char *path, GError **error)
{
  int fd = open (path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  GMappedFile *mapped;
  struct stat st;

  if (fd < 0) {
    int err = errno;
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (err), "%s: %s", path, g_strerror (err));
    return NULL;
  }
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode)) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE, "%s is not a regular file", path);
    close (fd);
    return NULL;
  }
  mapped = g_mapped_file_new_from_fd (fd, FALSE, error);
  close (fd);
  return mapped;
}

typedef struct {
  guint status;
  gint64 bytes;
} Answer;

/* Answers with the bytes of the file at @path: whole, one range, or 416. */
static Answer
reply_file (ShRequest *req, const ShRecordingFile *f, const char *path, const char *range,
            const char *disposition)
{
  SoupMessageHeaders *request_headers = soup_server_message_get_request_headers (req->msg);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (req->msg);
  SoupMessageBody *body = soup_server_message_get_response_body (req->msg);
  g_autoptr (GError) error = NULL;
  g_autoptr (GMappedFile) mapped = map_file (path, &error);
  g_autoptr (GBytes) all = NULL;
  g_autoptr (GBytes) part = NULL;
  g_autofree char *etag = g_strdup_printf ("\"%s\"", f->sha256);
  const char *if_range = soup_message_headers_get_one (request_headers, "If-Range");
  guint64 size, first = 0, last = 0;
  ShByteRange kind;

  if (!mapped) {
    g_warning ("recording file %" G_GINT64_FORMAT " (%s) cannot be read: %s", f->id, f->path,
               error->message);
    sh_reply_error (req, SOUP_STATUS_NOT_FOUND, "file_missing", "录像文件不存在或无法读取");
    return (Answer){ SOUP_STATUS_NOT_FOUND, 0 };
  }
  all = g_mapped_file_get_bytes (mapped);
  size = g_bytes_get_size (all);
  /* If-Range with another validator: the client's copy is stale, send all. */
  kind = if_range && !g_str_equal (if_range, etag)
             ? SH_BYTE_RANGE_FULL
             : sh_byte_range_parse (range, size, &first, &last);
  soup_message_headers_replace (headers, "Accept-Ranges", "bytes");
  soup_message_headers_replace (headers, "ETag", etag);
  soup_message_headers_replace (headers, "Cache-Control", "private, no-store");
  if (kind == SH_BYTE_RANGE_UNSATISFIABLE) {
    g_autofree char *content_range = g_strdup_printf ("bytes */%" G_GUINT64_FORMAT, size);
    soup_message_headers_replace (headers, "Content-Range", content_range);
    sh_reply_error (req, SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE, "range_not_satisfiable",
                    "请求的范围超出文件长度");
    return (Answer){ SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE, 0 };
  }
  if (kind == SH_BYTE_RANGE_FULL) {
    first = 0;
    last = size ? size - 1 : 0;
  }
  part = size ? g_bytes_new_from_bytes (all, first, last - first + 1) : g_bytes_ref (all);
  soup_server_message_set_status (
      req->msg, kind == SH_BYTE_RANGE_PARTIAL ? SOUP_STATUS_PARTIAL_CONTENT : SOUP_STATUS_OK, NULL);
  if (kind == SH_BYTE_RANGE_PARTIAL)
    soup_message_headers_set_content_range (headers, (goffset) first, (goffset) last,
                                            (goffset) size);
  if (disposition)
    soup_message_headers_replace (headers, "Content-Disposition", disposition);
  soup_message_headers_set_content_type (headers, content_type_for (f->path), NULL);
  soup_message_headers_set_content_length (headers, (goffset) g_bytes_get_size (part));
  soup_message_body_set_accumulate (body, FALSE);
  soup_message_body_append_bytes (body, part);
  soup_message_body_complete (body);
  sh_count_status (req->server, soup_server_message_get_status (req->msg));
  return (Answer){ soup_server_message_get_status (req->msg), (gint64) g_bytes_get_size (part) };
}

/* GET (and HEAD) /api/recordings/files/{id}[?download=1] */
static void
handle_file (ShRequest *req)
{
  ShStore *store = req->server->store;
  const char *range
      = soup_message_headers_get_one (soup_server_message_get_request_headers (req->msg), "Range");
  gboolean download = g_strcmp0 (sh_request_query (req, "download"), "1") == 0;
  ShRecordingAccessAction action
      = download ? SH_RECORDING_ACCESS_DOWNLOAD : SH_RECORDING_ACCESS_PLAY;
  g_autoptr (GError) error = NULL;
  g_autoptr (ShRecordingFile) f = NULL;
  g_autoptr (ShMeeting) m = NULL;
  g_autofree char *path = NULL;
  g_autofree char *disposition = NULL;
  gint64 meeting_id = 0;
  const char *role;
  Answer answer;

  if (!(f = sh_recording_access_find_file (store, req->ids[0], &meeting_id, &error))
      || !(m = sh_meeting_get (store, meeting_id, &error))) {
    sh_reply_gerror (req, error);
    return;
  }
  role = sh_recording_role (req, m);
  if (!sh_recording_role_may_watch (role)) {
    sh_reply_forbidden (req);
    sh_recording_audit (req, m, role, action, f->id, SOUP_STATUS_FORBIDDEN, range, 0);
    return;
  }
  if (!(path = sh_data_path_resolve (req->server->config->data_dir, f->path, &error))) {
    guint status = SOUP_STATUS_NOT_FOUND;

    /* The row stays as it is: `sanhui verify-recordings` names the file. */
    g_warning ("recording file %" G_GINT64_FORMAT " not served: %s", f->id, error->message);
    if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_INVALID_FILENAME)) {
      status = SOUP_STATUS_BAD_REQUEST;
      sh_reply_error (req, status, "bad_path", "录像文件的路径不在数据目录内，拒绝提供");
    } else {
      sh_reply_error (req, status, "file_missing", "录像文件不存在或无法读取");
    }
    sh_recording_audit (req, m, role, action, f->id, status, range, 0);
    return;
  }
  if (download)
    disposition = disposition_for (req, m, f);
  answer = reply_file (req, f, path, range, disposition);
  sh_recording_audit (req, m, role, action, f->id, answer.status, range,
                      g_str_equal (req->method, "HEAD") ? 0 : answer.bytes);
}

static void
build_entry (JsonBuilder *b, const ShRecordingAccess *a, GTimeZone *tz)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_int_value (b, a->id);
  sh_json_builder_add_time (b, "at", a->at, tz);
  sh_json_builder_add_id (b, "account_id", a->account_id);
  sh_json_builder_add_string (b, "name", a->account_name);
  sh_json_builder_add_string (b, "role", a->role);
  sh_json_builder_add_string (b, "action", sh_recording_access_action_to_string (a->action));
  sh_json_builder_add_id (b, "file_id", a->file_id);
  json_builder_set_member_name (b, "status");
  json_builder_add_int_value (b, a->status);
  sh_json_builder_add_string (b, "range", a->range);
  json_builder_set_member_name (b, "bytes");
  json_builder_add_int_value (b, a->bytes);
  sh_json_builder_add_string (b, "client", a->client);
  json_builder_end_object (b);
}

/* GET /api/meetings/{id}/recordings/access-log */
static void
handle_access_log (ShRequest *req)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShMeeting) m = sh_meeting_get (req->server->store, req->ids[0], &error);
  g_autoptr (GPtrArray) entries = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();

  if (!m) {
    sh_reply_gerror (req, error);
    return;
  }
  if (!role_may_read_log (sh_recording_role (req, m))) {
    sh_reply_forbidden (req);
    return;
  }
  if (!(entries = sh_recording_access_list (req->server->store, m->id, ACCESS_LOG_LIMIT, &error))) {
    sh_reply_gerror (req, error);
    return;
  }
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "entries");
  json_builder_begin_array (b);
  for (guint i = 0; i < entries->len; i++)
    build_entry (b, entries->pdata[i], req->server->tz);
  json_builder_end_array (b);
  json_builder_end_object (b);
  sh_reply_builder (req, SOUP_STATUS_OK, b);
}

const ShRoute sh_recording_file_routes[] = {
  { "GET", "api/recordings/files/{id}", SH_ROUTE_SESSION, handle_file },
  { "HEAD", "api/recordings/files/{id}", SH_ROUTE_SESSION, handle_file },
  { "GET", "api/meetings/{id}/recordings/access-log", SH_ROUTE_SESSION, handle_access_log },
  { NULL },
};
