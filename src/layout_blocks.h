/* layout_blocks.h — the dossier as a tree of blocks, before layout.
 * layout_dossier.c builds it from a checked submission; layout_flow.c sets it into
 * pages. Like cmark's node tree: one producer, one consumer per output.
 * Blocks name styles of the page template (load_template.h), never sizes. */
#ifndef DANGAN_BLOCKS_H
#define DANGAN_BLOCKS_H

#include <stddef.h>
#include "util_limits.h"

typedef enum {
    BLOCK_HEADING,      /* text, level 0..2; goes into TOC and bookmarks */
    BLOCK_PARA,         /* text in a style */
    BLOCK_TABLE,        /* ruled grid: cells row by row */
    BLOCK_FIGURE,       /* image path + caption text */
    BLOCK_PAGE_BREAK,
    BLOCK_TOC,          /* the table of contents, filled after layout */
    BLOCK_SPACE,        /* vertical space: .space points, or −.space body lines when negative */
} block_kind;


typedef struct cell {
    char *text;
    int span;           /* columns this cell covers (≥1) */
    int head;           /* a label cell: heading style, shaded */
    const char *style;  /* NULL: "cell" (or "cell-head" for labels) */
    float min_height;   /* points: room to write by hand or to seal */
} cell;

typedef struct block {
    block_kind kind;
    int level;          /* heading level */
    const char *style;  /* template style name ("body", "comment", "h1" …) */
    char *text;
    int keep_with_next; /* headings and labels: never last on a page */
    const char *anchor; /* paragraphs: note the first line's place under this name */
    float inset_em;     /* paragraphs: kept this many characters off the right edge
                           (GB/T 9704: the date "右空四字") */
    int in_toc;         /* headings: listed in the TOC and bookmarks */
    /* tables */
    int ncols;
    float colw[MAX_COLS]; /* column widths, fractions of the measure */
    cell *cells;
    int ncells;
    int header_rows;    /* repeated at the top of each page */
    /* figures */
    char *path;
    float space;
} block;

typedef struct block_list {
    block *b;
    int n, cap;
} block_list;

block *blocks_add(block_list *l, block_kind kind, const char *style, const char *text);
/* Adds a table of ncols columns with the given width fractions. */
block *blocks_add_table(block_list *l, int ncols, const float *colw, int header_rows);
cell *blocks_add_cell(block *table, const char *text, int span, int head);
void blocks_free(block_list *l);

#endif
