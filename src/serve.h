/* serve.h — the authoring service (`dangan serve`, spec §8): teachers fill in
 * their records in a browser, the clerk checks, returns and bundles them.
 * Takes: HTTP requests. Gives: the submission folders of spec §2 under
 * DIR/submissions/ID/ (so every other command works on them unchanged),
 * their history under DIR/history/ID/, and accounts, sessions and
 * statuses in DIR/serve.sqlite. It goes through the same stages as the
 * command line (load → validate → check → build), in process, and runs
 * bundle and verify as child processes of this same binary.
 *
 *   serve_http.c   libmicrohttpd daemon: bodies, limits, cookies, CSRF, routing
 *   serve_auth.c   accounts, sessions, throttling, statuses (SQLite, libsodium)
 *   serve_store.c  submission files: names, ETags, validation, history
 *   serve_api.c    the JSON endpoints
 *   serve_job.c    bundle and verify as child processes; the bundle zip
 *   serve_engine.c the check engines: a load context per core and one more
 */
#ifndef DANGAN_SERVE_H
#define DANGAN_SERVE_H

#include <pthread.h>
#include <stddef.h>
#include <sys/types.h>
#include "load_context.h"
#include "util.h"
#include "util_limits.h"   /* SERVE_*: request limits, throttling, sessions */

/* Store writes of one submission run one at a time (the ETag comparison
 * and the rename are one step); different teachers' saves, and their
 * fsyncs, run side by side on these many locks. */
#define SERVE_STRIPES 64

/* Load contexts, each used by one request at a time (serve_engine.c). */
typedef struct engine_pool {
    pthread_mutex_t l;
    pthread_cond_t freed;
    context *ctx;
    int *busy;                /* 0 free, 1 a check, 2 a draft */
    int n, drafts, max_drafts;
    unsigned long next[2], serving[2];   /* tickets of checks [0] and drafts [1] */
} engine_pool;

typedef struct user {
    char login[64], role[16], placement[64], name[128], profile[64];
    char csrf[65];
    int must_change;
} user;

/* The one state of a running server, shared by every request thread. */
typedef struct serve {
    char *data;               /* DIR */
    char *school;             /* SCHOOL.xml for bundles, or NULL */
    char *web;                /* templates/web */
    char *self;               /* this binary, for bundle and verify */
    int tls;                  /* cookies get Secure */
    long session_ttl;         /* seconds */
    context ctx;              /* calendar (read only), and the profiles accounts name */
    pthread_mutex_t ctxl;     /* ctx's profile cache */
    engine_pool engines;      /* checks and drafts run on these */
    pthread_mutex_t stripes[SERVE_STRIPES]; /* store writes, by submission id */
    struct sqlite3 *db;
    pthread_mutex_t dbl;
    pthread_mutex_t ratel;    /* the request-rate buckets */
    struct bucket { unsigned long long key; double tokens, at; } rate[256];
    pthread_mutex_t jobl;     /* the bundle job below */
    pid_t job_pid;
    char job_state[16];       /* "idle" "running" "done" "failed" */
    int job_total;
    char *job_dir;            /* DIR/bundles/NAME while running or done */
} serve;

/* A reply as the endpoints build it; serve_http.c sends it. */
typedef struct reply {
    int status;
    strbuf body;
    const char *type;         /* Content-Type; NULL: application/json */
    char etag[72];            /* "" when none */
    char *cookie;             /* Set-Cookie, malloc'd, or NULL */
    char *file;               /* send this file instead of body (malloc'd) */
    const char *disposition;  /* Content-Disposition, or NULL */
    /* For Server-Timing: when routing began, the time spent waiting for
     * an engine and on one, and when the engine was taken. */
    double t0, wait_ms, engine_ms, engine_at;
} reply;

/* One request, its body read whole (within its route's limit). */
typedef struct request {
    serve *s;
    const char *method, *path, *query;
    const char *body;
    size_t len;
    const char *if_match, *content_type, *addr;
    user u;                   /* the session's user when authed */
    int authed;
    char token[65];           /* the session cookie's value */
} request;

/* serve_http.c */
int serve_run(serve *s, const char *listen, const char *cert, const char *key);
void reply_error(reply *r, int status, const char *zh);
void reply_json(reply *r, int status, const char *json);

/* serve_api.c: answers every /api/ request; the session is already
 * looked up (r->authed) and CSRF checked for state-changing methods. */
void api_handle(request *q, reply *r);
/* Body limit of a route before it is read (413 beyond it). */
size_t api_body_limit(const char *method, const char *path);

/* serve_auth.c */
int auth_open(serve *s, char *err, size_t errlen);
void auth_close(serve *s);
/* Adds an account; writes a fresh one-time password into pw (≥ 17 bytes).
 * 0, or -1 with err (login taken, bad field). */
int auth_user_add(serve *s, const user *u, char *pw, size_t pwlen, char *err, size_t errlen);
/* Why an account cannot be made (a Chinese sentence), or NULL; reads
 * the profiles, so the server calls it under s->ctxl. */
const char *auth_user_invalid(serve *s, const user *u);
/* A teacher's new one-time password (forgotten password): must be
 * changed at the next login; the account's sessions end. 0, or -1 when
 * there is no such teacher. */
int auth_reset(serve *s, const char *login, char *pw, size_t pwlen);
/* 200 with a new session (token, and u with csrf), 401, 429. */
int auth_login(serve *s, const char *login, const char *password, const char *addr,
               char token[65], user *u);
/* 0 and u when the token names a live session (its expiry renewed). */
int auth_session(serve *s, const char *token, user *u);
void auth_logout(serve *s, const char *token);
/* 200, 401 (old password wrong), 400 (new one too weak: says why in why). */
int auth_password(serve *s, const user *u, const char *old, const char *nw,
                  const char **why);
/* Teacher accounts as JSON [{"id","name","profile","status","reason","login"}];
 * only placement `only` when not NULL. */
void auth_list(serve *s, const char *only, strbuf *json);
/* 1 when a teacher account holds placement id (the id exists). */
int auth_placement_exists(serve *s, const char *id);
/* Status of a placement: "draft" "submitted" "returned" "passed" "failed". */
void auth_status(serve *s, const char *id, char *state, size_t len);
void auth_set_status(serve *s, const char *id, const char *state, const char *reason);
/* Placements in a state (malloc'd array of malloc'd ids); the count. */
int auth_with_status(serve *s, const char *state, char ***ids);
/* The profile an account was given (user add --profile), "" when none. */
void auth_profile(serve *s, const char *id, char *profile, size_t len);

/* serve_store.c */
/* 1 when name is a file name the service stores: [a-z0-9][a-z0-9_-]*.xml. */
int store_name_ok(const char *name);
int store_id_ok(const char *id);
void store_list(serve *s, const char *id, strbuf *json);
/* GET: 200 with the XML and its ETag, or 404. */
void store_get(serve *s, const char *id, const char *name, reply *r);
/* PUT: validates body as NAME of submission id, then writes it with the
 * old version kept in history. 200 (the check object), 412, 422. */
void store_put(serve *s, const char *id, const char *name, const char *body, size_t len,
               const char *if_match, reply *r);
void store_delete(serve *s, const char *id, const char *name, const char *if_match, reply *r);
/* A figure (image bytes) stored under a generated name: 201 {"src"}. */
void store_figure(serve *s, const char *id, const char *data, size_t len, reply *r);
/* The check object of a submission (spec §4's JSON, plus "rows": the
 * check-list) into r, 200; takes a check engine for the check. */
void store_check(serve *s, const char *id, reply *r);
/* Makes DIR/submissions/ID (user add). 0 or -1. */
int store_create(const char *data, const char *id);
void store_init(serve *s);
/* Removes leftovers of an interrupted save (DIR/.staging). */
void store_recover(serve *s);

/* serve_job.c */
void job_bundle_start(serve *s, reply *r);
void job_bundle_status(serve *s, reply *r);
void job_bundle_zip(serve *s, reply *r);
void job_bundle_summary(serve *s, reply *r);
void job_verify(serve *s, const char *pdf, size_t len, reply *r);
void job_reap(serve *s);
/* The last finished bundle of DIR/bundles, after a restart. */
void job_recover(serve *s);

/* serve_engine.c */
/* Opens an engine per core (1–8) and one more, each a whole context
 * (NEED_ALL). -1 with err. */
int engines_open(serve *s, char *err, size_t errlen);
void engines_close(serve *s);
/* A free engine, waiting for one: for a draft, one of all but the last
 * (so a check never waits behind drafts). r's wait_ms and (at the give)
 * engine_ms count the time. */
context *engine_take(serve *s, int draft, reply *r);
void engine_give(serve *s, context *c, reply *r);
/* CLOCK_MONOTONIC in milliseconds. */
double serve_clock_ms(void);

/* Small JSON input: the string value of key in a flat object, malloc'd,
 * or NULL when absent or the body is not such an object. */
char *json_get(const char *body, size_t len, const char *key);
/* Appends s as a JSON string literal. */
void sb_json(strbuf *b, const char *s);

#endif
