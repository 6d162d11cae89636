/* SPDX-License-Identifier: Apache-2.0 */
#include "handoff-stream.h"

struct _ShHandoffStream {
  GIOStream parent;
  GIOStream *base; /* owned */
  ShHandoffReleased released;
  gpointer owner; /* borrowed; NULL once released or detached */
};

G_DEFINE_FINAL_TYPE (ShHandoffStream, sh_handoff_stream, G_TYPE_IO_STREAM)

static GInputStream *
handoff_get_input_stream (GIOStream *stream)
{
  return g_io_stream_get_input_stream (SH_HANDOFF_STREAM (stream)->base);
}

static GOutputStream *
handoff_get_output_stream (GIOStream *stream)
{
  return g_io_stream_get_output_stream (SH_HANDOFF_STREAM (stream)->base);
}

/* libsoup closes the stream when it is done with the connection, and a
 * WebSocket when it ends; either way the connection goes back to its owner. */
static gboolean
handoff_close (GIOStream *stream, GCancellable *cancellable, GError **error)
{
  ShHandoffStream *self = SH_HANDOFF_STREAM (stream);
  gpointer owner = g_steal_pointer (&self->owner);

  if (owner)
    self->released (owner);
  return TRUE;
}

/* The default runs close in a thread; ours is instant and must run on the
 * main thread. */
static void
handoff_close_async (GIOStream *stream, int io_priority, GCancellable *cancellable,
                     GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (stream, cancellable, callback, user_data);

  handoff_close (stream, cancellable, NULL);
  g_task_return_boolean (task, TRUE);
}

static gboolean
handoff_close_finish (GIOStream *stream, GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
sh_handoff_stream_finalize (GObject *object)
{
  g_clear_object (&SH_HANDOFF_STREAM (object)->base);
  G_OBJECT_CLASS (sh_handoff_stream_parent_class)->finalize (object);
}

static void
sh_handoff_stream_class_init (ShHandoffStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GIOStreamClass *stream_class = G_IO_STREAM_CLASS (klass);

  object_class->finalize = sh_handoff_stream_finalize;
  stream_class->get_input_stream = handoff_get_input_stream;
  stream_class->get_output_stream = handoff_get_output_stream;
  stream_class->close_fn = handoff_close;
  stream_class->close_async = handoff_close_async;
  stream_class->close_finish = handoff_close_finish;
}

static void
sh_handoff_stream_init (ShHandoffStream *self)
{
}

ShHandoffStream *
sh_handoff_stream_new (GIOStream *base, ShHandoffReleased released, gpointer owner)
{
  ShHandoffStream *self = g_object_new (SH_TYPE_HANDOFF_STREAM, NULL);

  g_return_val_if_fail (G_IS_IO_STREAM (base) && released != NULL, NULL);
  self->base = g_object_ref (base);
  self->released = released;
  self->owner = owner;
  return self;
}

gpointer
sh_handoff_stream_get_owner (ShHandoffStream *self)
{
  return self->owner;
}

void
sh_handoff_stream_detach (ShHandoffStream *self)
{
  self->owner = NULL;
}
