/* pdf_font.h — internal to the PDF stage: one used font as a PDF
 * Type0/CIDFontType2 font with an embedded subset (font_subset.h), Identity-H
 * encoding (CID = glyph id in the subset), /W for the used glyphs only, and a ToUnicode
 * CMap from each glyph to the text it stands for — written through
 * libharu into a new document, or by hand into an incremental update
 * (pdf_font_raw, for the text the archive's 归档章 adds). */
#ifndef DANGAN_PDF_FONT_H
#define DANGAN_PDF_FONT_H

#include <hpdf.h>
#include <stdint.h>
#include "font_set.h"
#include "font_subset.h"
#include "pdf_update.h"

typedef struct used_glyph {
    uint32_t gid;
    uint32_t text_off;   /* into document->text; the first text seen wins */
    uint16_t text_len;
} used_glyph;

typedef struct used_font {
    int font;            /* font_set index */
    used_glyph *g;       /* sorted by gid from pdf_font_write on */
    size_t n, cap;
    uint32_t *slot;      /* gid → 1 + index in g while glyphs are added,
                            gid → CID once the font is written */
    HPDF_Dict dict;      /* the Type0 font, once written */
    ttf_subset sub;      /* the embedded program: layout glyph id → CID */
    char name[16];       /* resource name, "F0" … */
} used_font;

/* The CID to write for a layout glyph id (after pdf_font_write). */
uint32_t used_font_cid(const used_font *u, uint32_t gid);

void used_font_add(used_font *u, uint32_t gid, uint32_t text_off, uint16_t text_len);
void used_font_free(used_font *u);

/* Writes u as an indirect Type0 font into pdf; text is the document's
 * cluster text; a draft's font program is deflated fast (level 1). 0, or
 * -1 with err. */
int pdf_font_write(HPDF_Doc pdf, const font_set *fs, used_font *u, const char *text, int draft,
                   char *err, size_t errlen);

/* The same font as objects of an incremental update written by hand
 * (pdf_update.h): the Type0 font is object first; its CIDFontType2,
 * FontDescriptor, FontFile2, ToUnicode and CIDSet are first+1 … first+5.
 * 0, or -1 with err. */
#define PDF_FONT_RAW_OBJECTS 6
int pdf_font_raw(pdf_update *up, long first, const font_set *fs, used_font *u, const char *text,
                 char *err, size_t errlen);

/* A new stream object holding data, Flate-compressed by libdeflate at
 * level (1 fastest … 12 smallest). */
HPDF_Dict pdf_deflated_stream(HPDF_Doc pdf, const void *data, size_t len, int level);

#endif
