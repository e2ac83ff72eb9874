/* stamp_seal.c — see stamp_seal.h.
 *
 * Geometry: an outer ring; the school name along the upper arc, each
 * character upright towards the centre, spread evenly over name_arc
 * degrees; a five-pointed star in the centre; the purpose in a straight
 * line below it. Glyph outlines come from FreeType in font units and are
 * turned into PDF path segments (quadratic curves become cubic). */
#include "stamp_seal.h"
#include "util.h"

#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_OUTLINE_H
#include <math.h>
#include <string.h>

#define KAPPA 0.5522847498f   /* cubic Bézier handle for a quarter circle */

typedef struct outline_ctx {
    page *pg;
    float scale, cx, cy, cosa, sina, ox, oy;   /* font units → page */
    float lastx, lasty;                         /* in font units, for conics */
    int open;                                   /* a contour is open */
} outline_ctx;

static void to_page(const outline_ctx *c, float fx, float fy, float *x, float *y)
{
    float u = (fx - c->ox) * c->scale, v = (fy - c->oy) * c->scale;
    *x = c->cx + u * c->cosa - v * c->sina;
    *y = c->cy + u * c->sina + v * c->cosa;
}

static path_seg *seg(outline_ctx *c, path_op op)
{
    path_seg *s = page_add_segs(c->pg, 1);
    s->op = op;
    return s;
}

static int move_to(const FT_Vector *to, void *user)
{
    outline_ctx *c = user;
    if (c->open) seg(c, PATH_CLOSE);
    c->open = 1;
    path_seg *s = seg(c, PATH_MOVE);
    to_page(c, (float)to->x, (float)to->y, &s->x[0], &s->y[0]);
    c->lastx = (float)to->x;
    c->lasty = (float)to->y;
    return 0;
}

static int line_to(const FT_Vector *to, void *user)
{
    outline_ctx *c = user;
    path_seg *s = seg(c, PATH_LINE);
    to_page(c, (float)to->x, (float)to->y, &s->x[0], &s->y[0]);
    c->lastx = (float)to->x;
    c->lasty = (float)to->y;
    return 0;
}

static int cubic_to(const FT_Vector *a, const FT_Vector *b, const FT_Vector *to, void *user)
{
    outline_ctx *c = user;
    path_seg *s = seg(c, PATH_CURVE);
    to_page(c, (float)a->x, (float)a->y, &s->x[0], &s->y[0]);
    to_page(c, (float)b->x, (float)b->y, &s->x[1], &s->y[1]);
    to_page(c, (float)to->x, (float)to->y, &s->x[2], &s->y[2]);
    c->lastx = (float)to->x;
    c->lasty = (float)to->y;
    return 0;
}

/* A quadratic curve is the cubic with handles two thirds of the way to its control point. */
static int conic_to(const FT_Vector *ctl, const FT_Vector *to, void *user)
{
    outline_ctx *c = user;
    FT_Vector a = {(FT_Pos)(c->lastx + 2.0f / 3 * ((float)ctl->x - c->lastx)),
                   (FT_Pos)(c->lasty + 2.0f / 3 * ((float)ctl->y - c->lasty))};
    FT_Vector b = {(FT_Pos)((float)to->x + 2.0f / 3 * ((float)ctl->x - (float)to->x)),
                   (FT_Pos)((float)to->y + 2.0f / 3 * ((float)ctl->y - (float)to->y))};
    return cubic_to(&a, &b, to, user);
}

float seal_glyph(page *pg, const font_set *fs, int font, uint32_t gid, float size,
                 float x, float y, float angle)
{
    FT_Face face = fonts_face(fs, font);
    if (FT_Load_Glyph(face, gid, FT_LOAD_NO_SCALE | FT_LOAD_NO_HINTING | FT_LOAD_NO_BITMAP) ||
        face->glyph->format != FT_GLYPH_FORMAT_OUTLINE)
        return 0;
    float upem = (float)face->units_per_EM;
    float adv = (float)face->glyph->metrics.horiAdvance;
    /* The em box's centre: half the advance across, 0.38 em up from the
     * baseline (the ideographic em box sits 0.12 em below it). */
    outline_ctx c = {pg, size / upem, x, y, cosf(angle), sinf(angle), adv / 2, upem * 0.38f, 0, 0, 0};
    FT_Outline_Funcs f = {move_to, line_to, conic_to, cubic_to, 0, 0};
    FT_Outline_Decompose(&face->glyph->outline, &f, &c);
    if (c.open) seg(&c, PATH_CLOSE);
    return adv / upem * size;
}

static void add_path(page *pg, size_t first, float stroke, rgb color)
{
    page_item *it = page_add_item(pg, ITEM_PATH);
    it->first_seg = first;
    it->nsegs = pg->nsegs - first;
    it->width = stroke;
    it->color = color;
}

static void circle(page *pg, float cx, float cy, float r)
{
    float k = r * KAPPA;
    path_seg *s = page_add_segs(pg, 6);
    s[0] = (path_seg){PATH_MOVE, {cx + r}, {cy}};
    s[1] = (path_seg){PATH_CURVE, {cx + r, cx + k, cx}, {cy + k, cy + r, cy + r}};
    s[2] = (path_seg){PATH_CURVE, {cx - k, cx - r, cx - r}, {cy + r, cy + k, cy}};
    s[3] = (path_seg){PATH_CURVE, {cx - r, cx - k, cx}, {cy - k, cy - r, cy - r}};
    s[4] = (path_seg){PATH_CURVE, {cx + k, cx + r, cx + r}, {cy - r, cy - k, cy}};
    s[5] = (path_seg){PATH_CLOSE, {0}, {0}};
}

static void star(page *pg, float cx, float cy, float r)
{
    path_seg *s = page_add_segs(pg, 11);
    for (int i = 0; i < 10; i++) {
        float rr = i % 2 ? r * 0.382f : r;
        float a = (float)M_PI / 2 + (float)i * (float)M_PI / 5;
        s[i] = (path_seg){i ? PATH_LINE : PATH_MOVE, {cx + rr * cosf(a)}, {cy + rr * sinf(a)}};
    }
    s[10] = (path_seg){PATH_CLOSE, {0}, {0}};
}

/* Code points of s, at most max. */
static int decode(const char *s, uint32_t *cp, int max)
{
    size_t len = strlen(s), i = 0;
    int n = 0;
    while (i < len && n < max) {
        int32_t c = utf8_next(s, len, &i);
        if (c < 0) { i++; continue; }
        if (c != ' ' && c != 0x3000) cp[n++] = (uint32_t)c;
    }
    return n;
}

static void glyph_at(page *pg, const font_set *fs, const char *role, uint32_t c, float size,
                     float x, float y, float angle)
{
    int f = fonts_pick(fs, role, c);
    if (f < 0) return;
    FT_Face face = fonts_face(fs, f);
    seal_glyph(pg, fs, f, FT_Get_Char_Index(face, c), size, x, y, angle);
}

void seal_draw(page *pg, const font_set *fs, const seal_style *st, const char *name,
               const char *purpose, float cx, float cy)
{
    float r = st->diameter / 2;
    size_t first = pg->nsegs;
    circle(pg, cx, cy, r - st->ring / 2);
    add_path(pg, first, st->ring, st->color);

    first = pg->nsegs;
    star(pg, cx, cy, st->star / 2);
    uint32_t cp[64];
    int n = decode(name, cp, 64);
    /* Name: centred on the top, running clockwise, letters facing out. */
    float rt = r - st->ring - st->name_size * 0.62f;
    /* A short name is spaced at about one and a half characters, not
     * spread thin over the whole arc. */
    float arc = st->name_arc * (float)M_PI / 180, loose = st->name_size * 1.5f / rt * (float)(n - 1);
    if (loose < arc) arc = loose;
    float step = n > 1 ? arc / (float)(n - 1) : 0;
    for (int i = 0; i < n; i++) {
        float a = (float)M_PI / 2 + arc / 2 - step * (float)i;
        glyph_at(pg, fs, st->role, cp[i], st->name_size, cx + rt * cosf(a), cy + rt * sinf(a),
                 a - (float)M_PI / 2);
    }
    /* Purpose: one straight line under the star, squeezed to fit the ring. */
    n = decode(purpose, cp, 64);
    float size = st->purpose_size, width = (float)n * size, room = 2 * sqrtf(rt * rt - st->purpose_drop * st->purpose_drop);
    if (width > room * 0.9f) size *= room * 0.9f / width;
    for (int i = 0; i < n; i++)
        glyph_at(pg, fs, st->role, cp[i], size, cx - (float)n * size / 2 + size * ((float)i + 0.5f),
                 cy - st->purpose_drop, 0);
    add_path(pg, first, 0, st->color);
}
