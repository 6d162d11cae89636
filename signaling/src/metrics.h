/* Counters exported at /metrics in the Prometheus text format.
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

#include "http-conn.h"

typedef struct {
  guint64 requests_total;
  guint64 responses_by_class[6]; /* index status/100: 1xx..5xx */
  guint64 login_failures_total;
  guint64 ws_messages_total;
  guint64 ws_connections_total;
  guint ws_connections_open;
  gint64 started_at;               /* monotonic µs */
  guint64 media_forwarded_packets; /* read from the media engine when rendering */
  ShHttpStats http;                /* read from the connection layer when rendering */
  /* meeting-recording.c (docs/recording.md, "Disk space") */
  gint64 recording_free_bytes;       /* the recordings' file system at the last check, -1 unknown */
  guint64 recording_low_space_total; /* warnings: a recording's free space fell below the floor */
  guint64 recording_no_space_total;  /* recordings stopped by a full disk */
} ShMetrics;

typedef struct _ShStore ShStore;

/* Appends the exposition text to @out. Gauges of stored rows come from @store. */
void sh_metrics_render (const ShMetrics *metrics, ShStore *store, GString *out);
