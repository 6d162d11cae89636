/* SPDX-License-Identifier: Apache-2.0 */
#include "metrics.h"

#include "sanhui-minutes.h"

static void
counter (GString *out, const char *name, const char *help, guint64 value)
{
  g_string_append_printf (out, "# HELP %s %s\n# TYPE %s counter\n%s %" G_GUINT64_FORMAT "\n", name,
                          help, name, name, value);
}

static void
gauge (GString *out, const char *name, const char *help, gint64 value)
{
  g_string_append_printf (out, "# HELP %s %s\n# TYPE %s gauge\n%s %" G_GINT64_FORMAT "\n", name,
                          help, name, name, value);
}

void
sh_metrics_render (const ShMetrics *m, ShStore *store, GString *out)
{
  static const char *const tables[]
      = { "organizations", "members", "accounts", "meetings", "sessions" };

  counter (out, "sanhui_http_requests_total", "HTTP requests received.", m->requests_total);
  g_string_append (out, "# HELP sanhui_http_responses_total HTTP responses by status class.\n"
                        "# TYPE sanhui_http_responses_total counter\n");
  for (guint i = 1; i < G_N_ELEMENTS (m->responses_by_class); i++)
    g_string_append_printf (out,
                            "sanhui_http_responses_total{class=\"%uxx\"} %" G_GUINT64_FORMAT "\n",
                            i, m->responses_by_class[i]);
  counter (out, "sanhui_http_connections_total", "TCP connections accepted.", m->http.accepted);
  gauge (out, "sanhui_http_connections_open", "HTTP(S) and WebSocket connections open now.",
         m->http.open);
  counter (out, "sanhui_http_connections_refused_total",
           "Connections refused over a per-address or total limit.", m->http.refused);
  counter (out, "sanhui_http_connections_evicted_total",
           "Idle keep-alive connections closed to make room for new ones.", m->http.evicted_idle);
  counter (out, "sanhui_http_connections_timed_out_total",
           "Connections closed by a handshake, header, body or keep-alive time limit.",
           m->http.timed_out);
  counter (out, "sanhui_tls_handshake_failures_total", "TLS handshakes that failed.",
           m->http.handshake_failed);
  counter (out, "sanhui_login_failures_total", "Failed log-in attempts.", m->login_failures_total);
  counter (out, "sanhui_ws_connections_total", "WebSocket connections accepted.",
           m->ws_connections_total);
  gauge (out, "sanhui_ws_connections_open", "WebSocket connections open now.",
         m->ws_connections_open);
  counter (out, "sanhui_ws_messages_total", "WebSocket messages received.", m->ws_messages_total);
  counter (out, "sanhui_media_forwarded_packets_total",
           "RTP packets the media rooms sent to subscribers.", m->media_forwarded_packets);
  gauge (out, "sanhui_recording_free_bytes",
         "Free bytes on the recordings' file system at the last check (-1: not checked).",
         m->recording_free_bytes);
  counter (out, "sanhui_recording_low_space_total",
           "Warnings that a recording's free space fell below [recording] min_free_mb.",
           m->recording_low_space_total);
  counter (out, "sanhui_recording_no_space_total", "Recordings stopped by a full disk.",
           m->recording_no_space_total);
  gauge (out, "sanhui_uptime_seconds", "Seconds since the server started.",
         (g_get_monotonic_time () - m->started_at) / G_USEC_PER_SEC);
  g_string_append (out, "# HELP sanhui_store_rows Rows in the main tables of the store.\n"
                        "# TYPE sanhui_store_rows gauge\n");
  for (gsize i = 0; i < G_N_ELEMENTS (tables); i++)
    g_string_append_printf (out, "sanhui_store_rows{table=\"%s\"} %" G_GINT64_FORMAT "\n",
                            tables[i], sh_store_count_rows (store, tables[i], NULL));
}
