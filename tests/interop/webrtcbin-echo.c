/* Interop: GStreamer's webrtcbin against the server's echo service.
 *
 * Logs in with libsoup, opens /ws with the session cookie, offers VP8 + Opus
 * (sendrecv, max-bundle) with echo.start, applies echo.answer, trickles
 * candidates both ways, and asserts that within 5 s of the connection being
 * up (ICE connected and DTLS done) at least 30 echoed video frames were
 * decoded and 100 echoed audio RTP packets received. Ends with echo.stop.
 *
 * SANHUI_INTEROP_URL=http://HOST:PORT/ runs against that server instead of
 * starting one (for stand-ins and manual runs).
 *
 * This file is the test itself; the WebSocket is in webrtcbin-signaling.c,
 * the pipeline and the counting in webrtcbin-media.c (webrtcbin-client.h).
 *
 * SPDX-License-Identifier: Apache-2.0 */
#include "webrtcbin-client.h"

void
echo_fail (Echo *e, const char *format, ...)
{
  va_list ap;

  if (!e->failure) {
    va_start (ap, format);
    e->failure = g_strdup_vprintf (format, ap);
    va_end (ap);
    g_test_message ("failure: %s", e->failure);
  }
  g_main_loop_quit (e->loop);
}

static gboolean
on_overall_timeout (gpointer user_data)
{
  Echo *e = user_data;

  e->timeout = 0;
  echo_fail (e, "timed out (answered %d, connection up %d)", e->answered, e->up_at != 0);
  return G_SOURCE_REMOVE;
}

void
echo_run_until (Echo *e, const gboolean *done, guint seconds)
{
  e->timeout = g_timeout_add_seconds (seconds, on_overall_timeout, e);
  while (!*done && !e->failure)
    g_main_loop_run (e->loop);
  if (e->timeout)
    g_source_remove (e->timeout);
  e->timeout = 0;
}

static void
test_echo (void)
{
  const char *external = g_getenv ("SANHUI_INTEROP_URL");
  TestServer *server = NULL;
  TestServer stand_in = { 0 };
  g_autoptr (TestClient) client = NULL;
  Echo e = { 0 };
  guint poll;
  g_autofree char *failure = NULL;
  g_autofree char *stop_failure = NULL;

  if (external && external[0]) {
    stand_in.url = g_strdup (external);
    server = &stand_in;
  } else {
    server = test_server_start (NULL);
  }
  g_test_message ("server at %s", server->url);
  e.loop = g_main_loop_new (NULL, FALSE);
  e.remote_candidates = g_ptr_array_new_with_free_func (echo_remote_candidate_free);

  client = test_client_new (server);
  g_assert_cmpuint (test_client_login (client, "member", TEST_PASSWORD), ==, 200);
  echo_open_websocket (&e, client, server->url);

  echo_build_pipeline (&e);
  poll = g_timeout_add (POLL_MS, echo_poll_counters, &e);
  g_assert_cmpint (gst_element_set_state (e.pipeline, GST_STATE_PLAYING), !=,
                   GST_STATE_CHANGE_FAILURE);
  echo_run_until (&e, &e.finished, OVERALL_TIMEOUT_S);
  g_source_remove (poll);

  g_test_message ("connection up: %s; %d video frames decoded, %d audio packets received; "
                  "%u local and %u server candidates; %u echo.state, %u echo.stats",
                  e.up_at ? "yes" : "no", g_atomic_int_get (&e.video_frames),
                  g_atomic_int_get (&e.audio_packets), e.local_candidates, e.server_candidates,
                  e.states, e.stats);
  if (e.up_at) {
    if (e.video_done_at)
      g_test_message ("%d video frames %.2f s after the connection was up", MIN_VIDEO_FRAMES,
                      (double) (e.video_done_at - e.up_at) / G_USEC_PER_SEC);
    if (e.audio_done_at)
      g_test_message ("%d audio packets %.2f s after the connection was up", MIN_AUDIO_PACKETS,
                      (double) (e.audio_done_at - e.up_at) / G_USEC_PER_SEC);
  }
  failure = g_steal_pointer (&e.failure);
  if (!failure && (!e.video_done_at || !e.audio_done_at))
    failure = g_strdup_printf ("within 5 s of the connection being up: %d video frames decoded "
                               "(want %d), %d audio packets received (want %d)",
                               g_atomic_int_get (&e.video_frames), MIN_VIDEO_FRAMES,
                               g_atomic_int_get (&e.audio_packets), MIN_AUDIO_PACKETS);

  stop_failure = echo_stop (&e);
  if (stop_failure)
    g_test_message ("echo.stop: %s", stop_failure);
  if (!failure && stop_failure)
    failure = g_strdup_printf ("echo.stop was not answered with echo.stopped: %s", stop_failure);

  echo_free_pipeline (&e);
  echo_close_websocket (&e);
  g_ptr_array_unref (e.remote_candidates);
  g_main_loop_unref (e.loop);
  g_clear_pointer (&client, test_client_free);
  if (server == &stand_in) {
    g_free (stand_in.url);
  } else {
    if (failure)
      g_test_message ("server log:\n%s", server->stderr_text->str);
    test_server_stop (server);
  }

  if (failure)
    g_test_fail_printf ("%s", failure);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  gst_init (&argc, &argv);
  g_test_add_func ("/interop/webrtcbin/echo", test_echo);
  return g_test_run ();
}
