/* layout_pages.c — see layout_pages.h. Growable arrays; nothing clever. */
#include "layout_pages.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

/* Grows *arr (of *cap elements of size sz) to hold at least need. */
static void grow(void **arr, size_t *cap, size_t need, size_t sz)
{
    if (need <= *cap) return;
    size_t n = *cap ? *cap : 16;
    while (n < need) n *= 2;
    *arr = xrealloc(*arr, n * sz);
    *cap = n;
}

static void grow_int(void **arr, int *cap, int need, size_t sz)
{
    size_t c = (size_t)*cap;
    grow(arr, &c, (size_t)need, sz);
    *cap = (int)c;
}

document *document_new(void)
{
    return xcalloc(1, sizeof(document));
}

static void page_free(page *p)
{
    free(p->items);
    free(p->glyphs);
    free(p->segs);
}

void document_free(document *d)
{
    if (!d) return;
    for (int i = 0; i < d->npages; i++) page_free(&d->pages[i]);
    for (int i = 0; i < d->nforms; i++) page_free(&d->forms[i]);
    free(d->forms);
    for (int i = 0; i < d->noutline; i++) free(d->outline[i].title);
    for (int i = 0; i < d->nimages; i++) {
        free(d->images[i].path);
        image_data_free(&d->images[i].data);
    }
    for (int i = 0; i < d->nanchors; i++) free(d->anchors[i].name);
    free(d->anchors);
    free(d->pages);
    free(d->text);
    free(d->outline);
    free(d->images);
    free(d->title);
    free(d->author);
    free(d->subject);
    free(d->keywords);
    free(d);
}

page *document_add_page(document *d, float width, float height)
{
    grow_int((void **)&d->pages, &d->cap_pages, d->npages + 1, sizeof *d->pages);
    page *p = &d->pages[d->npages++];
    memset(p, 0, sizeof *p);
    p->width = width;
    p->height = height;
    return p;
}

uint32_t document_add_text(document *d, const char *s, size_t n)
{
    grow((void **)&d->text, &d->text_cap, d->text_len + n + 1, 1);
    uint32_t off = (uint32_t)d->text_len;
    memcpy(d->text + off, s, n);
    d->text_len += n;
    d->text[d->text_len] = '\0';
    return off;
}

page_item *page_add_item(page *p, item_kind kind)
{
    grow((void **)&p->items, &p->cap_items, p->nitems + 1, sizeof *p->items);
    page_item *it = &p->items[p->nitems++];
    memset(it, 0, sizeof *it);
    it->kind = kind;
    it->opacity = 1;
    return it;
}

placed_glyph *page_add_glyphs(page *p, size_t n)
{
    grow((void **)&p->glyphs, &p->cap_glyphs, p->nglyphs + n, sizeof *p->glyphs);
    placed_glyph *g = p->glyphs + p->nglyphs;
    memset(g, 0, n * sizeof *g);
    p->nglyphs += n;
    return g;
}

path_seg *page_add_segs(page *p, size_t n)
{
    grow((void **)&p->segs, &p->cap_segs, p->nsegs + n, sizeof *p->segs);
    path_seg *s = p->segs + p->nsegs;
    memset(s, 0, n * sizeof *s);
    p->nsegs += n;
    return s;
}

void document_add_outline(document *d, int level, const char *title, int page, float y)
{
    grow_int((void **)&d->outline, &d->cap_outline, d->noutline + 1, sizeof *d->outline);
    d->outline[d->noutline++] = (outline_entry){level, xstrdup(title), page, y};
}

int document_add_image(document *d, const char *path, int box_w, int box_h)
{
    for (int i = 0; i < d->nimages; i++)
        if (!strcmp(d->images[i].path, path)) return i;
    grow_int((void **)&d->images, &d->cap_images, d->nimages + 1, sizeof *d->images);
    d->images[d->nimages] = (image_ref){xstrdup(path), box_w, box_h, {0}};
    return d->nimages++;
}

void document_add_anchor(document *d, const char *name, int page, float x, float y, float width)
{
    grow_int((void **)&d->anchors, &d->cap_anchors, d->nanchors + 1, sizeof *d->anchors);
    d->anchors[d->nanchors++] = (anchor){xstrdup(name), page, x, y, width};
}

const anchor *document_anchor(const document *d, const char *name)
{
    for (int i = d->nanchors; i-- > 0;)
        if (!strcmp(d->anchors[i].name, name)) return &d->anchors[i];
    return NULL;
}

int document_add_form(document *d, float width, float height)
{
    grow_int((void **)&d->forms, &d->cap_forms, d->nforms + 1, sizeof *d->forms);
    page *f = &d->forms[d->nforms];
    memset(f, 0, sizeof *f);
    f->width = width;
    f->height = height;
    return d->nforms++;
}

void page_add_form(page *p, int f, float x, float y, float scale)
{
    page_item *it = page_add_item(p, ITEM_FORM);
    it->form = f;
    it->x0 = x;
    it->y0 = y;
    it->scale = scale;
}
