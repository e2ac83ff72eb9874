/* pdf_update.c — see pdf_update.h: the objects of an update and its xref
 * section. The text an update draws is pdf_update_text.c. */
#include "pdf_update.h"

#include <libdeflate.h>
#include <stdlib.h>

void pdf_update_obj(pdf_update *u, long num)
{
    if (u->n == u->cap) {
        u->cap = u->cap ? 2 * u->cap : 16;
        u->e = xrealloc(u->e, (size_t)u->cap * sizeof *u->e);
    }
    u->e[u->n++] = (pdf_xref_entry){num, u->b.len};
    sb_printf(&u->b, "%ld 0 obj\n", num);
}

void pdf_update_stream(pdf_update *u, long num, const char *dict, const void *data, size_t len, int level)
{
    struct libdeflate_compressor *c = libdeflate_alloc_compressor(level);
    if (!c) abort();   /* a valid level: only memory can fail, as xmalloc aborts */
    size_t cap = libdeflate_zlib_compress_bound(c, len);
    unsigned char *z = xmalloc(cap);
    size_t zlen = libdeflate_zlib_compress(c, data, len, z, cap);
    libdeflate_free_compressor(c);
    pdf_update_obj(u, num);
    sb_printf(&u->b, "<< %s/Length %zu /Filter /FlateDecode >>\nstream\n", dict, zlen);
    sb_add(&u->b, (const char *)z, zlen);
    sb_puts(&u->b, "\nendstream\nendobj\n");
    free(z);
}

void pdf_update_form(pdf_update *u, long num, const float bbox[4], const char *resources, const strbuf *ops)
{
    char *dict = xasprintf("/Type /XObject /Subtype /Form /BBox [%.2f %.2f %.2f %.2f] /Resources << %s >> ",
                           bbox[0], bbox[1], bbox[2], bbox[3], resources);
    pdf_update_stream(u, num, dict, ops->s ? ops->s : "", ops->len, 12);
    free(dict);
}

static int by_num(const void *a, const void *b)
{
    long x = ((const pdf_xref_entry *)a)->num, y = ((const pdf_xref_entry *)b)->num;
    return x < y ? -1 : x > y;
}

size_t pdf_update_xref(pdf_update *u)
{
    qsort(u->e, (size_t)u->n, sizeof *u->e, by_num);
    size_t at = u->b.len;
    sb_puts(&u->b, "xref\n");
    for (int i = 0; i < u->n; i++) sb_printf(&u->b, "%ld 1\n%010zu 00000 n\r\n", u->e[i].num, u->e[i].off);
    return at;
}

void pdf_update_free(pdf_update *u)
{
    sb_free(&u->b);
    free(u->e);
    u->e = NULL;
    u->n = u->cap = 0;
}
