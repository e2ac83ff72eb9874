/* layout_table.c — ruled tables and figures for the layout stage.
 * A row is never split across pages; header rows repeat on each page. */
#include "layout_int.h"
#include "util_lang.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct cell_set {
    text_lines tl;
    uint32_t text_base;
    float x, w;
    const style *s;
    int head;
} cell_set;

/* Sets the cells of one row; returns the row height. */
static float set_row(flow *fl, const block *b, int first, int count, cell_set *cs)
{
    const page_template *t = fl->t;
    float pad = t->table_pad, h = 0, x = fl->x0;
    int col = 0;
    for (int k = 0; k < count; k++) {
        const cell *c = &b->cells[first + k];
        float w = 0;
        for (int j = col; j < col + c->span && j < b->ncols; j++) w += b->colw[j] * fl->measure;
        col += c->span;
        cell_set *x1 = &cs[k];
        memset(&x1->tl, 0, sizeof x1->tl);
        x1->s = template_style(t, c->style ? c->style : c->head ? "cell-head" : "cell");
        x1->head = c->head;
        x1->x = x;
        x1->w = w;
        text_style ts = flow_text_style(x1->s);
        size_t len = strlen(c->text);
        text_set(fl->te, c->text, len, &ts, w - 2 * pad, &x1->tl);
        x1->text_base = document_add_text(fl->doc, c->text, len);
        float ch = (float)(x1->tl.nlines ? x1->tl.nlines : 1) * x1->s->leading + 2 * pad;
        if (ch < c->min_height) ch = c->min_height;
        if (ch > h) h = ch;
        x += w;
    }
    return h;
}

static void draw_row(flow *fl, cell_set *cs, int count, float h)
{
    const page_template *t = fl->t;
    float top = fl->y;
    for (int k = 0; k < count; k++) {
        cell_set *c = &cs[k];
        if (c->head) flow_rect(fl, c->x, top, c->w, h, 0, t->table_head_gray);
        flow_rect(fl, c->x, top, c->w, h, t->table_rule, 0);
        fl->y = top + t->table_pad;
        flow_place_lines(fl, &c->tl, 0, c->tl.nlines, c->s, c->x + t->table_pad,
                         c->w - 2 * t->table_pad, c->text_base);
    }
    fl->y = top + h;
    fl->at_top = 0;
}

/* Cells in row r start at index starts[r]; returns the number of rows. */
static int row_starts(const block *b, int *starts)
{
    int rows = 0, col = 0;
    for (int i = 0; i < b->ncells; i++) {
        if (col == 0) starts[rows++] = i;
        col += b->cells[i].span;
        if (col >= b->ncols) col = 0;
    }
    starts[rows] = b->ncells;
    return rows;
}

static void free_cells(cell_set *cs, int n)
{
    for (int k = 0; k < n; k++) text_lines_free(&cs[k].tl);
}

static void flow_row(flow *fl, const block *b, const int *starts, int r, cell_set *cs, int repeat_head)
{
    int n = starts[r + 1] - starts[r];
    float h = set_row(fl, b, starts[r], n, cs);
    if (fl->y + h > fl->bottom && !fl->at_top) {
        free_cells(cs, n);
        flow_new_page(fl);
        for (int hr = 0; repeat_head && hr < b->header_rows && hr < r; hr++)
            flow_row(fl, b, starts, hr, cs, 0);
        h = set_row(fl, b, starts[r], n, cs);
    }
    draw_row(fl, cs, n, h);
    free_cells(cs, n);
}

void flow_table(flow *fl, const block *b)
{
    int *starts = xmalloc((size_t)(b->ncells + 2) * sizeof *starts);
    cell_set *cs = xmalloc((size_t)(b->ncols + 1) * sizeof *cs);
    int rows = row_starts(b, starts);
    fl->y += fl->at_top ? 0 : 4;
    for (int r = 0; r < rows; r++) flow_row(fl, b, starts, r, cs, 1);
    fl->y += 8;
    free(cs);
    free(starts);
}

/* Figures: upright, at most the measure wide and half the text block
 * high, at 96 dpi when smaller; a figure that does not fit goes to the
 * next page. The image stage later decodes it into the pixel box of that
 * printed size (image_print_box). */
int flow_figure(flow *fl, const block *b, char *err, size_t errlen)
{
    image_info info;
    image_status st = image_probe(b->path, &info);
    if (st != IMAGE_OK) {
        snprintf(err, errlen, TR("无法读取图片 %s：%s", "cannot read image %s: %s"), b->path, image_status_text(st, lang_en()));
        return -1;
    }
    float pw = (float)info.width * 0.75f, ph = (float)info.height * 0.75f;
    float maxw = fl->measure, maxh = (fl->t->height - fl->t->top - fl->t->bottom) / 2;
    float scale = 1;
    if (pw * scale > maxw) scale = maxw / pw;
    if (ph * scale > maxh) scale = maxh / ph;
    pw *= scale;
    ph *= scale;
    if (fl->y + ph + 20 > fl->bottom && !fl->at_top) flow_new_page(fl);
    page_item *it = page_add_item(fl->pg, ITEM_IMAGE);
    float x = fl->x0 + (fl->measure - pw) / 2;
    int bw, bh;
    image_print_box(&info, pw, ph, &bw, &bh);
    it->image = document_add_image(fl->doc, b->path, bw, bh);
    it->x0 = x;
    it->x1 = x + pw;
    it->y1 = flow_pdf_y(fl, fl->y + 4);
    it->y0 = it->y1 - ph;
    fl->y += ph + 8;
    fl->at_top = 0;
    if (b->text && *b->text) {
        const style *s = template_style(fl->t, "caption");
        text_lines tl;
        memset(&tl, 0, sizeof tl);
        text_style ts = flow_text_style(s);
        size_t len = strlen(b->text);
        text_set(fl->te, b->text, len, &ts, fl->measure, &tl);
        uint32_t base = document_add_text(fl->doc, b->text, len);
        flow_place_lines(fl, &tl, 0, tl.nlines, s, fl->x0, fl->measure, base);
        fl->y += s->after;
        text_lines_free(&tl);
    }
    return 0;
}
