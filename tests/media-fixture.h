/* Shared by the media tests that run on a real worker: SDP fixtures, a
 * browser-like answer to a server offer, and running code on the worker.
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "sanhui-media.h"

/* A fixture of tests/fixtures/sdp. Returns: (transfer full). */
char *media_fixture_read_sdp (const char *name);

/* What Chromium answers to a server offer: setup active, recvonly, its own
 * ICE credentials and certificate fingerprint, no SSRCs of its own.
 * Returns: (transfer full). */
char *media_fixture_answer_from_offer (const char *offer);

/* Waits (at most 20 s, else the test fails) until *@flag is set. */
void media_fixture_wait (gint *flag);

/* Runs @func(@data) on worker 0 of @engine and waits for it to set *@done. */
void media_fixture_run (ShMediaEngine *engine, GSourceFunc func, gpointer data, gint *done);
