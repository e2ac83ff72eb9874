/* pdf_meta.h — internal to the PDF stage: what makes the file PDF/A-1b
 * besides its fonts: document information and the same facts as XMP
 * metadata, the sRGB output intent, the header's version and the trailer /ID. */
#ifndef DANGAN_PDF_META_H
#define DANGAN_PDF_META_H

#include <hpdf.h>
#include <stddef.h>
#include "layout_pages.h"
#include "pdf.h"

/* A PDF text string: UTF-16BE with its byte-order mark (surrogate pairs
 * above U+FFFF), for titles libharu's encoders would mangle. */
HPDF_Binary pdf_text_string(HPDF_Doc pdf, const char *s);

int pdf_meta_write(HPDF_Doc pdf, const document *d, const pdf_options *o, char *err, size_t errlen);

/* Raises the header of a saved file to %PDF-1.4 (PDF/A-1's base). 0, or -1 with err. */
int pdf_meta_set_version(unsigned char *data, size_t len, char *err, size_t errlen);

/* Inserts /ID into the trailer of a saved file (libharu writes one only
 * for encrypted files). The id is a hash of the bytes: same file, same id. */
int pdf_meta_add_id(unsigned char **data, size_t *len, char *err, size_t errlen);

#endif
