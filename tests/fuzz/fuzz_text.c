/* libFuzzer target: the text engine. Any valid UTF-8 through shaping,
 * clreq line breaking and justification at a measure taken from the first
 * byte; every source byte must land in at most one cluster, in order. */
#include "font_set.h"
#include "text.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static font_set *fs;
static text_engine *te;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc; (void)argv;
    char err[512];
    fs = fonts_open("fonts/fonts.xml", "templates/schemas/fonts.xsd", err, sizeof err);
    if (!fs) { fprintf(stderr, "%s\n", err); exit(1); }
    te = text_engine_new(fs);
    return 0;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    if (size < 1 || size > 20000) return 0;
    const char *t = (const char *)data + 1;
    size_t len = size - 1;
    if (utf8_first_invalid(t, len) >= 0 || memchr(t, 0, len)) return 0;
    static const char *const ROLES[] = {"body", "heading", "kai"};
    text_style st = {ROLES[data[0] % 3], 10, (float)(data[0] % 4) * 10, data[0] & 1, 0, 0};
    text_lines tl = {0};
    float measure = 30 + (float)(data[0] % 64) * 10;
    if (text_set(te, t, len, &st, measure, &tl) == 0) {
        uint32_t last = 0;
        for (size_t i = 0; i < tl.nglyphs; i++) {
            const text_glyph *g = &tl.glyphs[i];
            if (g->src_len && (g->src_off < last || g->src_off + g->src_len > len)) abort();
            if (g->src_len) last = g->src_off + g->src_len;
        }
    }
    text_lines_free(&tl);
    return 0;
}
