/* Log-in: throttle, and hashing off the main thread.
 *
 * A log-in goes through three gates before any password is hashed: the
 * client's address (too many failures from it: 429), the account from that
 * address (the same; keyed on the name typed when there is no such
 * account, so that unknown names answer alike), and the hashing pool
 * (full: 503). The hash runs on a pool thread while the message is paused;
 * the verdict is applied on the main thread, which alone touches the store.
 * Password changes and new accounts use the same pool and gates.
 *
 * The account-wide lock (lockout_failures in a row from anywhere) does not
 * apply to networks the account logged in from before, nor to the holder
 * of a one-time code from an administrator: a stranger's guesses slow the
 * stranger, and do not lock the owner out of the office. It is reported
 * (423) only to someone who typed the right password.
 * SPDX-License-Identifier: Apache-2.0 */
#include "login.h"

#include <string.h>
#include <openssl/crypto.h>

#include "builders.h"
#include "password.h"
#include "throttle.h"
#include "token.h"

/* Networks a successful log-in makes known: wide enough for an office's or
 * a household's changing addresses, narrow enough to exclude the rest of a
 * provider. */
#define KNOWN_V4_BITS 24
#define KNOWN_V6_BITS 56
/* ... and for how long after the last log-in from there. */
#define KNOWN_DAYS 180
#define KNOWN_SINCE(now) ((now) - (gint64) KNOWN_DAYS * 24 * 3600 * G_USEC_PER_SEC)
/* One client for the address throttle: an IPv6 client easily holds a /64. */
#define CLIENT_V6_BITS 64
#define THROTTLE_MAX_KEYS 100000
#define THROTTLE_FORGET_MIN (15 * 60 * G_USEC_PER_SEC)
#define BUSY_RETRY_S 5

struct _ShLogin {
  GThreadPool *pool;
  GMainContext *context; /* where verdicts are applied: the server's */
  guint capacity;        /* hashes running or queued before 503 */
  guint pending;         /* submitted, verdict not yet applied (main thread) */
  int closing;           /* atomic: set by login_free */
  ShThrottle *by_address;
  ShThrottle *by_account;
};

typedef struct {
  ShLogin *login;
  ShServer *server;
  SoupServerMessage *msg; /* a reference: the connection may go meanwhile */
  char *password;         /* wiped when freed */
  char *hash;             /* the account's, or the dummy */
  gint64 account_id;      /* 0: unknown or disabled */
  char *client;           /* the address, for logs */
  char *address_key;
  char *account_key;
  char *network;
  char *code_hash; /* of the one-time code given, or NULL */
  gboolean ok;
  /* A password check other than a log-in (sh_login_check_password). */
  char *new_password; /* hashed after a good check; wiped when freed */
  guint iterations;
  char *new_hash;
  ShPasswordCheckedFunc done;
  gpointer done_data;
  GDestroyNotify done_free;
} LoginJob;

static void
wipe (char *secret)
{
  if (secret) {
    OPENSSL_cleanse (secret, strlen (secret));
    g_free (secret);
  }
}

static void
login_job_free (LoginJob *job)
{
  wipe (job->password);
  wipe (job->new_password);
  g_free (job->hash);
  g_free (job->new_hash);
  if (job->done_free)
    job->done_free (job->done_data);
  g_free (job->client);
  g_free (job->address_key);
  g_free (job->account_key);
  g_free (job->network);
  g_free (job->code_hash);
  g_clear_object (&job->msg);
  g_free (job);
}

/* ------------------------------------------------------------- the pool */

static gboolean apply_verdict (gpointer data);

static void
hash_in_thread (gpointer data, gpointer user_data)
{
  LoginJob *job = data;
  GSource *source;

  /* At shutdown the queue is drained without hashing. */
  if (!g_atomic_int_get (&job->login->closing)) {
    /* No stored hash: nothing to check (an administrator sets a password). */
    job->ok = !job->hash || sh_password_verify (job->password, job->hash);
    if (job->ok && job->new_password)
      job->new_hash = sh_password_hash (job->new_password, job->iterations);
  }
  /* An idle source, not g_main_context_invoke(): that could run the verdict
   * right here when the main thread is between iterations. */
  source = g_idle_source_new ();
  g_source_set_callback (source, apply_verdict, job, NULL);
  g_source_attach (source, job->login->context);
  g_source_unref (source);
}

static void login_free (ShLogin *login);

static void
login_stop (ShServer *server, gpointer data)
{
  g_clear_pointer (&server->login, login_free);
}

static ShLogin *
login_get (ShServer *server)
{
  const ShConfig *c = server->config;
  ShLogin *login = server->login;
  guint threads;
  gint64 delay, max_delay;

  if (login)
    return login;
  threads = c->login_hash_threads ? c->login_hash_threads : (guint) g_get_num_processors ();
  delay = (gint64) c->login_delay_seconds * G_USEC_PER_SEC;
  max_delay = MAX ((gint64) c->login_max_delay_seconds * G_USEC_PER_SEC, delay);
  login = g_new0 (ShLogin, 1);
  login->context = g_main_context_ref_thread_default ();
  login->capacity = threads + c->login_hash_queue;
  /* Exclusive threads: a burst of log-ins must not wait for the shared
   * pool's threads to be created. Failing here means no threads at all. */
  login->pool = g_thread_pool_new (hash_in_thread, login, (gint) threads, TRUE, NULL);
  g_assert (login->pool != NULL);
  login->by_address = sh_throttle_new (c->login_address_failures, delay, max_delay,
                                       MAX (max_delay, THROTTLE_FORGET_MIN), THROTTLE_MAX_KEYS);
  login->by_account = sh_throttle_new (c->login_account_address_failures, delay, max_delay,
                                       MAX (max_delay, THROTTLE_FORGET_MIN), THROTTLE_MAX_KEYS);
  server->login = login;
  sh_server_on_stop (server, login_stop, NULL);
  return login;
}

/* Waits for the hashes in progress (queued ones are skipped) and drops
 * their replies. Main thread only. */
static void
login_free (ShLogin *login)
{
  g_atomic_int_set (&login->closing, 1);
  /* Waits for the running hashes; the queued ones finish at once. */
  g_thread_pool_free (login->pool, FALSE, TRUE);
  while (login->pending > 0)
    g_main_context_iteration (login->context, TRUE);
  sh_throttle_free (login->by_address);
  sh_throttle_free (login->by_account);
  g_main_context_unref (login->context);
  g_free (login);
}

void
sh_login_forget_account (ShServer *server, gint64 account_id)
{
  g_autofree char *prefix = g_strdup_printf ("a%" G_GINT64_FORMAT "|", account_id);

  if (server->login)
    sh_throttle_forget_prefix (server->login->by_account, prefix);
}

/* ------------------------------------------------------------- replies */

static void
reply_wait (ShRequest *req, guint status, const char *code, gint64 wait_us, const char *what)
{
  gint64 seconds = MAX ((wait_us + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC, 1);
  g_autofree char *retry = g_strdup_printf ("%" G_GINT64_FORMAT, seconds);
  g_autofree char *message = NULL;

  if (seconds >= 120)
    message = g_strdup_printf ("%s，请 %" G_GINT64_FORMAT " 分钟后再试", what, (seconds + 59) / 60);
  else
    message = g_strdup_printf ("%s，请 %" G_GINT64_FORMAT " 秒后再试", what, seconds);
  soup_message_headers_replace (soup_server_message_get_response_headers (req->msg), "Retry-After",
                                retry);
  sh_reply_error (req, status, code, message);
}

static void
reply_locked (ShRequest *req, gint64 locked_until)
{
  g_autoptr (GDateTime) utc = g_date_time_new_from_unix_utc (locked_until / G_USEC_PER_SEC);
  g_autoptr (GDateTime) local = g_date_time_to_timezone (utc, req->server->tz);
  g_autofree char *when = g_date_time_format (local, "%H:%M");
  g_autofree char *message
      = g_strdup_printf ("该账号因多次登录失败已暂时锁定（至 %s）。请在您常用的网络环境下登录，"
                         "或请管理员解锁、提供一次性登录码",
                         when);

  sh_reply_error (req, 423, "account_locked", message);
}

static void
reply_bad_credentials (ShRequest *req)
{
  /* One answer for a wrong password, an unknown name and a disabled
   * account: nothing tells which. */
  sh_reply_error (req, SOUP_STATUS_UNAUTHORIZED, "bad_credentials", "账号或密码错误");
}

/* --------------------------------------------------------- the verdict */

static void
record_failure (ShRequest *req, LoginJob *job, const ShAccount *account)
{
  const ShConfig *c = req->server->config;
  g_autoptr (GError) error = NULL;
  gint64 now = g_get_real_time ();
  int failures = 0;

  req->server->metrics.login_failures_total++;
  sh_throttle_fail (job->login->by_address, job->address_key, now);
  sh_throttle_fail (job->login->by_account, job->account_key, now);
  if (account) {
    failures = sh_account_record_failure (
        req->server->store, account->id, now, (int) c->lockout_failures,
        (gint64) c->lockout_minutes * 60 * G_USEC_PER_SEC, &error);
    if (failures < 0)
      g_warning ("counting a failed log-in: %s", error->message);
    g_message ("log-in failed for account %" G_GINT64_FORMAT " from %s (%d in a row)", account->id,
               job->client, failures);
  } else {
    g_message ("log-in failed for an unknown or disabled account from %s", job->client);
  }
  reply_bad_credentials (req);
}

static void
log_in (ShRequest *req, LoginJob *job, const ShAccount *account)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) roles = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autofree char *csrf = NULL;
  gint64 now = g_get_real_time ();
  gboolean known = FALSE;

  if (account->locked_until > now) {
    if (!sh_account_knows_network (req->server->store, account->id, job->network, KNOWN_SINCE (now),
                                   &known, &error)) {
      sh_reply_gerror (req, error);
      return;
    }
    /* The one-time code is looked at only with the right password, and only
     * where it is needed: it is used up here. */
    if (!known && job->code_hash) {
      if (!sh_account_use_login_code (req->server->store, account->id, job->code_hash, now, &known,
                                      &error)) {
        sh_reply_gerror (req, error);
        return;
      }
      if (known)
        g_message ("account %" G_GINT64_FORMAT " used a one-time code from %s", account->id,
                   job->network);
    }
    if (!known) {
      g_message ("account %" G_GINT64_FORMAT " is locked; right password from new network %s",
                 account->id, job->network);
      reply_locked (req, account->locked_until);
      return;
    }
  }
  roles = sh_account_roles (req->server->store, account->id, &error);
  /* The owner coming in from a known network leaves a lock in place: it
   * holds off the strangers who caused it. */
  if (!roles
      || (account->locked_until <= now
          && !sh_account_record_success (req->server->store, account->id, &error))
      || !sh_account_add_network (req->server->store, account->id, job->network, now,
                                  KNOWN_SINCE (now), &error)
      || !(csrf = sh_session_start (req->server, req->msg, account, &error))) {
    sh_reply_gerror (req, error);
    return;
  }
  sh_throttle_forget (job->login->by_account, job->account_key);
  g_message ("account %" G_GINT64_FORMAT " logged in from %s", account->id, job->client);
  sh_build_me (b, account, roles, csrf);
  sh_reply_builder (req, SOUP_STATUS_OK, b);
}

static gboolean
apply_verdict (gpointer data)
{
  LoginJob *job = data;
  ShLogin *login = job->login;
  ShRequest req
      = { .server = job->server, .msg = job->msg, .method = "POST", .path = "/api/session" };
  g_autoptr (ShAccount) account = NULL;

  login->pending--;
  if (g_atomic_int_get (&login->closing)) {
    /* The server is going away: no store to write to, no one to answer. */
    login_job_free (job);
    return G_SOURCE_REMOVE;
  }
  if (job->done) {
    if (!job->ok && job->account_key) {
      sh_throttle_fail (login->by_address, job->address_key, g_get_real_time ());
      sh_throttle_fail (login->by_account, job->account_key, g_get_real_time ());
    }
    job->done (&req, job->ok, job->new_hash, job->done_data);
    soup_server_message_unpause (job->msg);
    login_job_free (job);
    return G_SOURCE_REMOVE;
  }
  /* Read again: the account may have changed while the hash ran. */
  if (job->account_id)
    account = sh_account_get (job->server->store, job->account_id, NULL);
  if (account && (account->disabled || g_strcmp0 (account->password_hash, job->hash) != 0))
    job->ok = FALSE;
  if (!job->ok || !account)
    record_failure (&req, job, account && !account->disabled ? account : NULL);
  else
    log_in (&req, job, account);
  g_info ("POST /api/session from %s -> %u", job->client,
          soup_server_message_get_status (job->msg));
  soup_server_message_unpause (job->msg);
  login_job_free (job);
  return G_SOURCE_REMOVE;
}

char *
sh_login_issue_code (ShStore *store, gint64 account_id, gint64 *expires_at, GError **error)
{
  g_autofree char *code = sh_token_digits (8);
  g_autofree char *hash = sh_token_sha256_hex (code);

  *expires_at = g_get_real_time () + (gint64) SH_LOGIN_CODE_HOURS * 3600 * G_USEC_PER_SEC;
  if (!sh_account_set_login_code (store, account_id, hash, *expires_at, error))
    return NULL;
  return g_steal_pointer (&code);
}

void
sh_login_start (ShRequest *req, const char *login_name, const char *password, const char *code)
{
  ShServer *server = req->server;
  ShLogin *login = login_get (server);
  g_autoptr (GInetAddress) client = sh_request_client_address (server, req->msg);
  g_autoptr (ShAccount) account = sh_account_find (server->store, login_name, NULL);
  g_autofree char *folded = g_utf8_casefold (login_name, -1);
  LoginJob *job;
  gint64 now = g_get_real_time ();
  gint64 wait;

  job = g_new0 (LoginJob, 1);
  job->login = login;
  job->server = server;
  job->client = sh_client_network (client, 32, 128);
  job->address_key = sh_client_network (client, 32, CLIENT_V6_BITS);
  job->network = sh_client_network (client, KNOWN_V4_BITS, KNOWN_V6_BITS);
  /* Keyed on the account when there is one, so that its name and its phone
   * number share a count; else on the name, so that unknown names are
   * throttled exactly like known ones. */
  job->account_key
      = account ? g_strdup_printf ("a%" G_GINT64_FORMAT "|%s", account->id, job->address_key)
                : g_strdup_printf ("n%s|%s", folded, job->address_key);

  wait = MAX (sh_throttle_wait (login->by_address, job->address_key, now),
              sh_throttle_wait (login->by_account, job->account_key, now));
  if (wait > 0) {
    server->metrics.login_failures_total++;
    reply_wait (req, 429, "too_many_attempts", wait, "登录尝试过于频繁");
    login_job_free (job);
    return;
  }
  if (login->pending >= login->capacity) {
    reply_wait (req, SOUP_STATUS_SERVICE_UNAVAILABLE, "busy", BUSY_RETRY_S * G_USEC_PER_SEC,
                "登录人数较多");
    login_job_free (job);
    return;
  }
  /* Unknown and disabled accounts are checked against the dummy hash, in
   * the same pool, so that they take just as long. */
  if (account && !account->disabled) {
    job->account_id = account->id;
    job->hash = g_strdup (account->password_hash);
  } else {
    job->hash = g_strdup (server->dummy_hash);
  }
  job->password = g_strdup (password);
  job->code_hash = code && *code ? sh_token_sha256_hex (code) : NULL;
  job->msg = g_object_ref (req->msg);
  login->pending++;
  soup_server_message_pause (req->msg);
  g_thread_pool_push (login->pool, job, NULL);
}

void
sh_login_check_password (ShRequest *req, gint64 account_id, const char *password, const char *hash,
                         const char *new_password, ShPasswordCheckedFunc done, gpointer data,
                         GDestroyNotify free_data)
{
  ShServer *server = req->server;
  ShLogin *login = login_get (server);
  g_autoptr (GInetAddress) client = sh_request_client_address (server, req->msg);
  LoginJob *job = g_new0 (LoginJob, 1);
  gint64 wait = 0;

  job->login = login;
  job->server = server;
  job->done = done;
  job->done_data = data;
  job->done_free = free_data;
  job->client = sh_client_network (client, 32, 128);
  job->address_key = sh_client_network (client, 32, CLIENT_V6_BITS);
  /* The same keys as a log-in: guessing the password through this door is
   * no faster than through the log-in. */
  if (hash) {
    job->account_key = g_strdup_printf ("a%" G_GINT64_FORMAT "|%s", account_id, job->address_key);
    wait = MAX (sh_throttle_wait (login->by_address, job->address_key, g_get_real_time ()),
                sh_throttle_wait (login->by_account, job->account_key, g_get_real_time ()));
  }
  if (wait > 0) {
    reply_wait (req, 429, "too_many_attempts", wait, "密码尝试过于频繁");
    login_job_free (job);
    return;
  }
  if (login->pending >= login->capacity) {
    reply_wait (req, SOUP_STATUS_SERVICE_UNAVAILABLE, "busy", BUSY_RETRY_S * G_USEC_PER_SEC,
                "服务器繁忙");
    login_job_free (job);
    return;
  }
  job->password = g_strdup (password ? password : "");
  job->hash = g_strdup (hash);
  job->new_password = g_strdup (new_password);
  job->iterations = server->config->password_iterations;
  job->msg = g_object_ref (req->msg);
  login->pending++;
  soup_server_message_pause (req->msg);
  g_thread_pool_push (login->pool, job, NULL);
}
