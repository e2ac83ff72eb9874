/* archive_check.c — see archive_check.h. The bundle's own verification
 * (bundle_verify) runs first and hands each problem over by kind; then
 * every dossier is judged item by item. An item that cannot be judged
 * (no renderer installed) stops the filing as an error: it is never
 * passed unchecked. */
#include "archive_check.h"
#include "archive_check_int.h"
#include "bundle.h"
#include "check_schema.h"
#include "layout_dossier.h"
#include "load_xml.h"
#include "util_date.h"
#include "util_lang.h"
#include "verify.h"
#include "verify_read.h"

#include <stdlib.h>
#include <string.h>

/* The checks this file makes; templates/checks.xml says for each its
 * category, the DA/T 70-2018 归档环节 item it stands for (GD-1 真实性,
 * GD-2 完整性, GD-3 可用性, GD-4 安全性) and its names: README "四性检测". */
static const char *const CODES[] = {"manifest", "signature", "digest", "meta", "count", "required", "numbers",
                                    "pages", "pdfa", "render", "javascript", "auto", "link", "embedded", "xfa", "extra"};
#define NCODES (sizeof CODES / sizeof *CODES)

typedef struct check_def {
    check_category cat;
    char *item, *name, *name_en;
} check_def;

struct check_defs {
    check_def v[NCODES];
};

static int code_index(const char *code)
{
    for (size_t i = 0; i < NCODES; i++) if (!strcmp(CODES[i], code)) return (int)i;
    return -1;
}

static int category_of(const char *s)
{
    static const char *const ZH[] = {"真实性", "完整性", "可用性", "安全性"};
    for (int i = 0; i < 4; i++) if (!strcmp(ZH[i], s)) return i;
    return -1;
}

check_defs *check_defs_load(const char *path, const char *xsd, char *err, size_t errlen)
{
    xmlDocPtr doc = xml_load_data(path, err, errlen);
    if (!doc || schema_check_data(xsd, doc, err, errlen) != 0) {
        if (doc) xmlFreeDoc(doc);
        return NULL;
    }
    check_defs *d = xcalloc(1, sizeof *d);
    for (xmlNodePtr c = xmlDocGetRootElement(doc)->children; c; c = c->next) {
        if (!xml_is(c, "check")) continue;
        char *code = attr_of(c, "code"), *cat = attr_of(c, "category");
        int i = code_index(code), k = category_of(cat);
        if (i >= 0 && k >= 0 && !d->v[i].item)
            d->v[i] = (check_def){(check_category)k, attr_of(c, "item"), attr_of(c, "name"), attr_of(c, "en")};
        free(code);
        free(cat);
    }
    xmlFreeDoc(doc);
    for (size_t i = 0; i < NCODES; i++) {
        if (d->v[i].item) continue;
        snprintf(err, errlen, TR("%s 缺少检测项 %s", "%s lacks the check %s"), path, CODES[i]);
        check_defs_free(d);
        return NULL;
    }
    return d;
}

void check_defs_free(check_defs *d)
{
    if (!d) return;
    for (size_t i = 0; i < NCODES; i++) { free(d->v[i].item); free(d->v[i].name); free(d->v[i].name_en); }
    free(d);
}

const char *check_category_name(check_category c)
{
    static const char *const ZH[] = {"真实性", "完整性", "可用性", "安全性"};
    return ZH[c];
}

static const char *category_shown(check_category c)
{
    static const char *const EN[] = {"authenticity", "integrity", "usability", "security"};
    return lang_en() ? EN[c] : check_category_name(c);
}

void check_add(check_list *l, const char *code, const char *file, int passed, const char *detail)
{
    int i = code_index(code);
    if (i < 0) abort();   /* a code not in CODES is this file's mistake */
    const check_def *d = &l->defs->v[i];
    l->v = xrealloc(l->v, (size_t)(l->n + 1) * sizeof *l->v);
    l->v[l->n++] = (check_item){CODES[i], d->cat, d->item, d->name, d->name_en, passed, xstrdup(file ? file : l->file),
                                xstrdup(detail ? detail : "")};
}

void list_set(check_list *l, const char *code, int passed, const char *detail)
{
    for (int k = 0; k < l->n; k++) {
        if (strcmp(l->v[k].code, code)) continue;
        l->v[k].passed = passed;
        free(l->v[k].detail);
        l->v[k].detail = xstrdup(detail ? detail : "");
        return;
    }
    check_add(l, code, NULL, passed, detail);
}

void intake_set(intake *in, const char *id, const char *code, int passed, const char *detail)
{
    for (int i = 1; i < in->n; i++)
        if (!strcmp(in->lists[i].id, id)) list_set(&in->lists[i], code, passed, detail);
}

int intake_passed(const intake *in)
{
    for (int i = 0; i < in->n; i++)
        for (int k = 0; k < in->lists[i].n; k++) if (!in->lists[i].v[k].passed) return 0;
    return 1;
}

void intake_print(const intake *in, FILE *out)
{
    for (int i = 0; i < in->n; i++)
        for (int k = 0; k < in->lists[i].n; k++) {
            const check_item *c = &in->lists[i].v[k];
            if (c->passed) continue;
            fprintf(out, TR("%s：%s %s %s：%s\n", "%s: %s %s %s: %s\n"), *c->file ? c->file : "-", category_shown(c->cat),
                    c->item, lang_en() ? c->name_en : c->name, c->detail);
        }
}

void intake_free(intake *in)
{
    for (int i = 0; i < in->n; i++) {
        check_list *l = &in->lists[i];
        for (int k = 0; k < l->n; k++) { free(l->v[k].file); free(l->v[k].detail); }
        free(l->v);
        free(l->id);
        free(l->file);
        free(l->teacher);
        free(l->number);
    }
    free(in->lists);
    memset(in, 0, sizeof *in);
}

/* ---- the bundle's problems, as bundle_verify found them ---- */

typedef struct problem {
    char *path, *reason;
    bundle_problem kind;
} problem;

typedef struct problems {
    problem *v;
    int n;
} problems;

static void on_problem(void *arg, const char *path, bundle_problem kind, const char *reason)
{
    problems *p = arg;
    p->v = xrealloc(p->v, (size_t)(p->n + 1) * sizeof *p->v);
    p->v[p->n++] = (problem){xstrdup(path), xstrdup(reason), kind};
}

static const char *problem_of(const problems *p, const char *path, bundle_problem kind)
{
    for (int i = 0; i < p->n; i++) if (p->v[i].kind == kind && !strcmp(p->v[i].path, path)) return p->v[i].reason;
    return NULL;
}

/* A path that belongs to a dossier's own items (its PDF and record). */
static int dossier_file(const char *path)
{
    size_t l = strlen(path);
    return !strncmp(path, "dossiers/", 9) && l > 13 && (!strcmp(path + l - 4, ".pdf") || !strcmp(path + l - 4, ".xml"));
}

/* One item of the bundle list per problem of its kinds, or one passed. */
static void bundle_item(check_list *l, const problems *p, const char *code, bundle_problem k1, bundle_problem k2,
                        int dossiers_too)
{
    int any = 0;
    for (int i = 0; i < p->n; i++) {
        if ((p->v[i].kind != k1 && p->v[i].kind != k2) || (!dossiers_too && dossier_file(p->v[i].path))) continue;
        check_add(l, code, p->v[i].path, 0, p->v[i].reason);
        any = 1;
    }
    if (!any) check_add(l, code, "", 1, NULL);
}

static check_list *new_list(intake *in, const char *id)
{
    in->lists = xrealloc(in->lists, (size_t)(in->n + 1) * sizeof *in->lists);
    check_list *l = &in->lists[in->n++];
    memset(l, 0, sizeof *l);
    l->defs = in->defs;
    l->id = xstrdup(id);
    l->file = *id ? xasprintf("dossiers/%s.pdf", id) : xstrdup("");
    l->teacher = xstrdup("");
    return l;
}

/* The ids of the dossiers in the copy (dossiers/ID.pdf), in name order. */
static char **dossier_ids(const char *dir, int *n)
{
    int nf;
    char **files = bundle_files(dir, &nf), **ids = xmalloc(((size_t)nf + 1) * sizeof *ids);
    *n = 0;
    for (int i = 0; i < nf; i++) {
        size_t l = strlen(files[i]);
        if (!strncmp(files[i], "dossiers/", 9) && l > 13 && !strcmp(files[i] + l - 4, ".pdf"))
            ids[(*n)++] = xstrndup(files[i] + 9, l - 13);
        free(files[i]);
    }
    free(files);
    return ids;
}

/* ---- one dossier ---- */

char *attr_of(xmlNodePtr n, const char *name)
{
    char *v = n ? xml_attr(n, name) : NULL;
    char *r = xstrdup(v ? v : "");
    xmlFree(v);
    return r;
}

int read_record(const char *path, record_info *ri, char *err, size_t errlen)
{
    memset(ri, 0, sizeof *ri);
    sb_init(&ri->counts);
    xmlDocPtr doc = xml_load_data(path, err, errlen);
    if (!doc) return -1;
    xmlNodePtr root = xmlDocGetRootElement(doc), t = xml_child(root, "teacher"), h = xml_child(root, "host"),
               p = xml_child(root, "period"), r = xml_child(root, "result");
    ri->id = attr_of(root, "id");
    ri->profile = attr_of(root, "profile");
    ri->teacher = attr_of(t, "name");
    ri->gender = attr_of(t, "gender");
    ri->school = attr_of(t, "school");
    ri->host = attr_of(h, "school");
    ri->start = attr_of(p, "start");
    ri->end = attr_of(p, "end");
    ri->outcome = attr_of(r, "outcome");
    char *score = attr_of(r, "score"), *hours = attr_of(r, "hours");
    ri->has_score = *score != '\0';
    ri->score = strtod(score, NULL);
    ri->hours = *hours ? atol(hours) : -1;
    free(score);
    free(hours);
    sb_puts(&ri->counts, "{");
    for (xmlNodePtr c = root->children; c; c = c->next) {
        if (!xml_is(c, "count")) continue;
        char *k = attr_of(c, "key"), *v = attr_of(c, "value");
        sb_printf(&ri->counts, "%s\"%s\":%ld", ri->counts.len > 1 ? "," : "", k, atol(v));
        free(k);
        free(v);
    }
    sb_puts(&ri->counts, "}");
    xmlFreeDoc(doc);
    if (strlen(ri->start) >= 4) return 0;
    snprintf(err, errlen, TR("%s 缺少研修时间", "%s has no period"), path);
    return -1;
}

void free_record(record_info *ri)
{
    free(ri->id); free(ri->profile); free(ri->teacher); free(ri->gender); free(ri->school);
    free(ri->host); free(ri->start); free(ri->end); free(ri->outcome);
    sb_free(&ri->counts);
}

/* Whitespace runs as one space, trimmed: a record's attributes went
 * through XML attribute normalisation, the PDF's strings did not. */
static int same_text(const char *a, const char *b)
{
    if (!a || !b) return 0;
    for (;;) {
        while (*a == ' ' || *a == '\t' || *a == '\n' || *a == '\r') a++;
        while (*b == ' ' || *b == '\t' || *b == '\n' || *b == '\r') b++;
        if (!*a || !*b) return !*a && !*b;
        while (*a && *a == *b && *a != ' ' && *a != '\t' && *a != '\n' && *a != '\r') { a++; b++; }
        int sa = !*a || *a == ' ' || *a == '\t' || *a == '\n' || *a == '\r';
        int sb = !*b || *b == ' ' || *b == '\t' || *b == '\n' || *b == '\r';
        if (!(sa && sb)) return 0;
    }
}

/* The signed record (ID.xml) must say what the signed PDF says of itself
 * (typeset.c writes /Title "NAME 跟岗研修档案", /Author the base school,
 * /Keywords dossier_keywords(…)) and its cover shows (the teacher's name
 * and the placement id): an index row is a claim about the dossier, and
 * a claim the dossier contradicts is not filed. The cover is judged
 * when pdftotext is done (pool_items): until then the item stands as
 * not passed for it. */
static void meta_item(check_list *l, int i, const pdf_info3 *in, const record_info *ri, tool_pool *pool)
{
    char *want_title = xasprintf("%s 跟岗研修档案", ri->teacher),
         *want_kw = dossier_keywords(ri->id, ri->start, ri->end, ri->school, ri->has_score, ri->score, ri->outcome,
                                     ri->hours);
    const char *what = !same_text(in->title, want_title) ? TR("教师姓名", "the teacher's name")
                       : !same_text(in->author, ri->host) ? TR("基地学校", "the base school")
                       : !same_text(in->keywords, want_kw) ? TR("跟岗编号、研修时间、派出学校或考核结果", "placement id, period, home school or result")
                       : NULL;
    char *detail = xasprintf(TR("dossiers/%s.xml 与签名的 PDF 不一致（%s不同）", "dossiers/%s.xml disagrees with its signed PDF (%s)"),
                             ri->id, what ? what : TR("封面上的姓名或跟岗编号", "the name or placement id on the cover"));
    check_add(l, "meta", NULL, 0, detail);
    if (!what) pool_expect(pool, i, ri->teacher, ri->id);
    free(detail); free(want_title); free(want_kw);
}

/* 题名, 责任者, 日期, 跟岗编号, 保管期限 (DA/T 46 的必著项, as this
 * dossier has them): the PDF's /Title and /Author, the record's period
 * and id (the file's name), the archive's retention. */
static void required_item(check_list *l, const pdf_info3 *in, const record_info *ri, const char *retention)
{
    long d0, d1;
    strbuf miss;
    sb_init(&miss);
    sb_puts(&miss, "");
    const char *sep = TR("、", ", ");
#define MISSING(cond, zh, en) if (cond) sb_printf(&miss, "%s%s", miss.len ? sep : "", TR(zh, en))
    MISSING(!in->title || !*in->title, "题名", "title");
    MISSING(!in->author || !*in->author, "责任者", "creator");
    MISSING(!ri || date_parse(ri->start, &d0) != 0 || date_parse(ri->end, &d1) != 0, "日期", "dates");
    MISSING(!ri || !*ri->id || strcmp(ri->id, l->id), "跟岗编号", "placement id");
    MISSING(!retention || !*retention, "保管期限", "retention period");
#undef MISSING
    char *detail = miss.len ? xasprintf(TR("缺少%s", "missing %s"), miss.s) : NULL;
    check_add(l, "required", NULL, miss.len == 0, detail);
    free(detail);
    sb_free(&miss);
}

static void pages_item(check_list *l, const pdf_scan *s)
{
    char d[96] = "";
    if (s->pages <= 0) snprintf(d, sizeof d, TR("没有页面", "no pages"));
    else if (s->empty_page) snprintf(d, sizeof d, TR("第 %d 页没有内容", "page %d has no content"), s->empty_page);
    check_add(l, "pages", NULL, !*d, d);
}

static void found_item(check_list *l, const char *code, const char *what)
{
    char *d = *what ? xasprintf(TR("发现 %s", "found %s"), what) : NULL;
    check_add(l, code, NULL, !*what, d);
    free(d);
}

static void security_items(check_list *l, const pdf_scan *s)
{
    found_item(l, "javascript", s->javascript);
    found_item(l, "auto", s->auto_action);
    found_item(l, "link", s->link_action);
    found_item(l, "embedded", s->embedded);
    found_item(l, "xfa", s->xfa);
}

/* Every item a dossier whose PDF cannot be read gets: not passed. */
static void unreadable_items(check_list *l, const char *why)
{
    static const char *const CODES[] = {"meta", "required", "pages", "pdfa", "render", "javascript", "auto", "link",
                                        "embedded", "xfa"};
    for (size_t i = 0; i < sizeof CODES / sizeof *CODES; i++) check_add(l, CODES[i], NULL, 0, why);
}

/* Dossier i's PDF items; its poppler items wait in pool (pool_items). */
static void pdf_items(check_list *l, int i, const unsigned char *data, size_t len, const record_info *ri,
                      const char *retention, tool_pool *pool)
{
    char err[512] = "";
    pdf_in *p = pdf_in_open(data, len, err, sizeof err);
    pdf_scan s;
    if (!p || pdf_in_scan(p, &s, err, sizeof err) != 0) {
        unreadable_items(l, err);
        pdf_in_close(p);
        return;
    }
    pdf_info3 in = {pdf_in_info(p, "/Title"), pdf_in_info(p, "/Author"), pdf_in_info(p, "/Keywords")};
    if (ri) meta_item(l, i, &in, ri, pool);
    else check_add(l, "meta", NULL, 0, TR("记录无法读取", "the record cannot be read"));
    required_item(l, &in, ri, retention);
    pages_item(l, &s);
    pdfa_item(l, p, &s);
    check_add(l, "render", NULL, 0, "");
    pool_want_render(pool, i);
    security_items(l, &s);
    free(in.title); free(in.author); free(in.keywords);
    pdf_in_close(p);
}

static void dossier_items(const char *dir, check_list *l, int i, const problems *pb, const trust *t, time_t now,
                          const char *retention, tool_pool *pool)
{
    char *pdf = path_join(dir, l->file), *rec_rel = xasprintf("dossiers/%s.xml", l->id), *rec = path_join(dir, rec_rel);
    char *data = NULL, err[512] = "";
    size_t len = 0;
    int readable = read_file_nofollow(pdf, MAX_BUNDLE_FILE, &data, &len) == 0;
    pdf_report r;
    if (readable && pdf_check((unsigned char *)data, len, t, now, &r) >= 0) {
        check_add(l, "signature", NULL, r.trusted, r.problem);
        pdf_report_free(&r);
    } else {
        check_add(l, "signature", NULL, 0, TR("文件无法读取", "file cannot be read"));
    }
    const char *dg = problem_of(pb, l->file, BP_DIGEST) ? problem_of(pb, l->file, BP_DIGEST) : problem_of(pb, rec_rel, BP_DIGEST);
    char *dgd = dg ? xasprintf("%s%s", problem_of(pb, l->file, BP_DIGEST) ? "" : "ID.xml: ", dg) : NULL;
    check_add(l, "digest", NULL, dg == NULL, dgd);
    free(dgd);
    record_info ri;
    int have_record = read_record(rec, &ri, err, sizeof err) == 0;
    if (!have_record) free_record(&ri);
    if (readable) pdf_items(l, i, (unsigned char *)data, len, have_record ? &ri : NULL, retention, pool);
    else unreadable_items(l, TR("文件无法读取", "file cannot be read"));
    if (have_record) {
        l->year = atol(ri.start);
        free(l->teacher);
        l->teacher = xstrdup(ri.teacher);
        free_record(&ri);
    }
    free(data);
    free(pdf);
    free(rec);
    free(rec_rel);
}

/* Every dossier of the copy: poppler's children started for all in a
 * bounded pool, the in-process items (qpdf, signatures) checked meanwhile,
 * then the children's items once all are reaped. */
static void dossiers_checked(const char *dir, intake *in, const problems *pb, const trust *t, time_t now,
                             const char *retention, const tools *tl)
{
    int n = 0;
    char **ids = dossier_ids(dir, &n), **pdfs = xmalloc(((size_t)n + 1) * sizeof *pdfs);
    int first = in->n;
    for (int i = 0; i < n; i++) pdfs[i] = path_join(dir, new_list(in, ids[i])->file);
    tool_pool *pool = pool_new(tl, pdfs, n);
    for (int i = 0; i < n; i++) {
        dossier_items(dir, &in->lists[first + i], i, pb, t, now, retention, pool);
        pool_step(pool, i + 1);
    }
    pool_finish(pool);
    for (int i = 0; i < n; i++) pool_items(pool, i, &in->lists[first + i]);
    pool_free(pool);
    for (int i = 0; i < n; i++) { free(ids[i]); free(pdfs[i]); }
    free(ids);
    free(pdfs);
}

int intake_check(const char *dir, const trust *t, time_t now, const check_defs *defs, const char *scratch,
                 const char *retention, char *const *skipped, int nskipped, intake *in, char **signer,
                 char *err, size_t errlen)
{
    (void)scratch;   /* poppler's output goes to pipes now, nothing to disk */
    memset(in, 0, sizeof *in);
    in->defs = defs;
    problems pb = {0};
    for (int i = 0; i < nskipped; i++)
        on_problem(&pb, skipped[i], BP_EXTRA, TR("清单之外的链接、特殊文件或隐藏文件", "a link, special or hidden file not in the manifest"));
    bundle_check c = {t, now, on_problem, &pb};
    char *sink_data = NULL;
    size_t sink_len = 0;
    FILE *sink = open_memstream(&sink_data, &sink_len);   /* its lines are the items' now */
    int v = sink ? bundle_verify(dir, &c, sink, signer, err, errlen) : -1;
    if (sink) fclose(sink);
    free(sink_data);
    if (v < 0 && !pb.n) on_problem(&pb, "manifest.xml", BP_MANIFEST, err);
    check_list *b = new_list(in, "");
    bundle_item(b, &pb, "manifest", BP_MANIFEST, BP_MANIFEST, 1);
    int opened = b->v[0].passed && v >= 0;   /* nothing else is opened: see verify_bundle.c */
    if (opened) {
        bundle_item(b, &pb, "digest", BP_DIGEST, BP_DIGEST, 0);
        bundle_item(b, &pb, "count", BP_MISSING, BP_PATH, 1);
        bundle_item(b, &pb, "extra", BP_EXTRA, BP_EXTRA, 1);
    }
    tools tl;
    int rc = opened ? tools_find(&tl, err, errlen) : 0;
    if (opened && rc == 0) {
        dossiers_checked(dir, in, &pb, t, now, retention, &tl);
        tools_free(&tl);
    }
    for (int i = 0; i < pb.n; i++) { free(pb.v[i].path); free(pb.v[i].reason); }
    free(pb.v);
    if (rc != 0) return -1;
    return intake_passed(in);
}
