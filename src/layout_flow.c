/* layout_flow.c — see layout.h.
 *
 * y runs down from the top of the page while flowing (as a reader reads);
 * it is turned into PDF's bottom-up coordinates only when an item is
 * emitted, in one place (pdf_y). */
#include "layout_int.h"
#include "stamp_seal.h"      /* seal_glyph: a glyph's outline as a path, for the watermark */
#include "util.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

float flow_pdf_y(const flow *fl, float y) { return fl->t->height - y; }

static const rgb BLACK = {0, 0, 0};

static void draw_watermark(flow *fl);

void flow_new_page(flow *fl)
{
    const page_template *t = fl->t;
    fl->pg = document_add_page(fl->doc, t->width, t->height);
    /* Recto pages (1, 3, …) have the inner margin on the left. */
    int recto = (fl->doc->npages - 1) % 2 == 0;
    fl->x0 = recto ? t->inner : t->outer;
    fl->measure = t->width - t->inner - t->outer;
    fl->y = t->top;
    fl->bottom = t->height - t->bottom;
    fl->at_top = 1;
    if (fl->o->draft) draw_watermark(fl);
}

text_style flow_text_style(const style *s)
{
    /* The indent is counted in characters of the grid, tracking included. */
    return (text_style){s->role, s->size, s->indent_em * (s->size + s->tracking), s->justify, s->align,
                        s->tracking};
}

/* Emits one set line on pg with its baseline at (x, PDF y), one glyph run
 * per font change. It needs nothing of the flow, so text placed outside
 * one (layout_text_at) uses it as it is. */
static void emit_line(page *pg, const text_lines *tl, const text_line *ln, float x, float y,
                      float size, rgb color, uint32_t text_base)
{
    size_t i = ln->first, end = ln->first + ln->count;
    while (i < end) {
        int font = tl->glyphs[i].font;
        size_t j = i;
        while (j < end && tl->glyphs[j].font == font) j++;
        size_t first = pg->nglyphs;
        placed_glyph *g = page_add_glyphs(pg, j - i);
        for (size_t k = i; k < j; k++, g++) {
            const text_glyph *s = &tl->glyphs[k];
            *g = (placed_glyph){s->gid, x + s->x, y, s->advance,
                                text_base + s->src_off, s->src_len};
        }
        page_item *it = page_add_item(pg, ITEM_RUN);
        it->run = (glyph_run){font, size, color, first, j - i};
        i = j;
    }
}

/* Places lines [from, to) of tl at the flow's position. */
void flow_place_lines(flow *fl, const text_lines *tl, size_t from, size_t to, const style *s,
                        float x, float measure, uint32_t text_base)
{
    float asc, desc;
    text_style ts = flow_text_style(s);
    text_metrics(fl->te, &ts, &asc, &desc);
    for (size_t i = from; i < to; i++) {
        const text_line *ln = &tl->lines[i];
        float off = 0;
        if (!ln->justified && s->align == 1) off = (measure - ln->width) / 2;
        if (!ln->justified && s->align == 2) off = measure - ln->width;
        /* Centre the glyphs' height in the line pitch. */
        float base = fl->y + (s->leading - (asc + desc)) / 2 + asc;
        emit_line(fl->pg, tl, ln, x + off, flow_pdf_y(fl, base), s->size, BLACK, text_base);
        fl->y += s->leading;
    }
    if (to > from) fl->at_top = 0;
}

/* How many of `rest` lines go on this page, given `fit` lines of room:
 * never one line alone at the foot (orphan) or at the top (widow). */
static size_t lines_here(size_t fit, size_t rest)
{
    if (fit >= rest) return rest;
    size_t k = fit;
    if (k == 1) k = 0;
    else if (rest - k == 1) k = k >= 3 ? k - 1 : 0;
    return k;
}

/* A centred title of several lines is set as narrow as it can be without
 * taking another line, so its lines come out of even length (GB/T 9704
 * 7.2.3: 排列对称，长短适宜) instead of one full line and a stub. */
static void balance(flow *fl, const char *text, size_t len, const text_style *ts, text_lines *tl)
{
    size_t n = tl->nlines;
    float lo = fl->measure / (float)n * 0.9f, hi = fl->measure;
    for (int i = 0; i < 12 && hi - lo > 1; i++) {
        float mid = (lo + hi) / 2;
        text_lines t = {0};
        text_set(fl->te, text, len, ts, mid, &t);
        if (t.nlines == n) hi = mid;
        else lo = mid;
        text_lines_free(&t);
    }
    text_lines_free(tl);
    text_set(fl->te, text, len, ts, hi, tl);
}

static void drop_ahead(flow *fl)
{
    text_lines_free(&fl->ahead_lines);
    memset(&fl->ahead_lines, 0, sizeof fl->ahead_lines);
    fl->ahead = NULL;
}

/* Sets text in style s across pages; b, when it is the block whose lines
 * were set ahead at this measure, brings them. */
static void flow_text(flow *fl, const char *text, const style *s, const block *b)
{
    text_style ts = flow_text_style(s);
    text_lines tl;
    memset(&tl, 0, sizeof tl);
    size_t len = strlen(text);
    if (b && b == fl->ahead && fl->measure == fl->ahead_measure) {
        tl = fl->ahead_lines;
        memset(&fl->ahead_lines, 0, sizeof fl->ahead_lines);
        fl->ahead = NULL;
    } else {
        text_set(fl->te, text, len, &ts, fl->measure, &tl);
    }
    if (s->align == 1 && !s->justify && tl.nlines > 1) balance(fl, text, len, &ts, &tl);
    uint32_t base = document_add_text(fl->doc, text, len);
    if (!fl->at_top) fl->y += s->before;
    size_t i = 0;
    while (i < tl.nlines) {
        size_t fit = (size_t)floorf((fl->bottom - fl->y + 0.01f) / s->leading);
        size_t k = lines_here(fit, tl.nlines - i);
        /* At the top of a page there is no better place: take what fits. */
        if (k == 0 && fl->at_top) k = fit ? (fit < tl.nlines - i ? fit : tl.nlines - i) : 1;
        flow_place_lines(fl, &tl, i, i + k, s, fl->x0, fl->measure, base);
        i += k;
        if (i < tl.nlines) flow_new_page(fl);
    }
    fl->y += s->after;
    text_lines_free(&tl);
}

/* Lines the paragraph `b` will need at the top of its run: all of a short
 * one (a three-line paragraph cannot put two here and one overleaf, that
 * would widow), two of a longer one. */
static int lines_to_keep(flow *fl, const block *b)
{
    if (!b || b->kind != BLOCK_PARA || !b->text) return 2;
    text_style ts = flow_text_style(template_style(fl->t, b->style));
    drop_ahead(fl);
    text_set(fl->te, b->text, strlen(b->text), &ts, fl->measure, &fl->ahead_lines);
    fl->ahead = b;
    fl->ahead_measure = fl->measure;
    int n = (int)fl->ahead_lines.nlines;
    return n <= 3 ? n : 2;
}

/* Height of a heading or paragraph set at this measure: its lines and the
 * space around them (`before` only when something precedes it). */
static float set_height(flow *fl, const block *b, int first)
{
    const style *s = template_style(fl->t, b->style);
    text_style ts = flow_text_style(s);
    text_lines tl;
    memset(&tl, 0, sizeof tl);
    const char *text = b->text ? b->text : "";
    text_set(fl->te, text, strlen(text), &ts, fl->measure - b->inset_em * s->size, &tl);
    float h = (first ? 0 : s->before) + (float)tl.nlines * s->leading + s->after;
    text_lines_free(&tl);
    return h;
}

/* A record's heading block — its title, the meta lines under it, a
 * sub-heading — is one unit kept with the first lines of what follows it
 * (clreq and ctex alike: a heading never ends a page). */
#define MAX_KEEP_CHAIN 8   /* title + meta lines + sub-heading + label: a dossier needs 5 */

static float keep_need(flow *fl, const block_list *bl, int i)
{
    float need = 0;
    int j = i;
    for (; j < bl->n && j - i < MAX_KEEP_CHAIN; j++) {
        const block *b = &bl->b[j];
        if (!b->keep_with_next || (b->kind != BLOCK_HEADING && b->kind != BLOCK_PARA)) break;
        need += set_height(fl, b, 0);
    }
    fl->kept_until = j;
    const block *next = j < bl->n ? &bl->b[j] : NULL;
    if (!next || next->kind == BLOCK_PAGE_BREAK) return need;
    const style *body = template_style(fl->t, next->style ? next->style : "body");
    /* A table: its first rows, about three lines. */
    int keep = next->kind == BLOCK_TABLE ? 3 : lines_to_keep(fl, next);
    return need + body->before + (float)keep * body->leading;
}

/* Turns the page before block i when it and what it keeps with do not
 * fit; a unit taller than a page is set where it falls rather than
 * turning page after page. */
static void keep_together(flow *fl, const block_list *bl, int i)
{
    if (fl->at_top || !bl->b[i].keep_with_next || i < fl->kept_until) return;
    float need = keep_need(fl, bl, i);
    if (fl->y + need > fl->bottom && need <= fl->bottom - fl->t->top) flow_new_page(fl);
}

static void flow_heading(flow *fl, const block_list *bl, int i)
{
    const block *b = &bl->b[i];
    const style *s = template_style(fl->t, b->style);
    keep_together(fl, bl, i);
    float top = fl->at_top ? fl->y : fl->y + s->before;
    int pageno = fl->doc->npages - 1;
    if (b->in_toc && fl->ntoc < MAX_TOC) fl->toc[fl->ntoc++] = (toc_entry){b->text, b->level, pageno};
    if (b->in_toc || b->level <= 1) document_add_outline(fl->doc, b->level, b->text, pageno, flow_pdf_y(fl, top));
    flow_text(fl, b->text, s, NULL);
}

void flow_rect(flow *fl, float x, float ytop, float w, float h, float stroke, float gray)
{
    page_item *it = page_add_item(fl->pg, ITEM_RECT);
    it->x0 = x;
    it->y0 = flow_pdf_y(fl, ytop + h);
    it->x1 = x + w;
    it->y1 = flow_pdf_y(fl, ytop);
    it->width = stroke;
    it->color = (rgb){gray, gray, gray};
}

/* Sets text as one line on page pg of d with its baseline at (x, PDF y),
 * unbroken, in style ts (whose size it is set at). align: 0 starting at x,
 * 1 centred on x, 2 ending at x. */
static void emit_single(document *d, page *pg, text_engine *te, const text_style *ts,
                        const char *text, float x, float y, int align, rgb color)
{
    text_lines tl;
    memset(&tl, 0, sizeof tl);
    size_t len = strlen(text);
    text_set(te, text, len, ts, 1e6f, &tl);
    uint32_t tb = document_add_text(d, text, len);
    for (size_t i = 0; i < tl.nlines; i++) {
        const text_line *ln = &tl.lines[i];
        float off = align == 1 ? -ln->width / 2 : align == 2 ? -ln->width : 0;
        emit_line(pg, &tl, ln, x + off, y, ts->size, color, tb);
    }
    text_lines_free(&tl);
}

/* One line of text at (x, baseline) outside the flow: watermark, header,
 * footer, TOC entries, in style s without its indent, justification or
 * alignment (align says where x is). */
static void set_single(flow *fl, const char *text, const style *s, float x, float base,
                       int align, float gray)
{
    text_style ts = flow_text_style(s);
    ts.indent = 0;
    ts.justify = 0;
    ts.align = 0;
    emit_single(fl->doc, fl->pg, fl->te, &ts, text, x, flow_pdf_y(fl, base), align, (rgb){gray, gray, gray});
}

void layout_text_at(document *d, int page, text_engine *te, const char *role, float size,
                    const char *text, float x, float y, int align, rgb color)
{
    text_style ts = {role, size, 0, 0, 0, 0};
    emit_single(d, &d->pages[page], te, &ts, text, x, y, align, color);
}

/* The watermark goes first on the page, under everything, in light gray:
 * no transparency, so a draft is still valid PDF/A. It is drawn as the
 * glyphs' outlines, not as text, so that a draft's text extracts as the
 * final dossier's does: as text, 草稿 came into the middle of whatever
 * paragraph it crossed. Turned by the template's angle about the page's
 * centre, each glyph's em box centred on the turned baseline. */
static void draw_watermark(flow *fl)
{
    const page_template *t = fl->t;
    if (!t->watermark[0]) return;
    style s = *template_style(t, "body");
    s.size = t->watermark_size;
    text_style ts = flow_text_style(&s);
    ts.indent = 0;
    ts.justify = 0;
    ts.align = 0;
    text_lines tl;
    memset(&tl, 0, sizeof tl);
    text_set(fl->te, t->watermark, strlen(t->watermark), &ts, 1e6f, &tl);
    float a = t->watermark_angle * (float)M_PI / 180, ca = cosf(a), sa = sinf(a);
    size_t first = fl->pg->nsegs;
    for (size_t i = 0; i < tl.nlines; i++) {
        const text_line *ln = &tl.lines[i];
        for (size_t k = ln->first; k < ln->first + ln->count; k++) {
            const text_glyph *g = &tl.glyphs[k];
            float u = g->x + g->advance / 2 - ln->width / 2;
            seal_glyph(fl->pg, text_engine_fonts(fl->te), g->font, g->gid, s.size,
                       t->width / 2 + u * ca, t->height / 2 + u * sa, a);
        }
    }
    text_lines_free(&tl);
    page_item *it = page_add_item(fl->pg, ITEM_PATH);
    it->first_seg = first;
    it->nsegs = fl->pg->nsegs - first;
    it->color = (rgb){t->watermark_gray, t->watermark_gray, t->watermark_gray};
}

static int count_toc(const block_list *bl)
{
    int n = 0;
    for (int i = 0; i < bl->n; i++) n += bl->b[i].kind == BLOCK_HEADING && bl->b[i].in_toc;
    return n > MAX_TOC ? MAX_TOC : n;
}

/* Reserves room for the TOC now (its length is known), fills it later. */
static void reserve_toc(flow *fl, const block_list *bl)
{
    const style *s = template_style(fl->t, "toc");
    int n = count_toc(bl);
    fl->toc_page = fl->doc->npages - 1;
    fl->toc_y = fl->y;
    fl->toc_pages = 1;
    float y = fl->y;
    for (int i = 0; i < n; i++) {
        if (y + s->leading > fl->bottom) {
            flow_new_page(fl);
            fl->toc_pages++;
            y = fl->y;
        }
        y += s->leading;
    }
    fl->y = y;
    fl->at_top = 0;
}

static void fill_toc(flow *fl)
{
    const style *s = template_style(fl->t, "toc");
    int pg = fl->toc_page;
    float y = fl->toc_y;
    assert(fl->ntoc >= 0 && fl->ntoc <= MAX_TOC);
    for (int i = 0; i < fl->ntoc; i++) {
        if (y + s->leading > fl->bottom && pg + 1 < fl->toc_page + fl->toc_pages) {
            pg++;
            y = fl->t->top;
        }
        fl->pg = &fl->doc->pages[pg];
        int recto = pg % 2 == 0;
        float x0 = recto ? fl->t->inner : fl->t->outer, x1 = x0 + fl->measure;
        float base = y + s->leading * 0.7f;
        char num[16];
        snprintf(num, sizeof num, "%d", fl->toc[i].page + 1);
        set_single(fl, fl->toc[i].title, s, x0 + fl->toc[i].level * s->size * 2, base, 0, 0);
        set_single(fl, num, s, x1, base, 2, 0);
        /* Dotted leader as a drawn line of dots would not extract; a row
         * of middle dots extracts as noise. A thin rule says the same. */
        float tw = text_width(fl->te, fl->toc[i].title, strlen(fl->toc[i].title), &(text_style){s->role, s->size, 0, 0, 0, 0});
        float lx = x0 + fl->toc[i].level * s->size * 2 + tw + s->size * 0.5f;
        float rx = x1 - text_width(fl->te, num, strlen(num), &(text_style){s->role, s->size, 0, 0, 0, 0}) - s->size * 0.5f;
        if (rx > lx) {
            page_item *it = page_add_item(fl->pg, ITEM_LINE);
            it->x0 = lx;
            it->x1 = rx;
            it->y0 = it->y1 = flow_pdf_y(fl, base) + 0.5f;
            it->width = 0.3f;
            it->color = (rgb){0.4f, 0.4f, 0.4f};
        }
        y += s->leading;
    }
}

/* Running header and "— N —" footer on every page (but a cover). */
static void header_footer(flow *fl)
{
    const page_template *t = fl->t;
    const style *hs = template_style(t, t->header_style), *fs = template_style(t, t->footer_style);
    for (int i = fl->o->plain_first ? 1 : 0; i < fl->doc->npages; i++) {
        fl->pg = &fl->doc->pages[i];
        int recto = i % 2 == 0;
        float x0 = recto ? t->inner : t->outer, x1 = x0 + fl->measure;
        if (fl->o->header && *fl->o->header) {
            set_single(fl, fl->o->header, hs, (x0 + x1) / 2, t->header_y, 1, 0);
            if (t->header_rule > 0) {
                page_item *it = page_add_item(fl->pg, ITEM_LINE);
                it->x0 = x0;
                it->x1 = x1;
                it->y0 = it->y1 = flow_pdf_y(fl, t->header_y + hs->size * 0.45f);
                it->width = t->header_rule;
            }
        }
        char num[64];
        snprintf(num, sizeof num, t->footer_format, i + 1);
        float fy = t->height - t->footer_y;
        float inset = t->footer_inset_em * fs->size;
        if (t->footer_outside) set_single(fl, num, fs, recto ? x1 - inset : x0 + inset, fy, recto ? 2 : 0, 0);
        else set_single(fl, num, fs, (x0 + x1) / 2, fy, 1, 0);
    }
}

/* A paragraph; a right inset narrows the measure for its lines (a page
 * break inside it restores the full measure, as a new page does). */
static void flow_para(flow *fl, const block *b)
{
    const style *s = template_style(fl->t, b->style);
    float full = fl->measure;
    fl->measure -= b->inset_em * s->size;
    flow_text(fl, b->text ? b->text : "", s, b);
    fl->measure = full;
    if (b->anchor) {
        /* The paragraph's last line: where a seal is pressed on a signature. */
        float top = fl->y - s->after - s->leading;
        float base = top + (s->leading - s->size) / 2 + s->size * 0.88f;
        document_add_anchor(fl->doc, b->anchor, fl->doc->npages - 1, fl->x0, flow_pdf_y(fl, base), fl->measure);
    }
}

int layout_document(const block_list *bl, const page_template *t, text_engine *te,
                    const layout_options *o, document *out, char *err, size_t errlen)
{
    flow *fl = xcalloc(1, sizeof *fl);
    *fl = (flow){.t = t, .te = te, .o = o, .doc = out};
    out->draft = o->draft;
    flow_new_page(fl);
    int rc = 0;
    for (int i = 0; i < bl->n && rc == 0; i++) {
        const block *b = &bl->b[i];
        switch (b->kind) {
        case BLOCK_HEADING: flow_heading(fl, bl, i); break;
        case BLOCK_PARA: keep_together(fl, bl, i); flow_para(fl, b); break;
        case BLOCK_TABLE: flow_table(fl, b); break;
        case BLOCK_FIGURE: rc = flow_figure(fl, b, err, errlen); break;
        case BLOCK_PAGE_BREAK: if (!fl->at_top) flow_new_page(fl); break;
        case BLOCK_TOC: reserve_toc(fl, bl); break;
        case BLOCK_SPACE:   /* deliberate, so kept even at a page's top */
            fl->y += b->space >= 0 ? b->space : -b->space * template_style(t, "body")->leading;
            break;
        }
    }
    if (rc == 0) {
        if (fl->toc_pages) fill_toc(fl);
        header_footer(fl);
    }
    drop_ahead(fl);
    free(fl);
    return rc;
}
