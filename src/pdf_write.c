/* pdf_write.c — see pdf.h. The only file, with pdf_font.c, pdf_meta.c and
 * pdf_haru.c, that calls libharu; through its functions only (pdf_haru.h
 * says which few things those cannot do).
 *
 * Page content is written as raw operators into libharu's page stream:
 * glyph runs need Identity-H two-byte codes and per-glyph positioning,
 * which libharu's text API cannot express. libharu keeps the document
 * structure and the cross-reference table; streams are deflated here
 * (libdeflate) and images embedded as the image stage gives them. */
#include "pdf.h"
#include "util_lang.h"
#include "pdf_font.h"
#include "pdf_haru.h"
#include "pdf_meta.h"
#include "util.h"

#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <hpdf.h>
#include <libdeflate.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct writer {
    HPDF_Doc pdf;
    const document *d;
    const font_set *fs;
    used_font *fonts;        /* one per font_set index, n = fonts_count */
    int nfonts;
    HPDF_Dict *images;       /* image XObjects, by document image index */
    HPDF_Dict *forms;        /* one Form XObject per document form */
    HPDF_STATUS error;
    HPDF_STATUS detail;
} writer;

static void on_error(HPDF_STATUS error, HPDF_STATUS detail, void *data)
{
    writer *w = data;
    if (!w->error) {
        w->error = error;
        w->detail = detail;
    }
}

/* Every glyph of every page, per font: the subsets and ToUnicode maps. */
static void collect_glyphs(writer *w)
{
    for (int p = 0; p < w->d->npages; p++) {
        const page *pg = &w->d->pages[p];
        for (size_t i = 0; i < pg->nitems; i++) {
            const page_item *it = &pg->items[i];
            if (it->kind != ITEM_RUN || it->run.font < 0 || it->run.font >= w->nfonts) continue;
            used_font *u = &w->fonts[it->run.font];
            for (size_t k = 0; k < it->run.count; k++) {
                const placed_glyph *g = &pg->glyphs[it->run.first + k];
                used_font_add(u, g->gid, g->text_off, g->text_len);
            }
        }
    }
}

static int write_fonts(writer *w, char *err, size_t errlen)
{
    for (int i = 0, k = 0; i < w->nfonts; i++) {
        used_font *u = &w->fonts[i];
        if (!u->n) continue;
        u->font = i;
        snprintf(u->name, sizeof u->name, "F%d", k++);
        if (pdf_font_write(w->pdf, w->fs, u, w->d->text, w->d->draft, err, errlen) != 0) return -1;
    }
    return 0;
}

static void put(strbuf *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(strbuf *s, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n > 0) sb_add(s, buf, (size_t)(n < (int)sizeof buf ? n : (int)sizeof buf - 1));
}

/* A glyph's CID as two bytes of a literal string, escaped where PDF
 * requires it ( \ and parentheses; CR and LF, which a reader would
 * normalise). Inside a TJ array, glyphs with no adjustment between them
 * share one string: a ')' can end the buffer here only as the close of
 * the previous glyph's string. Measured on the 39-page bench dossier:
 * hex strings made 182 KB of operators that deflate to 48.8 KB in 2.3 ms,
 * binary strings 115 KB that deflate to 46.5 KB in 1.2 ms. */
static void put_cid(strbuf *s, uint32_t cid)
{
    char b[8];
    size_t n = 0;
    if (s->len && s->s[s->len - 1] == ')') s->len--;
    else b[n++] = '(';
    unsigned char bytes[2] = {(unsigned char)(cid >> 8), (unsigned char)cid};
    for (int i = 0; i < 2; i++) {
        unsigned char c = bytes[i];
        if (c == '(' || c == ')' || c == '\\') { b[n++] = '\\'; b[n++] = (char)c; }
        else if (c == '\r') { b[n++] = '\\'; b[n++] = 'r'; }
        else if (c == '\n') { b[n++] = '\\'; b[n++] = 'n'; }
        else b[n++] = (char)c;
    }
    b[n++] = ')';
    sb_add(s, b, n);
}

/* Numbers with at most three decimals, no trailing zeros: stable bytes.
 * Written by hand: with snprintf, number formatting was 5% of a build. */
static const char *num(char *buf, float v)
{
    long m = lroundf(v * 1000);
    unsigned long whole = (unsigned long)labs(m) / 1000, frac = (unsigned long)labs(m) % 1000;
    char digits[24];
    int k = 0;
    char *p = buf;
    if (m < 0) *p++ = '-';
    do { digits[k++] = (char)('0' + whole % 10); whole /= 10; } while (whole);
    while (k) *p++ = digits[--k];
    if (frac) {
        *p++ = '.';
        for (unsigned long unit = 100; frac; unit /= 10) {
            *p++ = (char)('0' + frac / unit);
            frac %= unit;
        }
    }
    *p = '\0';
    return buf;
}

/* The printed value of v, as a viewer reads it back. */
static double printed(float v) { return (double)lroundf(v * 1000) / 1000; }

/* The spacing most glyphs of a run share beyond their advance: a
 * justified line adds the same amount after every character, and saying
 * it once with Tc instead of once per glyph halves the content stream. */
static float common_gap(const placed_glyph *g, size_t n)
{
    float best = 0;
    size_t best_n = 0;
    for (size_t k = 1; k < n && k < 64; k++) {
        float gap = g[k].x - (g[k - 1].x + g[k - 1].advance);
        size_t same = 0;
        for (size_t j = 1; j < n; j++)
            same += fabsf(g[j].x - (g[j - 1].x + g[j - 1].advance) - gap) < 0.0005f;
        if (same > best_n) { best_n = same; best = gap; }
        if (best_n * 2 > n) break;
    }
    return best;
}

/* What the page's open text object has already said, so that a run
 * repeats none of it: runs share one BT … ET until a shape, image or clip
 * comes between; font, colour and character spacing are set only when
 * they change; each run moves by Td from the previous line start. Tf, Tc
 * and the colour outlive ET but not Q, so a clip forgets them. */
typedef struct text_state {
    int open;                   /* inside BT … ET */
    const used_font *font;      /* NULL: unknown */
    float size, tc;
    rgb color;
    int color_known, tc_known;
    double lx, ly;              /* line start, as printed */
} text_state;

static void text_end(strbuf *s, text_state *ts)
{
    if (ts->open) sb_puts(s, "ET\n");
    ts->open = 0;
}

static void text_forget(strbuf *s, text_state *ts)
{
    text_end(s, ts);
    ts->font = NULL;
    ts->color_known = ts->tc_known = 0;
}

/* "dx dy Td" to (x, y); the line start becomes what the digits say. */
static void move_to(strbuf *s, text_state *ts, float x, float y)
{
    char a[24];
    float dx = (float)(x - ts->lx), dy = (float)(y - ts->ly);
    sb_puts(s, num(a, dx));
    sb_puts(s, " ");
    sb_puts(s, num(a, dy));
    sb_puts(s, " Td\n");
    ts->lx += printed(dx);
    ts->ly += printed(dy);
}

static void run_state(strbuf *s, text_state *ts, const glyph_run *r, const used_font *u, float gap)
{
    char a[24];
    if (!ts->open) {
        sb_puts(s, "BT\n");
        ts->open = 1;
        ts->lx = ts->ly = 0;
    }
    if (ts->font != u || ts->size != r->size) {
        sb_puts(s, "/");
        sb_puts(s, u->name);
        sb_puts(s, " ");
        sb_puts(s, num(a, r->size));
        sb_puts(s, " Tf\n");
        ts->font = u;
        ts->size = r->size;
    }
    if (!ts->color_known || memcmp(&ts->color, &r->color, sizeof r->color)) {
        char b[24], c[24];
        put(s, "%s %s %s rg\n", num(a, r->color.r), num(b, r->color.g), num(c, r->color.b));
        ts->color = r->color;
        ts->color_known = 1;
    }
    if (!ts->tc_known || fabsf(gap - ts->tc) > 0.0005f) {
        sb_puts(s, num(a, gap));
        sb_puts(s, " Tc\n");
        ts->tc = gap;
        ts->tc_known = 1;
    }
}

/* One run (one line of one font): the text state it needs, a Td to its
 * first glyph, then a TJ array whose adjustments bring each glyph to its
 * exact x. A glyph on another baseline starts a new Td. */
static void write_run(strbuf *s, const page *pg, const glyph_run *r, const used_font *u, text_state *ts)
{
    char a[24];
    const placed_glyph *g = &pg->glyphs[r->first];
    float gap = common_gap(g, r->count);
    run_state(s, ts, r, u, gap);
    move_to(s, ts, g[0].x, g[0].y);
    sb_puts(s, "[");
    float pen = (float)ts->lx;
    for (size_t k = 0; k < r->count; k++) {
        if (fabsf(g[k].y - (float)ts->ly) > 0.001f) {
            sb_puts(s, "] TJ\n");
            move_to(s, ts, g[k].x, g[k].y);
            sb_puts(s, "[");
            pen = (float)ts->lx;
        }
        /* pen is where the viewer's pen is, so an adjustment too small to
         * write is carried to the next glyph instead of lost, and the one
         * written moves the pen by what its printed digits say. */
        float adj = (g[k].x - pen) * 1000 / r->size;
        if (fabsf(adj) > 0.05f) {
            sb_puts(s, num(a, -adj));
            pen -= (float)printed(-adj) * r->size / 1000;
        }
        put_cid(s, used_font_cid(u, g[k].gid));
        pen += g[k].advance + gap;
    }
    sb_puts(s, "] TJ\n");
}

static void write_shape(strbuf *s, const page *pg, const page_item *it)
{
    char a[24], b[24], c[24], d[24];
    int fill = it->width <= 0;
    put(s, "q\n%s %s %s %s\n", num(a, it->color.r), num(b, it->color.g), num(c, it->color.b),
        fill ? "rg" : "RG");
    if (!fill) put(s, "%s w\n", num(a, it->width));
    if (it->kind == ITEM_LINE) {
        put(s, "%s %s m %s %s l S\n", num(a, it->x0), num(b, it->y0), num(c, it->x1), num(d, it->y1));
    } else if (it->kind == ITEM_RECT) {
        put(s, "%s %s %s %s re %s\n", num(a, it->x0), num(b, it->y0), num(c, it->x1 - it->x0),
            num(d, it->y1 - it->y0), fill ? "f" : "S");
    } else {
        for (size_t k = 0; k < it->nsegs; k++) {
            const path_seg *sg = &pg->segs[it->first_seg + k];
            if (sg->op == PATH_MOVE) put(s, "%s %s m\n", num(a, sg->x[0]), num(b, sg->y[0]));
            else if (sg->op == PATH_LINE) put(s, "%s %s l\n", num(a, sg->x[0]), num(b, sg->y[0]));
            else if (sg->op == PATH_CLOSE) put(s, "h\n");
            else {
                put(s, "%s %s %s %s ", num(a, sg->x[0]), num(b, sg->y[0]), num(c, sg->x[1]), num(d, sg->y[1]));
                put(s, "%s %s c\n", num(a, sg->x[2]), num(b, sg->y[2]));
            }
        }
        put(s, "%s\n", fill ? "f" : "S");
    }
    put(s, "Q\n");
}

/* Deflate level of lossless figures: measured on a 1750 × 1312 screenshot,
 * level 6 is within 2% of level 9's size at a third of its time. */
#define IMAGE_LEVEL 6

/* An image XObject from the image stage's output: a baseline JPEG as it
 * is (/DCTDecode), raw samples deflated here. Never a soft mask: the image
 * stage has flattened transparency on white (PDF/A-1). */
static HPDF_Dict image_xobject(writer *w, const image_data *im)
{
    HPDF_Dict x;
    if (im->dct) {
        x = HPDF_DictStream_New(pdf_haru_mmgr(w->pdf), pdf_haru_xref(w->pdf));
        if (pdf_haru_stream_put(x, im->data, im->len, PDF_FILTER_DCT) != 0) return NULL;
    } else {
        x = pdf_deflated_stream(w->pdf, im->data, im->len, IMAGE_LEVEL);
        if (!x) return NULL;
    }
    HPDF_Dict_AddName(x, "Type", "XObject");
    HPDF_Dict_AddName(x, "Subtype", "Image");
    HPDF_Dict_AddNumber(x, "Width", im->width);
    HPDF_Dict_AddNumber(x, "Height", im->height);
    HPDF_Dict_AddName(x, "ColorSpace", im->channels == 1 ? "DeviceGray" : "DeviceRGB");
    HPDF_Dict_AddNumber(x, "BitsPerComponent", 8);
    return x;
}

static int load_images(writer *w, char *err, size_t errlen)
{
    w->images = xcalloc((size_t)w->d->nimages + 1, sizeof *w->images);
    for (int i = 0; i < w->d->nimages; i++) {
        const image_ref *im = &w->d->images[i];
        w->images[i] = im->data.data ? image_xobject(w, &im->data) : NULL;
        if (!w->images[i]) {
            snprintf(err, errlen, TR("无法嵌入图片 %s", "cannot embed image %s"), im->path);
            return -1;
        }
    }
    return 0;
}

/* Registers the page's fonts in its /Resources /Font dictionary. */
static void page_fonts(writer *w, HPDF_Page hp, const page *pg)
{
    HPDF_Dict res = HPDF_Page_GetInheritableItem(hp, "Resources", HPDF_OCLASS_DICT);
    HPDF_Dict fd = HPDF_Dict_GetItem(res, "Font", HPDF_OCLASS_DICT);
    if (!fd) {
        fd = HPDF_Dict_New(pdf_haru_mmgr(w->pdf));
        HPDF_Dict_Add(res, "Font", fd);
    }
    unsigned char seen[64] = {0};
    for (size_t i = 0; i < pg->nitems; i++) {
        int f = pg->items[i].run.font;
        if (pg->items[i].kind != ITEM_RUN || f < 0 || f >= w->nfonts || f >= 64 || seen[f]) continue;
        seen[f] = 1;
        HPDF_Dict_Add(fd, w->fonts[f].name, w->fonts[f].dict);
    }
}

/* Names obj in the page's /Resources /XObject dictionary. */
static void page_xobject(writer *w, HPDF_Page hp, const char *name, void *obj)
{
    HPDF_Dict res = HPDF_Page_GetInheritableItem(hp, "Resources", HPDF_OCLASS_DICT);
    HPDF_Dict xo = HPDF_Dict_GetItem(res, "XObject", HPDF_OCLASS_DICT);
    if (!xo) {
        xo = HPDF_Dict_New(pdf_haru_mmgr(w->pdf));
        HPDF_Dict_Add(res, "XObject", xo);
    }
    HPDF_Dict_Add(xo, name, obj);
}

/* An image: its XObject named in the page's resources, drawn by cm/Do. */
static void write_image(writer *w, HPDF_Page hp, strbuf *s, const page_item *it)
{
    char name[16], a[24], b[24], c[24], d[24];
    snprintf(name, sizeof name, "Im%d", it->image);
    page_xobject(w, hp, name, w->images[it->image]);
    put(s, "q\n%s 0 0 %s %s %s cm\n/%s Do\nQ\n", num(a, it->x1 - it->x0), num(b, it->y1 - it->y0),
        num(c, it->x0), num(d, it->y0), name);
}

/* Each document form as a Form XObject: written once, however many
 * pages place it (the seal: cover, assessment and every 骑缝章 strip).
 * Forms hold shapes only, so they need no resources of their own. */
static void write_forms(writer *w)
{
    w->forms = xcalloc((size_t)w->d->nforms + 1, sizeof *w->forms);
    for (int i = 0; i < w->d->nforms; i++) {
        const page *f = &w->d->forms[i];
        strbuf ops;
        sb_init(&ops);
        pdf_page_operators(f, &ops);
        HPDF_Dict x = pdf_deflated_stream(w->pdf, ops.s ? ops.s : "", ops.len, 6);   /* as page content */
        sb_free(&ops);
        HPDF_Dict_AddName(x, "Type", "XObject");
        HPDF_Dict_AddName(x, "Subtype", "Form");
        HPDF_Array box = HPDF_Array_New(pdf_haru_mmgr(w->pdf));
        HPDF_Array_AddNumber(box, 0);
        HPDF_Array_AddNumber(box, 0);
        HPDF_Array_AddReal(box, f->width);
        HPDF_Array_AddReal(box, f->height);
        HPDF_Dict_Add(x, "BBox", box);
        HPDF_Dict_Add(x, "Resources", HPDF_Dict_New(pdf_haru_mmgr(w->pdf)));
        w->forms[i] = x;
    }
}

/* A form placed: scaled about its origin, moved to (x0, y0). */
static void write_form_use(writer *w, HPDF_Page hp, strbuf *s, const page_item *it)
{
    char name[16], a[24], b[24], c[24];
    if (it->form < 0 || it->form >= w->d->nforms) return;
    snprintf(name, sizeof name, "Fm%d", it->form);
    page_xobject(w, hp, name, w->forms[it->form]);
    num(a, it->scale);
    put(s, "q\n%s 0 0 %s %s %s cm\n/%s Do\nQ\n", a, a, num(b, it->x0), num(c, it->y0), name);
}

static void write_clip(strbuf *s, const page_item *it)
{
    char a[24], b[24], c[24], d[24];
    put(s, "q\n%s %s %s %s re W n\n", num(a, it->x0), num(b, it->y0), num(c, it->x1 - it->x0),
        num(d, it->y1 - it->y0));
}

/* The page's operators are gathered in memory and deflated with
 * libdeflate into the page's content stream, which libharu made with the
 * page: libharu's own zlib pass was the largest cost left after the fonts
 * (perf on make bench), so the document's compression mode stays off.
 * A draft (a preview, read once and never filed) is deflated at level 1:
 * the reference dossier's build 27% faster for 3% more bytes — what lets
 * `serve` answer a class's drafts asked for at once. */
static int content_level(const document *d) { return d->draft ? 1 : 6; }

static int write_contents(HPDF_Page hp, const strbuf *b, int level)
{
    HPDF_Dict contents = HPDF_Dict_GetItem(hp, "Contents", HPDF_OCLASS_DICT);
    struct libdeflate_compressor *z = libdeflate_alloc_compressor(level);
    size_t cap = z ? libdeflate_zlib_compress_bound(z, b->len) : 0;
    unsigned char *out = cap ? xmalloc(cap) : NULL;
    size_t n = z ? libdeflate_zlib_compress(z, b->s ? b->s : "", b->len, out, cap) : 0;
    if (z) libdeflate_free_compressor(z);
    /* Without a compressor (out of memory), the operators as they are. */
    int rc = n > 0 ? pdf_haru_stream_put(contents, out, n, PDF_FILTER_FLATE)
                   : pdf_haru_stream_put(contents, b->s ? b->s : "", b->len, PDF_FILTER_NONE);
    free(out);
    return rc;
}

/* What every page of a dossier would repeat goes once into the page tree:
 * a page of the first page's size inherits its /MediaBox from /Pages.
 * libharu's /ProcSet is dropped: obsolete since PDF 1.4, ignored by
 * readers, and PDF/A does not ask for it. Together 3.3 KB of a 38-page
 * dossier. */
static void trim_page(writer *w, HPDF_Page hp, const page *pg)
{
    HPDF_Dict res = HPDF_Page_GetInheritableItem(hp, "Resources", HPDF_OCLASS_DICT);
    if (res) HPDF_Dict_RemoveElement(res, "ProcSet");
    const page *first = &w->d->pages[0];
    if (pg->width != first->width || pg->height != first->height) return;
    if (pg == first) {
        HPDF_Array box = HPDF_Array_New(pdf_haru_mmgr(w->pdf));
        HPDF_Array_AddNumber(box, 0);
        HPDF_Array_AddNumber(box, 0);
        HPDF_Array_AddReal(box, pg->width);
        HPDF_Array_AddReal(box, pg->height);
        /* The page tree's root, which libharu names only as the page's parent. */
        HPDF_Dict_Add(HPDF_Dict_GetItem(hp, "Parent", HPDF_OCLASS_DICT), "MediaBox", box);
    }
    HPDF_Dict_RemoveElement(hp, "MediaBox");
}

static int write_page(writer *w, const page *pg)
{
    HPDF_Page hp = HPDF_AddPage(w->pdf);
    HPDF_Page_SetWidth(hp, pg->width);
    HPDF_Page_SetHeight(hp, pg->height);
    trim_page(w, hp, pg);
    page_fonts(w, hp, pg);
    strbuf s;
    sb_init(&s);
    text_state ts = {0};
    for (size_t i = 0; i < pg->nitems; i++) {
        const page_item *it = &pg->items[i];
        if (it->kind == ITEM_RUN) {
            assert(it->run.font >= 0 && it->run.font < w->nfonts && it->run.first + it->run.count <= pg->nglyphs);
            if (it->run.count) write_run(&s, pg, &it->run, &w->fonts[it->run.font], &ts);
            continue;
        }
        text_end(&s, &ts);
        if (it->kind == ITEM_IMAGE) write_image(w, hp, &s, it);
        else if (it->kind == ITEM_FORM) write_form_use(w, hp, &s, it);
        else if (it->kind == ITEM_CLIP) { text_forget(&s, &ts); write_clip(&s, it); }
        else if (it->kind == ITEM_UNCLIP) { text_forget(&s, &ts); put(&s, "Q\n"); }
        else write_shape(&s, pg, it);
    }
    text_end(&s, &ts);
    int rc = write_contents(hp, &s, content_level(w->d));
    sb_free(&s);
    return rc;
}

static void write_outline(writer *w)
{
    HPDF_Outline parents[4] = {NULL, NULL, NULL, NULL};
    HPDF_Encoder utf8 = HPDF_GetEncoder(w->pdf, "UTF-8");
    for (int i = 0; i < w->d->noutline; i++) {
        const outline_entry *o = &w->d->outline[i];
        int lv = o->level < 0 ? 0 : o->level > 3 ? 3 : o->level;
        HPDF_Outline parent = lv > 0 && parents[lv - 1] ? parents[lv - 1] : NULL;
        HPDF_Outline ol = HPDF_CreateOutline(w->pdf, parent, o->title, utf8);
        /* libharu's UTF-8 encoder writes characters above U+FFFF as
         * spaces (𠮷 in a name); the title is rewritten as UTF-16BE. */
        if (ol) HPDF_Dict_Add(ol, "Title", pdf_text_string(w->pdf, o->title));
        HPDF_Page hp = HPDF_GetPageByIndex(w->pdf, (HPDF_UINT)o->page);
        if (ol && hp) {
            /* The destination as a direct [page /FitH y] and no /Type on
             * the item (libharu writes both as extra objects and keys:
             * 2.4 KB for a 38-page dossier's 47 bookmarks). */
            HPDF_Array dst = HPDF_Array_New(pdf_haru_mmgr(w->pdf));
            HPDF_Array_Add(dst, hp);
            HPDF_Array_AddName(dst, "FitH");
            HPDF_Array_AddNumber(dst, (HPDF_INT32)lroundf(o->y));   /* a point is close enough to scroll to */
            HPDF_Dict_Add(ol, "Dest", dst);
            HPDF_Dict_RemoveElement(ol, "Type");
            HPDF_Outline_SetOpened(ol, HPDF_FALSE);
        }
        parents[lv] = ol;
        for (int k = lv + 1; k < 4; k++) parents[k] = NULL;
    }
}

static int render(writer *w, const pdf_options *o, unsigned char **data, size_t *len,
                  char *err, size_t errlen)
{
    HPDF_Doc pdf = w->pdf;
    HPDF_UseUTFEncodings(pdf);
    collect_glyphs(w);
    if (write_fonts(w, err, errlen) != 0 || load_images(w, err, errlen) != 0) return -1;
    write_forms(w);
    for (int p = 0; p < w->d->npages; p++)
        if (write_page(w, &w->d->pages[p]) != 0) {
            snprintf(err, errlen, TR("无法写入第 %d 页", "cannot write page %d"), p + 1);
            return -1;
        }
    write_outline(w);
    if (pdf_meta_write(pdf, w->d, o, err, errlen) != 0) return -1;
    if (w->error || HPDF_SaveToStream(pdf) != HPDF_OK) {
        snprintf(err, errlen, TR("生成 PDF 失败（libharu 错误 0x%04X/%u）", "PDF generation failed (libharu error 0x%04X/%u)"), (unsigned)w->error, (unsigned)w->detail);
        return -1;
    }
    HPDF_UINT32 n = HPDF_GetStreamSize(pdf);
    *data = xmalloc(n + 256);
    HPDF_UINT32 got = n;
    HPDF_ReadFromStream(pdf, *data, &got);
    *len = got;
    if (pdf_meta_set_version(*data, *len, err, errlen) != 0) return -1;
    return pdf_meta_add_id(data, len, err, errlen);
}

int pdf_write_mem(const document *d, const font_set *fs, const pdf_options *o,
                  unsigned char **data, size_t *len, char *err, size_t errlen)
{
    writer w = {0};
    w.d = d;
    w.fs = fs;
    w.nfonts = fonts_count(fs);
    w.fonts = xcalloc((size_t)w.nfonts + 1, sizeof *w.fonts);
    w.pdf = HPDF_New(on_error, &w);
    *data = NULL;
    int rc = w.pdf ? render(&w, o, data, len, err, errlen) : -1;
    if (!w.pdf) snprintf(err, errlen, TR("libharu 初始化失败", "libharu failed to initialise"));
    if (rc != 0) { free(*data); *data = NULL; }
    if (w.pdf) HPDF_Free(w.pdf);
    for (int i = 0; i < w.nfonts; i++) used_font_free(&w.fonts[i]);
    free(w.fonts);
    free(w.images);
    free(w.forms);
    return rc;
}

int pdf_write(const document *d, const font_set *fs, const pdf_options *o,
              const char *path, char *err, size_t errlen)
{
    unsigned char *data;
    size_t len;
    if (pdf_write_mem(d, fs, o, &data, &len, err, errlen) != 0) return -1;
    int rc = write_file_atomic(path, data, len);
    if (rc != 0) snprintf(err, errlen, TR("无法写入 %s：%s", "cannot write %s: %s"), path, errno_text(errno));
    free(data);
    return rc;
}

void pdf_page_operators(const page *pg, strbuf *out)
{
    for (size_t i = 0; i < pg->nitems; i++) {
        const page_item *it = &pg->items[i];
        if (it->kind == ITEM_LINE || it->kind == ITEM_RECT || it->kind == ITEM_PATH) write_shape(out, pg, it);
        else if (it->kind == ITEM_CLIP) write_clip(out, it);
        else if (it->kind == ITEM_UNCLIP) put(out, "Q\n");
    }
}
