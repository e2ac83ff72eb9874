/* bundle_summary.c — the 汇总表: each submission's record (dossiers/ID.xml
 * or refused/ID.xml), the rows read back from those records, their order
 * (surname-aware pinyin) and summary.csv / summary.pdf. The record is the
 * one codec between a worker and the parent, a shard and a merge, a
 * bundle and the archive: a row is never passed any other way, so no
 * path can drop or garble a field another path keeps. See bundle.h. */
#include "bundle.h"
#include "layout_blocks.h"
#include "check_run.h"
#include "util_date.h"
#include "layout.h"
#include "typeset.h"
#include "check_report.h"
#include "load_school.h"
#include "load_template.h"
#include "text.h"
#include "util.h"
#include "check_schema.h"
#include "load_xml.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unicode/ucol.h>
#include <unicode/ustring.h>

static void xml_attr_out(strbuf *b, const char *name, const char *v)
{
    sb_printf(b, " %s=\"", name);
    for (; v && *v; v++) {
        if (*v == '&') sb_puts(b, "&amp;");
        else if (*v == '<') sb_puts(b, "&lt;");
        else if (*v == '"') sb_puts(b, "&quot;");
        else if (*v == '\n') sb_puts(b, "&#10;");
        else sb_add(b, v, 1);
    }
    sb_puts(b, "\"");
}

/* ---- records ---- */

/* Writes dir/sub/ID.xml from b, and frees b. */
static int put_record(const char *dir, const char *sub, const char *id, strbuf *b, char *err, size_t errlen)
{
    char *path = xasprintf("%s/%s/%s.xml", dir, sub, id);
    int rc = bundle_write_text(path, b->s, b->len, err, errlen);
    free(path);
    sb_free(b);
    return rc;
}

int bundle_write_record(const char *dir, const char *id, const char *folder, const checked *c,
                        char *err, size_t errlen)
{
    const submission *s = &c->sub;
    strbuf b;
    sb_init(&b);
    char from[11], to[11], num[32];
    sb_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<record xmlns=\"urn:dangan:1\"");
    xml_attr_out(&b, "id", id);
    xml_attr_out(&b, "profile", c->profile_id);
    xml_attr_out(&b, "title", c->prof && c->prof->title ? c->prof->title : "");
    xml_attr_out(&b, "folders", folder);
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
    return put_record(dir, "dossiers", id, &b, err, errlen);
}

int bundle_write_refusal_record(const char *dir, const char *id, const checked *c, const char *folders,
                                int nsubs, const char *reason, char *err, size_t errlen)
{
    const submission *s = c ? &c->sub : NULL;
    strbuf b;
    sb_init(&b);
    sb_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<refusal xmlns=\"urn:dangan:1\"");
    xml_attr_out(&b, "id", id);
    xml_attr_out(&b, "title", c && c->prof && c->prof->title ? c->prof->title : c ? c->profile_id : "");
    xml_attr_out(&b, "folders", folders);
    sb_printf(&b, " submissions=\"%d\">\n  <teacher", nsubs);
    xml_attr_out(&b, "name", s ? s->teacher.name : "");
    xml_attr_out(&b, "school", s ? s->teacher.school : "");
    sb_puts(&b, "/>\n  <reason");
    xml_attr_out(&b, "text", reason);
    sb_puts(&b, "/>\n</refusal>\n");
    return put_record(dir, "refused", id, &b, err, errlen);
}

static char *attr_or_empty(xmlNodePtr n, const char *name)
{
    char *v = n ? xml_attr(n, name) : NULL;
    char *r = xstrdup(v ? v : "");
    xmlFree(v);
    return r;
}

static long attr_long(xmlNodePtr n, const char *name, long absent)
{
    char *v = n ? xml_attr(n, name) : NULL;
    long r = v && *v ? atol(v) : absent;
    xmlFree(v);
    return r;
}

static void read_counts(xmlNodePtr root, bundle_row *r)
{
    static const char *const KEY[] = {"observation", "lesson", "lesson.report", "reflection", "day"};
    long *slot[] = {&r->obs, &r->lessons, &r->reports, &r->reflections, &r->days};
    for (xmlNodePtr c = root->children; c; c = c->next) {
        if (!xml_is(c, "count")) continue;
        char *k = attr_or_empty(c, "key");
        for (int i = 0; i < 5; i++)
            if (!strcmp(k, KEY[i])) *slot[i] = attr_long(c, "value", 0);
        free(k);
    }
}

static void free_row(bundle_row *r)
{
    free(r->id); free(r->name); free(r->school); free(r->title); free(r->outcome);
    free(r->folders); free(r->reason);
}

/* One record → one row; -1 when the file is not a record. */
static int read_row(const char *path, bundle_row *r)
{
    char err[256];
    xmlDocPtr doc = xml_load_data(path, err, sizeof err);
    if (!doc) return -1;
    xmlNodePtr root = xmlDocGetRootElement(doc), t = xml_child(root, "teacher"), res = xml_child(root, "result");
    memset(r, 0, sizeof *r);
    r->refused = xml_is(root, "refusal");
    r->id = attr_or_empty(root, "id");
    r->title = attr_or_empty(root, "title");
    r->name = attr_or_empty(t, "name");
    r->school = attr_or_empty(t, "school");
    r->outcome = attr_or_empty(res, "outcome");
    r->folders = attr_or_empty(root, "folders");
    r->reason = attr_or_empty(xml_child(root, "reason"), "text");
    r->nsubs = (int)attr_long(root, "submissions", 1);
    char *score = attr_or_empty(res, "score");
    r->has_score = *score != '\0';
    r->score = strtod(score, NULL);
    free(score);
    r->hours = attr_long(res, "hours", -1);
    r->met = attr_long(res, "met", 0);
    r->reqs = attr_long(res, "of", 0);
    read_counts(root, r);
    int ok = xml_is(root, "record") || r->refused;
    xmlFreeDoc(doc);
    if (!ok) free_row(r);
    return ok ? 0 : -1;
}

void bundle_free_row(bundle_row *r)
{
    free_row(r);
}

void bundle_free_rows(bundle_row *rows, int n)
{
    for (int i = 0; i < n; i++) free_row(&rows[i]);
    free(rows);
}

int bundle_read_row(const char *dir, const char *id, bundle_row *r)
{
    char *d = xasprintf("%s/dossiers/%s.xml", dir, id), *f = xasprintf("%s/refused/%s.xml", dir, id);
    int rc = read_row(d, r) == 0 || read_row(f, r) == 0 ? 0 : -1;
    free(d);
    free(f);
    return rc;
}

bundle_row *bundle_read_rows(const char *dir, int *n)
{
    int nf, cap = 8;
    char **files = bundle_files(dir, &nf);
    bundle_row *rows = xmalloc((size_t)cap * sizeof *rows);
    *n = 0;
    for (int i = 0; i < nf; i++) {
        size_t l = strlen(files[i]);
        int rec = (!strncmp(files[i], "dossiers/", 9) || !strncmp(files[i], "refused/", 8)) &&
                  l > 4 && !strcmp(files[i] + l - 4, ".xml");
        if (rec) {
            if (*n == cap) rows = xrealloc(rows, (size_t)(cap *= 2) * sizeof *rows);
            char *p = path_join(dir, files[i]);
            if (read_row(p, &rows[*n]) == 0) (*n)++;
            free(p);
        }
        free(files[i]);
    }
    free(files);
    return rows;
}

/* ---- order: surname-aware pinyin ---- */

/* ICU's zh collation orders a character by its commonest reading; a
 * surname is read otherwise often enough (曾 zēng, not céng) that a
 * register sorted that way looks wrong to every clerk. The surname (the
 * longest entry of templates/surnames.xml the name starts with) is
 * replaced, for sorting only, by a character of its surname reading. */
typedef struct surname { char *chars, *sorts_as; } surname;
typedef struct surnames { surname *v; int n; } surnames;

static int load_surnames(context *ctx, surnames *s, char *err, size_t errlen)
{
    memset(s, 0, sizeof *s);
    char *path = path_join(ctx->home, "templates/surnames.xml"), *xsd = path_join(ctx->schema_dir, "surnames.xsd");
    xmlDocPtr doc = xml_load_data(path, err, errlen);
    int rc = doc && schema_check_data(xsd, doc, err, errlen) == 0 ? 0 : -1;
    for (xmlNodePtr n = doc && rc == 0 ? xmlDocGetRootElement(doc)->children : NULL; n; n = n->next) {
        if (!xml_is(n, "surname")) continue;
        s->v = xrealloc(s->v, (size_t)(s->n + 1) * sizeof *s->v);
        s->v[s->n++] = (surname){attr_or_empty(n, "chars"), attr_or_empty(n, "sorts-as")};
    }
    if (doc) xmlFreeDoc(doc);
    free(path);
    free(xsd);
    return rc;
}

static void free_surnames(surnames *s)
{
    for (int i = 0; i < s->n; i++) { free(s->v[i].chars); free(s->v[i].sorts_as); }
    free(s->v);
}

typedef struct keyed { bundle_row *row; UChar key[80]; } keyed;

static void sort_key(const surnames *s, const char *name, UChar *key, int cap)
{
    const surname *best = NULL;
    for (int i = 0; i < s->n; i++) {
        size_t l = strlen(s->v[i].chars);
        if (!strncmp(name, s->v[i].chars, l) && (!best || l > strlen(best->chars))) best = &s->v[i];
    }
    char *k = best ? xasprintf("%s%s", best->sorts_as, name + strlen(best->chars)) : xstrdup(name);
    UErrorCode ec = U_ZERO_ERROR;
    u_strFromUTF8(key, cap - 1, NULL, k, -1, &ec);
    if (U_FAILURE(ec)) key[0] = 0;
    key[cap - 1] = 0;
    free(k);
}

static UCollator *collator;

static int cmp_keyed(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    if (x->row->refused != y->row->refused) return x->row->refused - y->row->refused;
    UCollationResult r = ucol_strcoll(collator, x->key, -1, y->key, -1);
    return r == UCOL_LESS ? -1 : r == UCOL_GREATER ? 1 : strcmp(x->row->id, y->row->id);
}

/* Sorts rows in place: passed first, then refused, each by name. */
static int sort_rows(context *ctx, bundle_row *rows, int n, char *err, size_t errlen)
{
    surnames s;
    if (load_surnames(ctx, &s, err, errlen) != 0) return -1;
    keyed *k = xcalloc((size_t)n + 1, sizeof *k);
    for (int i = 0; i < n; i++) {
        k[i].row = &rows[i];
        sort_key(&s, rows[i].name, k[i].key, 80);
    }
    UErrorCode ec = U_ZERO_ERROR;
    collator = ucol_open("zh", &ec);
    if (collator) qsort(k, (size_t)n, sizeof *k, cmp_keyed);
    ucol_close(collator);
    collator = NULL;
    bundle_row *sorted = xmalloc(((size_t)n + 1) * sizeof *sorted);
    for (int i = 0; i < n; i++) sorted[i] = *k[i].row;
    memcpy(rows, sorted, (size_t)n * sizeof *rows);
    free(sorted);
    free(k);
    free_surnames(&s);
    return 0;
}

/* ---- summary.csv ---- */

static void csv_field(strbuf *b, const char *s)
{
    sb_puts(b, "\"");
    for (; *s; s++) {
        if (*s == '"') sb_puts(b, "\"");
        sb_add(b, *s == '\n' ? "；" : s, *s == '\n' ? strlen("；") : 1);
    }
    sb_puts(b, "\",");
}

/* UTF-8 with a byte-order mark, so that spreadsheet programs read it as
 * such; the refused submissions follow after an empty line, as a second
 * table with its own header. */
static int write_csv(const char *dir, const bundle_row *rows, int n, char *err, size_t errlen)
{
    strbuf b;
    sb_init(&b);
    sb_puts(&b, "\xEF\xBB\xBF序号,跟岗编号,姓名,派出学校,研修项目,听课,上课,汇报课,反思,研修日志,要求达到,要求总数,成绩,等次,学时\r\n");
    int k = 0;
    for (int i = 0; i < n; i++) {
        const bundle_row *r = &rows[i];
        if (r->refused) continue;
        sb_printf(&b, "%d,", ++k);
        csv_field(&b, r->id);
        csv_field(&b, r->name);
        csv_field(&b, r->school);
        csv_field(&b, r->title);
        sb_printf(&b, "%ld,%ld,%ld,%ld,%ld,%ld,%ld,", r->obs, r->lessons, r->reports, r->reflections, r->days,
                  r->met, r->reqs);
        if (r->has_score) sb_printf(&b, "%g", r->score);
        sb_puts(&b, ",");
        csv_field(&b, r->outcome);
        if (r->hours >= 0) sb_printf(&b, "%ld", r->hours);
        sb_puts(&b, "\r\n");
    }
    if (k < n) sb_puts(&b, "\r\n退回序号,跟岗编号,姓名,派出学校,研修项目,提交文件夹,退回原因\r\n");
    k = 0;
    for (int i = 0; i < n; i++) {
        const bundle_row *r = &rows[i];
        if (!r->refused) continue;
        sb_printf(&b, "%d,", ++k);
        const char *f[] = {r->id, r->name, r->school, r->title, r->folders};
        for (int j = 0; j < 5; j++) csv_field(&b, f[j]);
        csv_field(&b, r->reason);
        b.len--;                               /* no comma after the last field */
        sb_puts(&b, "\r\n");
    }
    char *path = xasprintf("%s/summary.csv", dir);
    int rc = bundle_write_text(path, b.s, b.len, err, errlen);
    free(path);
    sb_free(&b);
    return rc;
}

/* ---- summary.pdf ---- */

#define NCOLS 13
static const char *const HEAD[NCOLS] = {"序号", "跟岗编号", "姓名", "派出学校", "研修项目", "听课", "上课",
                                        "反思", "日志", "要求", "成绩", "等次", "学时"};

/* Column widths: the name column as wide as the longest name (a name
 * never wraps: a teacher's name split over two lines reads as two
 * people), taken from the school and programme columns; past a fifth of
 * the line the names are set smaller instead. */
static const char *name_columns(const page_template *t, text_engine *te, const bundle_row *rows, int n, float *w)
{
    static const float W[NCOLS] = {0.04f, 0.09f, 0.095f, 0.17f, 0.17f, 0.045f, 0.07f,
                                   0.045f, 0.045f, 0.06f, 0.045f, 0.08f, 0.045f};
    memcpy(w, W, sizeof W);
    const style *cell = template_style(t, "cell");
    text_style ts = {cell->role, cell->size, 0, 0, 0, cell->tracking};
    float measure = t->width - t->inner - t->outer, widest = 0;
    for (int i = 0; i < n; i++) {
        float pt = text_width(te, rows[i].name, strlen(rows[i].name), &ts);
        if (pt > widest) widest = pt;
    }
    /* A point to spare: the line breaker must not find it a hair too long. */
    float need = (widest + 2 * t->table_pad + 1) / measure;
    const char *st = NULL;
    if (need > 0.2f) {
        st = "cell-narrow";
        need = 0.2f;
    }
    if (need > w[2]) {
        float more = need - w[2];
        w[2] = need;
        w[3] -= more / 2;
        w[4] -= more / 2;
    }
    return st;
}

static void passed_table(block_list *bl, const page_template *t, text_engine *te, const bundle_row *rows, int n)
{
    float w[NCOLS];
    const char *name_style = name_columns(t, te, rows, n, w);
    block *tb = blocks_add_table(bl, NCOLS, w, 1);
    for (int i = 0; i < NCOLS; i++) blocks_add_cell(tb, HEAD[i], 1, 1);
    int k = 0;
    for (int i = 0; i < n; i++) {
        const bundle_row *r = &rows[i];
        if (r->refused) continue;
        char num[8][32];
        snprintf(num[0], 32, "%d", ++k);
        snprintf(num[1], 32, "%ld", r->obs);
        snprintf(num[2], 32, "%ld（%ld）", r->lessons, r->reports);
        snprintf(num[3], 32, "%ld", r->reflections);
        snprintf(num[4], 32, "%ld", r->days);
        snprintf(num[5], 32, "%ld/%ld", r->met, r->reqs);
        num[6][0] = num[7][0] = '\0';   /* blank where the profile has no score or 学时 */
        if (r->has_score) snprintf(num[6], 32, "%g", r->score);
        if (r->hours >= 0) snprintf(num[7], 32, "%ld", r->hours);
        const char *cells[NCOLS] = {num[0], r->id, r->name, r->school, r->title, num[1], num[2],
                                    num[3], num[4], num[5], num[6], r->outcome, num[7]};
        for (int c = 0; c < NCOLS; c++) blocks_add_cell(tb, cells[c], 1, 0)->style = c == 2 ? name_style : NULL;
    }
}

static void refused_table(block_list *bl, const bundle_row *rows, int n, int nrefused)
{
    char *h = xasprintf("未通过核对的提交（%d 份）", nrefused);
    blocks_add(bl, BLOCK_HEADING, "h2", h)->keep_with_next = 1;
    free(h);
    static const float W[6] = {0.04f, 0.09f, 0.095f, 0.17f, 0.14f, 0.465f};
    static const char *const RH[6] = {"序号", "跟岗编号", "姓名", "派出学校", "提交文件夹", "退回原因（详见 refused/ 中同名文件）"};
    block *tb = blocks_add_table(bl, 6, W, 1);
    for (int i = 0; i < 6; i++) blocks_add_cell(tb, RH[i], 1, 1);
    int k = 0;
    for (int i = 0; i < n; i++) {
        const bundle_row *r = &rows[i];
        if (!r->refused) continue;
        char num[16];
        snprintf(num, sizeof num, "%d", ++k);
        const char *cells[6] = {num, r->id, r->name, r->school, r->folders, r->reason};
        for (int c = 0; c < 6; c++) blocks_add_cell(tb, cells[c], 1, 0);
    }
}

/* The date a clerk in China would write: the day at UTC+8. */
static void table_date(time_t when, char *out, size_t len)
{
    time_t local = when + 8 * 3600;
    struct tm tm;
    gmtime_r(&local, &tm);
    snprintf(out, len, "%d年%d月%d日", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

static void summary_blocks(block_list *bl, const page_template *t, text_engine *te, const school *sc,
                           const bundle_row *rows, int n, time_t when)
{
    int passed = 0, refused = 0;
    for (int i = 0; i < n; i++) {
        if (rows[i].refused) refused += rows[i].nsubs;
        else passed++;
    }
    blocks_add(bl, BLOCK_HEADING, "h1", "跟岗研修汇总表")->level = 0;
    char *meta = xasprintf("基地学校：%s　　通过 %d 人，退回 %d 份", sc->name, passed, refused);
    blocks_add(bl, BLOCK_PARA, "meta", meta);
    free(meta);
    passed_table(bl, t, te, rows, n);
    blocks_add(bl, BLOCK_PARA, "meta", "注：上课栏括号内为汇报课节数；“要求”为研修项目各项要求中达到的项数；"
                                       "成绩、学时栏空白表示该研修项目不评分或不认定学时。");
    char date[64];
    table_date(when, date, sizeof date);
    char *line = xasprintf("制表人：＿＿＿＿＿＿＿＿　　　　审核人（签字）：＿＿＿＿＿＿＿＿　　　　制表日期：%s", date);
    blocks_add(bl, BLOCK_PARA, "signature", line);
    free(line);
    if (refused) refused_table(bl, rows, n, refused);
}

static int write_pdf(context *ctx, const school *sc, const char *dir, const bundle_row *rows, int n,
                     time_t when, char *err, size_t errlen)
{
    /* The columns are measured against the template's body text. */
    page_template t;
    if (typeset_template(ctx, "summary", &t, err, errlen) != 0) return -1;
    block_list bl = {0};
    text_engine *te = text_engine_new(ctx->fonts);
    summary_blocks(&bl, &t, te, sc, rows, n, when);
    text_engine_free(te);
    char *header = xasprintf("%s　跟岗研修汇总表", sc->name), *path = xasprintf("%s/summary.pdf", dir);
    typeset_input in = {"summary", &bl, {header, 0, 0}, "跟岗研修汇总表", sc->name, "汇总表", sc->code};
    int rc = typeset(ctx, &in, when, path, err, errlen);
    free(path);
    free(header);
    blocks_free(&bl);
    return rc;
}

int bundle_write_summary(context *ctx, const school *sc, const char *dir, bundle_row *rows, int n,
                         time_t when, char *err, size_t errlen)
{
    if (sort_rows(ctx, rows, n, err, errlen) != 0) return -1;
    if (write_csv(dir, rows, n, err, errlen) != 0) return -1;
    return write_pdf(ctx, sc, dir, rows, n, when, err, errlen);
}
