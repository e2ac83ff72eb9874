/* layout_pages.h — the laid-out document: what the layout stage gives and the
 * PDF stage takes. Pages hold positioned glyph runs, rules, rectangles
 * and images, in points, origin at the page's bottom-left (as in PDF).
 * Nothing here knows about libharu; nothing in layout knows about PDF.
 *
 * A glyph names its font (index into the font_set of font_set.h) and glyph
 * id, and the UTF-8 text it stands for (its cluster), so that the PDF
 * stage can write a correct ToUnicode map and text extraction returns
 * the source text, rare characters above U+FFFF included. */
#ifndef DANGAN_PAGES_H
#define DANGAN_PAGES_H

#include <stddef.h>
#include <stdint.h>
#include "image.h"

typedef struct rgb { float r, g, b; } rgb;

typedef struct placed_glyph {
    uint32_t gid;
    float x, y;          /* pen position of the glyph origin, absolute */
    float advance;       /* the font's own advance at this size, points */
    uint32_t text_off;   /* cluster text: doc->text[text_off .. +text_len) */
    uint16_t text_len;   /* 0 for the second and later glyphs of a cluster */
} placed_glyph;

typedef struct glyph_run {
    int font;            /* fonts_face(fs, font) */
    float size;          /* points */
    rgb color;
    size_t first, count; /* into page->glyphs */
} glyph_run;

/* ITEM_CLIP starts clipping to the rectangle x0,y0–x1,y1 for the items
 * that follow, until the matching ITEM_UNCLIP (a 骑缝章 shows only the
 * slice of the seal that falls on its page).
 * ITEM_FORM places one of the document's forms (a drawing made once and
 * shown many times: the school's seal) scaled by `scale` with its
 * origin at x0,y0. */
typedef enum { ITEM_RUN, ITEM_LINE, ITEM_RECT, ITEM_IMAGE, ITEM_PATH, ITEM_CLIP, ITEM_UNCLIP, ITEM_FORM } item_kind;

/* A path in PDF operators' terms: moveto/lineto/curveto, filled or stroked. */
typedef enum { PATH_MOVE, PATH_LINE, PATH_CURVE, PATH_CLOSE } path_op;
typedef struct path_seg { path_op op; float x[3], y[3]; } path_seg;

typedef struct page_item {
    item_kind kind;
    glyph_run run;                   /* ITEM_RUN */
    float x0, y0, x1, y1;            /* LINE: ends; RECT/IMAGE: corners */
    float width;                     /* LINE/PATH stroke width; 0 = fill */
    rgb color;
    float opacity;                   /* 1 = opaque (watermark < 1) */
    int image;                       /* ITEM_IMAGE: index into doc->images */
    int form;                        /* ITEM_FORM: index into doc->forms */
    float scale;                     /* ITEM_FORM: 1 = the form's own size */
    size_t first_seg, nsegs;         /* ITEM_PATH: into page->segs */
} page_item;

typedef struct page {
    float width, height;
    page_item *items;
    size_t nitems, cap_items;
    placed_glyph *glyphs;
    size_t nglyphs, cap_glyphs;
    path_seg *segs;
    size_t nsegs, cap_segs;
} page;

typedef struct outline_entry {
    int level;           /* 0 = chapter */
    char *title;
    int page;            /* 0-based */
    float y;             /* top of the heading on that page */
} outline_entry;

/* A named place the layout noted for later stages, e.g. where the
 * assessment's signature line is, so the stamp can press the seal on it. */
typedef struct anchor {
    char *name;
    int page;
    float x, y;          /* left, baseline */
    float width;
} anchor;

/* A figure: its file and the pixel box of its printed size, as the layout
 * placed it; `data` is filled by the image stage (typeset.c) before the PDF
 * stage embeds it. */
typedef struct image_ref {
    char *path;          /* PNG, JPEG or HEIC, already checked to be inside the submission */
    int box_w, box_h;    /* at most this many pixels (image_print_box) */
    image_data data;
} image_ref;

typedef struct document {
    page *pages;
    int npages, cap_pages;
    char *text;          /* every glyph's cluster text, concatenated */
    size_t text_len, text_cap;
    outline_entry *outline;
    int noutline, cap_outline;
    image_ref *images;
    int nimages, cap_images;
    anchor *anchors;
    int nanchors, cap_anchors;
    /* Forms: drawings placed by ITEM_FORM, each a page of shapes only
     * (lines, rectangles, paths, clips; no text or images) in its own
     * coordinates, its width × height the bounding box from (0, 0). */
    page *forms;
    int nforms, cap_forms;
    char *title, *author, *subject, *keywords;   /* document information */
    int draft;           /* a preview (layout_options.draft): the PDF stage deflates fast */
} document;

document *document_new(void);
void document_free(document *d);
page *document_add_page(document *d, float width, float height);
/* Appends text to d->text; returns its offset. */
uint32_t document_add_text(document *d, const char *s, size_t n);
page_item *page_add_item(page *p, item_kind kind);
placed_glyph *page_add_glyphs(page *p, size_t n);   /* n slots at p->glyphs[p->nglyphs - n] */
path_seg *page_add_segs(page *p, size_t n);
void document_add_outline(document *d, int level, const char *title, int page, float y);
int document_add_image(document *d, const char *path, int box_w, int box_h);
/* A new empty form of the given box; returns its index. */
int document_add_form(document *d, float width, float height);
/* Places form f on p at (x, y), scaled. */
void page_add_form(page *p, int f, float x, float y, float scale);
void document_add_anchor(document *d, const char *name, int page, float x, float y, float width);
/* The last anchor of that name, or NULL. */
const anchor *document_anchor(const document *d, const char *name);

#endif
