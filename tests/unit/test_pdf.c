/* Unit tests: the PDF stage (pdf.h) on a document built by hand, checked
 * the way a reader would: pdffonts, pdftotext, pdfinfo, qpdf --check, and
 * tests/tools/pdf_inspect.py for glyph positions, fonts, outlines and
 * metadata. Glyphs are "shaped" with FreeType only (one glyph per
 * character, the font's own advance), so the test does not depend on the
 * layout stage. Run from the repository root. */
#include "test.h"
#include "font_set.h"
#include "layout_pages.h"
#include "pdf.h"
#include "util.h"

#include <dirent.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DIR_OUT "build/tests/pdf"
#define CREATED ((time_t)1709280000)   /* 2024-03-01T08:00:00Z */
#define TITLE "教师档案 & <测试> \"引号\""

/* The strings text extraction must give back, each drawn on its own line. */
static const char *const LINES[] = {
    "中文正文：教师业务档案是记录教师专业发展的重要材料，应当真实、完整、规范。",
    "王堃 喆 陈㛃 𠮷祥",
    "Let's 2016",
    "，。“”——……",
};

/* Draws s at (x, y) in role, one run per stretch of one font. extra is
 * added after every glyph (a justified line), jog after the third one
 * only (a kerning-like irregularity the TJ array must express). */
static void draw(const font_set *fs, document *d, page *pg, const char *role, float size,
                 float x, float y, const char *s, float extra, float jog)
{
    size_t len = strlen(s), i = 0;
    glyph_run *run = NULL;
    int n = 0;
    while (i < len) {
        size_t at = i;
        int32_t cp = utf8_next(s, len, &i);
        int f = fonts_pick(fs, role, (uint32_t)cp);
        if (f < 0 && run) f = run->font;        /* a space the chain lacks */
        CHECK(f >= 0);
        if (f < 0) continue;
        if (!run || run->font != f) {
            page_item *it = page_add_item(pg, ITEM_RUN);
            it->opacity = 1;
            run = &it->run;
            *run = (glyph_run){f, size, {0.1f, 0.1f, 0.1f}, pg->nglyphs, 0};
        }
        FT_Face face = fonts_face(fs, f);
        placed_glyph *g = page_add_glyphs(pg, 1);
        g->gid = FT_Get_Char_Index(face, (FT_ULong)cp);
        CHECK(g->gid != 0 || cp == ' ');
        FT_Load_Glyph(face, g->gid, FT_LOAD_NO_SCALE);
        g->advance = (float)face->glyph->advance.x * size / (float)face->units_per_EM;
        g->x = x;
        g->y = y;
        g->text_off = document_add_text(d, s + at, i - at);
        g->text_len = (uint16_t)(i - at);
        x += g->advance + extra + (++n == 3 ? jog : 0);
        run->count++;
    }
}

static void shapes(page *pg)
{
    page_item *it = page_add_item(pg, ITEM_LINE);
    *it = (page_item){.kind = ITEM_LINE, .x0 = 72, .y0 = 700, .x1 = 523, .y1 = 700, .width = 0.5f,
                      .color = {0, 0, 0}, .opacity = 1};
    it = page_add_item(pg, ITEM_RECT);
    *it = (page_item){.kind = ITEM_RECT, .x0 = 72, .y0 = 500, .x1 = 300, .y1 = 560, .width = 1,
                      .color = {0.6f, 0, 0}, .opacity = 1};
    path_seg *sg = page_add_segs(pg, 4);
    sg[0] = (path_seg){PATH_MOVE, {100}, {300}};
    sg[1] = (path_seg){PATH_CURVE, {120, 180, 200}, {350, 350, 300}};
    sg[2] = (path_seg){PATH_LINE, {150}, {260}};
    sg[3] = (path_seg){PATH_CLOSE, {0}, {0}};
    it = page_add_item(pg, ITEM_PATH);
    *it = (page_item){.kind = ITEM_PATH, .color = {0.8f, 0, 0}, .opacity = 1,
                      .first_seg = pg->nsegs - 4, .nsegs = 4};
}

static document *make_doc(const font_set *fs)
{
    document *d = document_new();
    d->title = xstrdup(TITLE);
    d->author = xstrdup("王堃");
    d->subject = xstrdup("单元测试");
    d->keywords = xstrdup("档案");
    page *p1 = document_add_page(d, 595.276f, 841.89f);
    draw(fs, d, p1, "heading", 22, 72, 780, "标题", 0, 0);
    draw(fs, d, p1, "body", 12, 72, 740, LINES[0], 0.137f, 0);
    draw(fs, d, p1, "body", 12, 72, 720, LINES[1], 0, 0);
    draw(fs, d, p1, "body", 12, 72, 700.5f, LINES[2], 0, 0.3f);
    draw(fs, d, p1, "body", 12, 72, 680, LINES[3], 0, 0);
    page *p2 = document_add_page(d, 595.276f, 841.89f);
    draw(fs, d, p2, "heading", 16, 72, 780, "标题 第二页", 0, 0);
    draw(fs, d, p2, "kai", 12.5f, 72.333f, 740.25f, "中文正文 续", 0.5f, -0.75f);
    shapes(p2);
    document_add_outline(d, 0, "第一章 基本情况", 0, 800);
    document_add_outline(d, 1, "第一节 学历", 0, 740);
    document_add_outline(d, 0, "第二章 业绩 𠮷", 1, 800);
    return d;
}

static char *slurp(const char *cmd)
{
    FILE *p = popen(cmd, "r");
    strbuf b;
    sb_init(&b);
    char buf[4096];
    size_t n;
    while (p && (n = fread(buf, 1, sizeof buf, p)) > 0) sb_add(&b, buf, n);
    if (p) pclose(p);
    return b.s ? sb_steal(&b) : xstrdup("");
}

static int same_file(const char *a, const char *b)
{
    char *x, *y;
    size_t nx, ny;
    if (read_file(a, 1u << 26, &x, &nx) || read_file(b, 1u << 26, &y, &ny)) return 0;
    int same = nx == ny && !memcmp(x, y, nx);
    free(x);
    free(y);
    return same;
}

static int count_entries(const char *dir)
{
    DIR *dp = opendir(dir);
    int n = 0;
    for (struct dirent *e; dp && (e = readdir(dp));) n += e->d_name[0] != '.';
    if (dp) closedir(dp);
    return n;
}

/* Every glyph lands where the layout put it, in order, within 0.01 pt. */
static void check_positions(const document *d, const char *facts)
{
    const char *p = facts;
    int bad = 0, n = 0;
    for (int pi = 0; pi < d->npages; pi++) {
        const page *pg = &d->pages[pi];
        for (size_t i = 0; i < pg->nitems; i++) {
            if (pg->items[i].kind != ITEM_RUN) continue;
            const glyph_run *r = &pg->items[i].run;
            for (size_t k = 0; k < r->count; k++, n++) {
                const placed_glyph *g = &pg->glyphs[r->first + k];
                int page_no;
                float x, y;
                p = p ? strstr(p, "glyph ") : NULL;
                if (!p || sscanf(p, "glyph %d %f %f", &page_no, &x, &y) != 3) { bad++; continue; }
                p++;
                if (page_no != pi || fabsf(x - g->x) > 0.01f || fabsf(y - g->y) > 0.01f) {
                    if (bad++ < 5) fprintf(stderr, "glyph %d: %d %.3f %.3f, expected %d %.3f %.3f\n",
                                           n, page_no, x, y, pi, g->x, g->y);
                }
            }
        }
    }
    CHECK(n > 70);
    CHECK(bad == 0);
    CHECK(!p || !strstr(p, "glyph "));   /* no glyph drawn twice */
}

static void check_fonts(const char *pdf, const char *facts)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "pdffonts %s 2>&1", pdf);
    char *out = slurp(cmd);
    int nf = 0, good = 0;
    for (char *l = strtok(out, "\n"); l; l = strtok(NULL, "\n")) {
        if (!strchr(l, '+')) continue;   /* header lines; every subset name has a tag */
        nf++;
        good += strstr(l, "CID TrueType") && strstr(l, "Identity-H") && strstr(l, "yes yes yes");
        printf("  %s\n", l);
    }
    CHECK(nf >= 4);            /* hei, song, babelstone (𠮷), kai, … */
    CHECK(good == nf);
    free(out);
    /* Sizes: every program a subset, small. */
    long total = 0;
    for (const char *f = strstr(facts, "\nfont "); f; f = strstr(f + 1, "\nfont ")) {
        char name[128];
        long raw, len1;
        if (sscanf(f, "\nfont %127s %ld %ld", name, &raw, &len1) != 3) continue;
        printf("  font program %-40s %6ld bytes in file (%ld unpacked)\n", name, raw, len1);
        CHECK(raw < 40000);
        total += raw;
    }
    printf("  font programs total %ld bytes\n", total);
    CHECK(total > 0 && total < 100000);
    /* 𠮷 maps to its surrogate pair, not a space. */
    CHECK(strstr(facts, " D842DFB7\n") != NULL);
}

static void check_text(const char *pdf)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "pdftotext -enc UTF-8 %s - 2>" DIR_OUT "/pdftotext.err", pdf);
    char *txt = slurp(cmd);
    for (size_t i = 0; i < sizeof LINES / sizeof LINES[0]; i++) {
        int found = strstr(txt, LINES[i]) != NULL;
        if (!found) fprintf(stderr, "not extracted: %s\n", LINES[i]);
        CHECK(found);
    }
    CHECK(strstr(txt, "标题") && strstr(txt, "续"));
    free(txt);
    char *err;
    size_t n;
    CHECK(read_file(DIR_OUT "/pdftotext.err", 1 << 20, &err, &n) == 0);
    if (n) fprintf(stderr, "pdftotext: %.*s\n", (int)n, err);
    CHECK(n == 0);
    free(err);
}

static void check_tools(const char *pdf, const char *facts)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "qpdf --check %s 2>&1", pdf);
    char *out = slurp(cmd);
    CHECK(strstr(out, "No syntax or stream encoding errors found") != NULL);
    CHECK(strstr(out, "WARNING") == NULL);
    free(out);
    snprintf(cmd, sizeof cmd, "pdfinfo -enc UTF-8 %s 2>&1", pdf);
    out = slurp(cmd);
    CHECK(strstr(out, "Title:           " TITLE "\n") != NULL);
    CHECK(strstr(out, "Author:          王堃\n") != NULL);
    CHECK(strstr(out, "Pages:           2\n") != NULL);
    CHECK(strstr(out, "Page size:       595.276 x 841.89 pts (A4)") != NULL);
    free(out);
    /* Outlines: titles readable, nesting and pages kept. */
    CHECK(strstr(facts, "outline 0 1 第一章 基本情况\n") != NULL);
    CHECK(strstr(facts, "outline 1 1 第一节 学历\n") != NULL);
    CHECK(strstr(facts, "outline 0 2 第二章 业绩 𠮷\n") != NULL);
    /* PDF/A-1b pieces: output intent, no transparency, dates agree. */
    CHECK(strstr(facts, "intent GTS_PDFA1 3\n") != NULL);
    CHECK(strstr(facts, "extgstate 0\n") != NULL);
    CHECK(strstr(facts, "date CreationDate D:20240301080000Z00'00'\n") != NULL);
    CHECK(strstr(facts, "date ModDate D:20240301080000Z00'00'\n") != NULL);
    CHECK(strstr(facts, "date xmp:CreateDate 2024-03-01T08:00:00Z\n") != NULL);
}

/* The XMP packet (unfiltered, so visible in the raw bytes) escapes the
 * title; the trailer carries an /ID. */
static void check_raw(const char *pdf)
{
    char *b;
    size_t n;
    CHECK(read_file(pdf, 1u << 26, &b, &n) == 0);
    char *s = xstrndup(b, n);
    for (size_t i = 0; i < n; i++) if (!s[i]) s[i] = ' ';
    CHECK(strstr(s, "教师档案 &amp; &lt;测试&gt; &quot;引号&quot;") != NULL);
    CHECK(strstr(s, "<pdfaid:part>1</pdfaid:part>") && strstr(s, "<pdfaid:conformance>B</pdfaid:conformance>"));
    CHECK(strstr(s, "<dc:creator><rdf:Seq><rdf:li>王堃</rdf:li>") != NULL);
    CHECK(strstr(s, "<pdf:Producer>") != NULL);
    const char *tr = strstr(s, "trailer");
    CHECK(tr && strstr(tr, "/ID [<") != NULL);
    CHECK(strncmp(s, "%PDF-1.4", 8) == 0);
    printf("  file size %zu bytes\n", n);
    CHECK(n < 100000);
    free(s);
    free(b);
}

static void check_failures(const document *d, const font_set *fs)
{
    char err[512] = "";
    pdf_options o = {CREATED, "templates/sRGB.icc"};
    /* A folder that does not exist: -1, a message, nothing created. */
    CHECK(pdf_write(d, fs, &o, DIR_OUT "/nope/x.pdf", err, sizeof err) == -1);
    CHECK(err[0] != '\0');
    struct stat st;
    CHECK(stat(DIR_OUT "/nope", &st) != 0);
    /* A failure inside the stage (no ICC profile): -1, the old file kept
     * whole, no temporary left beside it. */
    int before = count_entries(DIR_OUT);
    pdf_options bad = {CREATED, "templates/no-such.icc"};
    err[0] = '\0';
    CHECK(pdf_write(d, fs, &bad, DIR_OUT "/a.pdf", err, sizeof err) == -1);
    CHECK(strstr(err, "no-such.icc") != NULL);
    CHECK(count_entries(DIR_OUT) == before);
    CHECK(same_file(DIR_OUT "/a.pdf", DIR_OUT "/b.pdf"));
    /* Into a read-only folder: -1, nothing left (skipped as root). */
    mkdir(DIR_OUT "/ro", 0555);
    if (access(DIR_OUT "/ro", W_OK) != 0) {
        CHECK(pdf_write(d, fs, &o, DIR_OUT "/ro/x.pdf", err, sizeof err) == -1);
        CHECK(count_entries(DIR_OUT "/ro") == 0);
    }
}

int main(void)
{
    char err[512] = "";
    font_set *fs = fonts_open("fonts/fonts.xml", "templates/schemas/fonts.xsd", err, sizeof err);
    if (!fs) { fprintf(stderr, "%s\n", err); return 1; }
    mkdir("build/tests", 0777);
    mkdir(DIR_OUT, 0777);
    document *d = make_doc(fs);
    pdf_options o = {CREATED, "templates/sRGB.icc"};

    CHECK(pdf_write(d, fs, &o, DIR_OUT "/a.pdf", err, sizeof err) == 0);
    if (err[0]) fprintf(stderr, "%s\n", err);
    /* Same document, same time: same bytes, in a file or in memory. */
    CHECK(pdf_write(d, fs, &o, DIR_OUT "/b.pdf", err, sizeof err) == 0);
    CHECK(same_file(DIR_OUT "/a.pdf", DIR_OUT "/b.pdf"));
    unsigned char *mem = NULL;
    size_t len = 0;
    CHECK(pdf_write_mem(d, fs, &o, &mem, &len, err, sizeof err) == 0);
    FILE *f = fopen(DIR_OUT "/m.pdf", "wb");
    if (f) { fwrite(mem, 1, len, f); fclose(f); }
    CHECK(same_file(DIR_OUT "/a.pdf", DIR_OUT "/m.pdf"));
    free(mem);
    /* A different time changes the bytes. */
    pdf_options later = {CREATED + 1, "templates/sRGB.icc"};
    CHECK(pdf_write(d, fs, &later, DIR_OUT "/c.pdf", err, sizeof err) == 0);
    CHECK(!same_file(DIR_OUT "/a.pdf", DIR_OUT "/c.pdf"));

    char *facts = slurp("python3 tests/tools/pdf_inspect.py " DIR_OUT "/a.pdf");
    check_positions(d, facts);
    check_fonts(DIR_OUT "/a.pdf", facts);
    check_text(DIR_OUT "/a.pdf");
    check_tools(DIR_OUT "/a.pdf", facts);
    check_raw(DIR_OUT "/a.pdf");
    check_failures(d, fs);
    free(facts);

    document_free(d);
    fonts_close(fs);
    return test_done("pdf");
}
