/* bundle.c — see bundle.h. */
#include "bundle.h"
#include "trust.h"
#include "blocks.h"
#include "build.h"
#include "check.h"
#include "date.h"
#include "layout.h"
#include "pdf.h"
#include "report.h"
#include "school.h"
#include "sign.h"
#include "template.h"
#include "util.h"
#include "xmlload.h"

#include <dirent.h>
#include <errno.h>
#include <openssl/evp.h>
#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unicode/ucol.h>
#include <unicode/ustring.h>
#include <unistd.h>

#define MAX_BUNDLE_FILE (256u << 20)

typedef struct row {
    char *id, *name, *school, *profile, *outcome;
    long obs, lessons, reports, reflections, days, hours;
    long met, reqs;          /* requirements met, of all the profile's */
    double score;
    int has_score;
    UChar key[64];           /* the name for collation */
} row;

static void hex32(const unsigned char *h, char *out)
{
    for (int i = 0; i < 32; i++) snprintf(out + 2 * i, 3, "%02x", h[i]);
}

int sha256_file(const char *path, char out[65], size_t *size)
{
    char *data;
    if (read_file(path, MAX_BUNDLE_FILE, &data, size) != 0) return -1;
    unsigned char h[32];
    unsigned n;
    EVP_Digest(data, *size, h, &n, EVP_sha256(), NULL);
    free(data);
    hex32(h, out);
    return 0;
}

static long count_of(const verdict *v, const char *key)
{
    for (int i = 0; i < v->ncounts; i++)
        if (!strcmp(v->counts[i].key, key)) return v->counts[i].value;
    return 0;
}

static row make_row(const checked *c)
{
    const submission *s = &c->sub;
    row r;
    memset(&r, 0, sizeof r);
    r.id = xstrdup(s->id ? s->id : "");
    r.name = xstrdup(s->teacher.name ? s->teacher.name : "");
    r.school = xstrdup(s->teacher.school ? s->teacher.school : "");
    r.profile = xstrdup(c->prof && c->prof->title ? c->prof->title : c->profile_id);
    r.outcome = xstrdup(c->v.outcome ? c->v.outcome : "");
    r.obs = count_of(&c->v, "observation");
    r.lessons = count_of(&c->v, "lesson");
    r.reports = count_of(&c->v, "lesson.report");
    r.reflections = count_of(&c->v, "reflection");
    r.days = count_of(&c->v, "day");
    r.hours = c->v.hours;
    r.reqs = c->v.nrows;
    for (int i = 0; i < c->v.nrows; i++) r.met += c->v.rows[i].met;
    r.score = s->score;
    r.has_score = s->has_score;
    UErrorCode ec = U_ZERO_ERROR;
    u_strFromUTF8(r.key, 63, NULL, r.name, -1, &ec);
    return r;
}

static void free_row(row *r)
{
    free(r->id); free(r->name); free(r->school); free(r->profile); free(r->outcome);
}

static UCollator *collator;

/* By pinyin, the order a Chinese register is read in (ICU's zh collation). */
static int cmp_row(const void *a, const void *b)
{
    const row *x = a, *y = b;
    UCollationResult r = ucol_strcoll(collator, x->key, -1, y->key, -1);
    return r == UCOL_LESS ? -1 : r == UCOL_GREATER ? 1 : strcmp(x->id, y->id);
}

static int write_text(const char *path, const char *text, size_t len, char *err, size_t errlen)
{
    if (write_file_atomic(path, text, len) == 0) return 0;
    snprintf(err, errlen, "无法写入 %s：%s", path, strerror(errno));
    return -1;
}

/* The findings of a refused submission, as `check` would print them. */
static int write_refusal(const char *tmp, const char *id, const char *dir, const checked *c,
                         char *err, size_t errlen)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    report_text(f, dir, c, 0);
    fclose(f);
    char *path = xasprintf("%s/refused/%s.txt", tmp, id);
    int rc = write_text(path, buf, len, err, errlen);
    free(path);
    free(buf);
    return rc;
}

static void csv_field(strbuf *b, const char *s)
{
    sb_puts(b, "\"");
    for (; *s; s++) {
        if (*s == '"') sb_puts(b, "\"");
        sb_add(b, s, 1);
    }
    sb_puts(b, "\",");
}

/* UTF-8 with a byte-order mark, so that spreadsheet programs read it as such. */
static int write_csv(const char *tmp, row *rows, int n, char *err, size_t errlen)
{
    strbuf b;
    sb_init(&b);
    sb_puts(&b, "\xEF\xBB\xBF序号,跟岗编号,姓名,派出学校,研修项目,听课,上课,汇报课,反思,研修日志,要求达到,要求总数,成绩,等次,学时\r\n");
    for (int i = 0; i < n; i++) {
        row *r = &rows[i];
        sb_printf(&b, "%d,", i + 1);
        csv_field(&b, r->id);
        csv_field(&b, r->name);
        csv_field(&b, r->school);
        csv_field(&b, r->profile);
        sb_printf(&b, "%ld,%ld,%ld,%ld,%ld,%ld,%ld,", r->obs, r->lessons, r->reports, r->reflections, r->days,
                  r->met, r->reqs);
        if (r->has_score) sb_printf(&b, "%g", r->score);
        sb_puts(&b, ",");
        csv_field(&b, r->outcome);
        if (r->hours >= 0) sb_printf(&b, "%ld", r->hours);
        sb_puts(&b, "\r\n");
    }
    char *path = xasprintf("%s/summary.csv", tmp);
    int rc = write_text(path, b.s, b.len, err, errlen);
    free(path);
    sb_free(&b);
    return rc;
}

static int write_summary_pdf(context *ctx, const school *sc, const char *tmp, row *rows, int n,
                             time_t when, char *err, size_t errlen)
{
    page_template t;
    char *tp = path_join(ctx->home, "templates/pages/dossier.xml"), *xsd = path_join(ctx->schema_dir, "page.xsd");
    int rc = template_load(tp, xsd, &t, err, errlen);
    free(tp);
    free(xsd);
    if (rc != 0) return -1;
    block_list bl = {0};
    blocks_add(&bl, BLOCK_HEADING, "h1", "跟岗研修汇总表")->level = 0;
    char *meta = xasprintf("基地学校：%s　　共 %d 人", sc->name, n);
    blocks_add(&bl, BLOCK_PARA, "meta", meta);
    free(meta);
    static const float W[] = {0.06f, 0.11f, 0.21f, 0.07f, 0.09f, 0.07f, 0.07f, 0.09f, 0.07f, 0.09f, 0.07f};
    block *tb = blocks_add_table(&bl, 11, W, 1);
    const char *head[] = {"序号", "姓名", "派出学校", "听课", "上课", "反思", "日志", "要求", "成绩", "等次", "学时"};
    for (int i = 0; i < 11; i++) blocks_add_cell(tb, head[i], 1, 1);
    for (int i = 0; i < n; i++) {
        char num[9][24];
        snprintf(num[0], 24, "%d", i + 1);
        snprintf(num[1], 24, "%ld", rows[i].obs);
        snprintf(num[2], 24, "%ld（%ld）", rows[i].lessons, rows[i].reports);
        snprintf(num[3], 24, "%ld", rows[i].reflections);
        snprintf(num[4], 24, "%ld", rows[i].days);
        snprintf(num[5], 24, rows[i].has_score ? "%g" : "—", rows[i].score);
        snprintf(num[6], 24, "%ld", rows[i].hours);
        snprintf(num[7], 24, "%ld/%ld", rows[i].met, rows[i].reqs);
        const char *cells[] = {num[0], rows[i].name, rows[i].school, num[1], num[2], num[3], num[4],
                               num[7], num[5], rows[i].outcome, rows[i].hours >= 0 ? num[6] : "—"};
        for (int k = 0; k < 11; k++) blocks_add_cell(tb, cells[k], 1, 0);
    }
    blocks_add(&bl, BLOCK_PARA, "meta", "注：上课栏括号内为汇报课节数；“要求”为研修项目各项要求中达到的项数；未通过核对的提交见 refused/ 文件夹。");
    text_engine *te = text_engine_new(ctx->fonts);
    document *d = document_new();
    char *header = xasprintf("%s　跟岗研修汇总表", sc->name);
    layout_options lo = {header, 0, 0};
    rc = layout_document(&bl, &t, te, &lo, d, err, errlen);
    d->title = xstrdup("跟岗研修汇总表");
    d->author = xstrdup(sc->name);
    d->subject = xstrdup("汇总表");
    d->keywords = xstrdup(sc->code);
    char *icc = path_join(ctx->home, "templates/sRGB.icc"), *path = xasprintf("%s/summary.pdf", tmp);
    pdf_options po = {when, icc};
    if (rc == 0) rc = pdf_write(d, ctx->fonts, &po, path, err, errlen);
    free(icc); free(path); free(header);
    document_free(d);
    text_engine_free(te);
    blocks_free(&bl);
    return rc;
}

/* Relative paths of the files under root (one level of folders), sorted,
 * the manifest and its signature left out. */
static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list_dir(const char *root, const char *sub, char ***v, int *n, int *cap)
{
    char *path = sub ? path_join(root, sub) : xstrdup(root);
    DIR *d = opendir(path);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        char *rel = sub ? path_join(sub, e->d_name) : xstrdup(e->d_name);
        char *full = path_join(root, rel);
        if (is_dir(full)) {
            if (!sub) list_dir(root, rel, v, n, cap);
            else { if (*n == *cap) *v = xrealloc(*v, (size_t)(*cap *= 2) * sizeof **v); (*v)[(*n)++] = xstrdup(rel); }
            free(rel);
        } else if (!sub && (!strcmp(rel, "manifest.xml") || !strcmp(rel, "manifest.p7s"))) {
            free(rel);
        } else {
            if (*n == *cap) *v = xrealloc(*v, (size_t)(*cap *= 2) * sizeof **v);
            (*v)[(*n)++] = rel;
        }
        free(full);
    }
    if (d) closedir(d);
    free(path);
}

char **bundle_files(const char *root, int *n)
{
    int cap = 16;
    char **v = xmalloc((size_t)cap * sizeof *v);
    *n = 0;
    list_dir(root, NULL, &v, n, &cap);
    qsort(v, (size_t)*n, sizeof *v, cmp_str);
    return v;
}

static void xml_text(strbuf *b, const char *s)
{
    for (; *s; s++) {
        if (*s == '&') sb_puts(b, "&amp;");
        else if (*s == '<') sb_puts(b, "&lt;");
        else if (*s == '"') sb_puts(b, "&quot;");
        else sb_add(b, s, 1);
    }
}

static int write_manifest(const char *tmp, const school *sc, time_t when, char *err, size_t errlen)
{
    int n;
    char **files = bundle_files(tmp, &n);
    strbuf b;
    sb_init(&b);
    char date[32];
    struct tm tm;
    gmtime_r(&when, &tm);
    strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", &tm);
    sb_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<manifest xmlns=\"urn:dangan:1\" school=\"");
    xml_text(&b, sc->code);
    sb_puts(&b, "\" name=\"");
    xml_text(&b, sc->name);
    sb_printf(&b, "\" created=\"%s\">\n", date);
    int rc = 0;
    for (int i = 0; i < n && rc == 0; i++) {
        char *full = path_join(tmp, files[i]), hex[65];
        size_t size;
        if (sha256_file(full, hex, &size) != 0) {
            snprintf(err, errlen, "无法读取 %s", full);
            rc = -1;
        } else {
            sb_puts(&b, "  <file path=\"");
            xml_text(&b, files[i]);
            sb_printf(&b, "\" size=\"%zu\" sha256=\"%s\"/>\n", size, hex);
        }
        free(full);
    }
    for (int i = 0; i < n; i++) free(files[i]);
    free(files);
    sb_puts(&b, "</manifest>\n");
    char *mp = xasprintf("%s/manifest.xml", tmp);
    if (rc == 0) rc = write_text(mp, b.s, b.len, err, errlen);
    unsigned char *der = NULL;
    int der_len = 0;
    if (rc == 0) rc = cms_sign((unsigned char *)b.s, b.len, NULL, 0, sc->cert, sc->key, &der, &der_len, err, errlen);
    if (rc == 0) {
        char *sp = xasprintf("%s/manifest.p7s", tmp);
        rc = write_text(sp, (const char *)der, (size_t)der_len, err, errlen);
        free(sp);
    }
    OPENSSL_free(der);
    free(mp);
    sb_free(&b);
    return rc;
}

/* Removes a folder this run made, and everything in it. */
static void remove_tree(const char *dir)
{
    int n;
    char **files = bundle_files(dir, &n);
    for (int i = 0; i < n; i++) {
        char *p = path_join(dir, files[i]);
        unlink(p);
        free(p);
        free(files[i]);
    }
    free(files);
    static const char *const KEEP[] = {"manifest.xml", "manifest.p7s", "dossiers", "refused"};
    for (size_t i = 0; i < 4; i++) {
        char *p = path_join(dir, KEEP[i]);
        if (i < 2) unlink(p); else rmdir(p);
        free(p);
    }
    rmdir(dir);
}

static void xml_attr_out(strbuf *b, const char *name, const char *v)
{
    sb_printf(b, " %s=\"", name);
    for (; v && *v; v++) {
        if (*v == '&') sb_puts(b, "&amp;");
        else if (*v == '<') sb_puts(b, "&lt;");
        else if (*v == '"') sb_puts(b, "&quot;");
        else sb_add(b, v, 1);
    }
    sb_puts(b, "\"");
}

/* dossiers/ID.xml: what the bureau's archive index records of a dossier
 * (teacher, schools, period, counts, result), signed with the rest. */
static int write_record(const char *tmp, const char *id, const checked *c, char *err, size_t errlen)
{
    const submission *s = &c->sub;
    strbuf b;
    sb_init(&b);
    char from[11], to[11], num[32];
    sb_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<record xmlns=\"urn:dangan:1\"");
    xml_attr_out(&b, "id", id);
    xml_attr_out(&b, "profile", c->profile_id);
    xml_attr_out(&b, "title", c->prof && c->prof->title ? c->prof->title : "");
    sb_puts(&b, ">\n  <teacher");
    xml_attr_out(&b, "name", s->teacher.name);
    xml_attr_out(&b, "gender", s->teacher.gender);
    xml_attr_out(&b, "school", s->teacher.school);
    sb_puts(&b, "/>\n  <host");
    xml_attr_out(&b, "school", s->host.school);
    xml_attr_out(&b, "mentor", s->host.mentor);
    sb_printf(&b, "/>\n  <period start=\"%s\" end=\"%s\"/>\n", date_format(s->start, from), date_format(s->end, to));
    for (int i = 0; i < c->v.ncounts; i++)
        sb_printf(&b, "  <count key=\"%s\" value=\"%ld\"/>\n", c->v.counts[i].key, c->v.counts[i].value);
    sb_puts(&b, "  <result");
    if (s->has_score) { snprintf(num, sizeof num, "%g", s->score); xml_attr_out(&b, "score", num); }
    xml_attr_out(&b, "outcome", c->v.outcome ? c->v.outcome : "");
    if (c->v.hours >= 0) sb_printf(&b, " hours=\"%ld\"", c->v.hours);
    long met = 0;
    for (int i = 0; i < c->v.nrows; i++) met += c->v.rows[i].met;
    sb_printf(&b, " met=\"%ld\" of=\"%d\"", met, c->v.nrows);
    sb_puts(&b, "/>\n</record>\n");
    char *path = xasprintf("%s/dossiers/%s.xml", tmp, id);
    int rc = write_text(path, b.s, b.len, err, errlen);
    free(path);
    sb_free(&b);
    return rc;
}

/* One submission: its dossier, or its refusal. Adds a row when it passed. */
static int bundle_one(context *ctx, const school *sc, const char *tmp, const char *dir, long long epoch,
                      row *rows, int *nrows, bundle_result *r, char *err, size_t errlen)
{
    checked c;
    if (check_submission(ctx, dir, NULL, &c, err, errlen) != 0) return -1;
    const char *base = strrchr(dir, '/') && strrchr(dir, '/')[1] ? strrchr(dir, '/') + 1 : dir;
    char *id = xstrdup(c.sub.id && *c.sub.id ? c.sub.id : base);
    for (char *p = id; *p; p++) if (*p == '/' || *p == '\\') *p = '_';
    char *pdf = xasprintf("%s/dossiers/%s.pdf", tmp, id), *txt = xasprintf("%s/refused/%s.txt", tmp, id);
    int dup = access(pdf, F_OK) == 0 || access(txt, F_OK) == 0, rc = 0;
    if (dup) {
        snprintf(err, errlen, "%s：跟岗编号 %s 与另一份提交重复", dir, id);
        rc = -1;
    } else if (checked_ok(&c) && c.rules_run) {
        build_options bo = {0, epoch, NULL};
        unsigned char *data = NULL;
        size_t len = 0;
        rc = build_dossier_bytes(ctx, &c, &bo, sc, &data, &len, err, errlen);
        if (rc == 0) rc = write_text(pdf, (const char *)data, len, err, errlen);
        if (rc == 0) rc = write_record(tmp, id, &c, err, errlen);
        free(data);
        if (rc == 0) { rows[(*nrows)++] = make_row(&c); r->passed++; }
    } else {
        rc = write_refusal(tmp, id, dir, &c, err, errlen);
        r->refused++;
    }
    free(pdf); free(txt); free(id);
    checked_free(&c);
    return rc;
}

/* A row as one line of a worker's result file: tab-separated, tabs and
 * line breaks inside fields made spaces. */
static void put_field(FILE *f, const char *s)
{
    for (; *s; s++) fputc(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s, f);
    fputc('\t', f);
}

static void write_row(FILE *f, const row *r)
{
    put_field(f, r->id);
    put_field(f, r->name);
    put_field(f, r->school);
    put_field(f, r->profile);
    put_field(f, r->outcome);
    fprintf(f, "%ld\t%ld\t%ld\t%ld\t%ld\t%ld\t%d\t%.17g\t%ld\t%ld\n", r->obs, r->lessons, r->reports,
            r->reflections, r->days, r->hours, r->has_score, r->score, r->met, r->reqs);
}

static int read_row(char *line, row *r)
{
    char *f[15], *save = NULL;
    int n = 0;
    for (char *t = strtok_r(line, "\t\n", &save); t && n < 15; t = strtok_r(NULL, "\t\n", &save)) f[n++] = t;
    if (n != 15) return -1;
    memset(r, 0, sizeof *r);
    r->id = xstrdup(f[0]); r->name = xstrdup(f[1]); r->school = xstrdup(f[2]);
    r->profile = xstrdup(f[3]); r->outcome = xstrdup(f[4]);
    r->obs = atol(f[5]); r->lessons = atol(f[6]); r->reports = atol(f[7]);
    r->reflections = atol(f[8]); r->days = atol(f[9]); r->hours = atol(f[10]);
    r->has_score = atoi(f[11]); r->score = strtod(f[12], NULL);
    r->met = atol(f[13]); r->reqs = atol(f[14]);
    UErrorCode ec = U_ZERO_ERROR;
    u_strFromUTF8(r->key, 63, NULL, r->name, -1, &ec);
    return 0;
}

/* Worker k of n: every n-th submission from k. Its rows, counts and any
 * error go to tmp/.worker-K; exit status 0 or 1. */
static void worker(context *ctx, const school *sc, const char *tmp, char **dirs, int ndirs,
                   long long epoch, int k, int n)
{
    char *path = xasprintf("%s/.worker-%d", tmp, k);
    FILE *f = fopen(path, "w");
    free(path);
    if (!f) _exit(1);
    row *rows = xcalloc((size_t)ndirs + 1, sizeof *rows);
    int nrows = 0, rc = 0;
    bundle_result r = {0, 0};
    char err[1024] = "";
    for (int i = k; i < ndirs && rc == 0; i += n)
        rc = bundle_one(ctx, sc, tmp, dirs[i], epoch, rows, &nrows, &r, err, sizeof err);
    fprintf(f, "%d\t%d\t%s\n", r.passed, r.refused, rc ? err : "");
    for (int i = 0; i < nrows; i++) write_row(f, &rows[i]);
    rc |= fclose(f) != 0;
    _exit(rc ? 1 : 0);
}

/* Gathers what worker k wrote. */
static int collect(const char *tmp, int k, row *rows, int *nrows, bundle_result *r, char *err, size_t errlen)
{
    char *path = xasprintf("%s/.worker-%d", tmp, k), *data;
    size_t len;
    int rc = read_file(path, 64u << 20, &data, &len);
    unlink(path);
    free(path);
    if (rc != 0) {
        snprintf(err, errlen, "工作进程 %d 没有留下结果", k);
        return -1;
    }
    char *save = NULL, *line = strtok_r(data, "\n", &save);
    int passed = 0, refused = 0;
    char msg[1024] = "";
    if (!line || sscanf(line, "%d\t%d\t%1023[^\n]", &passed, &refused, msg) < 2) rc = -1;
    if (msg[0]) { snprintf(err, errlen, "%s", msg); rc = -1; }
    r->passed += passed;
    r->refused += refused;
    while (rc == 0 && (line = strtok_r(NULL, "\n", &save))) {
        char *copy = xstrdup(line);
        if (read_row(copy, &rows[*nrows]) == 0) (*nrows)++;
        free(copy);
    }
    free(data);
    return rc;
}

/* Every submission checked and built on a pool of worker processes, one
 * per core: fonts and schemas are loaded once, before the fork, and
 * shared copy-on-write. */
/* Files done so far (dossiers and refusals), for the progress line. */
static int done_count(const char *tmp)
{
    int n = 0;
    static const char *const SUB[] = {"dossiers", "refused"};
    for (int i = 0; i < 2; i++) {
        char *d = path_join(tmp, SUB[i]);
        DIR *dir = opendir(d);
        struct dirent *e;
        while (dir && (e = readdir(dir))) {
            size_t l = strlen(e->d_name);
            n += l > 4 && (!strcmp(e->d_name + l - 4, ".pdf") || !strcmp(e->d_name + l - 4, ".txt"));
        }
        if (dir) closedir(dir);
        free(d);
    }
    return n;
}

/* Waits for the workers; on a terminal, one line of progress: done/total,
 * rate and time left. */
static void wait_workers(const char *tmp, int n, int total)
{
    int tty = isatty(2), left = n;
    struct timespec t0, now;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    while (left > 0) {
        int st;
        pid_t p = tty ? waitpid(-1, &st, WNOHANG) : wait(&st);
        if (p > 0) { left--; continue; }
        if (p < 0) break;
        clock_gettime(CLOCK_MONOTONIC, &now);
        double s = (double)(now.tv_sec - t0.tv_sec) + (double)(now.tv_nsec - t0.tv_nsec) / 1e9;
        int done = done_count(tmp);
        double rate = s > 0 ? done / s : 0;
        fprintf(stderr, "\r%d/%d  %.1f 份/秒  剩余约 %.0f 秒   ", done, total, rate,
                rate > 0 ? (total - done) / rate : 0.0);
        struct timespec nap = {0, 200000000};
        nanosleep(&nap, NULL);
    }
    if (tty) fprintf(stderr, "\r%d/%d 完成%30s\n", total, total, "");
}

static int run_workers(context *ctx, const school *sc, const char *tmp, char **dirs, int ndirs,
                       long long epoch, int jobs, row *rows, int *nrows, bundle_result *r, char *err, size_t errlen)
{
    long cores = jobs > 0 ? jobs : sysconf(_SC_NPROCESSORS_ONLN);
    int n = cores < 1 ? 1 : cores > 64 ? 64 : (int)cores;
    if (n > ndirs) n = ndirs;
    fflush(NULL);
    for (int k = 0; k < n; k++) {
        pid_t pid = fork();
        if (pid == 0) worker(ctx, sc, tmp, dirs, ndirs, epoch, k, n);
        if (pid < 0) { snprintf(err, errlen, "无法创建工作进程：%s", strerror(errno)); n = k; break; }
    }
    int rc = 0;
    wait_workers(tmp, n, ndirs);
    for (int k = 0; k < n; k++)
        if (collect(tmp, k, rows, nrows, r, err, errlen) != 0) rc = -1;
    /* Two submissions with one placement id would have written one file. */
    int nfiles;
    char **files = bundle_files(tmp, &nfiles);
    int outputs = 0;
    for (int i = 0; i < nfiles; i++) {
        size_t fl = strlen(files[i]);
        outputs += (!strncmp(files[i], "dossiers/", 9) && fl > 4 && !strcmp(files[i] + fl - 4, ".pdf")) ||
                   !strncmp(files[i], "refused/", 8);
        free(files[i]);
    }
    free(files);
    if (rc == 0 && (r->passed + r->refused != ndirs || outputs != ndirs)) {
        snprintf(err, errlen, "有两份提交的跟岗编号相同：每份提交的 placement/@id 必须不同");
        rc = -1;
    }
    return rc;
}

static int load_signing_school(context *ctx, const char *file, school *sc, char *err, size_t errlen)
{
    char *xsd = path_join(ctx->schema_dir, "school.xsd");
    int rc = school_load(file, xsd, sc, err, errlen);
    free(xsd);
    if (rc == 0 && !sc->cert) {
        snprintf(err, errlen, "%s 没有 <signer>：验证包必须由学校签名", file);
        school_free(sc);
        rc = -1;
    }
    return rc;
}

static int bundle_build(context *ctx, char **dirs, int ndirs, const char *school_file, const char *out,
                        long long epoch, int jobs, bundle_result *r, char *err, size_t errlen);

/* A staging folder beside out (out.tmp-XXXXXX, with dossiers/ and
 * refused/), renamed into place only when the bundle is whole. NULL with
 * err on failure, nothing left behind. */
static char *open_staging(const char *out, char *err, size_t errlen)
{
    char *tmp = xasprintf("%s.tmp-XXXXXX", out);
    if (!mkdtemp(tmp)) {
        snprintf(err, errlen, "无法创建 %s：%s", tmp, strerror(errno));
        free(tmp);
        return NULL;
    }
    char *dd = path_join(tmp, "dossiers"), *rd = path_join(tmp, "refused");
    int bad = mkdir(dd, 0755) || mkdir(rd, 0755);
    if (bad) snprintf(err, errlen, "无法在 %s 中建立文件夹：%s", tmp, strerror(errno));
    free(dd);
    free(rd);
    if (bad) {
        remove_tree(tmp);
        free(tmp);
        return NULL;
    }
    return tmp;
}

/* What a run and a merge end alike with: rows in pinyin order, the 汇总表
 * as CSV and PDF, the signed manifest, then the staging folder renamed to
 * out. On failure the staging folder is removed. */
static int finish_bundle(context *ctx, const school *sc, char *tmp, const char *out, row *rows, int nrows,
                         time_t when, char *err, size_t errlen)
{
    UErrorCode ec = U_ZERO_ERROR;
    collator = ucol_open("zh", &ec);
    if (collator) qsort(rows, (size_t)nrows, sizeof *rows, cmp_row);
    ucol_close(collator);
    collator = NULL;
    int rc = write_csv(tmp, rows, nrows, err, errlen);
    if (rc == 0) rc = write_summary_pdf(ctx, sc, tmp, rows, nrows, when, err, errlen);
    if (rc == 0) rc = write_manifest(tmp, sc, when, err, errlen);
    if (rc == 0 && rename(tmp, out) != 0) {
        snprintf(err, errlen, "无法把 %s 改名为 %s：%s", tmp, out, strerror(errno));
        rc = -1;
    }
    if (rc != 0) remove_tree(tmp);
    return rc;
}

/* The submissions of shard k of n: every n-th in name order, from the
 * k-th, so that n machines given the same list cover it exactly once. */
static char **shard_of(char **dirs, int ndirs, int k, int n, int *out_n)
{
    char **v = xmalloc(((size_t)ndirs + 1) * sizeof *v);
    memcpy(v, dirs, (size_t)ndirs * sizeof *v);
    qsort(v, (size_t)ndirs, sizeof *v, cmp_str);
    int m = 0;
    for (int i = 0; i < ndirs; i++)
        if (n <= 0 || i % n == k - 1) v[m++] = v[i];
    *out_n = m;
    return v;
}

int bundle_make(context *ctx, char **all, int nall, const char *school_file, const char *out,
                const bundle_options *o, bundle_result *r, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    long long epoch = o->epoch;
    int ndirs;
    char **dirs = shard_of(all, nall, o->shard, o->shards, &ndirs);
    int rc0 = bundle_build(ctx, dirs, ndirs, school_file, out, epoch, o->jobs, r, err, errlen);
    free(dirs);
    return rc0;
}

static int bundle_build(context *ctx, char **dirs, int ndirs, const char *school_file, const char *out,
                        long long epoch, int jobs, bundle_result *r, char *err, size_t errlen)
{
    if (access(out, F_OK) == 0) {
        snprintf(err, errlen, "%s 已存在：验证包不会覆盖已有的文件夹", out);
        return -1;
    }
    for (int i = 0; i < ndirs; i++)
        if (!is_dir(dirs[i])) { snprintf(err, errlen, "找不到提交文件夹 %s", dirs[i]); return -1; }
    school sc;
    if (load_signing_school(ctx, school_file, &sc, err, errlen) != 0) return -1;
    char *tmp = open_staging(out, err, errlen);
    if (!tmp) {
        school_free(&sc);
        return -1;
    }
    row *rows = xcalloc((size_t)ndirs + 1, sizeof *rows);
    int nrows = 0, rc = 0;
    if (ndirs > 0) rc = run_workers(ctx, &sc, tmp, dirs, ndirs, epoch, jobs, rows, &nrows, r, err, errlen);
    time_t when = epoch >= 0 ? (time_t)epoch : time(NULL);
    if (rc == 0) rc = finish_bundle(ctx, &sc, tmp, out, rows, nrows, when, err, errlen);
    else remove_tree(tmp);
    for (int i = 0; i < nrows; i++) free_row(&rows[i]);
    free(rows);
    free(tmp);
    school_free(&sc);
    return rc;
}

/* A 汇总表 row from a shard's dossiers/ID.xml record. */
static int row_from_record(const char *path, row *r)
{
    char err[256];
    xmlDocPtr doc = xml_load_data(path, err, sizeof err);
    if (!doc) return -1;
    xmlNodePtr root = xmlDocGetRootElement(doc), t = xml_child(root, "teacher"), res = xml_child(root, "result");
    memset(r, 0, sizeof *r);
    char *v[8] = {xml_attr(root, "id"), xml_attr(t, "name"), xml_attr(t, "school"), xml_attr(root, "title"),
                  xml_attr(res, "outcome"), xml_attr(res, "score"), xml_attr(res, "hours"), NULL};
    r->id = xstrdup(v[0] ? v[0] : "");
    r->name = xstrdup(v[1] ? v[1] : "");
    r->school = xstrdup(v[2] ? v[2] : "");
    r->profile = xstrdup(v[3] ? v[3] : "");
    r->outcome = xstrdup(v[4] ? v[4] : "");
    r->has_score = v[5] != NULL;
    r->score = v[5] ? strtod(v[5], NULL) : 0;
    r->hours = v[6] ? atol(v[6]) : -1;
    for (int i = 0; i < 7; i++) xmlFree(v[i]);
    char *met = xml_attr(res, "met"), *of = xml_attr(res, "of");
    r->met = met ? atol(met) : 0;
    r->reqs = of ? atol(of) : 0;
    xmlFree(met);
    xmlFree(of);
    for (xmlNodePtr c = root->children; c; c = c->next) {
        if (!xml_is(c, "count")) continue;
        char *k = xml_attr(c, "key"), *val = xml_attr(c, "value");
        long n = val ? atol(val) : 0;
        if (k && !strcmp(k, "observation")) r->obs = n;
        else if (k && !strcmp(k, "lesson")) r->lessons = n;
        else if (k && !strcmp(k, "lesson.report")) r->reports = n;
        else if (k && !strcmp(k, "reflection")) r->reflections = n;
        else if (k && !strcmp(k, "day")) r->days = n;
        xmlFree(k);
        xmlFree(val);
    }
    UErrorCode ec = U_ZERO_ERROR;
    u_strFromUTF8(r->key, 63, NULL, r->name, -1, &ec);
    xmlFreeDoc(doc);
    return 0;
}

/* Copies a shard's dossiers and refusals into tmp; rows from its records. */
static int merge_part(const char *part, const char *tmp, row **rows, int *nrows, int *cap,
                      bundle_result *r, char *err, size_t errlen)
{
    int nf, rc = 0;
    char **files = bundle_files(part, &nf);
    for (int i = 0; i < nf; i++) {
        const char *rel = files[i];
        size_t l = strlen(rel);
        int dossier = !strncmp(rel, "dossiers/", 9), refusal = !strncmp(rel, "refused/", 8);
        if (rc == 0 && (dossier || refusal)) {
            char *from = path_join(part, rel), *to = path_join(tmp, rel), *data;
            size_t len;
            if (access(to, F_OK) == 0) {
                snprintf(err, errlen, "%s 出现在两个分片中：同一份提交被处理了两次", rel);
                rc = -1;
            } else if (read_file(from, MAX_BUNDLE_FILE, &data, &len) != 0) {
                snprintf(err, errlen, "无法读取 %s", from);
                rc = -1;
            } else {
                rc = write_text(to, data, len, err, errlen);
                free(data);
            }
            if (rc == 0 && dossier && l > 4 && !strcmp(rel + l - 4, ".xml")) {
                if (*nrows == *cap) *rows = xrealloc(*rows, (size_t)(*cap = *cap * 2 + 8) * sizeof **rows);
                if (row_from_record(from, &(*rows)[*nrows]) == 0) (*nrows)++;
            }
            if (rc == 0 && dossier && l > 4 && !strcmp(rel + l - 4, ".pdf")) r->passed++;
            if (rc == 0 && refusal) r->refused++;
            free(from);
            free(to);
        }
        free(files[i]);
    }
    free(files);
    return rc;
}

/* Every shard must be signed by this school's own certificate: a merge
 * re-signs with the school's key, so a shard from anyone else would be
 * laundered into a genuine-looking bundle. */
static int verify_parts(char **parts, int nparts, const school *sc, char *err, size_t errlen)
{
    trust *t = trust_new();
    int rc = trust_add(t, sc->cert, err, errlen);
    bundle_check c = {t, time(NULL), 0};
    for (int i = 0; i < nparts && rc == 0; i++) {
        char *signer = NULL;
        int v = bundle_verify(parts[i], &c, stderr, &signer, err, errlen);
        free(signer);
        if (v != 1) {
            if (v == 0) snprintf(err, errlen, "分片 %s 不完好，或不是本校（%s）的证书签名的（见上）", parts[i], sc->name);
            rc = -1;
        }
    }
    trust_free(t);
    return rc;
}

int bundle_merge(context *ctx, char **parts, int nparts, const char *school_file, const char *out,
                 long long epoch, bundle_result *r, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    if (access(out, F_OK) == 0) {
        snprintf(err, errlen, "%s 已存在：验证包不会覆盖已有的文件夹", out);
        return -1;
    }
    school sc;
    if (load_signing_school(ctx, school_file, &sc, err, errlen) != 0) return -1;
    if (verify_parts(parts, nparts, &sc, err, errlen) != 0) { school_free(&sc); return -1; }
    char *tmp = open_staging(out, err, errlen);
    if (!tmp) {
        school_free(&sc);
        return -1;
    }
    row *rows = NULL;
    int nrows = 0, cap = 0, rc = 0;
    for (int i = 0; i < nparts && rc == 0; i++) rc = merge_part(parts[i], tmp, &rows, &nrows, &cap, r, err, errlen);
    time_t when = epoch >= 0 ? (time_t)epoch : time(NULL);
    if (rc == 0) rc = finish_bundle(ctx, &sc, tmp, out, rows, nrows, when, err, errlen);
    else remove_tree(tmp);
    for (int i = 0; i < nrows; i++) free_row(&rows[i]);
    free(rows);
    free(tmp);
    school_free(&sc);
    return rc;
}
