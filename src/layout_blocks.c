/* layout_blocks.c — see layout_blocks.h. */
#include "layout_blocks.h"
#include "util.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

block *blocks_add(block_list *l, block_kind kind, const char *style, const char *text)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        l->b = xrealloc(l->b, (size_t)l->cap * sizeof *l->b);
    }
    block *b = &l->b[l->n++];
    memset(b, 0, sizeof *b);
    b->kind = kind;
    b->style = style;
    b->text = text ? xstrdup(text) : NULL;
    return b;
}

block *blocks_add_table(block_list *l, int ncols, const float *colw, int header_rows)
{
    block *b = blocks_add(l, BLOCK_TABLE, "cell", NULL);
    assert(ncols >= 1 && ncols <= MAX_COLS);   /* tables are the program's own (汇总表, 备案表, the dossier's) */
    if (ncols > MAX_COLS) ncols = MAX_COLS;
    b->ncols = ncols;
    memcpy(b->colw, colw, (size_t)ncols * sizeof *colw);
    b->header_rows = header_rows;
    return b;
}

cell *blocks_add_cell(block *t, const char *text, int span, int head)
{
    t->cells = xrealloc(t->cells, (size_t)(t->ncells + 1) * sizeof *t->cells);
    t->cells[t->ncells] = (cell){xstrdup(text ? text : ""), span < 1 ? 1 : span, head, NULL, 0};
    return &t->cells[t->ncells++];
}

void blocks_free(block_list *l)
{
    for (int i = 0; i < l->n; i++) {
        block *b = &l->b[i];
        free(b->text);
        free(b->path);
        for (int c = 0; c < b->ncells; c++) free(b->cells[c].text);
        free(b->cells);
    }
    free(l->b);
    memset(l, 0, sizeof *l);
}
