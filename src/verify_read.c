/* verify_read.c — see verify_read.h.
 *
 * qpdf is run strict: no recovery of a damaged cross-reference table
 * (a reader's repair guesses are exactly where shadow attacks live), and
 * any warning while reading counts as damage. qpdf reports errors through
 * its handle, not by exceptions, once qpdf_silence_errors is called; every
 * public function here checks qpdf_has_error before trusting a value. */
#include "verify_read.h"
#include "util.h"

#include <qpdf/qpdf-c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pdf_in {
    qpdf_data q;
    const unsigned char *in;
    size_t len;
};

/* Bounds on hostile structure: a dossier has one field tree two levels
 * deep and a few hundred pages; far larger is an attack on our time. */
#define MAX_DEPTH 32
#define MAX_NODES 20000
#define MAX_PAGES 20000

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
    for (int d = 0; d < MAX_DEPTH && qpdf_oh_is_dictionary(p->q, f); d++) {
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
    if (depth > MAX_DEPTH || !qpdf_oh_is_array(p->q, arr)) { l->over |= depth > MAX_DEPTH; return; }
    int n = qpdf_oh_get_array_n_items(p->q, arr);
    for (int i = 0; i < n && !l->over; i++) {
        if (++l->nodes > MAX_NODES) { l->over = 1; return; }
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
    if (pages > MAX_PAGES) l.over = 1;
    for (int i = 0; i < pages && !l.over; i++)
        walk_fields(p, key(p, qpdf_get_page_n(p->q, (size_t)i), "/Annots"), MAX_DEPTH, &l);
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

/* "/Key value" for every entry of dict but the skipped keys. */
static char *entries(pdf_in *p, qpdf_oh dict, const char *const *skip)
{
    strbuf b;
    sb_init(&b);
    sb_puts(&b, "");
    /* Keys first: the iterator's strings die at the next call. */
    char **keys = NULL;
    int n = 0;
    qpdf_oh_begin_dict_key_iter(p->q, dict);
    while (qpdf_oh_dict_more_keys(p->q) && n < MAX_NODES) {
        keys = xrealloc(keys, (size_t)(n + 1) * sizeof *keys);
        keys[n++] = xstrdup(qpdf_oh_dict_next_key(p->q));
    }
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
    memset(b, 0, sizeof *b);
}
