/* check_always.c — see check_always.h. */
#include "check_always.h"
#include "util_date.h"
#include "util.h"
#include "image.h"
#include "check_schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *const WEEKDAY_ZH[8] = {"", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日"};
static const char *const WEEKDAY_EN[8] = {"", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};

static const char *fname(const submission *s, int file)
{
    return s->files[file].name;
}

/* A reflection is dated when it was written — any day of the week — and a
 * kind the profile declares may be written after the placement, within
 * its window. */
static void check_reflection_date(const submission *s, const profile *p, const record *r, findings *f)
{
    long late = profile_due_days(p, r);
    if (r->date >= s->start && r->date <= s->end + late) return;
    char d[11], a[11], b[11], c[11], e[11];
    date_format(r->date, d);
    date_format(s->start, a);
    date_format(s->end, b);
    if (!late) {
        finding_add(f, SEV_ERROR, "date.outside", fname(s, r->file), r->line, "date in period",
                    "%s%.0s的日期 %s 不在跟岗期间（%s 至 %s）内", "%.0s%s dated %s is outside the placement period (%s to %s)",
                    element_label("reflection"), "reflection", d, a, b);
        return;
    }
    date_format(s->end + 1, c);
    date_format(s->end + late, e);
    finding_add(f, SEV_ERROR, "date.outside", fname(s, r->file), r->line, "date in period or due window",
                "%s%.0s的日期 %s 既不在跟岗期间（%s 至 %s）内，也不在结束后 %ld 天的写作期限（%s 至 %s）内",
                "%.0s%s dated %s is outside both the placement period (%s to %s) and the %ld days after it allowed for it (%s to %s)",
                element_label("reflection"), "reflection", d, a, b, late, c, e);
}

/* Observations, taught lessons and journal days happen at school: inside
 * the period and on working days. */
static void check_record_date(const submission *s, const calendar *cal, const record *r, findings *f)
{
    char d[11];
    date_format(r->date, d);
    const char *what = element_label(rec_type_name(r->type));
    if (r->date < s->start || r->date > s->end) {
        char a[11], b[11];
        finding_add(f, SEV_ERROR, "date.outside", fname(s, r->file), r->line, "date in period",
                    "%s%.0s的日期 %s 不在跟岗期间（%s 至 %s）内", "%.0s%s dated %s is outside the placement period (%s to %s)",
                    what, rec_type_name(r->type), d, date_format(s->start, a), date_format(s->end, b));
        return;
    }
    /* Online courses are taken in the evening or at weekends, and a
     * mentoring starts when it is agreed: only working records must fall
     * on working days. */
    if (r->type == REC_STUDY || r->type == REC_MENTEE || calendar_is_workday(cal, r->date)) return;
    const char *hol = calendar_holiday(cal, r->date);
    int wd = date_weekday(r->date);
    if (hol && hol[0])
        finding_add(f, SEV_ERROR, "date.holiday", fname(s, r->file), r->line, "working day",
                    "%s%.0s的日期 %s 是%s假期，不是工作日", "%.0s%s dated %s falls on the %s holiday, not a working day",
                    what, rec_type_name(r->type), d, hol);
    else
        finding_add(f, SEV_ERROR, "date.holiday", fname(s, r->file), r->line, "working day",
                    "%s%.0s的日期 %s 是%s%.0s，不是工作日（也不是调休上班日）",
                    "%.0s%s dated %s is a %.0s%s, not a working day (nor a make-up working day)",
                    what, rec_type_name(r->type), d, WEEKDAY_ZH[wd], WEEKDAY_EN[wd]);
}

/* One warning per year whose calendar data is missing or unverified: the
 * working-day checks for it fall back to Monday–Friday. */
static void check_calendar_years(const submission *s, const calendar *cal, findings *f)
{
    int y1, y2, m, d;
    date_to_ymd(s->start, &y1, &m, &d);
    date_to_ymd(s->end, &y2, &m, &d);
    for (int y = y1; y <= y2 && y - y1 < 50; y++) {
        if (calendar_verified(cal, date_from_ymd(y, 6, 1))) continue;
        finding_add(f, SEV_WARNING, "calendar.unverified", fname(s, s->placement), s->period_line,
                    "calendar", "%d 年的节假日安排未经与国务院通知核对（或没有该年数据），工作日判断可能有误，请人工核对",
                    "the %d holiday arrangement is not verified against the State Council notice (or missing): working days may be wrong, check by hand",
                    y);
    }
}

static int cmp_slot(const void *a, const void *b)
{
    const record *x = *(const record *const *)a, *y = *(const record *const *)b;
    if (x->date != y->date) return x->date < y->date ? -1 : 1;
    if (x->period != y->period) return x->period < y->period ? -1 : 1;
    if (x->file != y->file) return x->file < y->file ? -1 : 1;
    return x->line < y->line ? -1 : x->line > y->line;
}

/* Observations and taught lessons share one timetable: no two of them may
 * take the same date and period. */
static void check_clashes(const submission *s, findings *f)
{
    const record **v = xmalloc((s->nrecs + 1) * sizeof *v);
    size_t n = 0;
    for (size_t i = 0; i < s->nrecs; i++)
        if (s->recs[i].type == REC_OBSERVATION || s->recs[i].type == REC_LESSON) v[n++] = &s->recs[i];
    qsort(v, n, sizeof *v, cmp_slot);
    for (size_t i = 1; i < n; i++) {
        const record *a = v[i - 1], *b = v[i];
        if (a->date != b->date || a->period != b->period) continue;
        char d[11];
        date_format(b->date, d);
        finding_add(f, SEV_ERROR, "date.clash", fname(s, b->file), b->line, "one record per date and period",
                    "%s%.0s与 %s:%ld 的%s%.0s时间冲突（%s 第%d节）",
                    "%1$.0sthis %2$s clashes with the %5$.0s%6$s at %3$s:%4$ld (%7$s period %8$d)",
                    element_label(rec_type_name(b->type)), rec_type_name(b->type), fname(s, a->file), a->line,
                    element_label(rec_type_name(a->type)), rec_type_name(a->type), d, b->period);
    }
    free(v);
}

static void check_journal_days(const submission *s, findings *f)
{
    const record **v = xmalloc((s->nrecs + 1) * sizeof *v);
    size_t n = 0;
    for (size_t i = 0; i < s->nrecs; i++)
        if (s->recs[i].type == REC_DAY) v[n++] = &s->recs[i];
    qsort(v, n, sizeof *v, cmp_slot);
    for (size_t i = 1; i < n; i++) {
        if (v[i]->date != v[i - 1]->date) continue;
        char d[11];
        date_format(v[i]->date, d);
        finding_add(f, SEV_ERROR, "date.clash", fname(s, v[i]->file), v[i]->line, "one journal day per date",
                    "%s 的日志已在 %s:%ld 写过，同一天只能有一篇日志（可合并到一起）",
                    "a journal day for %s already exists at %s:%ld; merge them",
                    d, fname(s, v[i - 1]->file), v[i - 1]->line);
    }
    free(v);
}

/* Every figure is decoded whole, by the image stage's own code, as build
 * will decode it (only into a smaller box: the scale changes how many
 * pixels come out, not which bytes are read and checked), so that a
 * submission check passes is one build can typeset. */
#define CHECK_DECODE_BOX 64

static void check_figure(const submission *s, const figure_ref *g, findings *f)
{
    const char *src = g->src;
    const char *why_zh = NULL, *why_en = NULL;
    char *path = path_join(s->dir, src);
    struct stat st;
    if (src[0] == '/' || strstr(src, "..") || strchr(src, '\\') || strstr(src, "://")) {
        why_zh = "路径必须是提交文件夹内的相对路径（不能以 / 开头，不能含 ..）";
        why_en = "the path must be relative and inside the submission folder";
    } else if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
        why_zh = "文件不存在";
        why_en = "the file does not exist";
    } else if (!path_inside(s->dir, path)) {
        why_zh = "文件是指向提交文件夹之外的链接";
        why_en = "the file links to outside the submission folder";
    } else {
        /* PNG, JPEG and HEIC, by their content, not their names. */
        image_data d;
        image_status st = image_prepare(path, CHECK_DECODE_BOX, CHECK_DECODE_BOX, &d);
        image_data_free(&d);
        if (st != IMAGE_OK) {
            why_zh = image_status_text(st, 0);
            why_en = image_status_text(st, 1);
        }
    }
    free(path);
    if (why_zh)
        finding_add(f, SEV_ERROR, "ref.missing", fname(s, g->file), g->line, "figure/@src",
                    "图片“%s”无法使用：%s%.0s", "image '%s' cannot be used: %.0s%s", src, why_zh, why_en);
}

void checks_always(const submission *s, const profile *p, const calendar *cal, findings *f)
{
    if (s->placement < 0) return;
    if (s->start > s->end) {
        char a[11], b[11];
        finding_add(f, SEV_ERROR, "date.outside", fname(s, s->placement), s->period_line, "start<=end",
                    "跟岗开始日期 %s 晚于结束日期 %s", "the period starts (%s) after it ends (%s)",
                    date_format(s->start, a), date_format(s->end, b));
        return;
    }
    check_calendar_years(s, cal, f);
    for (size_t i = 0; i < s->nrecs; i++) {
        const record *r = &s->recs[i];
        if (r->type == REC_REFLECTION) check_reflection_date(s, p, r, f);
        else if (r->type != REC_ACTIVITY) check_record_date(s, cal, r, f);
    }
    for (size_t i = 0; i < s->nabs; i++) {
        const absence *a = &s->abs[i];
        if (a->from >= s->start && a->to <= s->end && a->from <= a->to) continue;
        finding_add(f, SEV_ERROR, "date.outside", fname(s, a->file), a->line, "absence in period",
                    "缺勤日期不在跟岗期间内（或结束早于开始）", "the absence lies outside the placement period");
    }
    check_clashes(s, f);
    check_journal_days(s, f);
    for (size_t i = 0; i < s->nfigs; i++) check_figure(s, &s->figs[i], f);
}
