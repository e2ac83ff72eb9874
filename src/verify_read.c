/* verify_read.c — see verify_read.h.
 *
 * qpdf is run strict: no recovery of a damaged cross-reference table
 * (a reader's repair guesses are exactly where shadow attacks live), and
 * any warning while reading counts as damage. qpdf reports errors through
 * its handle, not by exceptions, once qpdf_silence_errors is called; every
 * public function here checks qpdf_has_error before trusting a value. */
#include "verify_read.h"
#include "util.h"
#include "util_lang.h"

#include <qpdf/qpdf-c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pdf_in {
    qpdf_data q;
    const unsigned char *in;
    size_t len;
};


static int failed(pdf_in *p, char *err, size_t errlen)
{
    if (qpdf_has_error(p->q)) {
        qpdf_error e = qpdf_get_error(p->q);
        snprintf(err, errlen, "PDF 结构损坏：%s", qpdf_get_error_message_detail(p->q, e));
        return 1;
    }
    if (qpdf_more_warnings(p->q)) {
        qpdf_error e = qpdf_next_warning(p->q);
        snprintf(err, errlen, "PDF 结构有误：%s", qpdf_get_error_message_detail(p->q, e));
        return 1;
    }
    return 0;
}

pdf_in *pdf_in_open(const unsigned char *in, size_t len, char *err, size_t errlen)
{
    pdf_in *p = xcalloc(1, sizeof *p);
    p->q = qpdf_init();
    p->in = in;
    p->len = len;
    qpdf_silence_errors(p->q);
    qpdf_set_suppress_warnings(p->q, QPDF_TRUE);
    qpdf_set_attempt_recovery(p->q, QPDF_FALSE);
    if (qpdf_read_memory(p->q, "PDF", (const char *)in, len, NULL) & QPDF_ERRORS || failed(p, err, errlen)) {
        if (!*err) snprintf(err, errlen, "不是可读的 PDF 文件");
        pdf_in_close(p);
        return NULL;
    }
    return p;
}

void pdf_in_close(pdf_in *p)
{
    if (!p) return;
    qpdf_cleanup(&p->q);
    free(p);
}

/* o[k], or null when o is not a dictionary (qpdf warns on a key of a
 * non-dictionary, and a warning counts as damage). */
static qpdf_oh key(pdf_in *p, qpdf_oh o, const char *k)
{
    return qpdf_oh_is_dictionary(p->q, o) ? qpdf_oh_get_key(p->q, o, k) : qpdf_oh_new_null(p->q);
}

static int is_name(pdf_in *p, qpdf_oh o, const char *name)
{
    return qpdf_oh_is_name_and_equals(p->q, o, name);
}

/* A field's type, inherited through /Parent (ISO 32000 12.7.3.1). */
static int field_is_sig(pdf_in *p, qpdf_oh f)
{
    for (int d = 0; d < PDF_MAX_DEPTH && qpdf_oh_is_dictionary(p->q, f); d++) {
        if (qpdf_oh_has_key(p->q, f, "/FT")) return is_name(p, key(p, f, "/FT"), "/Sig");
        f = key(p, f, "/Parent");
    }
    return 0;
}

typedef struct sig_list {
    pdf_sig *v;
    int n;
    long seen[PDF_MAX_SIGS + 1];   /* object numbers of the /V dictionaries */
    int nodes, over;
} sig_list;

static char *utf8_of(pdf_in *p, qpdf_oh o)
{
    if (!qpdf_oh_is_string(p->q, o)) return xstrdup("");
    return xstrdup(qpdf_oh_get_utf8_value(p->q, o));
}

static void read_sig(pdf_in *p, qpdf_oh v, pdf_sig *s)
{
    memset(s, 0, sizeof *s);
    qpdf_oh r = key(p, v, "/ByteRange"), c = key(p, v, "/Contents");
    s->range_ok = qpdf_oh_is_array(p->q, r) && qpdf_oh_get_array_n_items(p->q, r) == 4;
    for (int i = 0; s->range_ok && i < 4; i++) {
        qpdf_oh x = qpdf_oh_get_array_item(p->q, r, i);
        s->range_ok = qpdf_oh_is_integer(p->q, x);
        s->range[i] = s->range_ok ? qpdf_oh_get_int_value(p->q, x) : 0;
    }
    if (qpdf_oh_is_string(p->q, c)) {
        size_t n = 0;
        const char *b = qpdf_oh_get_binary_string_value(p->q, c, &n);
        s->contents = xmalloc(n + 1);
        memcpy(s->contents, b, n);
        s->contents_len = n;
    }
    qpdf_oh sf = key(p, v, "/SubFilter");
    s->subfilter = xstrdup(qpdf_oh_is_name(p->q, sf) ? qpdf_oh_get_name(p->q, sf) : "");
    s->reason = utf8_of(p, key(p, v, "/Reason"));
}

/* Adds field f's signature, once per signature dictionary. A direct /V
 * (never written by us) is keyed by its field. */
static void add_field(pdf_in *p, qpdf_oh f, sig_list *l)
{
    if (!field_is_sig(p, f)) return;
    qpdf_oh v = key(p, f, "/V");
    if (!qpdf_oh_is_dictionary(p->q, v)) return;
    long key = qpdf_oh_is_indirect(p->q, v) ? qpdf_oh_get_object_id(p->q, v)
                                             : -(long)qpdf_oh_get_object_id(p->q, f) - 1;
    for (int i = 0; i < l->n; i++) if (l->seen[i] == key) return;
    if (l->n == PDF_MAX_SIGS) { l->over = 1; return; }
    l->v = xrealloc(l->v, (size_t)(l->n + 1) * sizeof *l->v);
    l->seen[l->n] = key;
    read_sig(p, v, &l->v[l->n++]);
}

static void walk_fields(pdf_in *p, qpdf_oh arr, int depth, sig_list *l)
{
    if (depth > PDF_MAX_DEPTH || !qpdf_oh_is_array(p->q, arr)) { l->over |= depth > PDF_MAX_DEPTH; return; }
    int n = qpdf_oh_get_array_n_items(p->q, arr);
    for (int i = 0; i < n && !l->over; i++) {
        if (++l->nodes > PDF_MAX_NODES) { l->over = 1; return; }
        qpdf_oh f = qpdf_oh_get_array_item(p->q, arr, i);
        if (!qpdf_oh_is_dictionary(p->q, f)) continue;
        add_field(p, f, l);
        if (qpdf_oh_has_key(p->q, f, "/Kids")) walk_fields(p, key(p, f, "/Kids"), depth + 1, l);
    }
}

int pdf_in_signatures(pdf_in *p, pdf_sig **sigs, char *err, size_t errlen)
{
    sig_list l = {0};
    qpdf_oh acro = key(p, qpdf_get_root(p->q), "/AcroForm");
    if (qpdf_oh_is_dictionary(p->q, acro)) walk_fields(p, key(p, acro, "/Fields"), 0, &l);
    int pages = qpdf_get_num_pages(p->q);
    if (pages > PDF_MAX_PAGES) l.over = 1;
    for (int i = 0; i < pages && !l.over; i++)
        walk_fields(p, key(p, qpdf_get_page_n(p->q, (size_t)i), "/Annots"), PDF_MAX_DEPTH, &l);
    qpdf_oh_release_all(p->q);
    if (failed(p, err, errlen) || l.over) {
        if (l.over && !*err) snprintf(err, errlen, "PDF 中的表单域或签名过多（上限 %d 个签名）", PDF_MAX_SIGS);
        pdf_sigs_free(l.v, l.n);
        *sigs = NULL;
        return -1;
    }
    *sigs = l.v;
    return l.n;
}

void pdf_sigs_free(pdf_sig *s, int n)
{
    for (int i = 0; i < n; i++) { free(s[i].contents); free(s[i].subfilter); free(s[i].reason); }
    free(s);
}

int pdf_in_pages(pdf_in *p)
{
    int n = qpdf_get_num_pages(p->q);
    return qpdf_has_error(p->q) || n < 0 ? -1 : n;
}

char *pdf_in_info(pdf_in *p, const char *name)
{
    qpdf_oh info = key(p, qpdf_get_trailer(p->q), "/Info");
    qpdf_oh v = key(p, info, name);
    char *s = qpdf_oh_is_string(p->q, v) ? xstrdup(qpdf_oh_get_utf8_value(p->q, v)) : NULL;
    qpdf_oh_release_all(p->q);
    char err[8];
    if (failed(p, err, sizeof err)) { free(s); return NULL; }
    return s;
}

/* The keys of a dictionary, copied: the iterator's strings die at the
 * next call. */
static char **dict_keys(pdf_in *p, qpdf_oh dict, int *n)
{
    char **keys = NULL;
    *n = 0;
    qpdf_oh_begin_dict_key_iter(p->q, dict);
    while (qpdf_oh_dict_more_keys(p->q) && *n < PDF_MAX_NODES) {
        keys = xrealloc(keys, (size_t)(*n + 1) * sizeof *keys);
        keys[(*n)++] = xstrdup(qpdf_oh_dict_next_key(p->q));
    }
    return keys;
}

/* "/Key value" for every entry of dict but the skipped keys. */
static char *entries(pdf_in *p, qpdf_oh dict, const char *const *skip)
{
    strbuf b;
    sb_init(&b);
    sb_puts(&b, "");
    int n;
    char **keys = dict_keys(p, dict, &n);
    for (int i = 0; i < n; i++) {
        int skipped = 0;
        for (const char *const *s = skip; *s && !skipped; s++) skipped = !strcmp(keys[i], *s);
        if (!skipped) sb_printf(&b, "%s %s\n", keys[i], qpdf_oh_unparse(p->q, key(p, dict, keys[i])));
        free(keys[i]);
    }
    free(keys);
    return sb_steal(&b);
}

/* The items of an array (or one object standing for a one-item array). */
static char *items(pdf_in *p, qpdf_oh v)
{
    strbuf b;
    sb_init(&b);
    sb_puts(&b, "");
    if (qpdf_oh_is_array(p->q, v)) {
        int n = qpdf_oh_get_array_n_items(p->q, v);
        for (int i = 0; i < n; i++) sb_printf(&b, "%s ", qpdf_oh_unparse(p->q, qpdf_oh_get_array_item(p->q, v, i)));
    } else if (!qpdf_oh_is_null(p->q, v)) {
        sb_printf(&b, "%s ", qpdf_oh_unparse(p->q, v));
    }
    return sb_steal(&b);
}

/* startxref of the last revision, read from the end of the file as a
 * reader does (ISO 32000 7.5.5): "startxref" EOL digits EOL "%%EOF". */
static long long last_startxref(const unsigned char *in, size_t len)
{
    size_t from = len > 1024 ? len - 1024 : 0;
    for (size_t i = len; i-- > from;) {
        if (i + 9 > len || memcmp(in + i, "startxref", 9)) continue;
        char buf[32];
        size_t k = 0;
        for (size_t j = i + 9; j < len && k < sizeof buf - 1; j++) buf[k++] = (char)in[j];
        buf[k] = '\0';
        char *e;
        long long v = strtoll(buf, &e, 10);
        return e != buf && v > 0 && (size_t)v < len ? v : -1;
    }
    return -1;
}

/* The XMP stream and the first /ID element: an update writes both anew
 * (ISO 32000 14.4 — a changed file gets a new second /ID element — and
 * PDF/A's ModDate = xmp:ModifyDate in every revision). */
static void read_meta(pdf_in *p, qpdf_oh root, qpdf_oh id, pdf_base *b)
{
    qpdf_oh m = key(p, root, "/Metadata");
    if (qpdf_oh_is_stream(p->q, m) && qpdf_oh_is_indirect(p->q, m)) {
        QPDF_BOOL filtered = QPDF_FALSE;
        unsigned char *buf = NULL;
        size_t n = 0;
        if (qpdf_oh_get_stream_data(p->q, m, qpdf_dl_generalized, &filtered, &buf, &n) == QPDF_SUCCESS && filtered) {
            b->meta = qpdf_oh_get_object_id(p->q, m);
            b->xmp = buf;
            b->xmp_len = n;
        } else {
            free(buf);
        }
    }
    qpdf_oh first = qpdf_oh_is_array(p->q, id) ? qpdf_oh_get_array_item(p->q, id, 0) : qpdf_oh_new_null(p->q);
    if (qpdf_oh_is_string(p->q, first)) {
        size_t n = 0;
        const unsigned char *v = (const unsigned char *)qpdf_oh_get_binary_string_value(p->q, first, &n);
        b->id0 = xmalloc(2 * n + 1);
        for (size_t i = 0; i < n; i++) snprintf(b->id0 + 2 * i, 3, "%02x", v[i]);
        b->id0[2 * n] = '\0';
    }
}

/* The first page's resources, for an update that adds a Form XObject
 * to them: a page without /Resources of its own inherits its parent's
 * (ISO 32000 7.7.3.4), and the new page object must then carry them. */
static void read_resources(pdf_in *p, qpdf_oh page, pdf_base *b)
{
    static const char *const REST_SKIP[] = {"/Contents", "/Annots", "/Resources", NULL},
                             *const RES_SKIP[] = {"/XObject", NULL}, *const NONE[] = {NULL};
    b->page_rest = entries(p, page, REST_SKIP);
    qpdf_oh node = page, res = key(p, page, "/Resources");
    for (int depth = 0; !qpdf_oh_is_dictionary(p->q, res) && depth < PDF_MAX_DEPTH; depth++) {
        node = key(p, node, "/Parent");
        if (!qpdf_oh_is_dictionary(p->q, node)) break;
        res = key(p, node, "/Resources");
    }
    int dict = qpdf_oh_is_dictionary(p->q, res);
    qpdf_oh xo = dict ? key(p, res, "/XObject") : res;
    b->resources = dict ? entries(p, res, RES_SKIP) : xstrdup("");
    b->xobjects = dict && qpdf_oh_is_dictionary(p->q, xo) ? entries(p, xo, NONE) : xstrdup("");
}

int pdf_in_base(pdf_in *p, pdf_base *b, char *err, size_t errlen)
{
    memset(b, 0, sizeof *b);
    static const char *const CAT_SKIP[] = {"/AcroForm", NULL}, *const PAGE_SKIP[] = {"/Contents", "/Annots", NULL},
                             *const INFO_SKIP[] = {"/ModDate", NULL};
    qpdf_oh tr = qpdf_get_trailer(p->q), root = qpdf_get_root(p->q);
    qpdf_oh page = qpdf_get_num_pages(p->q) > 0 ? qpdf_get_page_n(p->q, 0) : qpdf_oh_new_null(p->q);
    qpdf_oh info = key(p, tr, "/Info"), id = key(p, tr, "/ID");
    b->size = (long)qpdf_oh_get_int_value(p->q, key(p, tr, "/Size"));
    b->root = qpdf_oh_get_object_id(p->q, root);
    b->page = qpdf_oh_is_dictionary(p->q, page) ? qpdf_oh_get_object_id(p->q, page) : 0;
    b->info = qpdf_oh_is_indirect(p->q, info) ? qpdf_oh_get_object_id(p->q, info) : 0;
    b->prev = last_startxref(p->in, p->len);
    b->id = qpdf_oh_is_array(p->q, id) ? xstrdup(qpdf_oh_unparse(p->q, id)) : NULL;
    b->catalog = entries(p, root, CAT_SKIP);
    qpdf_oh acro = key(p, root, "/AcroForm");
    b->fields = items(p, key(p, acro, "/Fields"));
    if (b->page) {
        read_resources(p, page, b);
        b->page_dict = entries(p, page, PAGE_SKIP);
        b->contents = items(p, key(p, page, "/Contents"));
        b->annots = items(p, key(p, page, "/Annots"));
    }
    if (b->info) b->info_dict = entries(p, info, INFO_SKIP);
    read_meta(p, root, id, b);
    qpdf_oh_release_all(p->q);
    if (failed(p, err, errlen)) { pdf_base_free(b); return -1; }
    if (b->size <= 0 || b->root <= 0 || b->page <= 0 || b->prev <= 0) {
        snprintf(err, errlen, "PDF 结构无法识别（缺少目录、首页或交叉引用表）");
        pdf_base_free(b);
        return -1;
    }
    return 0;
}

void pdf_base_free(pdf_base *b)
{
    free(b->id); free(b->catalog); free(b->page_dict); free(b->fields); free(b->contents);
    free(b->annots); free(b->info_dict); free(b->xmp); free(b->id0);
    free(b->page_rest); free(b->resources); free(b->xobjects);
    memset(b, 0, sizeof *b);
}

/* ---- pdf_in_scan: the whole reachable structure, once ---- */

#define MAX_SCAN 1000000   /* objects and direct values visited: a 300-page dossier has some 100,000 */

typedef struct seen_set {
    long long *v;          /* (id << 16 | generation) + 1, 0 free */
    size_t cap, n;
} seen_set;

/* 1 when the indirect object was not seen before (and is now). */
static int first_visit(seen_set *s, long long key)
{
    if (s->n * 2 >= s->cap) {
        seen_set g = {xcalloc(s->cap ? s->cap * 2 : 1024, sizeof *g.v), s->cap ? s->cap * 2 : 1024, 0};
        for (size_t i = 0; i < s->cap; i++) if (s->v[i]) first_visit(&g, s->v[i] - 1);
        free(s->v);
        *s = g;
    }
    size_t h = (size_t)(key * 0x9E3779B97F4A7C15ull) & (s->cap - 1);
    while (s->v[h]) {
        if (s->v[h] == key + 1) return 0;
        h = (h + 1) & (s->cap - 1);
    }
    s->v[h] = key + 1;
    s->n++;
    return 1;
}

static void found(char *field, size_t cap, const char *what)
{
    if (!*field) snprintf(field, cap, "%.*s", (int)cap - 1, what);
}
#define FOUND(f, ...) do { char w_[96]; snprintf(w_, sizeof w_, __VA_ARGS__); found(f, sizeof f, w_); } while (0)

static const char *name_of(pdf_in *p, qpdf_oh o)
{
    return qpdf_oh_is_name(p->q, o) ? qpdf_oh_get_name(p->q, o) : "";
}

/* A font dictionary: embedded as PDF/A-1 and our checker want it. */
static void judge_font(pdf_in *p, qpdf_oh d, pdf_scan *s)
{
    /* Copies: a name qpdf returns lives until its next call. */
    char *sub = xstrdup(name_of(p, key(p, d, "/Subtype"))), *base = xstrdup(name_of(p, key(p, d, "/BaseFont")));
    qpdf_oh fd = key(p, d, "/FontDescriptor");
    if (!strcmp(sub, "/Type0") || !strcmp(sub, "/Type3")) {
        /* judged by its descendant, resp. its glyphs are content */
    } else if (!qpdf_oh_is_dictionary(p->q, fd)) {
        FOUND(s->font, "%.40s %.20s: no /FontDescriptor", base, sub);
    } else if (!qpdf_oh_has_key(p->q, fd, "/FontFile2")) {
        FOUND(s->font, "%.40s %.20s: no /FontFile2", base, sub);
    } else if (!strncmp(sub, "/CIDFontType", 12) && !qpdf_oh_has_key(p->q, fd, "/CIDSet")) {
        FOUND(s->font, "%.40s %.20s: no /CIDSet", base, sub);
    }
    free(sub);
    free(base);
}

static void judge_entry(pdf_in *p, const char *k, qpdf_oh v, pdf_scan *s)
{
    static const char *const LINKS[] = {"/Launch", "/URI", "/GoToR", "/GoToE", "/SubmitForm", "/ImportData", NULL};
    if (!strcmp(k, "/JS") || !strcmp(k, "/JavaScript")) FOUND(s->javascript, "%s", k);
    else if (!strcmp(k, "/OpenAction") || !strcmp(k, "/AA")) FOUND(s->auto_action, "%s", k);
    else if (!strcmp(k, "/EmbeddedFiles") || !strcmp(k, "/EF")) FOUND(s->embedded, "%s", k);
    else if (!strcmp(k, "/XFA")) FOUND(s->xfa, "%s", k);
    else if (!strcmp(k, "/Subtype") && is_name(p, v, "/FileAttachment")) FOUND(s->embedded, "/Subtype /FileAttachment");
    else if (!strcmp(k, "/SMask") && !is_name(p, v, "/None")) FOUND(s->transparency, "/SMask");
    else if ((!strcmp(k, "/CA") || !strcmp(k, "/ca")) && qpdf_oh_is_number(p->q, v) && qpdf_oh_get_numeric_value(p->q, v) != 1)
        FOUND(s->transparency, "%s %g", k, qpdf_oh_get_numeric_value(p->q, v));
    else if (!strcmp(k, "/BM") && !is_name(p, v, "/Normal") && !is_name(p, v, "/Compatible")) FOUND(s->transparency, "/BM");
    else if (!strcmp(k, "/S")) {
        if (is_name(p, v, "/JavaScript")) FOUND(s->javascript, "/S /JavaScript");
        else if (is_name(p, v, "/Transparency")) FOUND(s->transparency, "/Group /S /Transparency");
        for (const char *const *l = LINKS; *l; l++) if (is_name(p, v, *l)) FOUND(s->link_action, "/S %s", *l);
    }
}

typedef struct scan_stack {
    qpdf_oh *v;
    size_t n, cap;
} scan_stack;

static void push(scan_stack *st, qpdf_oh o)
{
    if (st->n == st->cap) st->v = xrealloc(st->v, (st->cap = st->cap ? st->cap * 2 : 256) * sizeof *st->v);
    st->v[st->n++] = o;
}

/* A dictionary (or a stream's): each entry judged, each value pushed. */
static void scan_dict(pdf_in *p, qpdf_oh d, scan_stack *st, pdf_scan *s)
{
    int n;
    char **keys = dict_keys(p, d, &n);
    if (is_name(p, key(p, d, "/Type"), "/Font")) judge_font(p, d, s);
    for (int i = 0; i < n; i++) {
        qpdf_oh v = qpdf_oh_get_key(p->q, d, keys[i]);
        judge_entry(p, keys[i], v, s);
        push(st, v);
        free(keys[i]);
    }
    free(keys);
}

/* Every object reachable from the trailer, each indirect one once. */
static int scan_objects(pdf_in *p, pdf_scan *s)
{
    scan_stack st = {0};
    seen_set seen = {0};
    long visits = 0;
    push(&st, qpdf_get_trailer(p->q));
    while (st.n && visits++ < MAX_SCAN) {
        qpdf_oh o = st.v[--st.n];
        if (qpdf_oh_is_indirect(p->q, o)
            && !first_visit(&seen, (long long)qpdf_oh_get_object_id(p->q, o) << 16 | qpdf_oh_get_generation(p->q, o))) {
            qpdf_oh_release(p->q, o);
            continue;
        }
        if (qpdf_oh_is_stream(p->q, o)) {
            push(&st, qpdf_oh_get_dict(p->q, o));
        } else if (qpdf_oh_is_dictionary(p->q, o)) {
            scan_dict(p, o, &st, s);
        } else if (qpdf_oh_is_array(p->q, o)) {
            int n = qpdf_oh_get_array_n_items(p->q, o);
            for (int i = 0; i < n; i++) push(&st, qpdf_oh_get_array_item(p->q, o, i));
        }
        qpdf_oh_release(p->q, o);
    }
    int over = st.n > 0;
    free(st.v);
    free(seen.v);
    return over ? -1 : 0;
}

/* 1 when the stream decodes to something but white space. */
static int has_content(pdf_in *p, qpdf_oh c)
{
    QPDF_BOOL filtered = QPDF_FALSE;
    unsigned char *buf = NULL;
    size_t n = 0;
    int any = 0;
    if (qpdf_oh_is_stream(p->q, c) && qpdf_oh_get_stream_data(p->q, c, qpdf_dl_generalized, &filtered, &buf, &n) == QPDF_SUCCESS)
        for (size_t i = 0; i < n && !any; i++) any = !strchr(" \t\r\n\f", buf[i]) && buf[i];
    free(buf);
    return any;
}

static void scan_pages(pdf_in *p, pdf_scan *s)
{
    s->pages = qpdf_get_num_pages(p->q);
    for (int i = 0; i < s->pages && i < PDF_MAX_PAGES && !s->empty_page; i++) {
        qpdf_oh c = key(p, qpdf_get_page_n(p->q, (size_t)i), "/Contents");
        int any = 0;
        if (qpdf_oh_is_array(p->q, c)) {
            int n = qpdf_oh_get_array_n_items(p->q, c);
            for (int k = 0; k < n && !any; k++) any = has_content(p, qpdf_oh_get_array_item(p->q, c, k));
        } else {
            any = has_content(p, c);
        }
        if (!any) s->empty_page = i + 1;
        qpdf_oh_release_all(p->q);
    }
}

static int has_output_intent(pdf_in *p)
{
    qpdf_oh v = key(p, qpdf_get_root(p->q), "/OutputIntents");
    int n = qpdf_oh_is_array(p->q, v) ? qpdf_oh_get_array_n_items(p->q, v) : 0, ok = 0;
    for (int i = 0; i < n && !ok; i++) {
        qpdf_oh oi = qpdf_oh_get_array_item(p->q, v, i);
        ok = is_name(p, key(p, oi, "/S"), "/GTS_PDFA1") && qpdf_oh_is_stream(p->q, key(p, oi, "/DestOutputProfile"));
    }
    return ok;
}

int pdf_in_scan(pdf_in *p, pdf_scan *s, char *err, size_t errlen)
{
    memset(s, 0, sizeof *s);
    s->encrypted = qpdf_is_encrypted(p->q) == QPDF_TRUE;
    s->output_intent = has_output_intent(p);
    int rc = scan_objects(p, s);
    qpdf_oh_release_all(p->q);
    if (rc == 0) scan_pages(p, s);
    qpdf_oh_release_all(p->q);
    if (failed(p, err, errlen)) return -1;
    if (rc != 0) snprintf(err, errlen, TR("PDF 中的对象过多（上限 %d 个）", "too many objects in the PDF (at most %d)"), MAX_SCAN);
    return rc;
}
