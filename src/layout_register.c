/* layout_register.c — see layout_register.h. The title names the school years the
 * rows' placements start in ("2016至2017学年度"); the 研修项目 column the
 * programme's title. */
#include "layout_register.h"
#include "util_lang.h"
#include "layout_blocks.h"
#include "load_calendar.h"
#include "util_date.h"
#include "load_profile.h"
#include "typeset.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *const HEAD[] = {"序号", "档号", "姓名", "性别", "派出学校", "基地学校",
                                   "跟岗起止时间", "研修项目", "考核等次", "学时"};
#define NHEAD 10

static void row_cells(const archive_row *r, int i, const char *title, char cells[NHEAD][160])
{
    snprintf(cells[0], 160, "%d", i + 1);
    snprintf(cells[1], 160, "%s", r->col[AR_NUMBER]);
    snprintf(cells[2], 160, "%s", r->col[AR_TEACHER]);
    snprintf(cells[3], 160, "%s", r->col[AR_GENDER]);
    snprintf(cells[4], 160, "%s", r->col[AR_HOME]);
    snprintf(cells[5], 160, "%s", r->col[AR_BASE]);
    snprintf(cells[6], 160, "%s至%s", r->col[AR_START], r->col[AR_END]);
    snprintf(cells[7], 160, "%s", title);
    snprintf(cells[8], 160, "%s", r->col[AR_OUTCOME]);
    snprintf(cells[9], 160, "%s", r->null[AR_HOURS] ? "" : r->col[AR_HOURS]);
}

/* The programme's title for the 研修项目 column, as its profile names it;
 * the id when the profile is no longer shipped (an old filing). */
static const char *programme(context *ctx, const archive_row *r)
{
    int missing;
    char err[256];
    const profile *p = context_profile(ctx, r->col[AR_PROFILE], &missing, err, sizeof err);
    return p && p->title ? p->title : r->col[AR_PROFILE];
}

/* The school years (学年度, by templates/terms.xml) the rows' placements
 * start in: a March 2022 placement belongs to 2021至2022. With no rows
 * there is no year to name. */
char *register_title(const calendar *cal, const char *county, const archive_row *rows, int n)
{
    int y0 = 9999, y1 = 0;
    for (int i = 0; i < n; i++) {
        long day;
        if (date_parse(rows[i].col[AR_START], &day) != 0) continue;
        span s = calendar_school_year(cal, day);
        int y, m, d;
        date_to_ymd(s.start, &y, &m, &d);
        if (y < y0) y0 = y;
        if (y + 1 > y1) y1 = y + 1;
    }
    if (y1 == 0) return xasprintf("%s跟岗教师备案表", county);
    return xasprintf("%d至%d学年度%s跟岗教师备案表", y0, y1, county);
}

static int write_csv(context *ctx, const char *path, const archive_row *rows, int n, char *err, size_t errlen)
{
    strbuf b;
    sb_init(&b);
    sb_puts(&b, "\xEF\xBB\xBF");
    for (int k = 0; k < NHEAD; k++) sb_printf(&b, "%s%s", k ? "," : "", HEAD[k]);
    sb_puts(&b, "\r\n");
    for (int i = 0; i < n; i++) {
        char cells[NHEAD][160];
        const char *fields[NHEAD];
        row_cells(&rows[i], i, programme(ctx, &rows[i]), cells);
        for (int k = 0; k < NHEAD; k++) fields[k] = cells[k];
        sb_csv_row(&b, fields, NHEAD);
    }
    int rc = write_file_atomic(path, b.s, b.len);
    if (rc != 0) snprintf(err, errlen, TR("无法写入 %s：%s", "cannot write %s: %s"), path, errno_text(errno));
    sb_free(&b);
    return rc;
}

static void build_blocks(context *ctx, const char *title, const archive_row *rows, int n, block_list *bl)
{
    blocks_add(bl, BLOCK_HEADING, "h1", title)->level = 0;
    static const float W[NHEAD] = {0.04f, 0.11f, 0.07f, 0.04f, 0.16f, 0.14f, 0.14f, 0.16f, 0.08f, 0.06f};
    block *tb = blocks_add_table(bl, NHEAD, W, 1);
    for (int k = 0; k < NHEAD; k++) blocks_add_cell(tb, HEAD[k], 1, 1);
    for (int i = 0; i < n; i++) {
        char cells[NHEAD][160];
        row_cells(&rows[i], i, programme(ctx, &rows[i]), cells);
        for (int k = 0; k < NHEAD; k++) blocks_add_cell(tb, cells[k], 1, 0);
    }
    blocks_add(bl, BLOCK_PARA, "signature",
               "派出学校（盖章）　　　　　　　　　　　　　　　　　　教育行政主管部门（盖章）");
    blocks_add(bl, BLOCK_PARA, "signature",
               "　　年　　月　　日　　　　　　　　　　　　　　　　　　　　　年　　月　　日");
    blocks_add(bl, BLOCK_PARA, "meta", "注：该表一式三份，双方学校、县教育局人事股各留存备案一份。");
}

/* The CSV beside pdf_path: FILE.pdf → FILE.csv. */
static char *csv_path(const char *pdf_path)
{
    size_t len = strlen(pdf_path);
    return len > 4 && !strcmp(pdf_path + len - 4, ".pdf") ? xasprintf("%.*s.csv", (int)(len - 4), pdf_path)
                                                          : xasprintf("%s.csv", pdf_path);
}

/* The title names the school years, whose first day is data
 * (templates/terms.xml) kept by the calendar; `find` does not load it
 * otherwise. NULL with err when the calendar cannot be read. */
static char *title_of(context *ctx, archive *a, const archive_row *rows, int n, char *err, size_t errlen)
{
    calendar *cal = ctx->cal;
    if (!cal) {
        char *cd = path_join(ctx->home, "templates/calendars"), *terms = path_join(ctx->home, "templates/terms.xml");
        cal = calendar_load(cd, terms, ctx->schema_dir, err, errlen);
        free(cd);
        free(terms);
        if (!cal) return NULL;
    }
    char *title = register_title(cal, archive_county(a), rows, n);
    if (cal != ctx->cal) calendar_free(cal);
    return title;
}

int register_write(context *ctx, archive *a, const find_query *q, const char *pdf_path,
                   time_t when, char *err, size_t errlen)
{
    archive_row *rows;
    int n = archive_query(a, q, &rows, err, errlen);
    if (n < 0) return -1;
    char *title = title_of(ctx, a, rows, n, err, errlen);
    int rc = title ? 0 : -1;
    block_list bl = {0};
    if (rc == 0) build_blocks(ctx, title, rows, n, &bl);
    /* The CSV first: a failed PDF must not leave a CSV claiming success. */
    char *csv = csv_path(pdf_path);
    /* Keywords: the archive numbers' prefix, and the year asked for. */
    char *keywords = q->year ? xasprintf("%s-%d", archive_prefix(a), q->year) : xstrdup(archive_prefix(a));
    typeset_input in = {"register", &bl, {NULL, 0, 0}, title, archive_county(a), "跟岗教师备案表", keywords};
    if (rc == 0) rc = write_csv(ctx, csv, rows, n, err, errlen);
    if (rc == 0 && (rc = typeset(ctx, &in, when, pdf_path, err, errlen)) != 0) unlink(csv);
    free(csv);
    free(keywords);
    blocks_free(&bl);
    free(title);
    archive_rows_free(rows, n);
    return rc;
}
