/* check_rules.c — profile requirements evaluated against a submission (check_rules.h).
 *
 * Every requirement yields exactly one check-list row, met or not, so the
 * summary and the dossier show the whole program, not just the failures. */
#include "check_rules.h"
#include "check_award.h"
#include "util_date.h"
#include "util.h"
#include "check_schema.h"
#include "util_limits.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const KIND_LABELS[][2] = {
    {"lesson.regular", "常规课"}, {"lesson.report", "汇报课"}, {"lesson.open", "公开课"},
    {"lesson.demo", "示范课"}, {"reflection.teaching", "教学反思"},
    {"reflection.summary", "跟岗心得"}, {"reflection.research", "研修报告"},
    {"reflection.development", "自我专业发展报告"}, {"reflection.duty", "述职报告"},
    {"reflection.notes", "学习笔记"}, {"reflection.survey", "调研报告"},
    {"activity.research", "教研活动"}, {"activity.class", "班级活动"},
    {"activity.lecture", "讲座"}, {"activity.meeting", "会议"}, {"activity.other", "其他活动"},
    {"activity.prep", "主持集体备课"}, {"activity.talk", "业务讲座"}, {"activity.seminar", "专题研讨会"},
    {"activity.forum", "论坛"}, {"activity.contest", "技能比赛指导"}, {"activity.training", "集中培训"},
    {"activity.joint", "联合教研"}, {"lesson.standard", "规范课"},
    {"reflection.analysis", "学科现状分析与改进建议"}, {"reflection.talk", "专题讲座讲稿"},
    {"reflection.plan", "项目策划方案"}, {"reflection.case", "实践案例"},
    {"mentee.teacher", "师徒结对（教师）"}, {"mentee.student", "师生结对（学生）"},
};

static const char *kind_label(rec_type t, const char *kind)
{
    char key[48];
    snprintf(key, sizeof key, "%s.%s", rec_type_name(t), kind);
    for (size_t i = 0; i < sizeof KIND_LABELS / sizeof KIND_LABELS[0]; i++)
        if (!strcmp(KIND_LABELS[i][0], key)) return KIND_LABELS[i][1];
    return kind;
}

void selector_label(const selector *sel, char *buf, size_t len)
{
    if (!sel->nkinds) {
        snprintf(buf, len, "%s", sel->what == REC_DAY ? "研修日志" : element_label(rec_type_name(sel->what)));
        return;
    }
    size_t n = 0;
    buf[0] = '\0';
    for (int i = 0; i < sel->nkinds && n + 1 < len; i++)
        n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? "/" : "", kind_label(sel->what, sel->kinds[i]));
}

const char *rec_type_file(const submission *s, rec_type t)
{
    static const char *const DEFAULT[REC_TYPES] = {
        "journal.xml", "journal.xml", "observations.xml", "lessons.xml", "reflections.xml",
        "mentoring.xml", "studies.xml",
    };
    for (size_t i = 0; i < s->nrecs; i++)
        if (s->recs[i].type == t) return s->files[s->recs[i].file].name;
    return DEFAULT[t];
}

int attended_day(const submission *s, const calendar *cal, long day)
{
    if (day < s->start || day > s->end || !calendar_is_workday(cal, day)) return 0;
    for (size_t i = 0; i < s->nabs; i++)
        if (day >= s->abs[i].from && day <= s->abs[i].to) return 0;
    return 1;
}

/* ---- verdict building ---- */

/* One check-list row; req_en/act_en NULL when the text is the same in
 * both languages (numbers, dates, the teacher's own values). */
static void add_row(verdict *v, const char *label, const char *rule, const char *req, const char *req_en,
                    const char *actual, const char *act_en, int met)
{
    if (v->nrows == v->rcap) {
        v->rcap = v->rcap ? v->rcap * 2 : 16;
        v->rows = xrealloc(v->rows, (size_t)v->rcap * sizeof *v->rows);
    }
    req_row *r = &v->rows[v->nrows++];
    r->label = xstrdup(label);
    r->rule = xstrdup(rule);
    r->required = xstrdup(req);
    r->actual = xstrdup(actual);
    r->required_en = xstrdup(req_en ? req_en : req);
    r->actual_en = xstrdup(act_en ? act_en : actual);
    r->met = met;
}

void verdict_free(verdict *v)
{
    for (int i = 0; i < v->nrows; i++) {
        free(v->rows[i].label);
        free(v->rows[i].rule);
        free(v->rows[i].required);
        free(v->rows[i].actual);
        free(v->rows[i].required_en);
        free(v->rows[i].actual_en);
    }
    free(v->rows);
    free(v->counts);
    memset(v, 0, sizeof *v);
}

/* Records matching r dated from..to. With `late` (a whole-placement
 * count), a kind the profile lets be written after the placement counts
 * up to its window's end as well. */
static long count_in(const submission *s, const profile *late, const requirement *r, long from, long to)
{
    long n = 0;
    for (size_t i = 0; i < s->nrecs; i++) {
        const record *x = &s->recs[i];
        long last = late ? to + profile_due_days(late, x) : to;
        if (x->date < from || x->date > last || !selector_match(&r->sel, x)) continue;
        if ((x->has & r->with) != r->with || (r->away && !x->away)) continue;
        n++;
    }
    return n;
}

static void rule_text(const requirement *r, char *buf, size_t len)
{
    char sel[96];
    selector_name(&r->sel, sel, sizeof sel);
    static const char *const PER[] = {"", "/working-day", "/week", "/semester", "/year"};
    size_t n = (size_t)snprintf(buf, len, "%s", sel);
    if (r->with) {
        static const char *const NAMES[] = {"notes", "comment", "objectives", "key-points",
            "difficulties", "process", "board", "record", "afterthought"};
        const char *sep = "[";
        for (int i = 0; i < 9 && n < len; i++)
            if (r->with & (1u << i)) { n += (size_t)snprintf(buf + n, len - n, "%s%s", sep, NAMES[i]); sep = "+"; }
        if (n < len) n += (size_t)snprintf(buf + n, len - n, "]");
    }
    if (r->away && n < len) n += (size_t)snprintf(buf + n, len - n, "@other-school");
    if (n < len) snprintf(buf + n, len - n, ">=%g%s", r->min, PER[r->per]);
}

static void label_of(const requirement *r, char *buf, size_t len)
{
    if (r->label) { snprintf(buf, len, "%s", r->label); return; }
    selector_label(&r->sel, buf, len);
}

/* A stretch of the placement with its own minimum: one attended day, one
 * Monday–Sunday week (clipped to the period), or the part of a semester or
 * school year the placement covers. */
typedef struct slice {
    long from, to, need;
    long workdays;      /* weeks: working days in from..to */
} slice;

static long prorate(double min, long covered, long whole)
{
    if (whole <= 0 || covered >= whole) return (long)ceil(min - 1e-9);
    return (long)ceil(min * (double)covered / (double)whole - 1e-9);
}

/* Semester and school-year minima are for a whole term; a placement that
 * covers part of one owes the share of its working days, rounded up. */
static int span_slices(const submission *s, const calendar *cal, const requirement *r, slice *out, int max)
{
    int n = 0;
    for (long d = s->start; d <= s->end && n < max;) {
        span sp = r->per == PER_SEMESTER ? calendar_term(cal, d) : calendar_school_year(cal, d);
        long a = sp.start > s->start ? sp.start : s->start, b = sp.end < s->end ? sp.end : s->end;
        long need = prorate(r->min, calendar_workdays(cal, a, b), calendar_workdays(cal, sp.start, sp.end));
        out[n++] = (slice){a, b, need, 0};
        d = sp.end + 1;
    }
    return n;
}

static int make_slices(const submission *s, const calendar *cal, const requirement *r, slice *out, int max)
{
    int n = 0;
    switch (r->per) {
    case PER_NONE:
        out[n++] = (slice){s->start, s->end, (long)ceil(r->min - 1e-9), 0};
        break;
    case PER_WORKDAY:
        for (long d = s->start; d <= s->end && n < max; d++)
            if (attended_day(s, cal, d)) out[n++] = (slice){d, d, (long)ceil(r->min - 1e-9), 0};
        break;
    case PER_WEEK:
        /* A week owes its share of the minimum by its working days: in full
         * for WEEK_WORKDAYS or more (a make-up working day adds nothing),
         * ⌈min × days / WEEK_WORKDAYS⌉ for a holiday week or a week cut by
         * the period's start or end; a week with none owes nothing. */
        for (long d = s->start; d <= s->end && n < max;) {
            long b = d + (7 - date_weekday(d));
            if (b > s->end) b = s->end;
            long wd = calendar_workdays(cal, d, b);
            if (wd > 0) out[n++] = (slice){d, b, prorate(r->min, wd, WEEK_WORKDAYS), wd};
            d = b + 1;
        }
        break;
    case PER_SEMESTER:
    case PER_YEAR:
        n = span_slices(s, cal, r, out, max);
        break;
    }
    return n;
}

static const char *per_zh(per_kind p)
{
    static const char *const P[] = {"", "/工作日", "/周", "/学期", "/学年"};
    return P[p];
}

static const char *per_en(per_kind p)
{
    static const char *const P[] = {"", "/working day", "/week", "/semester", "/school year"};
    return P[p];
}

/* The per-week row's actual column: every week, its working days, its
 * (prorated) minimum and its count — "09-12—09-18（4 个工作日，至少 4）：8". */
static void week_list(const slice *sl, const long *got, int n, int en, char *buf, size_t len)
{
    size_t k = 0;
    buf[0] = '\0';
    for (int i = 0; i < n && k + 1 < len; i++) {
        char a[11], b[11];
        date_format(sl[i].from, a);
        date_format(sl[i].to, b);
        k += (size_t)snprintf(buf + k, len - k,
                              en ? "%s%s–%s (%ld working day%s, at least %ld): %ld"
                                 : "%s%s—%s（%ld 个工作日%s，至少 %ld）：%ld",
                              i ? (en ? "; " : "；") : "", a + 5, b + 5, sl[i].workdays,
                              en && sl[i].workdays == 1 ? "" : (en ? "s" : ""), sl[i].need, got[i]);
    }
}

static void report_slice(const submission *s, const requirement *r, const slice *sl, long got,
                         const char *label, const char *rule, findings *f)
{
    char a[11], b[11];
    date_format(sl->from, a);
    date_format(sl->to, b);
    const char *file = rec_type_file(s, r->sel.what);
    if (r->per == PER_NONE)
        finding_add(f, SEV_ERROR, "count.short", file, 0, rule,
                    "%s%.0s共 %ld，要求至少 %ld", "%.0s%s: %ld, at least %ld required",
                    label, rule, got, sl->need);
    else if (r->per == PER_WORKDAY)
        finding_add(f, SEV_ERROR, "rate.short", file, 0, rule,
                    "%s %s%.0s只有 %ld，要求每个工作日至少 %ld",
                    "%2$.0s%3$s: %4$ld on %1$s, at least %5$ld per working day required",
                    a, label, rule, got, sl->need);
    else if (r->per == PER_WEEK && sl->workdays < WEEK_WORKDAYS)
        finding_add(f, SEV_ERROR, "rate.short", file, 0, rule,
                    "%s 至 %s %s%.0s只有 %ld，要求至少 %ld（本周 %ld 个工作日，每周 %g 按工作日比例折算）",
                    "%3$.0s%4$s: %5$ld from %1$s to %2$s, at least %6$ld required "
                    "(%7$ld working days that week; %8$g per week, prorated)",
                    a, b, label, rule, got, sl->need, sl->workdays, r->min);
    else if (r->per == PER_WEEK)
        finding_add(f, SEV_ERROR, "rate.short", file, 0, rule,
                    "%s 至 %s %s%.0s只有 %ld，要求至少 %ld（本周 %ld 个工作日）",
                    "%3$.0s%4$s: %5$ld from %1$s to %2$s, at least %6$ld required (%7$ld working days that week)",
                    a, b, label, rule, got, sl->need, sl->workdays);
    else
        finding_add(f, SEV_ERROR, "rate.short", file, 0, rule,
                    "%s 至 %s %s%.0s只有 %ld，要求至少 %ld（%s%.0s）",
                    "%3$.0s%4$s: %5$ld from %1$s to %2$s, at least %6$ld required (%7$.0s%8$s)",
                    a, b, label, rule, got, sl->need, per_zh(r->per) + 1,
                    r->per == PER_SEMESTER ? "per semester (prorated)" : "per school year (prorated)");
}


static void eval_count(const submission *s, const profile *p, const calendar *cal, const requirement *r,
                       verdict *v, findings *f)
{
    char label[128], rule[160], req[64], req_en[64], act[2048], act_en[2048];
    label_of(r, label, sizeof label);
    rule_text(r, rule, sizeof rule);
    slice *sl = xmalloc(MAX_SLICES * sizeof *sl);
    long *got = xmalloc(MAX_SLICES * sizeof *got);
    int n = make_slices(s, cal, r, sl, MAX_SLICES), met = 1;
    long least = -1;
    for (int i = 0; i < n; i++) {
        got[i] = count_in(s, r->per == PER_NONE ? p : NULL, r, sl[i].from, sl[i].to);
        if (least < 0 || got[i] < least) least = got[i];
        if (got[i] >= sl[i].need) continue;
        met = 0;
        report_slice(s, r, &sl[i], got[i], label, rule, f);
    }
    snprintf(req, sizeof req, "≥%g%s", r->min, per_zh(r->per));
    snprintf(req_en, sizeof req_en, "≥%g%s", r->min, per_en(r->per));
    if (r->per == PER_WEEK) {
        snprintf(req + strlen(req), sizeof req - strlen(req), "（按工作日折算）");
        snprintf(req_en + strlen(req_en), sizeof req_en - strlen(req_en), " (prorated to working days)");
    }
    if (r->per == PER_NONE) {
        snprintf(act, sizeof act, "%ld", least < 0 ? 0 : least);
        snprintf(act_en, sizeof act_en, "%s", act);
    } else if (n == 0) {
        snprintf(act, sizeof act, "—");
        snprintf(act_en, sizeof act_en, "—");
    } else if (r->per == PER_WEEK) {
        week_list(sl, got, n, 0, act, sizeof act);
        week_list(sl, got, n, 1, act_en, sizeof act_en);
    } else {
        snprintf(act, sizeof act, "最少 %ld", least);
        snprintf(act_en, sizeof act_en, "least %ld", least);
    }
    free(sl);
    free(got);
    add_row(v, label, rule, req, req_en, act, act_en, met);
}

static long placement_field(const submission *s, const char *of)
{
    if (!strcmp(of, "host/class-periods")) return s->host.class_periods;
    if (!strcmp(of, "teacher/weekly-periods")) return s->teacher.weekly_periods;
    return -1;
}

static void eval_ratio(const submission *s, const profile *p, const requirement *r, verdict *v, findings *f)
{
    char label[128], sel[96], rule[200], req[64], act[48];
    label_of(r, label, sizeof label);
    selector_name(&r->sel, sel, sizeof sel);
    snprintf(rule, sizeof rule, "%s>=%g*%s", sel, r->min, r->of);
    long base = placement_field(s, r->of);
    long got = count_in(s, p, r, s->start, s->end);
    snprintf(act, sizeof act, "%ld", got);
    if (base < 0) {
        finding_add(f, SEV_ERROR, "rate.short", s->files[s->placement].name, s->profile_line, rule,
                    "placement.xml 缺少 %s，无法核对“%s”%.0s", "placement.xml lacks %s, needed for %.0s%s",
                    r->of, label, rule);
        add_row(v, label, rule, "—", NULL, act, NULL, 0);
        return;
    }
    long need = (long)ceil(r->min * (double)base - 1e-9);
    snprintf(req, sizeof req, "≥%ld（%g×%ld）", need, r->min, base);
    if (got < need)
        finding_add(f, SEV_ERROR, "rate.short", rec_type_file(s, r->sel.what), 0, rule,
                    "%s%.0s共 %ld，要求至少 %ld（%s %ld 的 %g 倍）",
                    "%1$.0s%2$s: %3$ld, at least %4$ld required (%7$g × %5$s %6$ld)",
                    label, rule, got, need, r->of, base, r->min);
    add_row(v, label, rule, req, NULL, act, NULL, got >= need);
}

static void eval_length(const submission *s, const requirement *r, verdict *v, findings *f)
{
    char label[128] = "", rule[256], names[200] = "", req[32], act[48];
    size_t nl = 0, nn = 0;
    long total = 0;
    for (int i = 0; i < r->ntexts; i++) {
        char one[96], lab[96];
        selector_name(&r->texts[i], one, sizeof one);
        selector_label(&r->texts[i], lab, sizeof lab);
        nn += (size_t)snprintf(names + nn, sizeof names - nn, "%s%s", i ? "+" : "", one);
        nl += (size_t)snprintf(label + nl, sizeof label - nl, "%s%s", i ? "、" : "", lab);
        if (nn >= sizeof names || nl >= sizeof label) break;
    }
    for (size_t k = 0; k < s->nrecs; k++)
        for (int i = 0; i < r->ntexts; i++)
            if (selector_match(&r->texts[i], &s->recs[k])) { total += s->recs[k].hanzi; break; }
    if (r->label) snprintf(label, sizeof label, "%s", r->label);
    snprintf(rule, sizeof rule, "hanzi(%s)>=%g", names, r->min);
    char req_en[48], act_en[48];
    snprintf(req, sizeof req, "≥%g 字", r->min);
    snprintf(act, sizeof act, "%ld 字", total);
    snprintf(req_en, sizeof req_en, "≥%g characters", r->min);
    snprintf(act_en, sizeof act_en, "%ld characters", total);
    if (total < r->min)
        finding_add(f, SEV_ERROR, "length.short", rec_type_file(s, r->texts[0].what), 0, rule,
                    "%s%.0s共 %ld 个汉字，要求至少 %g 字", "%.0s%s: %ld Chinese characters, at least %g required",
                    label, names, total, r->min);
    add_row(v, label, rule, req, req_en, act, act_en, total >= r->min);
}

static const char *pfile(const submission *s)
{
    return s->files[s->placement].name;
}

static void eval_window(const submission *s, const requirement *r, verdict *v, findings *f)
{
    char a[11], b[11], req[40], act[40];
    date_format(r->from, a);
    date_format(r->to, b);
    snprintf(req, sizeof req, "%s—%s", a, b);
    char c[11], d[11];
    snprintf(act, sizeof act, "%s—%s", date_format(s->start, c), date_format(s->end, d));
    int met = s->start >= r->from && s->end <= r->to;
    if (!met)
        finding_add(f, SEV_ERROR, "date.outside", pfile(s), s->period_line, "period within window",
                    "跟岗期间 %s 至 %s 超出项目规定的研修时间 %s 至 %s",
                    "the placement %s to %s lies outside the program's window %s to %s", c, d, a, b);
    add_row(v, r->label ? r->label : "研修时间", "period within window", req, NULL, act, NULL, met);
}

static void eval_period(const submission *s, const requirement *r, verdict *v, findings *f)
{
    long days = s->end - s->start + 1;
    char req[48], act[48];
    char req_en[48], act_en[48];
    if (r->from >= 0 && r->to >= 0) {
        snprintf(req, sizeof req, "%ld—%ld 天", r->from, r->to);
        snprintf(req_en, sizeof req_en, "%ld–%ld days", r->from, r->to);
    } else if (r->from >= 0) {
        snprintf(req, sizeof req, "≥%ld 天", r->from);
        snprintf(req_en, sizeof req_en, "≥%ld days", r->from);
    } else {
        snprintf(req, sizeof req, "≤%ld 天", r->to);
        snprintf(req_en, sizeof req_en, "≤%ld days", r->to);
    }
    snprintf(act, sizeof act, "%ld 天", days);
    snprintf(act_en, sizeof act_en, "%ld days", days);
    int met = 1;
    if (r->from >= 0 && days < r->from) {
        met = 0;
        finding_add(f, SEV_ERROR, "length.short", pfile(s), s->period_line, "period.days>=min",
                    "跟岗时间只有 %ld 天，要求至少 %ld 天", "the placement lasts %ld days, at least %ld required",
                    days, r->from);
    }
    if (r->to >= 0 && days > r->to) {
        met = 0;
        finding_add(f, SEV_ERROR, "date.outside", pfile(s), s->period_line, "period.days<=max",
                    "跟岗时间 %ld 天，超过上限 %ld 天", "the placement lasts %ld days, more than the %ld allowed",
                    days, r->to);
    }
    add_row(v, r->label ? r->label : "跟岗时长", "period.days", req, req_en, act, act_en, met);
}

static void eval_attended(const submission *s, const requirement *r, verdict *v, findings *f)
{
    char req[48], act[48], rule[48];
    snprintf(rule, sizeof rule, "attended-days>=%g", r->min);
    char req_en[48], act_en[48];
    snprintf(req, sizeof req, "≥%g 天", r->min);
    snprintf(act, sizeof act, "%ld 天", v->attended);
    snprintf(req_en, sizeof req_en, "≥%g days", r->min);
    snprintf(act_en, sizeof act_en, "%ld days", v->attended);
    int met = v->attended >= r->min;
    if (!met)
        finding_add(f, SEV_ERROR, "attendance.fail", pfile(s), s->period_line, rule,
                    "出勤工作日只有 %ld 天，要求至少 %g 天", "%ld attended working days, at least %g required",
                    v->attended, r->min);
    add_row(v, r->label ? r->label : "出勤工作日", rule, req, req_en, act, act_en, met);
}

static void eval_comment(const submission *s, const requirement *r, verdict *v, findings *f)
{
    if (!r->min) return;
    long with = 0, total = 0;
    /* Count within the file: a teacher finds "第7条" by scrolling. One
     * running count per file keeps this one pass over the records. */
    long *seen = xcalloc((size_t)s->nfiles + 1, sizeof *seen);
    for (size_t i = 0; i < s->nrecs; i++) {
        const record *x = &s->recs[i];
        if (x->type != REC_OBSERVATION) continue;
        total++;
        long nth = ++seen[x->file];
        if (x->has & HAS_COMMENT) { with++; continue; }
        char d[11];
        date_format(x->date, d);
        finding_add(f, SEV_ERROR, "comment.missing", s->files[x->file].name, x->line, "observation/comment",
                    "第%ld条听课记录（%s 第%d节）缺少评课意见 <comment>",
                    "observation %ld (%s, period %d) has no <comment>", nth, d, x->period);
    }
    free(seen);
    char req[48], act[48];
    snprintf(req, sizeof req, "每条");
    snprintf(act, sizeof act, "%ld/%ld", with, total);
    add_row(v, r->label ? r->label : "听课记录含评课", "observation has comment", req, "every one", act, NULL, with == total);
}

long absence_days(const submission *s, const calendar *cal, const char *kind, long *line)
{
    long days = 0;
    for (size_t i = 0; i < s->nabs; i++) {
        const absence *a = &s->abs[i];
        if (kind[0] && strcmp(kind, a->kind)) continue;
        long from = a->from > s->start ? a->from : s->start, to = a->to < s->end ? a->to : s->end;
        days += from <= to ? calendar_workdays(cal, from, to) : 0;
        if (line) *line = a->line;
    }
    return days;
}

static void eval_absence(const submission *s, const calendar *cal, const requirement *r,
                         verdict *v, findings *f)
{
    long line = s->attendance_line;
    long days = absence_days(s, cal, r->kind, &line);
    char rule[48], req[48], act[48];
    snprintf(rule, sizeof rule, "absence%s%s<=%g", r->kind[0] ? "." : "", r->kind, r->max);
    char req_en[48], act_en[48];
    snprintf(req, sizeof req, "≤%g 天", r->max);
    snprintf(act, sizeof act, "%ld 天", days);
    snprintf(req_en, sizeof req_en, "≤%g days", r->max);
    snprintf(act_en, sizeof act_en, "%ld days", days);
    const char *lab = !strcmp(r->kind, "unexcused") ? "无故缺勤" : !strcmp(r->kind, "sick") ? "病假" :
                      !strcmp(r->kind, "personal") ? "事假" : "缺勤";
    int met = days <= r->max;
    if (!met && s->assessment >= 0)
        finding_add(f, SEV_ERROR, "attendance.fail", s->files[s->assessment].name, line, rule,
                    "%s%.0s %ld 个工作日，超过允许的 %g 天", "%.0s%s: %ld working days, more than the %g allowed",
                    lab, rule, days, r->max);
    add_row(v, r->label ? r->label : lab, rule, req, req_en, act, act_en, met);
}

/* Numeric value of an eligibility field at the placement start, or -1. */
static double numeric_field(const submission *s, const char *field)
{
    const teacher_info *t = &s->teacher;
    if (!strcmp(field, "age")) return t->born >= 0 ? years_between(t->born, s->start) : -1;
    if (!strcmp(field, "teaching-years")) return t->work_start >= 0 ? years_between(t->work_start, s->start) : -1;
    if (!strcmp(field, "years-at-school")) return (double)t->years_at_school;
    if (!strcmp(field, "weekly-periods")) return (double)t->weekly_periods;
    return -1;
}

static const char *text_field(const submission *s, const char *field)
{
    const teacher_info *t = &s->teacher;
    if (!strcmp(field, "education")) return t->education;
    if (!strcmp(field, "rank")) return t->rank;
    if (!strcmp(field, "gender")) return t->gender;
    if (!strcmp(field, "stage")) return t->stage;
    return NULL;
}

static const char *field_label(const char *field)
{
    static const char *const L[][2] = {
        {"age", "年龄"}, {"teaching-years", "教龄"}, {"years-at-school", "在本校连续任教年限"},
        {"weekly-periods", "周课时数"}, {"education", "学历"}, {"rank", "职称"}, {"gender", "性别"},
        {"stage", "任教学段"},
    };
    for (size_t i = 0; i < sizeof L / sizeof L[0]; i++)
        if (!strcmp(L[i][0], field)) return L[i][1];
    return field;
}

static void eval_eligible_text(const submission *s, const requirement *r, verdict *v, findings *f)
{
    const char *val = text_field(s, r->field), *lab = field_label(r->field);
    char rule[96], req[256] = "";
    snprintf(rule, sizeof rule, "teacher.%s in set", r->field);
    size_t n = 0;
    int met = 0;
    for (int i = 0; i < r->nin && n < sizeof req; i++) {
        n += (size_t)snprintf(req + n, sizeof req - n, "%s%s", i ? "/" : "", r->in[i]);
        if (val && !strcmp(val, r->in[i])) met = 1;
    }
    if (!met)
        finding_add(f, SEV_ERROR, "eligibility.fail", pfile(s), s->profile_line, rule,
                    val ? "%s%.0s“%s”不符合参加条件（应为：%s）" : "%s%.0s%s未填写（应为：%s）",
                    "teacher %.0s%s '%s' does not meet the entry condition (%s)",
                    lab, r->field, val ? val : "", req);
    add_row(v, r->label ? r->label : lab, rule, req, NULL, val ? val : "—", NULL, met);
}

/* A condition of the program for some teachers only (男 55 周岁以下、
 * 女 50 周岁以下; 初中教师本科): 1 when it applies to this teacher. A
 * teacher whose field is blank is held to every variant, so a missing
 * 学段 cannot slip past the stricter rule. */
static int eligible_applies(const submission *s, const requirement *r)
{
    if (!r->nif) return 1;
    const char *val = text_field(s, r->if_field);
    if (!val) return 1;
    for (int i = 0; i < r->nif; i++)
        if (!strcmp(val, r->if_in[i])) return 1;
    return 0;
}

static void eval_eligible(const submission *s, const requirement *r, verdict *v, findings *f)
{
    if (!eligible_applies(s, r)) return;
    if (r->nin > 0) { eval_eligible_text(s, r, v, f); return; }
    const char *lab = field_label(r->field);
    double x = numeric_field(s, r->field);
    char rule[96], req[48], act[48];
    int n = snprintf(rule, sizeof rule, "teacher.%s", r->field);
    if (r->has_min) n += snprintf(rule + n, sizeof rule - (size_t)n, ">=%g", r->min);
    if (r->has_max && n < (int)sizeof rule) snprintf(rule + n, sizeof rule - (size_t)n, "%s<=%g", r->has_min ? "," : "", r->max);
    if (r->has_min && r->has_max) snprintf(req, sizeof req, "%g—%g", r->min, r->max);
    else if (r->has_min) snprintf(req, sizeof req, "≥%g", r->min);
    else snprintf(req, sizeof req, "≤%g", r->max);
    if (x < 0) {
        finding_add(f, SEV_ERROR, "eligibility.fail", pfile(s), s->profile_line, rule,
                    "placement.xml 未填写%s%.0s所需的信息，无法核对参加条件", "placement.xml lacks the data for %.0s%s",
                    lab, r->field);
        add_row(v, r->label ? r->label : lab, rule, req, NULL, "—", NULL, 0);
        return;
    }
    int met = !(r->has_min && x < r->min) && !(r->has_max && x > r->max);
    snprintf(act, sizeof act, "%g", x);
    if (!met)
        finding_add(f, SEV_ERROR, "eligibility.fail", pfile(s), s->profile_line, rule,
                    "%s%.0s为 %g，不符合参加条件（%s%.0s）", "teacher %.0s%s is %g, outside the entry condition (%.0s%s)",
                    lab, r->field, x, req, rule);
    add_row(v, r->label ? r->label : lab, rule, req, NULL, act, NULL, met);
}

static void eval_hours(const submission *s, const requirement *r, verdict *v, findings *f)
{
    long total = 0;
    for (size_t i = 0; i < s->nrecs; i++)
        if (s->recs[i].type == REC_STUDY) total += s->recs[i].hours;
    char rule[48], req[48], act[48], req_en[48], act_en[48];
    snprintf(rule, sizeof rule, "study.hours>=%g", r->min);
    snprintf(req, sizeof req, "≥%g 学时", r->min);
    snprintf(act, sizeof act, "%ld 学时", total);
    snprintf(req_en, sizeof req_en, ">=%g hours", r->min);
    snprintf(act_en, sizeof act_en, "%ld hours", total);
    int met = total >= r->min;
    if (!met)
        finding_add(f, SEV_ERROR, "count.short", rec_type_file(s, REC_STUDY), 0, rule,
                    "网络研修共 %ld 学时，要求至少 %g 学时", "online study: %ld hours, at least %g required",
                    total, r->min);
    add_row(v, r->label ? r->label : "网络研修学时", rule, req, req_en, act, act_en, met);
}

static void eval_score(const submission *s, const profile *p, verdict *v, findings *f)
{
    if (!p->nbands) return;
    double pass_min = -1;
    for (int i = 0; i < p->nbands; i++)
        if (p->bands[i].pass) pass_min = p->bands[i].min;
    char rule[32], req[48], act[48];
    snprintf(rule, sizeof rule, "score>=%g", pass_min);
    snprintf(req, sizeof req, "≥%g", pass_min);
    if (s->assessment < 0 || !s->has_score) {
        finding_add(f, SEV_WARNING, "file.missing", "assessment.xml", 0, "assessment",
                    "还没有鉴定（assessment.xml）：考核分数和出勤尚未核对",
                    "no assessment yet: score and attendance are not checked");
        add_row(v, "考核分数", rule, req, NULL, "—", NULL, 0);
        return;
    }
    const band *b = NULL;
    for (int i = 0; i < p->nbands && !b; i++)
        if (s->score >= p->bands[i].min) b = &p->bands[i];
    v->outcome = b ? b->outcome : "不合格";
    v->hours = b && b->pass ? b->hours : -1;
    award_compute(s, p, b, v);
    int pass = b && b->pass;
    char act_en[64];
    snprintf(act, sizeof act, "%g（%s）", s->score, v->outcome);
    snprintf(act_en, sizeof act_en, "%g ('%s')", s->score, v->outcome);
    if (!pass)
        finding_add(f, SEV_ERROR, "score.fail", s->files[s->assessment].name, s->score_line, rule,
                    "考核分数 %g，等次为“%s”，未达到合格线 %g", "score %g gives outcome '%s', below the pass mark %g",
                    s->score, v->outcome, pass_min);
    add_row(v, "考核分数", rule, req, NULL, act, act_en, pass);
}

static void add_count(verdict *v, const char *key, long value)
{
    count_entry *c = &v->counts[v->ncounts++];
    snprintf(c->key, sizeof c->key, "%s", key);
    c->value = value;
}

static long count_type(const submission *s, rec_type t, const char *kind)
{
    long n = 0;
    for (size_t i = 0; i < s->nrecs; i++)
        if (s->recs[i].type == t && (!kind || !strcmp(kind, s->recs[i].kind))) n++;
    return n;
}

/* Totals per type and per kind, in the spec §4 order; kinds only when
 * present, so the JSON stays short. */
static void make_counts(const submission *s, verdict *v)
{
    static const char *const LESSON[] = {"regular", "report", "open", "demo", "standard", NULL};
    static const char *const REFL[] = {"teaching", "summary", "research", "development", "duty", "notes",
                                       "survey", "analysis", "talk", "plan", "case", NULL};
    static const char *const ACT[] = {"research", "class", "lecture", "meeting", "other", "prep", "talk",
                                      "seminar", "forum", "contest", "training", "joint", NULL};
    static const char *const MENTEE[] = {"teacher", "student", NULL};
    static const struct { rec_type t; const char *const *kinds; int total; } ORDER[] = {
        {REC_OBSERVATION, NULL, 1}, {REC_LESSON, LESSON, 1}, {REC_REFLECTION, REFL, 1},
        {REC_ACTIVITY, ACT, 0}, {REC_DAY, NULL, 1}, {REC_MENTEE, MENTEE, 0}, {REC_STUDY, NULL, 0},
    };
    v->counts = xcalloc(64, sizeof *v->counts);
    for (size_t i = 0; i < sizeof ORDER / sizeof ORDER[0]; i++) {
        const char *name = rec_type_name(ORDER[i].t);
        if (ORDER[i].total) add_count(v, name, count_type(s, ORDER[i].t, NULL));
        for (const char *const *k = ORDER[i].kinds; k && *k; k++) {
            long n = count_type(s, ORDER[i].t, *k);
            char key[40];
            snprintf(key, sizeof key, "%s.%s", name, *k);
            if (n) add_count(v, key, n);
        }
    }
    long away = 0, hours = 0;
    for (size_t i = 0; i < s->nrecs; i++) {
        away += s->recs[i].type == REC_LESSON && s->recs[i].away;
        if (s->recs[i].type == REC_STUDY) hours += s->recs[i].hours;
    }
    /* The new record types only when present, like kinds. */
    long n;
    if (away) add_count(v, "lesson.other-school", away);
    if ((n = count_type(s, REC_MENTEE, NULL))) add_count(v, "mentee", n);
    if ((n = count_type(s, REC_STUDY, NULL))) add_count(v, "study", n);
    if (hours) add_count(v, "study.hours", hours);
    add_count(v, "attended-days", v->attended);
}

/* The mentor's record of attendance (assessment/attendance/@days) wins
 * over the calendar's count; a mismatch is worth a second look. */
static void attendance_days(const submission *s, const calendar *cal, verdict *v, findings *f)
{
    long computed = 0;
    for (long d = s->start; d <= s->end; d++) computed += attended_day(s, cal, d);
    v->attended = computed;
    if (s->attendance_days < 0) return;
    v->attended = s->attendance_days;
    if (s->attendance_days != computed)
        finding_add(f, SEV_WARNING, "attendance.fail", s->files[s->assessment].name, s->attendance_line,
                    "attendance/@days", "鉴定记录出勤 %ld 天，按日历和缺勤记录应为 %ld 个工作日，请核对",
                    "attendance records %ld days; the calendar and absences give %ld working days",
                    s->attendance_days, computed);
}

void rules_evaluate(const submission *s, const profile *p, const calendar *cal,
                    verdict *v, findings *f)
{
    memset(v, 0, sizeof *v);
    v->hours = -1;
    v->points = -1;
    v->allowance = v->allowance_max = -1;
    if (s->placement < 0 || s->start > s->end) return;
    attendance_days(s, cal, v, f);
    v->leave_days = absence_days(s, cal, "sick", NULL) + absence_days(s, cal, "personal", NULL);
    v->unexcused_days = absence_days(s, cal, "unexcused", NULL);
    make_counts(s, v);
    for (int i = 0; i < p->nreqs; i++) {
        const requirement *r = &p->reqs[i];
        switch (r->type) {
        case REQ_WINDOW: eval_window(s, r, v, f); break;
        case REQ_PERIOD: eval_period(s, r, v, f); break;
        case REQ_ATTENDED: eval_attended(s, r, v, f); break;
        case REQ_COUNT: eval_count(s, p, cal, r, v, f); break;
        case REQ_RATIO: eval_ratio(s, p, r, v, f); break;
        case REQ_LENGTH: eval_length(s, r, v, f); break;
        case REQ_COMMENT: eval_comment(s, r, v, f); break;
        case REQ_ELIGIBLE: eval_eligible(s, r, v, f); break;
        case REQ_ABSENCE: eval_absence(s, cal, r, v, f); break;
        case REQ_HOURS: eval_hours(s, r, v, f); break;
        }
    }
    eval_score(s, p, v, f);
}
