/* font_set.c — see font_set.h.
 *
 * Coverage is asked once per character of every submission, so each font's
 * cmap is turned into a bitmap of all 0x110000 code points (136 KiB) when
 * the font is opened; a lookup is then one bit test, with no FreeType call. */
#include "font_set.h"
#include "util_lang.h"
#include "util.h"
#include "check_schema.h"
#include "load_xml.h"
#include "util_limits.h"

#include <assert.h>
#include <hb.h>
#include <ft2build.h>
#include FT_FREETYPE_H

#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NCP 0x110000u

typedef struct font {
    char *id, *file, *package;
    int index;
    FT_Face face;
    uint8_t *cover;              /* NCP bits */
    hb_face_t *hb;               /* made on first use */
    signed char plain;           /* fonts_shapes_plainly: 0 not asked yet, 1 yes, -1 no */
    hb_font_t *hbfont;           /* plain fonts: for fonts_plain_glyph, at unit scale */
    uint32_t *bmp;               /* plain fonts: BMP code point → advance << 16 | glyph,
                                    0 not looked up yet, NO_GLYPH none */
} font;

#define NO_GLYPH 0xFFFFFFFFu

typedef struct role {
    char *name;
    int chain[MAX_CHAIN];
    int n;
} role;

struct font_set {
    FT_Library lib;
    font fonts[MAX_FONTS];
    int nfonts;
    role roles[MAX_ROLES];
    int nroles;
    uint8_t *every;              /* NCP bits: some font of every role has it */
};

/* Font i of the set: every index a caller holds came from this set. */
static font *font_at(const font_set *fs, int i)
{
    assert(i >= 0 && i < fs->nfonts && fs->nfonts <= MAX_FONTS);
    return (font *)&fs->fonts[i];
}

static void fill_cover(font *f)
{
    f->cover = xcalloc(NCP / 8, 1);
    FT_UInt gid;
    FT_ULong cp = FT_Get_First_Char(f->face, &gid);
    while (gid != 0) {
        if (cp < NCP) f->cover[cp >> 3] |= (uint8_t)(1u << (cp & 7));
        cp = FT_Get_Next_Char(f->face, cp, &gid);
    }
}

static int font_index(const font_set *fs, const char *id)
{
    for (int i = 0; i < fs->nfonts; i++)
        if (!strcmp(fs->fonts[i].id, id)) return i;
    return -1;
}

/* Relative font paths are taken from the manifest's folder. */
static char *resolve(const char *manifest, const char *file)
{
    if (file[0] == '/') return xstrdup(file);
    char *copy = xstrdup(manifest);
    char *r = path_join(dirname(copy), file);
    free(copy);
    return r;
}

static int open_font(font_set *fs, xmlNodePtr n, const char *manifest, char *err, size_t errlen)
{
    if (fs->nfonts == MAX_FONTS) {
        snprintf(err, errlen, TR("%s:%ld: 字体超过 %d 个", "%s:%ld: more than %d fonts"), manifest, xml_line(n), MAX_FONTS);
        return -1;
    }
    font *f = &fs->fonts[fs->nfonts];
    char *id = xml_attr(n, "id"), *file = xml_attr(n, "file"), *pkg = xml_attr(n, "package"),
         *ix = xml_attr(n, "index");
    f->id = xstrdup(id ? id : "");
    f->file = resolve(manifest, file ? file : "");
    f->package = xstrdup(pkg ? pkg : "");
    f->index = ix ? atoi(ix) : 0;
    xmlFree(id); xmlFree(file); xmlFree(pkg); xmlFree(ix);
    fs->nfonts++;
    if (access(f->file, R_OK) != 0) {
        snprintf(err, errlen, TR("找不到字体文件 %s（请安装 Debian 软件包 %s，或运行 sh setup.sh）", "font file %s not found (install the Debian package %s, or run sh setup.sh)"),
                 f->file, f->package);
        return -1;
    }
    if (FT_New_Face(fs->lib, f->file, f->index, &f->face) != 0) {
        f->face = NULL;
        snprintf(err, errlen, TR("无法读取字体文件 %s（第 %d 个字体）", "cannot read font file %s (face %d)"), f->file, f->index);
        return -1;
    }
    fill_cover(f);
    return 0;
}

/* The intersection over roles of the union over each chain, a word at a
 * time: checking every character of a submission against every role was
 * 5% of a batch build when done role by role. */
static void fill_every(font_set *fs)
{
    fs->every = xcalloc(NCP / 8, 1);
    for (size_t w = 0; w < NCP / 64; w++) {
        uint64_t all = fs->nroles ? ~(uint64_t)0 : 0;
        for (int r = 0; r < fs->nroles; r++) {
            uint64_t any = 0;
            for (int k = 0; k < fs->roles[r].n; k++) {
                uint64_t v;
                memcpy(&v, fs->fonts[fs->roles[r].chain[k]].cover + 8 * w, 8);
                any |= v;
            }
            all &= any;
        }
        memcpy(fs->every + 8 * w, &all, 8);
    }
}

static int read_role(font_set *fs, xmlNodePtr n, const char *manifest, char *err, size_t errlen)
{
    if (fs->nroles == MAX_ROLES) {
        snprintf(err, errlen, TR("%s:%ld: 用途超过 %d 个", "%s:%ld: more than %d roles"), manifest, xml_line(n), MAX_ROLES);
        return -1;
    }
    role *r = &fs->roles[fs->nroles++];
    char *name = xml_attr(n, "name"), *list = xml_attr(n, "fonts");
    r->name = xstrdup(name ? name : "");
    int rc = 0;
    for (char *save = NULL, *tok = strtok_r(list ? list : (char *)"", " \t\n", &save);
         tok && rc == 0; tok = strtok_r(NULL, " \t\n", &save)) {
        int ix = font_index(fs, tok);
        if (ix < 0 || r->n == MAX_CHAIN) {
            snprintf(err, errlen, TR("%s:%ld: 用途 %s 引用了未定义的字体 %s（或超过 %d 个）", "%s:%ld: role %s names an undefined font %s (or more than %d)"),
                     manifest, xml_line(n), r->name, tok, MAX_CHAIN);
            rc = -1;
        } else {
            r->chain[r->n++] = ix;
        }
    }
    xmlFree(name);
    xmlFree(list);
    return rc;
}

font_set *fonts_open(const char *manifest, const char *xsd, char *err, size_t errlen)
{
    xmlDocPtr doc = xml_load_data(manifest, err, errlen);
    if (!doc) return NULL;
    if (xsd && schema_check_data(xsd, doc, err, errlen) != 0) {
        xmlFreeDoc(doc);
        return NULL;
    }
    font_set *fs = xcalloc(1, sizeof *fs);
    int rc = FT_Init_FreeType(&fs->lib) ? -1 : 0;
    if (rc) snprintf(err, errlen, TR("FreeType 初始化失败", "FreeType failed to initialise"));
    xmlNodePtr root = xmlDocGetRootElement(doc);
    /* Fonts first, so that a role may name a font defined after it. */
    for (xmlNodePtr n = root->children; n && rc == 0; n = n->next)
        if (xml_is(n, "font")) rc = open_font(fs, n, manifest, err, errlen);
    for (xmlNodePtr n = root->children; n && rc == 0; n = n->next)
        if (xml_is(n, "role")) rc = read_role(fs, n, manifest, err, errlen);
    xmlFreeDoc(doc);
    if (rc != 0) {
        fonts_close(fs);
        return NULL;
    }
    fill_every(fs);
    return fs;
}

void fonts_close(font_set *fs)
{
    if (!fs) return;
    for (int i = 0; i < fs->nfonts; i++) {
        font *f = &fs->fonts[i];
        if (f->face) FT_Done_Face(f->face);
        if (f->hb) hb_face_destroy(f->hb);
        free(f->cover);
        free(f->bmp);
        if (f->hbfont) hb_font_destroy(f->hbfont);
        free(f->id);
        free(f->file);
        free(f->package);
    }
    for (int i = 0; i < fs->nroles; i++) free(fs->roles[i].name);
    free(fs->every);
    if (fs->lib) FT_Done_FreeType(fs->lib);
    free(fs);
}

static int has(const font *f, uint32_t cp)
{
    return cp < NCP && (f->cover[cp >> 3] >> (cp & 7)) & 1;
}

static int layout_only(uint32_t cp)
{
    return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0) || cp == 0x20 ||
           cp == 0x3000 || cp == 0xA0 || cp == 0x200B || cp == 0xFEFF;
}

int fonts_role(const font_set *fs, const char *name)
{
    for (int i = 0; name && i < fs->nroles; i++)
        if (!strcmp(fs->roles[i].name, name)) return i;
    return -1;
}

/* Private-use code points mean whatever one font decided (some fonts
 * here put component shapes there): text using them would change meaning
 * with the font and extract as garbage, so no font "has" them. */
static int private_use(uint32_t cp)
{
    return (cp >= 0xE000 && cp <= 0xF8FF) || cp >= 0xF0000;
}

int fonts_pick_in(const font_set *fs, int role, uint32_t cp)
{
    if (private_use(cp) || role < 0 || role >= fs->nroles) return -1;
    const struct role *r = &fs->roles[role];
    assert(r->n <= MAX_CHAIN);
    for (int i = 0; i < r->n; i++)
        if (has(font_at(fs, r->chain[i]), cp)) return r->chain[i];
    return -1;
}

int fonts_pick(const font_set *fs, const char *role_name, uint32_t cp)
{
    if (role_name) return fonts_pick_in(fs, fonts_role(fs, role_name), cp);
    if (private_use(cp)) return -1;
    for (int i = 0; i < fs->nfonts; i++)
        if (has(&fs->fonts[i], cp)) return i;
    return -1;
}

int fonts_covers(const font_set *fs, const char *role_name, uint32_t cp)
{
    return layout_only(cp) || fonts_pick(fs, role_name, cp) >= 0;
}

int fonts_covers_every_role(const font_set *fs, uint32_t cp)
{
    if (layout_only(cp)) return 1;
    return !private_use(cp) && cp < NCP && (fs->every[cp >> 3] >> (cp & 7)) & 1;
}

int fonts_count(const font_set *fs) { return fs->nfonts; }

const char *fonts_id(const font_set *fs, int i) { return font_at(fs, i)->id; }
const char *fonts_file(const font_set *fs, int i) { return font_at(fs, i)->file; }
int fonts_face_index(const font_set *fs, int i) { return font_at(fs, i)->index; }
void *fonts_face(const font_set *fs, int i) { return font_at(fs, i)->face; }

void *fonts_hb_face(const font_set *fs, int i)
{
    font *f = font_at(fs, i);
    if (!f->hb) {
        hb_blob_t *blob = hb_blob_create_from_file(f->file);
        f->hb = hb_face_create(blob, (unsigned)f->index);
        hb_blob_destroy(blob);
    }
    return f->hb;
}

/* 1 when every subtable of the font's 'mort' (legacy AAT) applies to
 * vertical text only (coverage bit 0x8000): the AR PL fonts carry one,
 * for vertical forms. Bounds-checked; malformed counts as not vertical. */
/* One mort chain at m[p]: 1 when its subtables are all vertical-only;
 * *next is the following chain. A chain is a 12-byte header (flags,
 * length, feature and subtable counts), 12 bytes per feature, then the
 * subtables, each with its length and coverage first. */
static int mort_chain_vertical(const unsigned char *m, size_t len, size_t p, size_t *next)
{
    if (p + 12 > len || be32(m + p + 4) < 12) return 0;
    *next = p + be32(m + p + 4);
    unsigned nsub = be16(m + p + 10);
    size_t q = p + 12 + 12 * (size_t)be16(m + p + 8);
    for (unsigned k = 0; k < nsub; k++) {
        if (q + 8 > len || be16(m + q) < 8 || !(m[q + 2] & 0x80)) return 0;
        q += be16(m + q);
    }
    return 1;
}

static int mort_vertical_only(hb_face_t *face)
{
    hb_blob_t *b = hb_face_reference_table(face, HB_TAG('m', 'o', 'r', 't'));
    unsigned len;
    const unsigned char *m = (const unsigned char *)hb_blob_get_data(b, &len);
    int ok = 1;
    if (len) {
        uint32_t nchains = len >= 8 ? be32(m + 4) : 0;
        size_t p = 8;
        ok = nchains > 0;
        for (uint32_t c = 0; ok && c < nchains; c++) ok = mort_chain_vertical(m, len, p, &p);
    }
    hb_blob_destroy(b);
    return ok;
}

static int has_no_layout(hb_face_t *face)
{
    static const hb_tag_t layout[] = {HB_TAG('G', 'S', 'U', 'B'), HB_TAG('G', 'P', 'O', 'S'),
                                      HB_TAG('k', 'e', 'r', 'n'), HB_TAG('m', 'o', 'r', 'x'),
                                      HB_TAG('k', 'e', 'r', 'x'), HB_TAG('t', 'r', 'a', 'k')};
    for (size_t k = 0; k < sizeof layout / sizeof layout[0]; k++) {
        hb_blob_t *b = hb_face_reference_table(face, layout[k]);
        unsigned len = hb_blob_get_length(b);
        hb_blob_destroy(b);
        if (len) return 0;
    }
    return mort_vertical_only(face);
}

int fonts_shapes_plainly(const font_set *fs, int i)
{
    if (i < 0 || i >= fs->nfonts) return 0;
    font *f = (font *)&fs->fonts[i];     /* filled on first use, like the face */
    if (!f->plain) f->plain = has_no_layout(fonts_hb_face(fs, i)) ? 1 : -1;
    return f->plain > 0;
}

uint32_t fonts_plain_glyph(const font_set *fs, int i, uint32_t c)
{
    if (c > 0xFFFF || !fonts_shapes_plainly(fs, i)) return 0;
    font *f = (font *)&fs->fonts[i];
    if (!f->bmp) {
        hb_face_t *face = fonts_hb_face(fs, i);
        f->hbfont = hb_font_create(face);
        int upem = (int)hb_face_get_upem(face);
        hb_font_set_scale(f->hbfont, upem, upem);
        f->bmp = xcalloc(0x10000, sizeof *f->bmp);
    }
    uint32_t *e = &f->bmp[c];
    if (!*e) {
        hb_codepoint_t g;
        hb_position_t adv;
        if (!hb_font_get_nominal_glyph(f->hbfont, c, &g) || g == 0 || g > 0xFFFE ||
            (adv = hb_font_get_glyph_h_advance(f->hbfont, g)) < 0 || adv > 0xFFFF)
            *e = NO_GLYPH;
        else
            *e = (uint32_t)adv << 16 | g;
    }
    return *e == NO_GLYPH ? 0 : *e;
}
