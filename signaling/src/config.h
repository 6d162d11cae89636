/* Server configuration: an INI file read with GKeyFile, every key defaulted
 * and documented in docs/configuration.md and sanhui.example.ini.
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

#define SH_CONFIG_ERROR (sh_config_error_quark ())
GQuark sh_config_error_quark (void);

typedef enum {
  SH_CONFIG_ERROR_READ,    /* the file cannot be read */
  SH_CONFIG_ERROR_SYNTAX,  /* a line is not a group, key=value or comment */
  SH_CONFIG_ERROR_UNKNOWN, /* unknown group or key (likely a typo) */
  SH_CONFIG_ERROR_VALUE,   /* a value has the wrong type or is out of range */
} ShConfigError;

/* A limit of the [websocket] group: a token bucket. */
typedef struct {
  guint per_minute; /* sustained rate */
  guint burst;      /* how many at once */
} ShConfigRate;

typedef struct {
  /* [server] */
  char *listen_address;  /* "127.0.0.1" */
  guint port;            /* 8080; 0 picks a free port (tests) */
  char *tls_certificate; /* PEM file or NULL: plain HTTP, loopback only */
  char *tls_key;
  char *public_url;                    /* used in links and calendar feeds; NULL: derived */
  char *web_root;                      /* directory of the web/ files */
  gsize max_body_bytes;                /* 1 MiB */
  gsize max_upload_bytes;              /* 8 MiB, for CSV imports */
  gsize max_ws_message_bytes;          /* 64 KiB */
  guint max_connections;               /* 4096 */
  guint max_connections_per_address;   /* 256 */
  guint max_unestablished_per_address; /* 32 */
  guint handshake_timeout_s;           /* 10 */
  guint header_timeout_s;              /* 15 */
  guint keepalive_timeout_s;           /* 60 */
  guint body_timeout_s;                /* 30 */
  guint listen_backlog;                /* 511 */
  /* [storage] */
  char *data_dir;                /* "data" */
  char *database;                /* NULL: data_dir/sanhui.db */
  guint integrity_check_seconds; /* 600: /healthz runs PRAGMA quick_check at most this often */
  /* [media] */
  guint media_port_min; /* 40000 */
  guint media_port_max; /* 40999 */
  char *public_address; /* address announced in ICE candidates, NULL: listen address */
  guint media_workers;  /* 0: one per core */
  /* [ice] */
  char **stun_servers; /* "host:port" entries, may be empty */
  char **turn_servers; /* "turn:host:port?transport=udp" entries */
  char *turn_secret;   /* coturn REST-API shared secret; never logged */
  /* [security] */
  guint session_hours;       /* 12 */
  guint lockout_failures;    /* 5 */
  guint lockout_minutes;     /* 15 */
  guint invitation_hours;    /* 72 */
  guint password_iterations; /* PBKDF2-SHA256 iterations, 310000 */
  /* Log-in throttling (login.c): failures from one address, and for one
   * account from one address, before delays start; the first delay, which
   * doubles with each further failure up to the maximum. */
  guint login_address_failures;         /* 20 */
  guint login_account_address_failures; /* 5 */
  guint login_delay_seconds;            /* 2 */
  guint login_max_delay_seconds;        /* 900 */
  guint login_hash_threads;             /* password hashing threads, 2; 0: one per core */
  guint login_hash_queue;               /* log-ins waiting for a thread before 503, 32 */
  char **trusted_proxies;               /* addresses whose X-Forwarded-For is believed */
  /* [meetings] */
  char *time_zone;                /* "Asia/Shanghai" */
  guint join_early_minutes;       /* 15 */
  guint attendance_share_percent; /* 80: partly present below this share of the meeting */
  guint attendance_grace_minutes; /* 5: late / left early beyond this */
  guint warning_days;             /* 60: days before the six-month lapse the secretary is warned */
  guint warning_absences;         /* 3: unexcused absences in a row that are flagged; 0: off */
  /* [websocket]: limits of the /ws socket (rate-limit.c, docs/protocol.md) */
  guint ws_max_sockets_per_account; /* 8 live sockets */
  guint ws_max_sockets_per_session; /* 6 */
  guint ws_messages_per_second;     /* 50 messages a second per socket, any kind */
  guint ws_messages_burst;          /* 200 */
  gsize ws_bytes_per_second;        /* 256 KiB a second per socket */
  gsize ws_bytes_burst;             /* 1 MiB; never below max_ws_message_bytes */
  ShConfigRate ws_chat;             /* per account: 60/min, burst 10 */
  ShConfigRate ws_hand;             /* 60/min, burst 5 */
  ShConfigRate ws_mute;             /* 120/min, burst 10 */
  ShConfigRate ws_chair;            /* 120/min, burst 30 */
  ShConfigRate ws_join;             /* 60/min, burst 20 */
  ShConfigRate ws_signaling;        /* 1200/min, burst 300 */
  ShConfigRate ws_other;            /* 120/min, burst 20 */
  guint ws_abuse_seconds;           /* 10: refused this long without a pause: closed */
  guint ws_abuse_refusals;          /* 300: or this many refusals without a pause */
  guint ws_keepalive_seconds;       /* 25: ping interval; silent for 2.5 of them: dead */
  /* [recording] (docs/recording.md) */
  gboolean recording_enabled;       /* true */
  char **recording_meeting_types;   /* all five types */
  char *recording_directory;        /* NULL: data_dir/recordings; must lie inside data_dir */
  guint recording_fragment_seconds; /* 10: at most this long per fragment */
  guint recording_min_free_mb;      /* 2048: the chair is warned below it; 0 never */
  /* [log] */
  char *log_level; /* "error", "warning", "message", "info", "debug" */
  /* private: "group.key" -> where it was last set ("FILE:LINE" or "command
   * line"), so that sh_config_validate() can point at the line; owned. */
  GHashTable *origins;
} ShConfig;

/* Defaults for every key. Returns: (transfer full). */
ShConfig *sh_config_new_default (void);

/* Reads @path over the defaults. Errors name the file, the line and the key:
 * "sanhui.ini:12: [server] port: expected a number from 0 to 65535". */
ShConfig *sh_config_load (const char *path, GError **error);

/* The same as sh_config_load() for @length bytes of INI text already in
 * memory; @name stands for the file in error messages. */
ShConfig *sh_config_load_from_data (const char *name, const char *data, gsize length,
                                    GError **error);

/* Applies a "group.key=value" override as from the command line; the same
 * checks as the file. */
gboolean sh_config_override (ShConfig *config, const char *assignment, GError **error);

/* Checks relations between keys (port range, TLS pair, TLS required off
 * loopback). */
gboolean sh_config_validate (const ShConfig *config, GError **error);

/* The database path: config->database or data_dir/sanhui.db. (transfer full) */
char *sh_config_database_path (const ShConfig *config);

/* Where recordings go: recording_directory or data_dir/recordings.
 * (transfer full) */
char *sh_config_recording_directory (const ShConfig *config);
/* Whether meetings of @type ("general", ...) are recorded. */
gboolean sh_config_records_meeting_type (const ShConfig *config, const char *type);

void sh_config_free (ShConfig *config);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShConfig, sh_config_free)
