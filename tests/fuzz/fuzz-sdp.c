/* Fuzz target for SDP from the signaling channel: sh_sdp_parse() on
 * arbitrary bytes; for an SDP that parses, the writer's text must parse
 * again and write back the same text, and the server's answer to it is
 * built and written as a publish connection would.
 * SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include "fuzz.h"
#include "sdp-answer.h"

#define FINGERPRINT                                                                                \
  "3A:96:6D:57:B2:C2:C7:61:A0:46:3E:1C:97:39:D3:F7:0A:88:A0:B1:EC:03:FB:10:A5:5D:3A:37:AB:DD:02:"  \
  "AA"

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fuzz_init_logging ();
  return 0;
}

/* Parses the writer's @text, which must succeed. Returns: (transfer full). */
static ShSdp *
reparse (const char *what, const char *text)
{
  g_autoptr (GError) error = NULL;
  ShSdp *sdp = sh_sdp_parse (text, strlen (text), &error);

  if (sdp == NULL) {
    fprintf (stderr, "%s does not parse: %s\n%s\n", what, error->message, text);
    FUZZ_CHECK (sdp != NULL);
  }
  FUZZ_CHECK (error == NULL);
  return sdp;
}

static void
answer (const ShSdp *offer)
{
  const ShSdpLocal local = {
    .ice_ufrag = "abcd",
    .ice_pwd = "0123456789012345678901",
    .fingerprint = FINGERPRINT,
    .codecs = SH_SDP_CODEC_ALL,
    .session_id = 4242,
    .session_version = 2,
  };
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) reasons = NULL;
  g_autoptr (ShSdp) answer = sh_sdp_answer_create (offer, &local, &reasons, &error);

  if (answer == NULL) {
    FUZZ_CHECK_ERROR (error);
    FUZZ_CHECK (error->domain == SH_SDP_NEGOTIATION_ERROR);
    return;
  }
  FUZZ_CHECK (error == NULL);
  /* The answer keeps every m-section of the offer, in order. */
  FUZZ_CHECK (answer->media->len == offer->media->len);
  g_autofree char *text = sh_sdp_to_string (answer);
  FUZZ_CHECK (text != NULL);
  g_autoptr (ShSdp) again = reparse ("the answer", text);
  FUZZ_CHECK (again->media->len == answer->media->len);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShSdp) sdp = sh_sdp_parse ((const char *) data, size, &error);

  if (sdp == NULL) {
    FUZZ_CHECK_ERROR (error);
    FUZZ_CHECK (error->domain == SH_SDP_ERROR);
    return 0;
  }
  FUZZ_CHECK (error == NULL);

  /* The writer's output of a parsed SDP parses, describes the same
   * sections, and is a fixed point of parse and write. */
  g_autofree char *text = sh_sdp_to_string (sdp);
  FUZZ_CHECK (text != NULL);
  g_autoptr (ShSdp) again = reparse ("the written SDP", text);
  FUZZ_CHECK (again->media->len == sdp->media->len);
  g_autofree char *text2 = sh_sdp_to_string (again);
  if (strcmp (text, text2) != 0) {
    fprintf (stderr, "written once:\n%s\nwritten twice:\n%s\n", text, text2);
    FUZZ_CHECK (strcmp (text, text2) == 0);
  }

  answer (sdp);
  return 0;
}
