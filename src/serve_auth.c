/* serve_auth.c — accounts, sessions, login throttling and submission
 * statuses, in DIR/serve.sqlite (WAL, so `dangan user add` can add an
 * account while the server runs). Passwords are Argon2id hashes
 * (libsodium crypto_pwhash_str); a session cookie is 256 random bits and
 * only its SHA-256 is stored, so a copy of the database opens no session. */
#include "serve.h"

#include <sodium.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char SCHEMA[] =
    "PRAGMA journal_mode=WAL;"
    /* WAL with NORMAL stays consistent on a crash; a power cut may lose
     * the last session touches, never an account (and the files are not
     * here: each save is fsynced on its own). */
    "PRAGMA synchronous=NORMAL;"
    "CREATE TABLE IF NOT EXISTS users(login TEXT PRIMARY KEY, role TEXT NOT NULL,"
    " placement TEXT UNIQUE, name TEXT NOT NULL DEFAULT '', profile TEXT NOT NULL DEFAULT '',"
    " hash TEXT NOT NULL, must_change INTEGER NOT NULL DEFAULT 1);"
    "CREATE TABLE IF NOT EXISTS sessions(token TEXT PRIMARY KEY, login TEXT NOT NULL,"
    " csrf TEXT NOT NULL, expires INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS failures(key TEXT PRIMARY KEY, count INTEGER NOT NULL,"
    " first INTEGER NOT NULL, locked_until INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE IF NOT EXISTS statuses(placement TEXT PRIMARY KEY, state TEXT NOT NULL,"
    " reason TEXT NOT NULL DEFAULT '', updated INTEGER NOT NULL);";

int auth_open(serve *s, char *err, size_t errlen)
{
    if (sodium_init() < 0) { snprintf(err, errlen, "libsodium 初始化失败"); return -1; }
    char *path = path_join(s->data, "serve.sqlite");
    int rc = sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, NULL);
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "打不开账户数据库 %s：%s", path, s->db ? sqlite3_errmsg(s->db) : "");
        free(path);
        return -1;
    }
    free(path);
    /* Another process (user add) may hold the write lock for a moment. */
    sqlite3_busy_timeout(s->db, 5000);
    char *msg = NULL;
    if (sqlite3_exec(s->db, SCHEMA, NULL, NULL, &msg) != SQLITE_OK) {
        snprintf(err, errlen, "账户数据库出错：%s", msg ? msg : "");
        sqlite3_free(msg);
        return -1;
    }
    pthread_mutex_init(&s->dbl, NULL);
    return 0;
}

void auth_close(serve *s)
{
    if (s->db) sqlite3_close(s->db);
    s->db = NULL;
}

/* One prepared statement with text parameters; the caller steps it. */
static sqlite3_stmt *prep(serve *s, const char *sql, int n, ...)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) return NULL;
    va_list ap;
    va_start(ap, n);
    for (int i = 1; i <= n; i++) sqlite3_bind_text(st, i, va_arg(ap, const char *), -1, SQLITE_TRANSIENT);
    va_end(ap);
    return st;
}

static int exec1(serve *s, const char *sql, int n, ...)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) return -1;
    va_list ap;
    va_start(ap, n);
    for (int i = 1; i <= n; i++) sqlite3_bind_text(st, i, va_arg(ap, const char *), -1, SQLITE_TRANSIENT);
    va_end(ap);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : -1;
}

static void col(sqlite3_stmt *st, int i, char *dst, size_t len)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    snprintf(dst, len, "%s", t ? (const char *)t : "");
}

static void hex(const unsigned char *b, size_t n, char *out)
{
    sodium_bin2hex(out, n * 2 + 1, b, n);
}

static void token_hash(const char *token, char out[65])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)token, strlen(token));
    hex(h, sizeof h, out);
}

/* A password a person can type from a slip of paper: no 0/O, 1/l/I. */
static void one_time_password(char *pw, size_t len)
{
    static const char A[] = "ABCDEFGHJKMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz23456789";
    size_t n = len - 1 < 16 ? len - 1 : 16;
    for (size_t i = 0; i < n; i++) pw[i] = A[randombytes_uniform(sizeof A - 1)];
    pw[n] = 0;
}

static int hash_password(const char *pw, char out[crypto_pwhash_STRBYTES])
{
    return crypto_pwhash_str(out, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                             crypto_pwhash_MEMLIMIT_INTERACTIVE);
}

int auth_user_add(serve *s, const user *u, char *pw, size_t pwlen, char *err, size_t errlen)
{
    char hash[crypto_pwhash_STRBYTES];
    one_time_password(pw, pwlen);
    if (hash_password(pw, hash) != 0) { snprintf(err, errlen, "内存不足，无法计算口令散列"); return -1; }
    sqlite3_stmt *st = prep(s, "INSERT INTO users(login, role, placement, name, profile, hash, must_change)"
                               " VALUES(?1, ?2, NULLIF(?3, ''), ?4, ?5, ?6, 1)", 6,
                            u->login, u->role, u->placement, u->name, u->profile, hash);
    int rc = st ? sqlite3_step(st) : SQLITE_ERROR;
    if (rc != SQLITE_DONE) {
        snprintf(err, errlen, "%s", rc == SQLITE_CONSTRAINT ? "登录名或研修编号已被占用"
                                                             : sqlite3_errmsg(s->db));
        sqlite3_finalize(st);
        return -1;
    }
    sqlite3_finalize(st);
    if (u->placement[0])
        exec1(s, "INSERT OR IGNORE INTO statuses(placement, state, updated) VALUES(?1, 'draft', strftime('%s'))",
              1, u->placement);
    return 0;
}

static int load_user(serve *s, const char *login, user *u, char *hash, size_t hlen)
{
    sqlite3_stmt *st = prep(s, "SELECT login, role, IFNULL(placement, ''), name, profile, hash, must_change"
                               " FROM users WHERE login = ?1", 1, login);
    int found = st && sqlite3_step(st) == SQLITE_ROW;
    if (found) {
        memset(u, 0, sizeof *u);
        col(st, 0, u->login, sizeof u->login);
        col(st, 1, u->role, sizeof u->role);
        col(st, 2, u->placement, sizeof u->placement);
        col(st, 3, u->name, sizeof u->name);
        col(st, 4, u->profile, sizeof u->profile);
        if (hash) col(st, 5, hash, hlen);
        u->must_change = sqlite3_column_int(st, 6);
    }
    sqlite3_finalize(st);
    return found ? 0 : -1;
}

/* 1 when key is locked out now. */
static int throttled(serve *s, const char *key, long now)
{
    sqlite3_stmt *st = prep(s, "SELECT locked_until FROM failures WHERE key = ?1", 1, key);
    int locked = st && sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int64(st, 0) > now;
    sqlite3_finalize(st);
    return locked;
}

static void count_failure(serve *s, const char *key, int limit, long now)
{
    char t[24], w[24], l[24], lim[16];
    snprintf(t, sizeof t, "%ld", now);
    snprintf(w, sizeof w, "%ld", now - SERVE_THROTTLE_SECONDS);
    snprintf(l, sizeof l, "%ld", now + SERVE_THROTTLE_SECONDS);
    snprintf(lim, sizeof lim, "%d", limit);
    /* A window of SERVE_THROTTLE_SECONDS from the first failure; reaching
     * the limit inside it locks the key for as long again. */
    exec1(s, "INSERT INTO failures(key, count, first) VALUES(?1, 1, ?2)"
             " ON CONFLICT(key) DO UPDATE SET"
             " count = CASE WHEN first < ?3 THEN 1 ELSE count + 1 END,"
             " first = CASE WHEN first < ?3 THEN ?2 ELSE first END", 3, key, t, w);
    exec1(s, "UPDATE failures SET locked_until = ?2 WHERE key = ?1 AND count >= CAST(?3 AS INTEGER)",
          3, key, l, lim);
}

/* Verifying against a fixed hash when the login is unknown takes as long
 * as a real check, so the answer's timing does not tell which logins exist. */
static char dummy[crypto_pwhash_STRBYTES];
static void make_dummy(void) { hash_password("not anyone's password", dummy); }
static const char *dummy_hash(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, make_dummy);
    return dummy;
}

int auth_login(serve *s, const char *login, const char *password, const char *addr,
               char token[65], user *u)
{
    long now = (long)time(NULL);
    char akey[128], ikey[128], hash[crypto_pwhash_STRBYTES] = "";
    snprintf(akey, sizeof akey, "login:%s", login);
    snprintf(ikey, sizeof ikey, "addr:%s", addr);
    pthread_mutex_lock(&s->dbl);
    int locked = throttled(s, akey, now) || throttled(s, ikey, now);
    int known = !locked && load_user(s, login, u, hash, sizeof hash) == 0;
    pthread_mutex_unlock(&s->dbl);
    if (locked) return 429;
    /* The hash takes ~0.1 s and 64 MiB: not under the database lock. */
    int good = crypto_pwhash_str_verify(known ? hash : dummy_hash(), password, strlen(password)) == 0;
    pthread_mutex_lock(&s->dbl);
    if (!known || !good) {
        count_failure(s, akey, SERVE_ACCOUNT_FAILURES, now);
        count_failure(s, ikey, SERVE_ADDR_FAILURES, now);
        pthread_mutex_unlock(&s->dbl);
        return 401;
    }
    exec1(s, "DELETE FROM failures WHERE key = ?1", 1, akey);
    char exp_s[24], th[65];
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    hex(raw, sizeof raw, token);
    randombytes_buf(raw, sizeof raw);
    hex(raw, sizeof raw, u->csrf);
    token_hash(token, th);
    snprintf(exp_s, sizeof exp_s, "%ld", now + s->session_ttl);
    exec1(s, "DELETE FROM sessions WHERE expires < strftime('%s')", 0);
    int rc = exec1(s, "INSERT INTO sessions(token, login, csrf, expires) VALUES(?1, ?2, ?3, CAST(?4 AS INTEGER))",
                   4, th, login, u->csrf, exp_s);
    pthread_mutex_unlock(&s->dbl);
    return rc == 0 ? 200 : 500;
}

int auth_session(serve *s, const char *token, user *u)
{
    if (strlen(token) != 64) return -1;
    char th[65], login[64] = "", csrf[65] = "";
    token_hash(token, th);
    long now = (long)time(NULL);
    char now_s[24], exp_s[24];
    snprintf(now_s, sizeof now_s, "%ld", now);
    snprintf(exp_s, sizeof exp_s, "%ld", now + s->session_ttl);
    pthread_mutex_lock(&s->dbl);
    sqlite3_stmt *st = prep(s, "SELECT login, csrf, expires FROM sessions WHERE token = ?1 AND expires >= CAST(?2 AS INTEGER)",
                            2, th, now_s);
    int live = st && sqlite3_step(st) == SQLITE_ROW;
    /* The expiry slides with use, written at most once a minute. */
    int touch = live && sqlite3_column_int64(st, 2) < now + s->session_ttl - 60;
    if (live) { col(st, 0, login, sizeof login); col(st, 1, csrf, sizeof csrf); }
    sqlite3_finalize(st);
    if (live) live = load_user(s, login, u, NULL, 0) == 0;
    if (live) snprintf(u->csrf, sizeof u->csrf, "%s", csrf);
    if (touch) {
        exec1(s, "UPDATE sessions SET expires = CAST(?2 AS INTEGER) WHERE token = ?1", 2, th, exp_s);
    }
    pthread_mutex_unlock(&s->dbl);
    return live ? 0 : -1;
}

void auth_logout(serve *s, const char *token)
{
    char th[65];
    token_hash(token, th);
    pthread_mutex_lock(&s->dbl);
    exec1(s, "DELETE FROM sessions WHERE token = ?1", 1, th);
    pthread_mutex_unlock(&s->dbl);
}

static const char *weak(const user *u, const char *old, const char *nw)
{
    size_t chars = 0;
    for (const unsigned char *p = (const unsigned char *)nw; *p; p++) chars += (*p & 0xC0) != 0x80;
    if (chars < 8) return "新密码至少要 8 个字符";
    if (strlen(nw) > 256) return "新密码太长（最多 256 个字节）";
    if (!strcmp(nw, old)) return "新密码不能与原密码相同";
    if (!strcmp(nw, u->login)) return "新密码不能与登录名相同";
    int same = 1;
    for (const char *p = nw + 1; *p; p++) same &= *p == nw[0];
    if (same) return "新密码不能由同一个字符重复组成";
    return NULL;
}

int auth_password(serve *s, const user *u, const char *old, const char *nw, const char **why)
{
    char hash[crypto_pwhash_STRBYTES] = "";
    user cur;
    pthread_mutex_lock(&s->dbl);
    int known = load_user(s, u->login, &cur, hash, sizeof hash) == 0;
    pthread_mutex_unlock(&s->dbl);
    if (!known || crypto_pwhash_str_verify(hash, old, strlen(old)) != 0) return 401;
    if ((*why = weak(u, old, nw)) != NULL) return 400;
    if (hash_password(nw, hash) != 0) return 500;
    pthread_mutex_lock(&s->dbl);
    int rc = exec1(s, "UPDATE users SET hash = ?2, must_change = 0 WHERE login = ?1", 2, u->login, hash);
    pthread_mutex_unlock(&s->dbl);
    return rc == 0 ? 200 : 500;
}

void auth_list(serve *s, const char *only, strbuf *json)
{
    pthread_mutex_lock(&s->dbl);
    sqlite3_stmt *st = prep(s, "SELECT u.placement, u.name, u.profile, IFNULL(t.state, 'draft'),"
                               " IFNULL(t.reason, ''), u.login FROM users u LEFT JOIN statuses t"
                               " ON t.placement = u.placement WHERE u.role = 'teacher'"
                               " AND (?1 = '' OR u.placement = ?1) ORDER BY u.placement", 1, only ? only : "");
    static const char *const KEYS[] = {"id", "name", "profile", "status", "reason", "login"};
    sb_puts(json, "[");
    for (int n = 0; st && sqlite3_step(st) == SQLITE_ROW; n++) {
        sb_puts(json, n ? ",{" : "{");
        for (int i = 0; i < 6; i++) {
            sb_printf(json, "%s\"%s\":", i ? "," : "", KEYS[i]);
            const unsigned char *t = sqlite3_column_text(st, i);
            sb_json(json, t ? (const char *)t : "");
        }
        sb_puts(json, "}");
    }
    sb_puts(json, "]");
    sqlite3_finalize(st);
    pthread_mutex_unlock(&s->dbl);
}

int auth_placement_exists(serve *s, const char *id)
{
    pthread_mutex_lock(&s->dbl);
    sqlite3_stmt *st = prep(s, "SELECT 1 FROM users WHERE placement = ?1 AND role = 'teacher'", 1, id);
    int found = st && sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    pthread_mutex_unlock(&s->dbl);
    return found;
}

void auth_status(serve *s, const char *id, char *state, size_t len)
{
    pthread_mutex_lock(&s->dbl);
    sqlite3_stmt *st = prep(s, "SELECT state FROM statuses WHERE placement = ?1", 1, id);
    if (st && sqlite3_step(st) == SQLITE_ROW) col(st, 0, state, len);
    else snprintf(state, len, "draft");
    sqlite3_finalize(st);
    pthread_mutex_unlock(&s->dbl);
}

void auth_set_status(serve *s, const char *id, const char *state, const char *reason)
{
    pthread_mutex_lock(&s->dbl);
    exec1(s, "INSERT INTO statuses(placement, state, reason, updated) VALUES(?1, ?2, ?3, strftime('%s'))"
             " ON CONFLICT(placement) DO UPDATE SET state = ?2, reason = ?3, updated = strftime('%s')",
          3, id, state, reason ? reason : "");
    pthread_mutex_unlock(&s->dbl);
}

void auth_profile(serve *s, const char *id, char *profile, size_t len)
{
    pthread_mutex_lock(&s->dbl);
    sqlite3_stmt *st = prep(s, "SELECT profile FROM users WHERE placement = ?1", 1, id);
    if (st && sqlite3_step(st) == SQLITE_ROW) col(st, 0, profile, len);
    else if (len) profile[0] = 0;
    sqlite3_finalize(st);
    pthread_mutex_unlock(&s->dbl);
}

int auth_with_status(serve *s, const char *state, char ***ids)
{
    pthread_mutex_lock(&s->dbl);
    sqlite3_stmt *st = prep(s, "SELECT placement FROM statuses WHERE state = ?1 ORDER BY placement", 1, state);
    int n = 0, cap = 16;
    char **v = xcalloc((size_t)cap, sizeof *v);
    while (st && sqlite3_step(st) == SQLITE_ROW) {
        if (n == cap) v = xrealloc(v, sizeof *v * (size_t)(cap *= 2));
        const unsigned char *t = sqlite3_column_text(st, 0);
        v[n++] = xstrdup(t ? (const char *)t : "");
    }
    sqlite3_finalize(st);
    pthread_mutex_unlock(&s->dbl);
    *ids = v;
    return n;
}

int auth_reset(serve *s, const char *login, char *pw, size_t pwlen)
{
    char hash[crypto_pwhash_STRBYTES];
    one_time_password(pw, pwlen);
    if (hash_password(pw, hash) != 0) return -1;
    pthread_mutex_lock(&s->dbl);
    /* A clerk resets teachers only; the old sessions end with the password. */
    int rc = exec1(s, "UPDATE users SET hash = ?2, must_change = 1 WHERE login = ?1 AND role = 'teacher'", 2, login, hash);
    int changed = rc == 0 && sqlite3_changes(s->db) == 1;
    if (changed) {
        exec1(s, "DELETE FROM sessions WHERE login = ?1", 1, login);
        exec1(s, "DELETE FROM failures WHERE key = 'login:' || ?1", 1, login);
    }
    pthread_mutex_unlock(&s->dbl);
    return changed ? 0 : -1;
}

static int login_ok(const char *l)
{
    size_t n = strlen(l);
    if (n == 0 || n >= 64) return 0;
    for (const char *p = l; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || strchr("._-", *p)))
            return 0;
    return 1;
}

const char *auth_user_invalid(serve *s, const user *u)
{
    int teacher = !strcmp(u->role, "teacher");
    if (!teacher && strcmp(u->role, "clerk")) return "角色只能是 teacher（教师）或 clerk（基地校教务员）";
    if (!login_ok(u->login)) return "登录名只能由字母、数字和 . _ - 组成（最多 63 个）";
    if (utf8_first_invalid(u->name, strlen(u->name)) >= 0) return "姓名不是 UTF-8 文字";
    if (!teacher) return NULL;
    if (!u->placement[0] || !store_id_ok(u->placement))
        return "教师账户要有研修编号（字母、数字、- 和 _，如 LX2016-0007）";
    if (!u->name[0]) return "教师账户要有姓名";
    if (u->profile[0]) {
        int nf = 0;
        char err[512] = "";
        if (!store_id_ok(u->profile) || !context_profile(&s->ctx, u->profile, &nf, err, sizeof err))
            return "没有这个研修项目（dangan profiles 列出全部）";
    }
    return NULL;
}
