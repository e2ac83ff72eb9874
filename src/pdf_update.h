/* pdf_update.h — an incremental update written by hand. libharu writes
 * whole files, never an update, so the objects a signature or the
 * archive's 归档章 appends after a revision are PDF syntax written here.
 *
 * Takes: the object numbers the caller gives. Gives: the objects, each
 * offset noted for the xref section; a Flate-compressed stream; the
 * sorted xref section itself (pdf_update.c). And text an update draws in
 * fonts of its own (pdf_update_text.c): each font a Type0/CIDFontType2
 * subset with /ToUnicode, /CIDSet and /W (pdf_font.h's pdf_font_raw), so
 * that what an update adds to a page is text a reader finds and copies.
 * Used by sign_pdf.c and archive_stamp.c. */
#ifndef DANGAN_PDF_UPDATE_H
#define DANGAN_PDF_UPDATE_H

#include <stddef.h>
#include "font_set.h"
#include "layout_pages.h"
#include "util.h"

typedef struct pdf_xref_entry { long num; size_t off; } pdf_xref_entry;

typedef struct pdf_update {
    strbuf b;                /* the whole file: the revision it builds on, then the update */
    pdf_xref_entry *e;       /* the objects written, in writing order */
    int n, cap;
} pdf_update;

/* Begins object num ("num 0 obj") at the end of u->b. */
void pdf_update_obj(pdf_update *u, long num);

/* Object num: a stream of data, Flate-compressed by libdeflate at level
 * (1 … 12); dict: further "/Key value" entries for its dictionary, or "". */
void pdf_update_stream(pdf_update *u, long num, const char *dict, const void *data, size_t len, int level);

/* Object num: a Form XObject of the operators ops over bbox (x0 y0 x1
 * y1), Flate-compressed, with resources the entries of its /Resources. */
void pdf_update_form(pdf_update *u, long num, const float bbox[4], const char *resources, const strbuf *ops);

/* The xref section of the objects written (one subsection a number, in
 * order); returns its offset for startxref. */
size_t pdf_update_xref(pdf_update *u);

void pdf_update_free(pdf_update *u);

/* Text an update draws: lines of UTF-8, each in the first font of a
 * role's fallback chain that has each character (font_set.h). */
typedef struct pdf_utext pdf_utext;

pdf_utext *pdf_utext_new(const font_set *fs, const char *role);
void pdf_utext_free(pdf_utext *t);

/* One line centred at x with its em box centred on y, size points,
 * smaller when it would be wider than width. Characters no font of the
 * role has are left out (the archive's fields are checked text). */
void pdf_utext_centred(pdf_utext *t, const char *s, float size, float x, float y, float width);

/* Writes every font the lines use as new objects, six a font, numbered
 * from first; appends "/Font << … >>" (the resources the operators name)
 * to res and the lines' text operators, in colour and with the text state
 * set (a form starts in the state the page ended in), inside q … Q, to
 * ops. Returns the next free object number, or -1 with err when a font
 * cannot be subset. */
long pdf_utext_write(pdf_utext *t, pdf_update *u, long first, rgb colour, strbuf *ops, strbuf *res,
                     char *err, size_t errlen);

#endif
