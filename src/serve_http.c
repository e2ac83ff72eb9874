/* serve_http.c — the libmicrohttpd daemon: reads each request's body whole
 * within its route's limit (413 beyond, checked on Content-Length before a
 * byte is read), looks up the session cookie, demands the CSRF header on
 * every state-changing request, routes /api/ to serve_api.c and everything
 * else to the web application's files, and stops cleanly on SIGTERM:
 * requests in progress finish (every store write is atomic anyway). */
#include "serve.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

typedef struct pending {
    strbuf body;
    size_t limit;
    int too_big;
    int answered;      /* refused before its body: answer already queued */
} pending;

void reply_error(reply *r, int status, const char *zh)
{
    r->status = status;
    r->body.len = 0;
    if (r->body.s) r->body.s[0] = 0;
    sb_puts(&r->body, "{\"error\":");
    sb_json(&r->body, zh);
    sb_puts(&r->body, "}");
}

void reply_json(reply *r, int status, const char *json)
{
    r->status = status;
    sb_puts(&r->body, json);
}

static const char *ctype_of(const char *name)
{
    const char *dot = strrchr(name, '.');
    static const struct { const char *ext, *type; } T[] = {
        {".html", "text/html; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"}, {".svg", "image/svg+xml"},
        {".png", "image/png"}, {".jpg", "image/jpeg"},
    };
    for (size_t i = 0; dot && i < sizeof T / sizeof T[0]; i++)
        if (!strcmp(dot, T[i].ext)) return T[i].type;
    return "application/octet-stream";
}

/* The web application: "/" and "/verify" are its page; /static/NAME its
 * files, NAME a strict pattern (no path reaches the disk). */
static void static_file(serve *s, const char *path, reply *r)
{
    const char *name = NULL;
    if (!strcmp(path, "/") || !strcmp(path, "/verify") || !strcmp(path, "/clerk")) name = "index.html";
    else if (!strncmp(path, "/static/", 8)) name = path + 8;
    int ok = name && *name && strlen(name) < 64;
    for (const char *p = name; ok && *p; p++)
        ok = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' || (*p == '.' && p != name);
    if (ok) ok = !strstr(name, "..");
    if (!ok) { reply_error(r, 404, "没有这个页面"); return; }
    char *file = path_join(s->web, name);
    struct stat st;
    if (stat(file, &st) != 0 || !S_ISREG(st.st_mode)) { free(file); reply_error(r, 404, "没有这个页面"); return; }
    r->status = 200;
    r->file = file;
    r->type = ctype_of(name);
}

/* A token bucket per session or address (hashed into 256 slots: two that
 * share a slot share its rate, which errs on the side of refusing). */
static int rate_ok(serve *s, const char *who)
{
    unsigned long long h = 1469598103934665603ull;
    for (const unsigned char *p = (const unsigned char *)who; *p; p++) h = (h ^ *p) * 1099511628211ull;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    double now = (double)ts.tv_sec + ts.tv_nsec / 1e9;
    pthread_mutex_lock(&s->ratel);
    struct bucket *b = &s->rate[h % 256];
    if (b->key != h) { b->key = h; b->tokens = SERVE_RATE_BURST; b->at = now; }
    b->tokens += (now - b->at) * SERVE_RATE_PER_SECOND;
    if (b->tokens > SERVE_RATE_BURST) b->tokens = SERVE_RATE_BURST;
    b->at = now;
    int ok = b->tokens >= 1;
    if (ok) b->tokens -= 1;
    pthread_mutex_unlock(&s->ratel);
    return ok;
}

static const char *cookie_token(struct MHD_Connection *c)
{
    return MHD_lookup_connection_value(c, MHD_COOKIE_KIND, "dangan_session");
}

static int state_changing(const char *method)
{
    return strcmp(method, "GET") && strcmp(method, "HEAD");
}

static void route(serve *s, struct MHD_Connection *c, const char *method, const char *url,
                  pending *p, reply *r)
{
    request q;
    memset(&q, 0, sizeof q);
    q.s = s;
    q.method = method;
    q.path = url;
    q.body = p->body.s ? p->body.s : "";
    q.len = p->body.len;
    q.if_match = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-Match");
    q.content_type = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    char addr[64] = "?";
    if (ci && ci->client_addr && ci->client_addr->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)ci->client_addr)->sin_addr, addr, sizeof addr);
    q.addr = addr;
    if (strncmp(url, "/api/", 5)) {
        if (strcmp(method, "GET") && strcmp(method, "HEAD")) reply_error(r, 405, "不支持这种请求");
        else static_file(s, url, r);
        return;
    }
    const char *tok = cookie_token(c);
    if (!rate_ok(s, tok && *tok ? tok : addr)) { reply_error(r, 429, "请求太频繁，请稍等几秒再试"); return; }
    if (tok && auth_session(s, tok, &q.u) == 0) {
        q.authed = 1;
        snprintf(q.token, sizeof q.token, "%s", tok);
    }
    /* Logging in and verifying a PDF need no session; everything else
     * that changes state needs the session and its CSRF token (a page of
     * another site can make the browser send the cookie, never the header). */
    int open_route = !strcmp(url, "/api/login") || !strcmp(url, "/api/verify");
    if (state_changing(method) && !open_route) {
        const char *csrf = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-CSRF-Token");
        if (!q.authed) { reply_error(r, 401, "请先登录"); return; }
        if (!csrf || strcmp(csrf, q.u.csrf)) { reply_error(r, 403, "请求缺少有效的安全令牌，请刷新页面后重试"); return; }
    }
    api_handle(&q, r);
}

static struct MHD_Response *make_response(serve *s, reply *r)
{
    struct MHD_Response *res = NULL;
    if (r->file) {
        int fd = open(r->file, O_RDONLY);
        struct stat st;
        if (fd >= 0 && fstat(fd, &st) == 0) res = MHD_create_response_from_fd((uint64_t)st.st_size, fd);
        else if (fd >= 0) close(fd);
        if (!res) { r->type = NULL; reply_error(r, 404, "文件不见了"); }
    }
    if (!res)
        res = MHD_create_response_from_buffer(r->body.len, r->body.s ? r->body.s : (char *)"",
                                              MHD_RESPMEM_MUST_COPY);
    MHD_add_response_header(res, "Content-Type", r->type ? r->type : "application/json; charset=utf-8");
    MHD_add_response_header(res, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(res, "Referrer-Policy", "same-origin");
    MHD_add_response_header(res, "X-Frame-Options", "SAMEORIGIN");
    /* Nothing from outside the server, ever: the page works in a LAN
     * without internet, and injected markup can load nothing. */
    MHD_add_response_header(res, "Content-Security-Policy",
                            "default-src 'self'; img-src 'self' blob: data:; object-src 'self'; frame-ancestors 'self'");
    MHD_add_response_header(res, "Cache-Control", "no-store");
    if (r->etag[0]) MHD_add_response_header(res, "ETag", r->etag);
    if (r->disposition) MHD_add_response_header(res, "Content-Disposition", r->disposition);
    /* The server's own time for the request, and how much of it was
     * spent waiting for an engine: what bench/serve_load.py reports. */
    char timing[128];
    snprintf(timing, sizeof timing, "wait;dur=%.1f, engine;dur=%.1f, app;dur=%.1f", r->wait_ms, r->engine_ms,
             serve_clock_ms() - r->t0);
    MHD_add_response_header(res, "Server-Timing", timing);
    if (r->cookie) {
        char *c = xasprintf("%s%s", r->cookie, s->tls ? "; Secure" : "");
        MHD_add_response_header(res, "Set-Cookie", c);
        free(c);
    }
    return res;
}

static enum MHD_Result send_reply(serve *s, struct MHD_Connection *c, reply *r)
{
    struct MHD_Response *res = make_response(s, r);
    enum MHD_Result ok = MHD_queue_response(c, (unsigned)r->status, res);
    MHD_destroy_response(res);
    sb_free(&r->body);
    free(r->cookie);
    free(r->file);
    return ok;
}

static enum MHD_Result answer_error(serve *s, struct MHD_Connection *c, int status, const char *zh)
{
    reply r;
    memset(&r, 0, sizeof r);
    sb_init(&r.body);
    r.t0 = serve_clock_ms();
    reply_error(&r, status, zh);
    return send_reply(s, c, &r);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *data,
                                  size_t *size, void **con)
{
    (void)version;
    serve *s = cls;
    pending *p = *con;
    if (!p) {
        p = xcalloc(1, sizeof *p);
        sb_init(&p->body);
        p->limit = api_body_limit(method, url);
        *con = p;
        const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
        /* A body somewhat over the limit is read and dropped, so the
         * client (a browser mid-upload) gets the answer; one far over it is
         * refused before a byte is read and the connection closed. */
        unsigned long long n = cl ? strtoull(cl, NULL, 10) : 0;
        if (n > p->limit) p->too_big = 1;
        if (n > (unsigned long long)p->limit + SERVE_DRAIN_BYTES) {
            p->answered = 1;
            return answer_error(s, c, 413, p->limit ? "上传的内容太大" : "这个请求不应带内容");
        }
        return MHD_YES;
    }
    if (p->answered) { *size = 0; return MHD_YES; }
    if (*size) {
        if (p->too_big || p->body.len + *size > p->limit) p->too_big = 1;
        else sb_add(&p->body, data, *size);
        *size = 0;
        return MHD_YES;
    }
    if (p->too_big) return answer_error(s, c, 413, "上传的内容太大");
    reply r;
    memset(&r, 0, sizeof r);
    sb_init(&r.body);
    r.status = 500;
    r.t0 = serve_clock_ms();
    route(s, c, method, url, p, &r);
    return send_reply(s, c, &r);
}

static void on_done(void *cls, struct MHD_Connection *c, void **con, enum MHD_RequestTerminationCode why)
{
    (void)cls; (void)c; (void)why;
    pending *p = *con;
    if (!p) return;
    sb_free(&p->body);
    free(p);
    *con = NULL;
}

static int parse_listen(const char *listen, struct sockaddr_in *sa)
{
    const char *colon = strrchr(listen, ':');
    if (!colon || colon == listen) return -1;
    char host[64];
    snprintf(host, sizeof host, "%.*s", (int)(colon - listen), listen);
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (*end || port < 0 || port > 65535) return -1;
    memset(sa, 0, sizeof *sa);
    sa->sin_family = AF_INET;
    sa->sin_port = htons((uint16_t)port);
    return inet_pton(AF_INET, host, &sa->sin_addr) == 1 ? 0 : -1;
}

static char *slurp(const char *path)
{
    char *d;
    size_t n;
    return read_file(path, 1u << 20, &d, &n) == 0 ? d : NULL;
}

int serve_run(serve *s, const char *listen, const char *cert, const char *key)
{
    struct sockaddr_in sa;
    if (parse_listen(listen, &sa) != 0) {
        fprintf(stderr, "dangan: --listen 应是 IPv4地址:端口，例如 127.0.0.1:8080（收到 %s）\n", listen);
        return 2;
    }
    char *certpem = NULL, *keypem = NULL;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_AUTO | MHD_USE_ERROR_LOG;
    if (cert || key) {
        if (!cert || !key) { fprintf(stderr, "dangan: --cert 和 --key 要一起给出\n"); return 2; }
        if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
            fprintf(stderr, "dangan: 这个 libmicrohttpd 不支持 TLS；请用 nginx 做 HTTPS（见 README）\n");
            return 2;
        }
        if (!(certpem = slurp(cert)) || !(keypem = slurp(key))) {
            fprintf(stderr, "dangan: 读不了证书或私钥 %s / %s\n", cert, key);
            free(certpem); free(keypem);
            return 2;
        }
        flags |= MHD_USE_TLS;
        s->tls = 1;
    }
    /* The request threads must not take SIGTERM: the main thread waits
     * for it below and stops the daemon in order. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    struct MHD_Daemon *d = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, s,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)SERVE_CONNECTIONS,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)SERVE_IDLE_SECONDS,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)SERVE_MAX_HEADERS,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)SERVE_PER_IP_CONNECTIONS,
        MHD_OPTION_NOTIFY_COMPLETED, on_done, s,
        certpem ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, certpem,
        MHD_OPTION_HTTPS_MEM_KEY, keypem,
        MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "dangan: 无法在 %s 上监听：%s\n", listen, strerror(errno));
        free(certpem); free(keypem);
        return 2;
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    char host[64];
    inet_ntop(AF_INET, &sa.sin_addr, host, sizeof host);
    printf("dangan serve: %s://%s:%u/ （数据目录 %s）\n", s->tls ? "https" : "http", host,
           di ? di->port : ntohs(sa.sin_port), s->data);
    fflush(stdout);
    int sig = 0;
    sigwait(&set, &sig);
    MHD_stop_daemon(d);
    job_reap(s);
    free(certpem);
    free(keypem);
    printf("dangan serve: 已停止\n");
    return 0;
}
