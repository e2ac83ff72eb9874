/* text.h — Chinese text setting: shaping, line breaking, justification.
 * Takes: UTF-8 text, a font role of font_set.h, a size and a measure (line
 * width). Gives: lines of glyphs with x offsets from the line's start,
 * ready for the page flow (layout_flow.c) to place. Knows nothing of pages or
 * PDF.
 *
 * Rules (W3C clreq, GB/T 15834):
 *  - breaks from ICU's line breaker (locale zh), corrected: no line starts
 *    with ，。、；：？！）》」』”’…—·/ and no line ends with （《「『“‘;
 *    ——, …… never split; a break is allowed before “ and after ”;
 *    Latin words and numbers stay whole (第2节 is not broken inside "2");
 *  - fonts: each character from the first font of the role's chain that
 *    has it (fonts_pick), shaped by HarfBuzz one same-font run at a time;
 *  - punctuation compression: of two adjacent full-width marks (e.g. 。」
 *    or ）（) the blank half of the first is removed;
 *  - justification: every line but the last of a paragraph is stretched to
 *    the full measure, the space spread over the gaps between characters
 *    (inter-character) and Latin spaces; the last line is set flush left
 *    at natural width. A line holding one unbreakable word wider than the
 *    measure is broken by character as a last resort (never lost). */
#ifndef DANGAN_TEXT_H
#define DANGAN_TEXT_H

#include <stddef.h>
#include <stdint.h>
#include "font_set.h"

typedef struct text_glyph {
    int font;            /* index in the font_set */
    uint32_t gid;
    float x;             /* from the line's start, points, after justification */
    float advance;       /* natural advance at this size */
    uint32_t src_off;    /* cluster start in the source text (bytes) */
    uint16_t src_len;    /* cluster length; 0 for later glyphs of a cluster */
} text_glyph;

typedef struct text_line {
    size_t first, count; /* into text_lines.glyphs */
    float width;         /* set width (== measure when justified) */
    int justified;
    uint32_t src_start, src_end;  /* source bytes of this line */
} text_line;

typedef struct text_lines {
    text_glyph *glyphs;
    size_t nglyphs, cap;
    text_line *lines;
    size_t nlines, cap_lines;
} text_lines;

typedef struct text_style {
    const char *role;    /* "body", "heading", "kai" */
    float size;          /* points */
    float indent;        /* first-line indent, points (2 em = 2 * size) */
    int justify;         /* 1: justify all but the last line */
    int align;           /* 0 left, 1 centre, 2 right (when not justified) */
    float tracking;      /* points added to every CJK character's advance
                            (negative to fit GB/T 9704's 28 characters of
                            16 pt into a 156 mm line) */
} text_style;

typedef struct text_engine text_engine;

/* One engine per thread; fonts shared (read-only). */
text_engine *text_engine_new(const font_set *fs);
void text_engine_free(text_engine *te);
/* The font set the engine shapes with. */
const font_set *text_engine_fonts(const text_engine *te);

/* Sets text[0..len) into lines of at most measure points. Appends to out
 * (which the caller zero-initialises and frees with text_lines_free).
 * Returns 0, or -1 on invalid UTF-8 (the loader has rejected such input
 * already; this is a guard). */
int text_set(text_engine *te, const char *text, size_t len, const text_style *st,
             float measure, text_lines *out);
void text_lines_free(text_lines *out);

/* Natural width of text set on one line (for table columns, centring). */
float text_width(text_engine *te, const char *text, size_t len, const text_style *st);

/* Font metrics of the role's first font at size: ascent and descent
 * (positive, points), for line spacing and baseline placement. */
void text_metrics(const text_engine *te, const text_style *st, float *ascent, float *descent);

#endif
