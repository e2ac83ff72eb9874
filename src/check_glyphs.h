/* check_glyphs.h — "every character can be typeset with the shipped fonts"
 * (spec §3). Takes: a loaded submission and the font set. Gives:
 * glyph.missing findings, one per distinct character, at its first use. */
#ifndef DANGAN_GLYPHS_H
#define DANGAN_GLYPHS_H

#include "check_findings.h"
#include "font_set.h"
#include "load_submission.h"

void glyphs_check(const submission *s, const font_set *fs, findings *f);

#endif
