/* SPDX-License-Identifier: Apache-2.0 */
#include "media-fixture.h"

#include "sdp.h"

#define WAIT_US (20 * G_USEC_PER_SEC)
#define BROWSER_FINGERPRINT                                                                        \
  "sha-256 11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:"   \
  "DD:EE:FF:00"

char *
media_fixture_read_sdp (const char *name)
{
  g_autofree char *path
      = g_build_filename (g_getenv ("SANHUI_SOURCE_ROOT"), "tests", "fixtures", "sdp", name, NULL);
  char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return text;
}

char *
media_fixture_answer_from_offer (const char *offer_text)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShSdp) sdp = sh_sdp_parse (offer_text, strlen (offer_text), &error);

  g_assert_no_error (error);
  for (guint i = 0; i < sdp->media->len; i++) {
    ShSdpMedia *m = g_ptr_array_index (sdp->media, i);
    g_free (m->ice_ufrag);
    g_free (m->ice_pwd);
    m->ice_ufrag = g_strdup ("brws");
    m->ice_pwd = g_strdup ("browserpassword0123456");
    m->setup = SH_SDP_SETUP_ACTIVE;
    if (m->direction == SH_SDP_DIRECTION_SENDONLY)
      m->direction = SH_SDP_DIRECTION_RECVONLY;
    g_ptr_array_set_size (m->ssrcs, 0);
    g_ptr_array_set_size (m->ssrc_groups, 0);
    g_ptr_array_set_size (m->fingerprints, 0);
    g_ptr_array_add (m->fingerprints, sh_sdp_fingerprint_parse (BROWSER_FINGERPRINT, NULL));
    g_clear_pointer (&m->msid, g_free);
  }
  g_clear_pointer (&sdp->ice_ufrag, g_free);
  g_clear_pointer (&sdp->ice_pwd, g_free);
  g_ptr_array_set_size (sdp->fingerprints, 0);
  sdp->setup = SH_SDP_SETUP_NONE;
  return sh_sdp_to_string (sdp);
}

void
media_fixture_wait (gint *flag)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_US;

  while (!g_atomic_int_get (flag)) {
    g_assert_cmpint (g_get_monotonic_time (), <, deadline);
    g_usleep (5000);
  }
}

void
media_fixture_run (ShMediaEngine *engine, GSourceFunc func, gpointer data, gint *done)
{
  g_atomic_int_set (done, 0);
  sh_media_workers_invoke (sh_media_engine_workers (engine), 0, func, data, NULL);
  media_fixture_wait (done);
}
