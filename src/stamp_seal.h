/* stamp_seal.h — the school's round red seal as vector paths (spec §6).
 * Takes: the seal's geometry (from templates/stamp.xml), the school name,
 * the seal's purpose, the fonts. Gives: path items on a page. The
 * characters are drawn as their glyph outlines, not as text: a seal is a
 * picture, and its letters must not mix into the page's extracted text. */
#ifndef DANGAN_SEAL_H
#define DANGAN_SEAL_H

#include "font_set.h"
#include "layout_pages.h"

typedef struct seal_style {
    float diameter, ring, star;      /* points */
    float name_size, name_arc;       /* points; degrees of arc the name spans */
    float purpose_size, purpose_drop;/* points; baseline below the centre */
    rgb color;
    char role[32];                   /* font role for the letters */
} seal_style;

/* Draws the whole seal centred at (cx, cy). */
void seal_draw(page *pg, const font_set *fs, const seal_style *st, const char *name,
               const char *purpose, float cx, float cy);

/* Appends the outline of one glyph, scaled to size, rotated by angle
 * (radians) about its centre, the centre at (x, y). Returns its advance. */
float seal_glyph(page *pg, const font_set *fs, int font, uint32_t gid, float size,
                 float x, float y, float angle);

#endif
