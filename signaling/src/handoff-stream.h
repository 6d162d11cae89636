/* A GIOStream over a connection's stream, given to libsoup for one request
 * (http-conn.c). Its close does not close the connection: it tells the owner
 * that libsoup is done with it.
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <gio/gio.h>

#define SH_TYPE_HANDOFF_STREAM (sh_handoff_stream_get_type ())
G_DECLARE_FINAL_TYPE (ShHandoffStream, sh_handoff_stream, SH, HANDOFF_STREAM, GIOStream)

typedef void (*ShHandoffReleased) (gpointer owner);

/* Returns: (transfer full) a stream over @base (a reference is taken) that
 * calls @released with @owner once, when it is closed (or finalized
 * unclosed), unless detached first. */
ShHandoffStream *sh_handoff_stream_new (GIOStream *base, ShHandoffReleased released,
                                        gpointer owner);

/* The owner given at creation, or NULL once released or detached.
 * (transfer none) */
gpointer sh_handoff_stream_get_owner (ShHandoffStream *self);

/* Forgets the owner: closing the stream tells no one. */
void sh_handoff_stream_detach (ShHandoffStream *self);
