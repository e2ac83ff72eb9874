/* serve_store.c — the submission folders behind the service.
 *
 * DIR/submissions/ID/ holds exactly the files the command line reads. A
 * save never reaches it unchecked: the new text is written (and fsynced)
 * into a staging folder beside hard links of the submission's other files,
 * loaded and schema-validated there by the same loader `check` uses, and
 * only then renamed over the old file — after a hard link of the old one
 * was made in DIR/history/ID/. So a reader (or a crash) sees the old file
 * or the whole new one, and no save ever loses a version. Every write of a
 * submission holds its stripe lock: the ETag comparison and the rename are
 * one step, so two tabs cannot both win. An engine (serve_engine.c) is
 * taken only for the check itself: saves of different teachers check side
 * by side, one per core, and never wait behind a draft. */
#include "serve.h"

#include "check_run.h"
#include "image.h"
#include "check_report.h"
#include "load_xml.h"
#include "load_submission.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int name_chars(const char *s, size_t n, int upper)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (i && (c == '-' || c == '_'))
                 || (upper && c >= 'A' && c <= 'Z');
        if (!ok) return 0;
    }
    return n > 0;
}

/* Names are a strict pattern, not a cleaned-up path: nothing with a '/',
 * '..', a leading dot or a character outside [a-z0-9_-] ever reaches the
 * file system, whatever its encoding. */
int store_name_ok(const char *name)
{
    size_t n = strlen(name);
    return n > 4 && n <= 68 && !strcmp(name + n - 4, ".xml") && name_chars(name, n - 4, 0);
}

int store_id_ok(const char *id)
{
    size_t n = strlen(id);
    return n <= 64 && name_chars(id, n, 1);
}

static char *sub_dir(serve *s, const char *id)
{
    return xasprintf("%s/submissions/%s", s->data, id);
}

static void etag_of(const char *data, size_t len, char out[72])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    char hx[crypto_hash_sha256_BYTES * 2 + 1];
    crypto_hash_sha256(h, (const unsigned char *)data, len);
    sodium_bin2hex(hx, sizeof hx, h, 16);
    snprintf(out, 72, "\"%s\"", hx);
}

/* The root element's name, for the file list ("journal", …). */
static void root_name(const char *x, size_t len, char *out, size_t olen)
{
    out[0] = 0;
    for (size_t i = 0; i + 1 < len; i++) {
        if (x[i] != '<' || x[i + 1] == '?' || x[i + 1] == '!') continue;
        size_t j = i + 1, k = 0;
        while (j < len && k + 1 < olen && (x[j] == '-' || (x[j] >= 'a' && x[j] <= 'z'))) out[k++] = x[j++];
        out[k] = 0;
        return;
    }
}

static int read_xml(const char *path, char **data, size_t *len)
{
    return read_file(path, XML_MAX_FILE_BYTES, data, len);
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The stored .xml files of a folder, sorted; caller frees. */
static int list_names(const char *dir, char ***out)
{
    DIR *d = opendir(dir);
    int n = 0, cap = 16;
    char **v = xcalloc((size_t)cap, sizeof *v);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        if (!store_name_ok(e->d_name)) continue;
        if (n == cap) v = xrealloc(v, sizeof *v * (size_t)(cap *= 2));
        v[n++] = xstrdup(e->d_name);
    }
    if (d) closedir(d);
    qsort(v, (size_t)n, sizeof *v, name_cmp);
    *out = v;
    return n;
}

static void free_names(char **v, int n)
{
    for (int i = 0; i < n; i++) free(v[i]);
    free(v);
}

void store_list(serve *s, const char *id, strbuf *json)
{
    char *dir = sub_dir(s, id), **names;
    int n = list_names(dir, &names);
    sb_puts(json, "[");
    for (int i = 0; i < n; i++) {
        char *path = path_join(dir, names[i]), *x, etag[72], root[32];
        size_t len;
        if (read_xml(path, &x, &len) == 0) {
            etag_of(x, len, etag);
            root_name(x, len, root, sizeof root);
            sb_puts(json, json->len > 1 ? ",{\"name\":" : "{\"name\":");
            sb_json(json, names[i]);
            sb_puts(json, ",\"root\":");
            sb_json(json, root);
            sb_puts(json, ",\"etag\":");
            sb_json(json, etag);
            sb_puts(json, "}");
            free(x);
        }
        free(path);
    }
    sb_puts(json, "]");
    free_names(names, n);
    free(dir);
}

void store_get(serve *s, const char *id, const char *name, reply *r)
{
    char *path = xasprintf("%s/submissions/%s/%s", s->data, id, name), *x;
    size_t len;
    if (read_xml(path, &x, &len) != 0) {
        reply_error(r, 404, "没有这个文件");
    } else {
        r->status = 200;
        r->type = "application/xml; charset=utf-8";
        etag_of(x, len, r->etag);
        sb_add(&r->body, x, len);
        free(x);
    }
    free(path);
}

/* ---- the check object ---- */

static void add_rows(strbuf *b, const checked *c)
{
    sb_puts(b, ",\"rows\":[");
    for (int i = 0; i < c->v.nrows; i++) {
        const req_row *w = &c->v.rows[i];
        sb_puts(b, i ? ",{\"label\":" : "{\"label\":");
        sb_json(b, w->label ? w->label : "");
        sb_puts(b, ",\"rule\":");
        sb_json(b, w->rule ? w->rule : "");
        sb_puts(b, ",\"required\":");
        sb_json(b, w->required ? w->required : "");
        sb_puts(b, ",\"actual\":");
        sb_json(b, w->actual ? w->actual : "");
        sb_printf(b, ",\"met\":%s}", w->met ? "true" : "false");
    }
    sb_puts(b, "],\"outcome\":");
    sb_json(b, c->v.outcome ? c->v.outcome : "");
    sb_printf(b, ",\"hours\":%ld,\"rules_run\":%s}", c->v.hours, c->rules_run ? "true" : "false");
}

/* The profile asked for: the placement's own, else the account's (a new
 * submission has no placement.xml yet, and its check-list should still
 * show what the program asks). */
static const char *profile_for(serve *s, const char *dir, const char *id, char *buf, size_t len)
{
    char *p = path_join(dir, "placement.xml");
    int has = access(p, F_OK) == 0;
    free(p);
    if (has) return NULL;
    auth_profile(s, id, buf, len);
    return buf[0] ? buf : NULL;
}

/* Loads and checks dir (the submission, or its staged copy) as `check` does. */
static int run_check(serve *s, const char *dir, const char *id, checked *c, reply *r)
{
    char err[1024], prof[64];
    const char *p = profile_for(s, dir, id, prof, sizeof prof);
    context *e = engine_take(s, 0, r);
    int rc = check_submission(e, dir, p, c, err, sizeof err);
    engine_give(s, e, r);
    if (rc != 0) reply_error(r, 500, err);
    return rc == 0 ? 0 : -1;
}

static void reply_check(serve *s, const char *id, const checked *c, reply *r)
{
    char *mem = NULL;
    size_t mlen = 0;
    FILE *m = open_memstream(&mem, &mlen);
    char *shown = xasprintf("submissions/%s", id);
    report_json(m, shown, c, s->ctx.en);
    fclose(m);
    /* report_json ends with "}\n": the check-list is appended inside. */
    if (mlen && mem[mlen - 1] == '\n') mlen--;
    if (mlen && mem[mlen - 1] == '}') mlen--;
    r->status = 200;
    sb_add(&r->body, mem, mlen);
    add_rows(&r->body, c);
    free(mem);
    free(shown);
}

static void check_locked(serve *s, const char *id, reply *r)
{
    char *dir = sub_dir(s, id);
    checked c;
    if (run_check(s, dir, id, &c, r) == 0) reply_check(s, id, &c, r);
    checked_free(&c);
    free(dir);
}

void store_check(serve *s, const char *id, reply *r)
{
    check_locked(s, id, r);
}

void store_init(serve *s)
{
    for (int i = 0; i < SERVE_STRIPES; i++) pthread_mutex_init(&s->stripes[i], NULL);
}

static pthread_mutex_t *stripe(serve *s, const char *id)
{
    unsigned h = 5381;
    for (const unsigned char *p = (const unsigned char *)id; *p; p++) h = h * 33 + *p;
    return &s->stripes[h % SERVE_STRIPES];
}

/* ---- staging and history ---- */

static int fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd < 0) return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

static int write_synced(const char *path, const char *data, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (fd < 0) return -1;
    while (len) {
        ssize_t n = write(fd, data, len);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) { close(fd); return -1; }
        data += n;
        len -= (size_t)n;
    }
    int rc = fsync(fd);
    return close(fd) || rc ? -1 : 0;
}

static void rm_tree1(const char *dir);

/* Empties a staging folder: its files, and its figures/ folder of links. */
static void empty_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        char *p = path_join(dir, e->d_name);
        if (unlink(p) != 0 && is_dir(p)) rm_tree1(p);
        free(p);
    }
    if (d) closedir(d);
}

static void rm_tree1(const char *dir)
{
    empty_dir(dir);
    rmdir(dir);
}

void store_recover(serve *s)
{
    char *st = path_join(s->data, ".staging");
    DIR *d = opendir(st);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        char *p = path_join(st, e->d_name);
        rm_tree1(p);
        free(p);
    }
    if (d) closedir(d);
    mkdir(st, 0755);
    free(st);
}

/* The submission's staging folder, DIR/.staging/ID: made once, emptied
 * before and after each use (every use holds the submission's stripe
 * lock, so there is one at a time). A folder made and removed per save
 * made every save's fsync write the one .staging folder all saves share
 * as well (ext4 syncs a new file's new parent folders), and its rmdir was
 * up to 15 ms of a save under 60 teachers. */
static char *staging(serve *s, const char *id)
{
    char *t = xasprintf("%s/.staging/%s", s->data, id);
    if (mkdir(t, 0755) != 0 && errno != EEXIST) { free(t); return NULL; }
    empty_dir(t);
    return t;
}

/* Keeps the current version of dir/name as DIR/history/ID/BASE.NNNN.xml
 * (a hard link: no copy, and the old bytes stay exactly as they were). */
static int keep_history(serve *s, const char *id, const char *name)
{
    char *hist = xasprintf("%s/history/%s", s->data, id);
    char *hroot = path_join(s->data, "history");
    mkdir(hroot, 0755);
    mkdir(hist, 0755);
    free(hroot);
    size_t base = strlen(name) - 4;
    int next = 1;
    DIR *d = opendir(hist);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        if (strncmp(e->d_name, name, base) || e->d_name[base] != '.') continue;
        int n = atoi(e->d_name + base + 1);
        if (n >= next) next = n + 1;
    }
    if (d) closedir(d);
    char *from = xasprintf("%s/submissions/%s/%s", s->data, id, name);
    char *to = xasprintf("%s/%.*s.%04d.xml", hist, (int)base, name, next);
    int rc = link(from, to);
    if (rc == 0) fsync_dir(hist);
    free(from);
    free(to);
    free(hist);
    return rc;
}

/* The file-level findings of `name` in the staged check (not well-formed,
 * forbidden, schema-invalid, wrong root, another placement id) mean it is
 * refused: written into out as the 422 body; their number. */
static int file_errors(serve *s, checked *c, const char *id, const char *name, strbuf *out)
{
    int bad = 0;
    if (!strcmp(name, "placement.xml") && c->sub.id && strcmp(c->sub.id, id))
        finding_add(&c->f, SEV_ERROR, "ref.missing", name, c->sub.profile_line, "placement/@id",
                    "研修编号 %s 与账户的研修编号 %s 不一致", "placement id %s is not the account's %s", c->sub.id, id);
    sb_puts(out, "{\"error\":\"文件有错误，没有保存\",\"findings\":[");
    for (size_t i = 0; i < c->f.n; i++) {
        const finding *x = &c->f.v[i];
        int filelevel = !strncmp(x->code, "xml.", 4) || !strcmp(x->code, "schema.invalid")
                        || !strcmp(x->code, "file.unknown-root") || !strcmp(x->rule, "placement/@id");
        if (strcmp(x->file, name) || !filelevel || x->sev != SEV_ERROR) continue;
        sb_puts(out, bad++ ? ",{\"code\":" : "{\"code\":");
        sb_json(out, x->code);
        sb_puts(out, ",\"file\":");
        sb_json(out, x->file);
        sb_printf(out, ",\"line\":%ld,\"message\":", x->line);
        sb_json(out, s->ctx.en ? x->msg_en : x->msg_zh);
        sb_puts(out, ",\"severity\":\"error\"}");
    }
    sb_puts(out, "]}");
    return bad;
}

static void link_all(const char *from, const char *to, int xml_only, const char *except)
{
    DIR *d = opendir(from);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || (xml_only && !store_name_ok(e->d_name)) || (except && !strcmp(e->d_name, except)))
            continue;
        char *a = path_join(from, e->d_name), *b = path_join(to, e->d_name);
        if (link(a, b) != 0) {}   /* a missing link shows as a finding of the check, not a lost file */
        free(a);
        free(b);
    }
    if (d) closedir(d);
}

/* Hard links of the submission's other files and figures (so the staged
 * copy checks exactly as the folder will), then the new text. */
static int stage(serve *s, const char *st, const char *id, const char *name, const char *body, size_t len)
{
    char *dir = sub_dir(s, id), *figs = path_join(dir, "figures"), *sfigs = path_join(st, "figures");
    link_all(dir, st, 1, name);
    if (is_dir(figs) && mkdir(sfigs, 0755) == 0) link_all(figs, sfigs, 0, NULL);
    free(figs);
    free(sfigs);
    free(dir);
    char *p = path_join(st, name);
    int rc = write_synced(p, body, len);
    free(p);
    return rc;
}

/* 0 when the stored version may be replaced: If-Match names it (or, for a
 * new file, is absent). Otherwise the 412 body carries the current text. */
static int precondition(const char *path, const char *if_match, reply *r)
{
    char *cur = NULL, etag[72];
    size_t clen = 0;
    int exists = read_xml(path, &cur, &clen) == 0;
    if (exists) etag_of(cur, clen, etag);
    int ok = exists ? if_match && !strcmp(if_match, etag) : !if_match || !strcmp(if_match, "*");
    if (!ok) {
        r->status = 412;
        sb_puts(&r->body, exists ? "{\"error\":\"这个文件已在别处（另一个窗口或设备）改过，请先看看最新的内容再保存\",\"etag\":"
                                 : "{\"error\":\"这个文件已在别处被删除\",\"etag\":null");
        if (exists) {
            sb_json(&r->body, etag);
            sb_puts(&r->body, ",\"xml\":");
            sb_json(&r->body, cur);
            snprintf(r->etag, sizeof r->etag, "%s", etag);
        }
        sb_puts(&r->body, "}");
    }
    free(cur);
    return ok ? 0 : -1;
}

static void put_locked(serve *s, const char *id, const char *name, const char *body, size_t len,
                       const char *if_match, reply *r)
{
    char *target = xasprintf("%s/submissions/%s/%s", s->data, id, name);
    char *st = NULL;
    if (precondition(target, if_match, r) != 0) goto done;
    int exists = access(target, F_OK) == 0;
    if ((st = staging(s, id)) == NULL || stage(s, st, id, name, body, len) != 0) {
        reply_error(r, 500, "服务器无法写入暂存文件（磁盘满了？），没有保存");
        goto done;
    }
    checked c;
    if (run_check(s, st, id, &c, r) != 0) { checked_free(&c); goto done; }
    strbuf why;
    sb_init(&why);
    if (file_errors(s, &c, id, name, &why) > 0) {
        r->status = 422;
        sb_add(&r->body, why.s, why.len);
        sb_free(&why);
        checked_free(&c);
        goto done;
    }
    sb_free(&why);
    char *staged = path_join(st, name), *dir = sub_dir(s, id);
    int rc = exists ? keep_history(s, id, name) : 0;
    if (rc == 0) rc = rename(staged, target);
    if (rc == 0) fsync_dir(dir);
    free(staged);
    free(dir);
    if (rc != 0) reply_error(r, 500, "服务器无法写入文件，没有保存（原来的版本没有改动）");
    else {
        etag_of(body, len, r->etag);
        /* The staged copy is the folder as it now is: its check is the answer. */
        reply_check(s, id, &c, r);
    }
    checked_free(&c);
done:
    if (st) empty_dir(st);
    free(st);
    free(target);
}

void store_put(serve *s, const char *id, const char *name, const char *body, size_t len,
               const char *if_match, reply *r)
{
    pthread_mutex_lock(stripe(s, id));
    put_locked(s, id, name, body, len, if_match, r);
    pthread_mutex_unlock(stripe(s, id));
}

void store_delete(serve *s, const char *id, const char *name, const char *if_match, reply *r)
{
    char *target = xasprintf("%s/submissions/%s/%s", s->data, id, name);
    pthread_mutex_lock(stripe(s, id));
    if (access(target, F_OK) != 0) reply_error(r, 404, "没有这个文件");
    else if (if_match && precondition(target, if_match, r) != 0) {}
    else if (keep_history(s, id, name) != 0 || unlink(target) != 0)
        reply_error(r, 500, "服务器无法删除这个文件");
    else {
        char *dir = sub_dir(s, id);
        fsync_dir(dir);
        free(dir);
        r->status = 204;
    }
    pthread_mutex_unlock(stripe(s, id));
    free(target);
}

/* ---- figures ---- */

static int count_figures(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) n += e->d_name[0] != '.';
    if (d) closedir(d);
    return n;
}

/* Uploads are stored normalised, at most this many pixels a side: the
 * dossier prints a photo at most the text measure wide (156 mm), 1,550 px
 * at the image module's 250 dpi; the rest of a phone's 4032 would only
 * fill the teachers' folders. */
#define SERVE_FIGURE_SIDE 2400

/* The one place an uploaded image is judged: the image module's intake
 * decodes it whole (PNG, JPEG, HEIC), applies its EXIF orientation,
 * scales it down and re-encodes it into *out (JPEG for photos, PNG kept
 * lossless). 0 with the file's extension, or -1 with why. */
static int image_intake(const char *path, char **out, const char **ext, const char **why)
{
    image_info info;
    image_status st = image_probe(path, &info);
    if (st == IMAGE_OK) {
        *ext = info.kind == IMAGE_PNG ? "png" : "jpg";
        *out = xasprintf("%s.%s", path, *ext);
        st = image_normalise_file(path, *out, SERVE_FIGURE_SIDE);
    }
    if (st != IMAGE_OK) { *why = image_status_text(st, 0); return -1; }
    return 0;
}

static void figure_locked(serve *s, const char *id, const char *data, size_t len, reply *r)
{
    char *figs = xasprintf("%s/submissions/%s/figures", s->data, id), *st = staging(s, id);
    char *tmp = st ? path_join(st, "upload") : NULL;
    const char *ext, *why;
    char *normal = NULL;
    mkdir(figs, 0755);
    if (count_figures(figs) >= SERVE_MAX_FIGURES) reply_error(r, 413, "照片已达上限（每份材料最多 400 张）");
    else if (!tmp || write_synced(tmp, data, len) != 0) reply_error(r, 500, "服务器无法保存照片");
    else if (image_intake(tmp, &normal, &ext, &why) != 0) reply_error(r, 422, why);
    else {
        /* A generated name: the client's file name never reaches the disk. */
        unsigned char rnd[6];
        char hx[13], day[16];
        randombytes_buf(rnd, sizeof rnd);
        sodium_bin2hex(hx, sizeof hx, rnd, sizeof rnd);
        time_t now = time(NULL);
        struct tm tm;
        strftime(day, sizeof day, "%Y%m%d", localtime_r(&now, &tm));
        char *name = xasprintf("%s-%s.%s", day, hx, ext), *dst = path_join(figs, name);
        if (rename(normal, dst) != 0) reply_error(r, 500, "服务器无法保存照片");
        else {
            fsync_dir(figs);
            r->status = 201;
            sb_puts(&r->body, "{\"src\":");
            char *src = xasprintf("figures/%s", name);
            sb_json(&r->body, src);
            sb_puts(&r->body, "}");
            free(src);
        }
        free(name);
        free(dst);
    }
    if (st) empty_dir(st);
    free(st);
    free(tmp);
    free(normal);
    free(figs);
}

void store_figure(serve *s, const char *id, const char *data, size_t len, reply *r)
{
    pthread_mutex_lock(stripe(s, id));
    figure_locked(s, id, data, len, r);
    pthread_mutex_unlock(stripe(s, id));
}

int store_create(const char *data, const char *id)
{
    char *a = path_join(data, "submissions"), *b = xasprintf("%s/%s", a, id);
    int rc = (mkdir(a, 0755) == 0 || errno == EEXIST) && (mkdir(b, 0755) == 0 || errno == EEXIST) ? 0 : -1;
    free(a);
    free(b);
    return rc;
}
