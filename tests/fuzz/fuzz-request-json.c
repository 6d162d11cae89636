/* Fuzz target for request bodies: sh_json_parse_object(), then every typed
 * getter on the fields the API reads, with the API's bounds.
 * SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include "fuzz.h"
#include "json-util.h"

typedef enum { FIELD_STRING, FIELD_INT, FIELD_BOOL, FIELD_TIME, FIELD_STRING_ARRAY } FieldKind;

typedef struct {
  FieldKind kind;
  const char *name;
  gboolean required;
  guint max; /* characters of a string, items of an array */
  gint64 min_value;
} Field;

/* The fields of signaling/src/api-*.c. The same name may appear with
 * different bounds, as different endpoints read it. */
static const Field fields[] = {
  { FIELD_STRING, "login", TRUE, 32, 0 },
  { FIELD_STRING, "login", TRUE, 64, 0 },
  { FIELD_STRING, "phone", FALSE, 20, 0 },
  { FIELD_STRING, "display_name", TRUE, 50, 0 },
  { FIELD_STRING, "password", TRUE, 128, 0 },
  { FIELD_STRING, "old_password", FALSE, 128, 0 },
  { FIELD_STRING, "role", TRUE, 20, 0 },
  { FIELD_STRING, "type", TRUE, 20, 0 },
  { FIELD_STRING, "title", TRUE, 200, 0 },
  { FIELD_STRING, "place", FALSE, 200, 0 },
  { FIELD_STRING, "delegation_note", FALSE, 500, 0 },
  { FIELD_STRING, "lecturer_name", FALSE, 100, 0 },
  { FIELD_STRING, "topic", FALSE, 200, 0 },
  { FIELD_STRING, "to", TRUE, 20, 0 },
  { FIELD_STRING, "reason", FALSE, 500, 0 },
  { FIELD_STRING, "reason", TRUE, 32, 0 },
  { FIELD_STRING, "name", FALSE, 50, 0 },
  { FIELD_STRING, "name", TRUE, 200, 0 },
  { FIELD_STRING, "status", FALSE, 20, 0 },
  { FIELD_STRING, "joined_on", FALSE, 10, 0 },
  { FIELD_STRING, "approver", TRUE, 100, 0 },
  { FIELD_STRING, "note", FALSE, 500, 0 },
  { FIELD_STRING, "kind", TRUE, 32, 0 },
  { FIELD_STRING, "post", TRUE, 32, 0 },
  { FIELD_INT, "member_id", FALSE, 0, 0 },
  { FIELD_INT, "member_id", TRUE, 0, 1 },
  { FIELD_INT, "org_id", FALSE, 0, 0 },
  { FIELD_INT, "chair_member_id", FALSE, 0, 0 },
  { FIELD_INT, "delegated_by_member_id", FALSE, 0, 0 },
  { FIELD_INT, "recorder_member_id", FALSE, 0, 0 },
  { FIELD_INT, "lecturer_member_id", FALSE, 0, 0 },
  { FIELD_INT, "current_branch_id", FALSE, 0, 0 },
  { FIELD_INT, "parent_id", FALSE, 0, 1 },
  { FIELD_BOOL, "under_probation", FALSE, 0, 0 },
  { FIELD_BOOL, "migrant", FALSE, 0, 0 },
  { FIELD_BOOL, "active", FALSE, 0, 0 },
  { FIELD_BOOL, "leader", FALSE, 0, 0 },
  { FIELD_TIME, "planned_start", TRUE, 0, 0 },
  { FIELD_TIME, "planned_end", TRUE, 0, 0 },
  { FIELD_TIME, "starts_at", TRUE, 0, 0 },
  { FIELD_TIME, "ends_at", FALSE, 0, 0 },
  { FIELD_TIME, "from", FALSE, 0, 0 },
  { FIELD_TIME, "to", FALSE, 0, 0 },
  { FIELD_STRING_ARRAY, "agenda", FALSE, 50, 0 },
};

/* The agenda's items: at most 500 characters each. */
#define AGENDA_ITEM_CHARS 500

/* After the epoch (0 means no time) and before 9999-01-01T00:00:00Z, so
 * that the time shows in every zone. */
#define MIN_TIME_US 1
#define MAX_TIME_US (G_GINT64_CONSTANT (253370764800) * G_USEC_PER_SEC)

/* The value the getters return: trimmed, non-empty text of at most @max
 * characters. */
static void
check_text (const char *text, guint max, gboolean may_be_empty)
{
  FUZZ_CHECK (text != NULL);
  FUZZ_CHECK (g_utf8_validate (text, -1, NULL));
  FUZZ_CHECK (g_utf8_strlen (text, -1) <= (glong) max);
  FUZZ_CHECK (may_be_empty || text[0] != '\0');
  if (text[0] != '\0') {
    FUZZ_CHECK (!g_ascii_isspace (text[0]));
    FUZZ_CHECK (!g_ascii_isspace (text[strlen (text) - 1]));
  }
}

/* Whether the getter should treat the member as absent. */
static gboolean
absent (JsonObject *obj, const char *name)
{
  JsonNode *node = json_object_get_member (obj, name);

  return node == NULL || JSON_NODE_HOLDS_NULL (node);
}

static void
check_field (JsonObject *obj, const Field *f)
{
  g_autoptr (GError) error = NULL;
  gboolean ok = FALSE;
  gboolean changed = FALSE;

  switch (f->kind) {
    case FIELD_STRING: {
      /* The getter frees the old value when it stores a new one. */
      char *const sentinel = g_strdup ("sentinel");
      char *out = sentinel;
      ok = sh_json_get_string (obj, f->name, f->required, f->max, &out, &error);
      changed = out != sentinel;
      if (changed)
        check_text (out, f->max, FALSE);
      g_free (out);
      break;
    }
    case FIELD_INT: {
      gint64 out = G_MININT64;
      ok = sh_json_get_int (obj, f->name, f->required, f->min_value, G_MAXINT64, &out, &error);
      changed = out != G_MININT64;
      FUZZ_CHECK (!changed || out >= f->min_value);
      break;
    }
    case FIELD_BOOL: {
      gboolean out = 42;
      ok = sh_json_get_bool (obj, f->name, f->required, &out, &error);
      changed = out != 42;
      FUZZ_CHECK (!changed || out == TRUE || out == FALSE);
      break;
    }
    case FIELD_TIME: {
      gint64 out = G_MININT64;
      ok = sh_json_get_time (obj, f->name, f->required, &out, &error);
      changed = out != G_MININT64;
      FUZZ_CHECK (!changed || (out >= MIN_TIME_US && out < MAX_TIME_US));
      break;
    }
    case FIELD_STRING_ARRAY: {
      GPtrArray *out = NULL;
      ok = sh_json_get_string_array (obj, f->name, f->max, AGENDA_ITEM_CHARS, &out, &error);
      changed = out != NULL;
      if (changed) {
        FUZZ_CHECK (out->len <= f->max);
        for (guint i = 0; i < out->len; i++)
          check_text (g_ptr_array_index (out, i), AGENDA_ITEM_CHARS, TRUE);
        g_ptr_array_unref (out);
      }
      break;
    }
    default:
      FUZZ_CHECK (FALSE);
  }

  if (ok) {
    FUZZ_CHECK (error == NULL);
    /* An absent optional field leaves the output alone. */
    FUZZ_CHECK (!absent (obj, f->name) || !changed);
    FUZZ_CHECK (changed || !f->required || f->kind == FIELD_STRING_ARRAY);
  } else {
    /* A rejected field is reported and leaves the output alone. */
    FUZZ_CHECK_ERROR (error);
    FUZZ_CHECK (error->domain == G_IO_ERROR && error->code == G_IO_ERROR_INVALID_ARGUMENT);
    FUZZ_CHECK (!changed);
  }
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fuzz_init_logging ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) obj = sh_json_parse_object ((const char *) data, size, &error);

  if (obj == NULL) {
    FUZZ_CHECK_ERROR (error);
    FUZZ_CHECK (error->domain == G_IO_ERROR && error->code == G_IO_ERROR_INVALID_DATA);
    return 0;
  }
  FUZZ_CHECK (error == NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (fields); i++)
    check_field (obj, &fields[i]);

  /* Replies echo parts of requests: the generator must cope with whatever
   * the parser accepted. */
  g_autoptr (JsonNode) root = json_node_init_object (json_node_alloc (), obj);
  g_autofree char *text = sh_json_to_string (root);
  FUZZ_CHECK (text != NULL);
  return 0;
}
