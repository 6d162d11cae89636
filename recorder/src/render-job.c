/* The composite render's job: what to render, in memory and as the JSON file
 * that the server hands to `sanhui-render`. The file crosses a process
 * boundary, so it is checked as untrusted input: every field typed, every
 * number in range, every path absolute and free of "..".
 * SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <json-glib/json-glib.h>

#include "sanhui-recorder.h"

G_DEFINE_QUARK (sh - render - error - quark, sh_render_error)

#define MAX_SIDE 3840
#define MIN_SIDE 64
#define MAX_TEXT 512
/* A job file is a few kB per track; anything far larger is not ours. */
#define MAX_JOB_BYTES (16 * 1024 * 1024)

static const char *const kind_names[] = { "microphone", "camera", "screen" };

static void
track_free (gpointer data)
{
  ShRenderTrack *track = data;
  g_free (track->name);
  g_free (track->publisher);
  g_strfreev (track->fragments);
  g_free (track->joined_path);
  g_free (track);
}

ShRenderJob *
sh_render_job_new (void)
{
  ShRenderJob *job = g_new0 (ShRenderJob, 1);
  job->width = 1280;
  job->height = 720;
  job->tracks = g_ptr_array_new_with_free_func (track_free);
  return job;
}

void
sh_render_job_free (ShRenderJob *job)
{
  if (job == NULL)
    return;
  g_free (job->title);
  g_clear_pointer (&job->start, g_date_time_unref);
  g_free (job->webm_path);
  g_free (job->mp4_path);
  g_ptr_array_unref (job->tracks);
  g_free (job);
}

ShRenderTrack *
sh_render_job_add_track (ShRenderJob *job, ShRenderKind kind, const char *name,
                         const char *publisher, gint64 offset_ns, gint64 end_ns,
                         const char *const *fragments)
{
  g_return_val_if_fail (job != NULL, NULL);
  ShRenderTrack *track = g_new0 (ShRenderTrack, 1);
  track->kind = kind;
  track->name = g_strdup (name != NULL ? name : "");
  track->publisher = g_strdup (publisher != NULL ? publisher : "");
  track->offset_ns = offset_ns;
  track->end_ns = end_ns;
  track->fragments = g_strdupv ((char **) fragments);
  if (track->fragments == NULL)
    track->fragments = g_new0 (char *, 1);
  g_ptr_array_add (job->tracks, track);
  return track;
}

static gboolean invalid (GError **error, const char *format, ...) G_GNUC_PRINTF (2, 3);

static gboolean
invalid (GError **error, const char *format, ...)
{
  va_list args;
  va_start (args, format);
  g_autofree char *message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, SH_RENDER_ERROR, SH_RENDER_ERROR_INVALID, message);
  return FALSE;
}

/* Absolute, no "." or ".." component, no empty component tricks. */
static gboolean
path_is_clean (const char *path)
{
  if (path == NULL || path[0] != '/' || strlen (path) > 4096)
    return FALSE;
  g_auto (GStrv) parts = g_strsplit (path, "/", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    if (g_str_equal (parts[i], "..") || g_str_equal (parts[i], "."))
      return FALSE;
  return TRUE;
}

static gboolean
validate_output (const char *what, const char *path, GError **error)
{
  if (path == NULL)
    return TRUE;
  if (!path_is_clean (path))
    return invalid (error, "%s: not an absolute path without \"..\": %s", what, path);
  g_autofree char *dir = g_path_get_dirname (path);
  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    return invalid (error, "%s: no such directory: %s", what, dir);
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    return invalid (error, "%s: is a directory: %s", what, path);
  return TRUE;
}

gboolean
sh_render_job_validate (const ShRenderJob *job, GError **error)
{
  g_return_val_if_fail (job != NULL, FALSE);

  if (job->title == NULL || strlen (job->title) > MAX_TEXT
      || !g_utf8_validate (job->title, -1, NULL))
    return invalid (error, "title: missing, too long or not UTF-8");
  if (job->start == NULL)
    return invalid (error, "start: missing");
  if (job->duration_ns <= 0 || job->duration_ns > SH_RENDER_MAX_DURATION_NS)
    return invalid (error, "duration_ns: out of range (1 ns to 24 h): %" G_GINT64_FORMAT,
                    job->duration_ns);
  if (job->width < MIN_SIDE || job->width > MAX_SIDE || job->height < MIN_SIDE
      || job->height > MAX_SIDE || job->width % 2 != 0 || job->height % 2 != 0)
    return invalid (error, "size: %u×%u is not an even size between %d and %d", job->width,
                    job->height, MIN_SIDE, MAX_SIDE);
  if (job->webm_path == NULL && job->mp4_path == NULL)
    return invalid (error, "outputs: neither webm nor mp4 given");
  if (!validate_output ("webm", job->webm_path, error)
      || !validate_output ("mp4", job->mp4_path, error))
    return FALSE;
  if (job->webm_path != NULL && job->mp4_path != NULL
      && g_str_equal (job->webm_path, job->mp4_path))
    return invalid (error, "outputs: webm and mp4 are the same file");
  if (job->tracks->len > SH_RENDER_MAX_TRACKS)
    return invalid (error, "tracks: more than %d", SH_RENDER_MAX_TRACKS);

  for (guint i = 0; i < job->tracks->len; i++) {
    const ShRenderTrack *track = g_ptr_array_index (job->tracks, i);
    if ((guint) track->kind > SH_RENDER_SCREEN)
      return invalid (error, "track %u: unknown kind", i);
    if (strlen (track->name) > MAX_TEXT || !g_utf8_validate (track->name, -1, NULL))
      return invalid (error, "track %u: name too long or not UTF-8", i);
    if (strlen (track->publisher) > MAX_TEXT)
      return invalid (error, "track %u: publisher too long", i);
    if (track->offset_ns < 0 || track->offset_ns > job->duration_ns)
      return invalid (error, "track %u: offset_ns outside the meeting: %" G_GINT64_FORMAT, i,
                      track->offset_ns);
    if (track->end_ns != -1
        && (track->end_ns < track->offset_ns || track->end_ns > SH_RENDER_MAX_DURATION_NS))
      return invalid (error, "track %u: end_ns before its offset or out of range", i);
    if (!validate_output ("joined", track->joined_path, error)) {
      g_prefix_error (error, "track %u: ", i);
      return FALSE;
    }
    guint n = g_strv_length (track->fragments);
    if (n == 0 || n > SH_RENDER_MAX_FRAGMENTS)
      return invalid (error, "track %u: %u fragments (1 to %d)", i, n, SH_RENDER_MAX_FRAGMENTS);
    for (guint f = 0; f < n; f++) {
      const char *path = track->fragments[f];
      if (!path_is_clean (path))
        return invalid (error, "track %u: fragment not an absolute path without \"..\": %s", i,
                        path);
      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR) || access (path, R_OK) != 0)
        return invalid (error, "track %u: fragment missing or unreadable: %s", i, path);
    }
  }
  return TRUE;
}

char *
sh_render_job_to_json (const ShRenderJob *job)
{
  g_return_val_if_fail (job != NULL, NULL);
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "title");
  json_builder_add_string_value (b, job->title != NULL ? job->title : "");
  g_autofree char *start = job->start != NULL ? g_date_time_format_iso8601 (job->start) : NULL;
  json_builder_set_member_name (b, "start");
  json_builder_add_string_value (b, start != NULL ? start : "");
  json_builder_set_member_name (b, "duration_ns");
  json_builder_add_int_value (b, job->duration_ns);
  json_builder_set_member_name (b, "width");
  json_builder_add_int_value (b, job->width);
  json_builder_set_member_name (b, "height");
  json_builder_add_int_value (b, job->height);
  if (job->webm_path != NULL) {
    json_builder_set_member_name (b, "webm");
    json_builder_add_string_value (b, job->webm_path);
  }
  if (job->mp4_path != NULL) {
    json_builder_set_member_name (b, "mp4");
    json_builder_add_string_value (b, job->mp4_path);
  }
  json_builder_set_member_name (b, "tracks");
  json_builder_begin_array (b);
  for (guint i = 0; i < job->tracks->len; i++) {
    const ShRenderTrack *track = g_ptr_array_index (job->tracks, i);
    json_builder_begin_object (b);
    json_builder_set_member_name (b, "kind");
    json_builder_add_string_value (b, kind_names[track->kind]);
    json_builder_set_member_name (b, "name");
    json_builder_add_string_value (b, track->name);
    json_builder_set_member_name (b, "publisher");
    json_builder_add_string_value (b, track->publisher);
    json_builder_set_member_name (b, "offset_ns");
    json_builder_add_int_value (b, track->offset_ns);
    if (track->end_ns >= 0) {
      json_builder_set_member_name (b, "end_ns");
      json_builder_add_int_value (b, track->end_ns);
    }
    if (track->joined_path != NULL) {
      json_builder_set_member_name (b, "joined");
      json_builder_add_string_value (b, track->joined_path);
    }
    json_builder_set_member_name (b, "fragments");
    json_builder_begin_array (b);
    for (guint f = 0; track->fragments[f] != NULL; f++)
      json_builder_add_string_value (b, track->fragments[f]);
    json_builder_end_array (b);
    json_builder_end_object (b);
  }
  json_builder_end_array (b);
  json_builder_end_object (b);

  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  return json_generator_to_data (gen, NULL);
}

/* Typed member readers: a wrong type is an error, never a silent default. */
static gboolean
get_string (JsonObject *o, const char *name, gboolean required, const char **out, GError **error)
{
  JsonNode *node = json_object_get_member (o, name);
  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node)) {
    if (required)
      return invalid (error, "%s: missing", name);
    return TRUE;
  }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return invalid (error, "%s: not a string", name);
  *out = json_node_get_string (node);
  return TRUE;
}

static gboolean
get_int (JsonObject *o, const char *name, gboolean required, gint64 fallback, gint64 *out,
         GError **error)
{
  JsonNode *node = json_object_get_member (o, name);
  *out = fallback;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node)) {
    if (required)
      return invalid (error, "%s: missing", name);
    return TRUE;
  }
  /* json-glib reads integers beyond 64 bits as doubles: refuse those too. */
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return invalid (error, "%s: not an integer", name);
  *out = json_node_get_int (node);
  return TRUE;
}

static gboolean
parse_track (ShRenderJob *job, guint index, JsonNode *node, GError **error)
{
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return invalid (error, "track %u: not an object", index);
  JsonObject *o = json_node_get_object (node);
  const char *kind_name, *name, *publisher, *joined;
  gint64 offset, end;
  if (!get_string (o, "kind", TRUE, &kind_name, error)
      || !get_string (o, "joined", FALSE, &joined, error)
      || !get_string (o, "name", FALSE, &name, error)
      || !get_string (o, "publisher", FALSE, &publisher, error)
      || !get_int (o, "offset_ns", TRUE, 0, &offset, error)
      || !get_int (o, "end_ns", FALSE, -1, &end, error)) {
    g_prefix_error (error, "track %u: ", index);
    return FALSE;
  }
  gint kind = -1;
  for (guint k = 0; k < G_N_ELEMENTS (kind_names); k++)
    if (g_str_equal (kind_name, kind_names[k]))
      kind = (gint) k;
  if (kind < 0)
    return invalid (error, "track %u: unknown kind \"%s\"", index, kind_name);

  JsonNode *list = json_object_get_member (o, "fragments");
  if (list == NULL || !JSON_NODE_HOLDS_ARRAY (list))
    return invalid (error, "track %u: fragments: missing or not an array", index);
  JsonArray *array = json_node_get_array (list);
  guint n = json_array_get_length (array);
  if (n > SH_RENDER_MAX_FRAGMENTS)
    return invalid (error, "track %u: more than %d fragments", index, SH_RENDER_MAX_FRAGMENTS);
  g_autoptr (GPtrArray) paths = g_ptr_array_new ();
  for (guint f = 0; f < n; f++) {
    JsonNode *item = json_array_get_element (array, f);
    if (!JSON_NODE_HOLDS_VALUE (item) || json_node_get_value_type (item) != G_TYPE_STRING)
      return invalid (error, "track %u: fragment %u: not a string", index, f);
    g_ptr_array_add (paths, (gpointer) json_node_get_string (item));
  }
  g_ptr_array_add (paths, NULL);
  ShRenderTrack *track = sh_render_job_add_track (job, (ShRenderKind) kind, name, publisher, offset,
                                                  end, (const char *const *) paths->pdata);
  track->joined_path = g_strdup (joined);
  return TRUE;
}

ShRenderJob *
sh_render_job_from_json (const char *json, gssize length, GError **error)
{
  g_return_val_if_fail (json != NULL, NULL);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) parse_error = NULL;
  if (!json_parser_load_from_data (parser, json, length, &parse_error)) {
    invalid (error, "not JSON: %s", parse_error->message);
    return NULL;
  }
  JsonNode *root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root)) {
    invalid (error, "not a JSON object");
    return NULL;
  }
  JsonObject *o = json_node_get_object (root);
  g_autoptr (ShRenderJob) job = sh_render_job_new ();
  const char *title, *start, *webm, *mp4;
  gint64 duration, width, height;
  if (!get_string (o, "title", TRUE, &title, error) || !get_string (o, "start", TRUE, &start, error)
      || !get_int (o, "duration_ns", TRUE, 0, &duration, error)
      || !get_int (o, "width", FALSE, 1280, &width, error)
      || !get_int (o, "height", FALSE, 720, &height, error)
      || !get_string (o, "webm", FALSE, &webm, error) || !get_string (o, "mp4", FALSE, &mp4, error))
    return NULL;
  if (width < 0 || width > MAX_SIDE || height < 0 || height > MAX_SIDE) {
    invalid (error, "size: %" G_GINT64_FORMAT "×%" G_GINT64_FORMAT " out of range", width, height);
    return NULL;
  }
  job->title = g_strdup (title);
  job->start = g_date_time_new_from_iso8601 (start, NULL);
  if (job->start == NULL) {
    invalid (error, "start: not an ISO 8601 time with zone: %s", start);
    return NULL;
  }
  job->duration_ns = duration;
  job->width = (guint) width;
  job->height = (guint) height;
  job->webm_path = g_strdup (webm);
  job->mp4_path = g_strdup (mp4);

  JsonNode *tracks = json_object_get_member (o, "tracks");
  if (tracks == NULL || !JSON_NODE_HOLDS_ARRAY (tracks)) {
    invalid (error, "tracks: missing or not an array");
    return NULL;
  }
  JsonArray *array = json_node_get_array (tracks);
  if (json_array_get_length (array) > SH_RENDER_MAX_TRACKS) {
    invalid (error, "tracks: more than %d", SH_RENDER_MAX_TRACKS);
    return NULL;
  }
  for (guint i = 0; i < json_array_get_length (array); i++)
    if (!parse_track (job, i, json_array_get_element (array, i), error))
      return NULL;
  if (!sh_render_job_validate (job, error))
    return NULL;
  return g_steal_pointer (&job);
}

ShRenderJob *
sh_render_job_load (const char *path, GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_autoptr (GMappedFile) file = g_mapped_file_new (path, FALSE, error);
  if (file == NULL) {
    if (error != NULL && *error != NULL) {
      (*error)->domain = SH_RENDER_ERROR;
      (*error)->code = SH_RENDER_ERROR_IO;
    }
    return NULL;
  }
  gsize length = g_mapped_file_get_length (file);
  if (length > MAX_JOB_BYTES) {
    g_set_error (error, SH_RENDER_ERROR, SH_RENDER_ERROR_INVALID, "%s: job file too large", path);
    return NULL;
  }
  const char *data = length > 0 ? g_mapped_file_get_contents (file) : "";
  ShRenderJob *job = sh_render_job_from_json (data, (gssize) length, error);
  if (job == NULL)
    g_prefix_error (error, "%s: ", path);
  return job;
}

gboolean
sh_render_job_save (const ShRenderJob *job, const char *path, GError **error)
{
  g_autofree char *json = sh_render_job_to_json (job);
  if (!g_file_set_contents (path, json, -1, error)) {
    if (error != NULL && *error != NULL) {
      (*error)->domain = SH_RENDER_ERROR;
      (*error)->code = SH_RENDER_ERROR_IO;
    }
    return FALSE;
  }
  return TRUE;
}
