/* font_subset.h — internal to the PDF stage: the TrueType font program
 * embedded for a CIDFontType2 font.
 *
 * Takes: a font's tables (through a HarfBuzz face) and the glyph ids a
 * document uses. Gives: a font program with only the tables a PDF reader
 * uses for a CIDFontType2 font with /CIDToGIDMap /Identity — glyf, head,
 * hhea, hmtx, loca, maxp (as pdfTeX and xdvipdfmx embed) — holding the
 * .notdef glyph, the used glyphs and the components of composite glyphs,
 * renumbered densely in the order of their old ids, hinting removed.
 *
 * Why not hb-subset: it also builds cmap, name, OS/2 and post tables and a
 * plan over the whole font's cmap, none of which a PDF reader of a CID
 * font looks at. Measured on `make bench`: hb-subset was 15% of a
 * dossier's build time; this is under 1%. */
#ifndef DANGAN_TTF_SUBSET_H
#define DANGAN_TTF_SUBSET_H

#include <stddef.h>
#include <stdint.h>

typedef struct ttf_subset {
    unsigned char *data;    /* the font program */
    size_t len;
    uint32_t *old;          /* old glyph id of each new id, ascending */
    size_t n;
} ttf_subset;

/* Subsets face (an hb_face_t *) to the glyph ids gids[0..n). 0, or -1
 * when the font's tables are missing or malformed. */
int ttf_subset_make(void *face, const uint32_t *gids, size_t n, ttf_subset *out);

/* The new glyph id (the CID) of an old one; 0 (.notdef) if absent. */
uint32_t ttf_subset_new_id(const ttf_subset *s, uint32_t old);

void ttf_subset_free(ttf_subset *s);

#endif
