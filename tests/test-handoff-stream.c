/* The stream handed to libsoup gives its connection back on close, once,
 * and never closes the connection itself.
 * SPDX-License-Identifier: Apache-2.0 */
#include "handoff-stream.h"

static void
count_release (gpointer owner)
{
  (*(guint *) owner)++;
}

/* Returns: (transfer full) a stream over memory. */
static GIOStream *
memory_stream (void)
{
  g_autoptr (GInputStream) in = g_memory_input_stream_new ();
  g_autoptr (GOutputStream) out = g_memory_output_stream_new_resizable ();

  return g_simple_io_stream_new (in, out);
}

static void
test_close_releases_once_and_keeps_base_open (void)
{
  g_autoptr (GIOStream) base = memory_stream ();
  g_autoptr (ShHandoffStream) handoff = NULL;
  guint released = 0;

  handoff = sh_handoff_stream_new (base, count_release, &released);
  g_assert_true (g_io_stream_get_input_stream (G_IO_STREAM (handoff))
                 == g_io_stream_get_input_stream (base));
  g_assert_true (sh_handoff_stream_get_owner (handoff) == &released);
  g_assert_true (g_io_stream_close (G_IO_STREAM (handoff), NULL, NULL));
  g_assert_true (g_io_stream_close (G_IO_STREAM (handoff), NULL, NULL));
  g_assert_cmpuint (released, ==, 1);
  g_assert_null (sh_handoff_stream_get_owner (handoff));
  g_assert_false (g_io_stream_is_closed (base));
}

static void
on_closed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_assert_true (g_io_stream_close_finish (G_IO_STREAM (source), result, NULL));
  *(gboolean *) user_data = TRUE;
}

/* A WebSocket closes its stream asynchronously; the release must still come
 * on the caller's thread, before the callback. */
static void
test_async_close_releases_on_this_thread (void)
{
  g_autoptr (GIOStream) base = memory_stream ();
  g_autoptr (ShHandoffStream) handoff = NULL;
  guint released = 0;
  gboolean done = FALSE;

  handoff = sh_handoff_stream_new (base, count_release, &released);
  g_io_stream_close_async (G_IO_STREAM (handoff), G_PRIORITY_DEFAULT, NULL, on_closed, &done);
  g_assert_cmpuint (released, ==, 1);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (g_io_stream_is_closed (base));
}

static void
test_finalized_unclosed_releases (void)
{
  g_autoptr (GIOStream) base = memory_stream ();
  ShHandoffStream *handoff;
  guint released = 0;

  handoff = sh_handoff_stream_new (base, count_release, &released);
  g_object_unref (handoff);
  g_assert_cmpuint (released, ==, 1);
}

static void
test_detached_tells_no_one (void)
{
  g_autoptr (GIOStream) base = memory_stream ();
  g_autoptr (ShHandoffStream) handoff = NULL;
  guint released = 0;

  handoff = sh_handoff_stream_new (base, count_release, &released);
  sh_handoff_stream_detach (handoff);
  g_assert_true (g_io_stream_close (G_IO_STREAM (handoff), NULL, NULL));
  g_assert_cmpuint (released, ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/handoff-stream/close-releases-once-and-keeps-base-open",
                   test_close_releases_once_and_keeps_base_open);
  g_test_add_func ("/handoff-stream/async-close-releases-on-this-thread",
                   test_async_close_releases_on_this_thread);
  g_test_add_func ("/handoff-stream/finalized-unclosed-releases", test_finalized_unclosed_releases);
  g_test_add_func ("/handoff-stream/detached-tells-no-one", test_detached_tells_no_one);
  return g_test_run ();
}
