/* pdf.h — the PDF stage: the only module that calls libharu.
 * Takes: a laid-out document (layout_pages.h) and the font set its glyphs name.
 * Gives: a PDF/A-1b file with every used font embedded as a true subset
 * (CIDFontType2, Identity-H, ToUnicode with surrogate pairs for
 * characters above U+FFFF, /W for the used glyphs only), outlines
 * (bookmarks), document information and XMP metadata, an sRGB output
 * intent and a trailer /ID; each of the document's forms (the seal) once,
 * as a Form XObject the pages place. Same document and same time → same
 * bytes. */
#ifndef DANGAN_PDF_H
#define DANGAN_PDF_H

#include <stddef.h>
#include <time.h>
#include "font_set.h"
#include "layout_pages.h"

typedef struct pdf_options {
    time_t created;          /* creation/modification date (SOURCE_DATE_EPOCH) */
    const char *icc_profile; /* sRGB ICC file for the PDF/A output intent */
} pdf_options;

/* Writes the document to path through a temporary file renamed into
 * place, so a failure never leaves a partial PDF. 0, or -1 with err. */
int pdf_write(const document *d, const font_set *fs, const pdf_options *o,
              const char *path, char *err, size_t errlen);

/* Same, into a malloc'd buffer (for stamping and tests). */
int pdf_write_mem(const document *d, const font_set *fs, const pdf_options *o,
                  unsigned char **data, size_t *len, char *err, size_t errlen);

#include "util.h"
/* The content-stream operators of a page's rules, rectangles, paths and
 * clips (glyph runs, images and forms are not drawn): a form's content,
 * and stamps added to an existing PDF by incremental update (the
 * archive's 归档章). */
void pdf_page_operators(const page *pg, strbuf *out);

#endif
