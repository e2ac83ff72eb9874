/* font_set.h — the shipped fonts and their roles (fonts/fonts.xml).
 * Takes: the font manifest. Gives: for a role ("body", "heading", "kai")
 * and a code point, the first font of the role's fallback chain that has
 * a glyph for it; and each font's FreeType face for measuring and
 * shaping. Fonts are opened once per process and shared by every
 * submission (batch work depends on it). Knows nothing of PDF. */
#ifndef DANGAN_FONTS_H
#define DANGAN_FONTS_H

#include <stddef.h>
#include <stdint.h>

typedef struct font_set font_set;

/* Opens every font the manifest names (validated against xsd when xsd is
 * not NULL). NULL with a message in err on failure: a missing font file
 * names the Debian package that provides it. */
font_set *fonts_open(const char *manifest, const char *xsd, char *err, size_t errlen);
void fonts_close(font_set *fs);

/* 1 when cp can be drawn in role (NULL: in any font). White space and
 * control characters count as covered: they are laid out, not drawn. */
int fonts_covers(const font_set *fs, const char *role, uint32_t cp);

/* Index of the first font of role's chain that has cp, or -1. */
int fonts_pick(const font_set *fs, const char *role, uint32_t cp);

/* The same by role index (fonts_role: the index of a role's name, or -1),
 * for callers picking a font for every character of a text. */
int fonts_role(const font_set *fs, const char *name);
int fonts_pick_in(const font_set *fs, int role, uint32_t cp);

/* 1 when font i has no table that changes glyphs or positions in
 * horizontal text (no GSUB, GPOS, kern, morx, kerx, trak; a 'mort' only
 * of vertical-only subtables): shaping it is the cmap glyph and its
 * advance. text_shape.c uses this to skip HarfBuzz for plain runs. */
int fonts_shapes_plainly(const font_set *fs, int i);

/* For such a font: the cmap glyph of BMP code point c and its advance in
 * font units, as advance << 16 | glyph, looked up once per process (a
 * cmap lookup per character was 6% of a build); 0 when the font is not
 * plain or has no glyph for c. */
uint32_t fonts_plain_glyph(const font_set *fs, int i, uint32_t c);

/* 1 when cp can be drawn in every role of the manifest. */
int fonts_covers_every_role(const font_set *fs, uint32_t cp);

int fonts_count(const font_set *fs);
const char *fonts_id(const font_set *fs, int i);
const char *fonts_file(const font_set *fs, int i);
int fonts_face_index(const font_set *fs, int i);
/* The FreeType face (FT_Face) of font i, as void * so that callers that
 * do not measure need not include FreeType. */
void *fonts_face(const font_set *fs, int i);
/* The HarfBuzz face of font i (hb_face_t *), made on first use and kept
 * for the process, for shaping, metrics and the font tables subsetting
 * reads. Not thread-safe on first use; batch
 * workers are processes. */
void *fonts_hb_face(const font_set *fs, int i);

#endif
