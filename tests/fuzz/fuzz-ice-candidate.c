/* Fuzz target for trickled ICE candidates from the signaling channel:
 * sh_ice_canonicalize_candidate() on arbitrary text. A canonical candidate
 * must be a fixed point (canonicalizing it again gives the same string) and
 * must parse in libnice, which is what the rewrite is for.
 * SPDX-License-Identifier: Apache-2.0 */
#include <nice/agent.h>
#include <string.h>

#include "fuzz.h"
#include "ice-private.h"

#define MAX_CANDIDATE 4096

static NiceAgent *agent;
static guint stream_id;

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fuzz_init_logging ();
  /* Only its candidate parser is used: no sockets, no gathering. */
  agent = nice_agent_new_full (NULL, NICE_COMPATIBILITY_RFC5245, NICE_AGENT_OPTION_NONE);
  stream_id = nice_agent_add_stream (agent, 1);
  FUZZ_CHECK (stream_id > 0);
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *canonical = NULL;
  const char *skip = NULL;

  /* Candidates reach the server as C strings from JSON: no NUL inside. */
  if (size > MAX_CANDIDATE || memchr (data, '\0', size) != NULL)
    return 0;
  g_autofree char *text = g_strndup ((const char *) data, size);

  if (!sh_ice_canonicalize_candidate (text, &canonical, &skip, &error)) {
    FUZZ_CHECK_ERROR (error);
    FUZZ_CHECK (g_error_matches (error, SH_ICE_ERROR, SH_ICE_ERROR_CANDIDATE));
    FUZZ_CHECK (canonical == NULL && skip == NULL);
    return 0;
  }
  FUZZ_CHECK (error == NULL);
  FUZZ_CHECK ((canonical == NULL) != (skip == NULL));
  if (skip != NULL) {
    FUZZ_CHECK (skip[0] != '\0');
    return 0;
  }

  g_autofree char *again = NULL;
  const char *skip_again = NULL;
  g_autoptr (GError) error_again = NULL;
  if (!sh_ice_canonicalize_candidate (canonical, &again, &skip_again, &error_again)
      || g_strcmp0 (again, canonical) != 0) {
    fprintf (stderr, "input:     %s\ncanonical: %s\nagain:     %s (%s)\n", text, canonical,
             again != NULL ? again : "(none)",
             error_again != NULL ? error_again->message
                                 : (skip_again != NULL ? skip_again : "no error"));
    FUZZ_CHECK (g_strcmp0 (again, canonical) == 0);
  }

  NiceCandidate *parsed = nice_agent_parse_remote_candidate_sdp (agent, stream_id, canonical);
  if (parsed == NULL) {
    fprintf (stderr, "libnice does not parse the canonical candidate: %s\n", canonical);
    FUZZ_CHECK (parsed != NULL);
  }
  FUZZ_CHECK (parsed->component_id == SH_ICE_COMPONENT_ID);
  FUZZ_CHECK (parsed->transport == NICE_CANDIDATE_TRANSPORT_UDP);
  nice_candidate_free (parsed);
  return 0;
}
