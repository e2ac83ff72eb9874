/* Unit tests: the page flow. Builds block lists by hand, lays them out
 * with the shipped dossier template and checks the page rules: no
 * paragraph leaves one line alone at a page's foot or top, a heading is
 * never the last thing on its page, table rows are not split. */
#include "test.h"
#include "layout.h"
#include "util.h"
#include <math.h>
#include <string.h>

static font_set *fs;
static page_template tpl;

/* Distinct baselines of the glyphs whose text lies in [off, off+len) on page p. */
static int lines_on_page(const document *d, int p, size_t off, size_t len)
{
    float ys[256];
    int n = 0;
    const page *pg = &d->pages[p];
    for (size_t i = 0; i < pg->nglyphs; i++) {
        const placed_glyph *g = &pg->glyphs[i];
        if (g->text_off < off || g->text_off >= off + len) continue;
        int seen = 0;
        for (int k = 0; k < n; k++) seen |= fabsf(ys[k] - g->y) < 0.01f;
        if (!seen && n < 256) ys[n++] = g->y;
    }
    return n;
}

static char *make_para(int seed, int chars)
{
    static const char *const W[] = {"课堂", "教师", "学生", "问题", "设计", "朗读", "合作", "评价", "反思", "板书"};
    strbuf b;
    sb_init(&b);
    sb_printf(&b, "第%d段：", seed);
    for (int i = 0; i < chars / 2; i++) {
        sb_puts(&b, W[(seed * 7 + i * 3) % 10]);
        if (i % 9 == 8) sb_puts(&b, "，");
    }
    sb_puts(&b, "。");
    return sb_steal(&b);
}

int main(void)
{
    char err[512];
    fs = fonts_open("fonts/fonts.xml", "templates/schemas/fonts.xsd", err, sizeof err);
    if (!fs || template_load("templates/pages/dossier.xml", "templates/schemas/page.xsd", &tpl, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    text_engine *te = text_engine_new(fs);
    /* Many layouts: paragraph lengths vary so that breaks fall everywhere. */
    int widows = 0, orphans = 0, lonely_headings = 0, checked_splits = 0;
    for (int variant = 0; variant < 12; variant++) {
        block_list bl = {0};
        char *texts[80];
        int nt = 0;
        for (int i = 0; i < 40; i++) {
            if (i % 7 == 3) {
                char h[64];
                snprintf(h, sizeof h, "标题%d-%d", variant, i);
                block *b = blocks_add(&bl, BLOCK_HEADING, "h2", h);
                b->level = 1;
                b->keep_with_next = 1;
            }
            texts[nt] = make_para(variant * 100 + i, 40 + (i * 37 + variant * 53) % 260);
            blocks_add(&bl, BLOCK_PARA, "body", texts[nt]);
            nt++;
        }
        document *d = document_new();
        layout_options lo = {"书眉", 0, 1};
        CHECK(layout_document(&bl, &tpl, te, &lo, d, err, sizeof err) == 0);
        for (int t = 0; t < nt; t++) {
            const char *at = strstr(d->text, texts[t]);
            if (!at) { CHECK(0); continue; }
            size_t off = (size_t)(at - d->text), len = strlen(texts[t]);
            int first = -1, last = -1;
            for (int p = 0; p < d->npages; p++)
                if (lines_on_page(d, p, off, len)) { if (first < 0) first = p; last = p; }
            if (first >= 0 && last > first) {
                checked_splits++;
                orphans += lines_on_page(d, first, off, len) == 1;
                widows += lines_on_page(d, last, off, len) == 1;
            }
        }
        /* A heading's text must share its page with body text after it. */
        for (int p = 0; p < d->npages; p++) {
            const page *pg = &d->pages[p];
            float lowest = 1e9f;
            int heading_lowest = 0;
            for (size_t i = 0; i < pg->nglyphs; i++) {
                const placed_glyph *g = &pg->glyphs[i];
                if (g->y < 60 || g->y > tpl.height - 60) continue;      /* header, footer */
                if (g->y < lowest - 0.01f) {
                    lowest = g->y;
                    heading_lowest = !strncmp(d->text + g->text_off, "标", 3);
                }
            }
            lonely_headings += heading_lowest;
        }
        document_free(d);
        blocks_free(&bl);
        for (int t = 0; t < nt; t++) free(texts[t]);
    }
    printf("layout: %d paragraphs split across pages checked\n", checked_splits);
    CHECK(checked_splits >= 10);
    CHECK(orphans == 0);
    CHECK(widows == 0);
    CHECK(lonely_headings == 0);

    /* A table row taller than what is left on the page moves whole. */
    block_list bl = {0};
    for (int i = 0; i < 30; i++) {
        char *t = make_para(i, 120);
        blocks_add(&bl, BLOCK_PARA, "body", t);
        free(t);
    }
    static const float W2[] = {0.3f, 0.7f};
    block *tb = blocks_add_table(&bl, 2, W2, 1);
    blocks_add_cell(tb, "项目", 1, 1);
    blocks_add_cell(tb, "内容", 1, 1);
    for (int r = 0; r < 40; r++) {
        char *t = make_para(500 + r, 30 + r * 7 % 90);
        blocks_add_cell(tb, "行", 1, 1);
        blocks_add_cell(tb, t, 1, 0);
        free(t);
    }
    document *d = document_new();
    layout_options lo = {NULL, 0, 0};
    CHECK(layout_document(&bl, &tpl, te, &lo, d, err, sizeof err) == 0);
    /* Every cell rectangle lies inside the text block of its page. */
    int outside = 0, heads = 0;
    for (int p = 0; p < d->npages; p++)
        for (size_t i = 0; i < d->pages[p].nitems; i++) {
            const page_item *it = &d->pages[p].items[i];
            if (it->kind != ITEM_RECT) continue;
            outside += it->y0 < tpl.bottom - 0.5f || it->y1 > tpl.height - tpl.top + 0.5f;
            heads += it->width == 0;     /* shaded header cells */
        }
    CHECK(outside == 0);
    CHECK(d->npages >= 3);
    CHECK(heads >= 2 * (d->npages - 1));   /* the header row repeats on every page of the table */
    document_free(d);
    blocks_free(&bl);

    text_engine_free(te);
    fonts_close(fs);
    return test_done("layout");
}
