/* serve_api.c — the JSON endpoints of spec §8. Who may do what:
 * a teacher reads and writes only their own placement (another id answers
 * 404, as if it did not exist); a clerk reads every placement, writes none
 * of a teacher's files, returns submissions and makes the bundle. Until
 * the one-time password is changed, only me, password and logout answer. */
#define _GNU_SOURCE   /* memmem */
#include "serve.h"

#include "typeset.h"
#include "check_run.h"
#include "util_date.h"
#include "check_report.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- small JSON ---- */

void sb_json(strbuf *b, const char *s)
{
    char *mem = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&mem, &len);
    json_string(m, s ? s : "");
    fclose(m);
    sb_add(b, mem, len);
    free(mem);
}

static const char *ws(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) p++;
    return p;
}

static int hex4(const char *p, const char *end, unsigned *v)
{
    *v = 0;
    for (int i = 0; i < 4; i++, p++) {
        if (p >= end) return -1;
        char c = *p;
        unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0') : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
                   : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10) : 99;
        if (d > 15) return -1;
        *v = *v << 4 | d;
    }
    return 0;
}

static void put_utf8(strbuf *b, unsigned cp)
{
    char u[4];
    int n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    if (n == 1) u[0] = (char)cp;
    else if (n == 2) { u[0] = (char)(0xC0 | cp >> 6); u[1] = (char)(0x80 | (cp & 0x3F)); }
    else if (n == 3) { u[0] = (char)(0xE0 | cp >> 12); u[1] = (char)(0x80 | (cp >> 6 & 0x3F)); u[2] = (char)(0x80 | (cp & 0x3F)); }
    else { u[0] = (char)(0xF0 | cp >> 18); u[1] = (char)(0x80 | (cp >> 12 & 0x3F)); u[2] = (char)(0x80 | (cp >> 6 & 0x3F)); u[3] = (char)(0x80 | (cp & 0x3F)); }
    sb_add(b, u, (size_t)n);
}

/* A JSON string at p (after its opening quote) into b; returns the byte
 * after the closing quote, or NULL. Control characters and unpaired
 * surrogates are refused. */
static const char *jstring(const char *p, const char *end, strbuf *b)
{
    while (p < end && *p != '"') {
        unsigned char c = (unsigned char)*p;
        if (c < 0x20) return NULL;
        if (c != '\\') { sb_add(b, p++, 1); continue; }
        if (++p >= end) return NULL;
        const char *esc = strchr("\"\\/bfnrt", *p);
        if (esc && *p != 'u') {
            static const char OUT[] = "\"\\/\b\f\n\r\t";
            sb_add(b, &OUT[esc - "\"\\/bfnrt"], 1);
            p++;
            continue;
        }
        unsigned cp, lo;
        if (*p != 'u' || hex4(p + 1, end, &cp)) return NULL;
        p += 5;
        if (cp >= 0xD800 && cp < 0xDC00) {
            if (end - p < 6 || p[0] != '\\' || p[1] != 'u' || hex4(p + 2, end, &lo) || lo < 0xDC00 || lo > 0xDFFF) return NULL;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            p += 6;
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) return NULL;
        if (cp == 0) return NULL;
        put_utf8(b, cp);
    }
    return p < end ? p + 1 : NULL;
}

char *json_get(const char *body, size_t len, const char *key)
{
    const char *p = body, *end = body + len;
    if (utf8_first_invalid(body, len) >= 0) return NULL;
    p = ws(p, end);
    if (p >= end || *p++ != '{') return NULL;
    char *found = NULL;
    for (;;) {
        p = ws(p, end);
        if (p < end && *p == '}' && !found) return NULL;
        if (p >= end || *p++ != '"') break;
        strbuf k, v;
        sb_init(&k);
        sb_init(&v);
        p = jstring(p, end, &k);
        if (p) p = ws(p, end);
        if (!p || p >= end || *p++ != ':') { sb_free(&k); sb_free(&v); break; }
        p = ws(p, end);
        int str = p < end && *p == '"';
        if (str) p = jstring(p + 1, end, &v);
        else while (p < end && *p != ',' && *p != '}') p++;   /* a number, true, false, null */
        if (p && str && k.s && !strcmp(k.s, key) && !found) found = v.s ? sb_steal(&v) : xstrdup("");
        sb_free(&k);
        sb_free(&v);
        if (!p) break;
        p = ws(p, end);
        if (p < end && *p == ',') { p++; continue; }
        if (p < end && *p == '}') return found;
        break;
    }
    free(found);
    return NULL;
}

/* ---- routes ---- */

size_t api_body_limit(const char *method, const char *path)
{
    if (!strcmp(method, "GET") || !strcmp(method, "HEAD") || !strcmp(method, "DELETE")) return 0;
    if (strstr(path, "/figures")) return SERVE_MAX_IMAGE + (64u << 10);   /* + multipart framing */
    if (!strcmp(path, "/api/verify")) return SERVE_MAX_PDF;
    if (!strcmp(method, "PUT")) return SERVE_MAX_XML;
    return SERVE_MAX_JSON;
}

static void me_json(const request *q, reply *r, int with_csrf)
{
    const user *u = &q->u;
    r->status = 200;
    sb_puts(&r->body, "{\"login\":");
    sb_json(&r->body, u->login);
    sb_puts(&r->body, ",\"role\":");
    sb_json(&r->body, u->role);
    sb_puts(&r->body, ",\"placement\":");
    sb_json(&r->body, u->placement);
    sb_puts(&r->body, ",\"name\":");
    sb_json(&r->body, u->name);
    sb_puts(&r->body, ",\"profile\":");
    sb_json(&r->body, u->profile);
    sb_printf(&r->body, ",\"must_change_password\":%s", u->must_change ? "true" : "false");
    if (with_csrf) { sb_puts(&r->body, ",\"csrf\":"); sb_json(&r->body, u->csrf); }
    sb_puts(&r->body, "}");
}

static void do_login(request *q, reply *r)
{
    char *login = json_get(q->body, q->len, "login"), *pw = json_get(q->body, q->len, "password");
    char token[65];
    if (!login || !pw || !*login || strlen(login) >= sizeof q->u.login) reply_error(r, 400, "请填写登录名和密码");
    else {
        int rc = auth_login(q->s, login, pw, q->addr, token, &q->u);
        if (rc == 429) reply_error(r, 429, "登录失败次数太多，请 15 分钟后再试");
        else if (rc == 401) reply_error(r, 401, "登录名或密码不对");
        else if (rc != 200) reply_error(r, 500, "服务器出错，请稍后再试");
        else {
            me_json(q, r, 1);
            r->cookie = xasprintf("dangan_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%ld",
                                  token, q->s->session_ttl);
        }
    }
    free(login);
    free(pw);
}

static void do_password(request *q, reply *r)
{
    char *old = json_get(q->body, q->len, "old"), *nw = json_get(q->body, q->len, "new");
    const char *why = NULL;
    if (!old || !nw) reply_error(r, 400, "请填写原密码和新密码");
    else {
        int rc = auth_password(q->s, &q->u, old, nw, &why);
        if (rc == 200) reply_json(r, 200, "{}");
        else if (rc == 401) reply_error(r, 401, "原密码不对");
        else if (rc == 400) reply_error(r, 400, why);
        else reply_error(r, 500, "服务器出错，密码没有修改");
    }
    free(old);
    free(nw);
}

static int is_clerk(const request *q) { return !strcmp(q->u.role, "clerk"); }

/* The draft dossier, in process (fonts are loaded once for the server; a
 * child process per draft would load them each time: 30 ms against 13),
 * on an engine of its own: a draft never holds up a save's check. */
static void draft_pdf(request *q, const char *id, reply *r)
{
    serve *s = q->s;
    char *dir = xasprintf("%s/submissions/%s", s->data, id), err[1024];
    checked c;
    context *e = engine_take(s, 1, r);
    if (check_submission(e, dir, NULL, &c, err, sizeof err) != 0) reply_error(r, 500, err);
    else if (!checked_typesettable(&c))
        reply_error(r, 422, "材料里还有无法排版的错误（见要求清单里的红色条目），改正后才能预览草稿");
    else {
        build_options o = {.draft = 1, .when = time(NULL), .school = NULL};
        unsigned char *pdf = NULL;
        size_t len = 0;
        if (build_dossier_bytes(e, &c, &o, NULL, &pdf, &len, err, sizeof err) != 0) reply_error(r, 500, err);
        else {
            r->status = 200;
            r->type = "application/pdf";
            r->disposition = "inline; filename=\"draft.pdf\"";
            sb_add(&r->body, (const char *)pdf, len);
        }
        free(pdf);
    }
    checked_free(&c);
    engine_give(s, e, r);
    free(dir);
}

/* The image of an upload: the first part of a multipart/form-data body
 * (the page sends one, the photo), or the body itself when it was sent
 * with an image type. Its file name is never looked at. */
static int upload_part(const request *q, const char **data, size_t *len)
{
    const char *ct = q->content_type ? q->content_type : "";
    if (!strncmp(ct, "image/", 6)) { *data = q->body; *len = q->len; return 0; }
    const char *b = strstr(ct, "boundary=");
    if (strncmp(ct, "multipart/form-data", 19) || !b) return -1;
    b += 9;
    char delim[220];
    size_t bl = strcspn(b, "; ");
    if (*b == '"') { b++; bl = strcspn(b, "\""); }
    if (bl == 0 || bl > 200) return -1;
    snprintf(delim, sizeof delim, "\r\n--%.*s", (int)bl, b);
    const char *end = q->body + q->len;
    const char *p = memmem(q->body, q->len, delim + 2, strlen(delim) - 2);
    if (!p) return -1;
    const char *hdr = memmem(p, (size_t)(end - p), "\r\n\r\n", 4);
    if (!hdr) return -1;
    const char *start = hdr + 4;
    const char *stop = memmem(start, (size_t)(end - start), delim, strlen(delim));
    if (!stop) return -1;   /* cut off mid-upload: nothing is stored */
    *data = start;
    *len = (size_t)(stop - start);
    return 0;
}

static void figure_get(request *q, const char *id, const char *name, reply *r)
{
    size_t n = strlen(name);
    int ok = n > 4 && n < 40 && (!strcmp(name + n - 4, ".png") || !strcmp(name + n - 4, ".jpg"));
    for (size_t i = 0; ok && i < n - 4; i++) ok = (name[i] >= '0' && name[i] <= '9') || (name[i] >= 'a' && name[i] <= 'f') || name[i] == '-';
    char *path = ok ? xasprintf("%s/submissions/%s/figures/%s", q->s->data, id, name) : NULL;
    struct stat st;
    if (!path || stat(path, &st) != 0) { reply_error(r, 404, "没有这张照片"); free(path); return; }
    r->status = 200;
    r->file = path;
    r->type = name[n - 3] == 'p' ? "image/png" : "image/jpeg";
}

/* The stored photographs: ["figures/NAME", …], oldest first (names
 * start with the upload date). */
static void figure_list(request *q, const char *id, reply *r)
{
    char *dir = xasprintf("%s/submissions/%s/figures", q->s->data, id);
    struct dirent **v = NULL;
    int n = scandir(dir, &v, NULL, alphasort);
    r->status = 200;
    sb_puts(&r->body, "[");
    for (int i = 0, k = 0; i < n; i++) {
        if (v[i]->d_name[0] != '.') {
            char *src = xasprintf("figures/%s", v[i]->d_name);
            if (k++) sb_puts(&r->body, ",");
            sb_json(&r->body, src);
            free(src);
        }
        free(v[i]);
    }
    free(v);
    sb_puts(&r->body, "]");
    free(dir);
}

/* Writes to a teacher's files: only the teacher, only while editable. */
static int may_write(request *q, const char *id, reply *r)
{
    if (is_clerk(q)) { reply_error(r, 403, "教务员不能修改教师的材料；需要修改时请退回给教师"); return 0; }
    char state[16];
    auth_status(q->s, id, state, sizeof state);
    if (!strcmp(state, "submitted") || !strcmp(state, "passed")) {
        reply_error(r, 409, "材料已经提交，不能再修改；需要修改时请联系基地校教务员退回");
        return 0;
    }
    return 1;
}

static void submission_route(request *q, const char *rest, reply *r)
{
    char id[65];
    size_t n = strcspn(rest, "/");
    if (n == 0 || n >= sizeof id) { reply_error(r, 404, "没有这份材料"); return; }
    memcpy(id, rest, n);
    id[n] = 0;
    const char *sub = rest[n] ? rest + n + 1 : "";
    /* Another teacher's id looks exactly like one that does not exist. */
    int visible = store_id_ok(id) && (is_clerk(q) ? auth_placement_exists(q->s, id) : !strcmp(id, q->u.placement));
    if (!visible) { reply_error(r, 404, "没有这份材料"); return; }
    const char *m = q->method;
    int get = !strcmp(m, "GET"), post = !strcmp(m, "POST");
    if (!strcmp(sub, "files") && get) {
        r->status = 200;
        store_list(q->s, id, &r->body);
    } else if (!strncmp(sub, "files/", 6)) {
        const char *name = sub + 6;
        if (!store_name_ok(name)) reply_error(r, 400, "文件名只能由小写字母、数字、- 和 _ 组成，以 .xml 结尾");
        else if (get) store_get(q->s, id, name, r);
        else if (!strcmp(m, "PUT")) { if (may_write(q, id, r)) store_put(q->s, id, name, q->body, q->len, q->if_match, r); }
        else if (!strcmp(m, "DELETE")) { if (may_write(q, id, r)) store_delete(q->s, id, name, q->if_match, r); }
        else reply_error(r, 405, "不支持这种请求");
    } else if (!strcmp(sub, "figures") && post) {
        const char *data;
        size_t len;
        if (!may_write(q, id, r)) return;
        if (upload_part(q, &data, &len) != 0) reply_error(r, 400, "没有收到完整的照片（上传中断了？请重试）");
        else if (len > SERVE_MAX_IMAGE) reply_error(r, 413, "照片太大（最多 30 MB）");
        else store_figure(q->s, id, data, len, r);
    } else if (!strcmp(sub, "figures") && get) {
        figure_list(q, id, r);
    } else if (!strncmp(sub, "figures/", 8) && get) {
        figure_get(q, id, sub + 8, r);
    } else if (!strcmp(sub, "check") && get) {
        store_check(q->s, id, r);
    } else if (!strcmp(sub, "draft.pdf") && get) {
        draft_pdf(q, id, r);
    } else if (!strcmp(sub, "submit") && post) {
        if (!may_write(q, id, r)) return;
        auth_set_status(q->s, id, "submitted", "");
        reply_json(r, 200, "{\"status\":\"submitted\"}");
    } else if (!strcmp(sub, "return") && post) {
        char *why = json_get(q->body, q->len, "reason");
        if (!is_clerk(q)) reply_error(r, 403, "只有基地校教务员可以退回材料");
        else if (!why || !*why) reply_error(r, 400, "请写明退回的原因，教师会看到它");
        else {
            auth_set_status(q->s, id, "returned", why);
            reply_json(r, 200, "{\"status\":\"returned\"}");
        }
        free(why);
    } else reply_error(r, 404, "没有这个接口");
}

/* The clerk adds a teacher (POST /api/users) or gives one a new one-time
 * password (POST /api/users/LOGIN/reset): the password is shown once. */
static void users_route(request *q, const char *rest, reply *r)
{
    char pw[32];
    if (!*rest) {
        user u;
        memset(&u, 0, sizeof u);
        static const char *const K[] = {"login", "placement", "name", "profile"};
        char *dst[] = {u.login, u.placement, u.name, u.profile};
        size_t len[] = {sizeof u.login, sizeof u.placement, sizeof u.name, sizeof u.profile};
        for (int i = 0; i < 4; i++) {
            char *v = json_get(q->body, q->len, K[i]);
            snprintf(dst[i], len[i], "%s", v ? v : "");
            free(v);
        }
        snprintf(u.role, sizeof u.role, "teacher");
        char err[512];
        pthread_mutex_lock(&q->s->ctxl);
        const char *why = auth_user_invalid(q->s, &u);
        pthread_mutex_unlock(&q->s->ctxl);
        if (why) reply_error(r, 400, why);
        else if (store_create(q->s->data, u.placement) != 0) reply_error(r, 500, "服务器无法建立材料目录");
        else if (auth_user_add(q->s, &u, pw, sizeof pw, err, sizeof err) != 0) reply_error(r, 409, err);
        else {
            r->status = 201;
            sb_puts(&r->body, "{\"login\":");
            sb_json(&r->body, u.login);
            sb_puts(&r->body, ",\"password\":");
            sb_json(&r->body, pw);
            sb_puts(&r->body, "}");
        }
        return;
    }
    size_t n = strcspn(rest, "/");
    char login[64];
    if (n == 0 || n >= sizeof login || strcmp(rest + n, "/reset")) { reply_error(r, 404, "没有这个接口"); return; }
    memcpy(login, rest, n);
    login[n] = 0;
    if (auth_reset(q->s, login, pw, sizeof pw) != 0) { reply_error(r, 404, "没有这个教师账户"); return; }
    r->status = 200;
    sb_puts(&r->body, "{\"password\":");
    sb_json(&r->body, pw);
    sb_puts(&r->body, "}");
}

/* The calendar of a period, for the teacher's calendar view:
 * /api/calendar/FROM/TO → [{"date","workday","holiday"}]. */
static void calendar_route(request *q, const char *rest, reply *r)
{
    char a[11], b[11];
    long from, to;
    if (strlen(rest) != 21 || rest[10] != '/') { reply_error(r, 400, "日期应写成 YYYY-MM-DD/YYYY-MM-DD"); return; }
    memcpy(a, rest, 10); a[10] = 0;
    memcpy(b, rest + 11, 10); b[10] = 0;
    /* A placement lasts weeks to a term; a year bounds the answer. */
    if (date_parse(a, &from) || date_parse(b, &to) || to < from || to - from > 400) {
        reply_error(r, 400, "日期不对，或跨度超过 400 天");
        return;
    }
    r->status = 200;
    sb_puts(&r->body, "[");
    for (long d = from; d <= to; d++) {
        char buf[11];
        const char *h = calendar_holiday(q->s->ctx.cal, d);
        sb_printf(&r->body, "%s{\"date\":\"%s\",\"workday\":%s,\"weekday\":%d,\"holiday\":", d > from ? "," : "",
                  date_format(d, buf), calendar_is_workday(q->s->ctx.cal, d) ? "true" : "false", date_weekday(d));
        sb_json(&r->body, h ? h : "");
        sb_printf(&r->body, ",\"verified\":%s}", calendar_verified(q->s->ctx.cal, d) ? "true" : "false");
    }
    sb_puts(&r->body, "]");
}

static void profiles_route(request *q, reply *r)
{
    DIR *d = opendir(q->s->ctx.profile_dir);
    struct dirent *e;
    char err[512];
    int n = 0;
    sb_puts(&r->body, "[");
    pthread_mutex_lock(&q->s->ctxl);
    while (d && (e = readdir(d)) != NULL) {
        size_t l = strlen(e->d_name);
        if (l < 5 || strcmp(e->d_name + l - 4, ".xml")) continue;
        char id[64];
        snprintf(id, sizeof id, "%.*s", (int)(l - 4), e->d_name);
        int nf = 0;
        const profile *p = context_profile(&q->s->ctx, id, &nf, err, sizeof err);
        if (!p) continue;
        sb_puts(&r->body, n++ ? ",{\"id\":" : "{\"id\":");
        sb_json(&r->body, id);
        sb_puts(&r->body, ",\"title\":");
        sb_json(&r->body, p->title ? p->title : "");
        sb_puts(&r->body, "}");
    }
    pthread_mutex_unlock(&q->s->ctxl);
    if (d) closedir(d);
    sb_puts(&r->body, "]");
    r->status = 200;
}

void api_handle(request *q, reply *r)
{
    const char *p = q->path + 4, *m = q->method;   /* after "/api" */
    int get = !strcmp(m, "GET"), post = !strcmp(m, "POST");
    if (!strcmp(p, "/login") && post) { do_login(q, r); return; }
    if (!strcmp(p, "/verify") && post) { job_verify(q->s, q->body, q->len, r); return; }
    if (!q->authed) { reply_error(r, 401, "请先登录"); return; }
    if (!strcmp(p, "/me") && get) { me_json(q, r, 1); return; }
    if (!strcmp(p, "/logout") && post) {
        auth_logout(q->s, q->token);
        r->status = 204;
        r->cookie = xstrdup("dangan_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
        return;
    }
    if (!strcmp(p, "/password") && post) { do_password(q, r); return; }
    if (q->u.must_change) { reply_error(r, 403, "请先修改初始密码"); return; }
    if (!strcmp(p, "/submissions") && get) {
        r->status = 200;
        auth_list(q->s, is_clerk(q) ? NULL : q->u.placement, &r->body);
    } else if (!strncmp(p, "/submissions/", 13)) submission_route(q, p + 13, r);
    else if (!strncmp(p, "/calendar/", 10) && get) calendar_route(q, p + 10, r);
    else if (!strcmp(p, "/profiles") && get) profiles_route(q, r);
    else if (!strncmp(p, "/users", 6) && (p[6] == 0 || p[6] == '/') && post) {
        if (!is_clerk(q)) reply_error(r, 403, "只有基地校教务员可以管理账户");
        else users_route(q, p[6] ? p + 7 : "", r);
    }
    else if (!strncmp(p, "/bundle", 7) && !is_clerk(q)) reply_error(r, 403, "只有基地校教务员可以生成验证包");
    else if (!strcmp(p, "/bundle") && post) job_bundle_start(q->s, r);
    else if (!strcmp(p, "/bundle") && get) job_bundle_status(q->s, r);
    else if (!strcmp(p, "/bundle.zip") && get) job_bundle_zip(q->s, r);
    else if (!strcmp(p, "/bundle/summary.pdf") && get) job_bundle_summary(q->s, r);
    else reply_error(r, 404, "没有这个接口");
}
