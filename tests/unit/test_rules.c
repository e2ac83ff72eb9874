/* Unit tests: the rule engine on synthetic submissions, one requirement
 * type at a time, including per-day, per-week and prorated per-semester
 * minima, ratios, eligibility, absences and score bands. */
#include "test.h"
#include "load_calendar.h"
#include "util_date.h"
#include "check_rules.h"
#include "util.h"
#include <string.h>

static calendar *cal;

static long D(const char *s)
{
    long d = 0;
    if (date_parse(s, &d) != 0) { fprintf(stderr, "bad date %s\n", s); exit(2); }
    return d;
}

static sub_file FILES[2] = {{"placement.xml", NULL, ROOT_PLACEMENT}, {"observations.xml", NULL, ROOT_OBSERVATIONS}};

static void sub_init(submission *s, const char *start, const char *end)
{
    memset(s, 0, sizeof *s);
    s->files = FILES;
    s->nfiles = 2;
    s->placement = 0;
    s->assessment = -1;
    s->attendance_days = -1;
    s->start = D(start);
    s->end = D(end);
    s->teacher.born = s->teacher.work_start = -1;
    s->teacher.years_at_school = s->teacher.weekly_periods = -1;
    s->host.class_periods = -1;
}

static void add(submission *s, rec_type t, const char *date, int period, const char *kind)
{
    s->recs = xrealloc(s->recs, (s->nrecs + 1) * sizeof *s->recs);
    record *r = &s->recs[s->nrecs++];
    memset(r, 0, sizeof *r);
    r->type = t;
    r->date = D(date);
    r->period = period;
    r->file = 1;
    r->line = (long)s->nrecs;
    snprintf(r->kind, sizeof r->kind, "%s", kind ? kind : "");
}

/* One observation per period on every working day of [from, to]. */
static void fill_obs(submission *s, const char *from, const char *to, int per_day)
{
    char buf[11];
    for (long d = D(from); d <= D(to); d++)
        if (calendar_is_workday(cal, d))
            for (int p = 1; p <= per_day; p++) add(s, REC_OBSERVATION, date_format(d, buf), p, NULL);
}

static profile *one_req(requirement r)
{
    profile *p = xcalloc(1, sizeof *p);
    p->reqs = xcalloc(1, sizeof *p->reqs);
    p->reqs[0] = r;
    p->nreqs = 1;
    return p;
}

static int has_code(const findings *f, const char *code)
{
    for (size_t i = 0; i < f->n; i++)
        if (!strcmp(f->v[i].code, code)) return 1;
    return 0;
}

static int count_code(const findings *f, const char *code)
{
    int n = 0;
    for (size_t i = 0; i < f->n; i++) n += !strcmp(f->v[i].code, code);
    return n;
}

/* Runs p over s; returns the findings (caller frees) and fills v. */
static findings run(submission *s, profile *p, verdict *v)
{
    findings f;
    findings_init(&f);
    rules_evaluate(s, p, cal, v, &f);
    return f;
}

static void done(submission *s, profile *p, verdict *v, findings *f)
{
    free(s->recs);
    free(s->abs);
    free(p->reqs);
    free(p->bands);
    free(p);
    verdict_free(v);
    findings_free(f);
}

static void test_per_working_day(void)
{
    submission s;
    sub_init(&s, "2016-09-12", "2016-09-26");
    fill_obs(&s, "2016-09-12", "2016-09-26", 2);
    requirement r = {.type = REQ_COUNT, .sel = {.what = REC_OBSERVATION}, .min = 2, .per = PER_WORKDAY};
    profile *p = one_req(r);
    verdict v;
    findings f = run(&s, p, &v);
    CHECK(f.errors == 0);
    CHECK(v.attended == 10);                 /* Sunday 2016-09-18 counts, 15–17 do not */
    CHECK(v.nrows == 1 && v.rows[0].met);
    done(&s, p, &v, &f);

    /* The make-up Sunday with a single observation is short by one. */
    sub_init(&s, "2016-09-12", "2016-09-26");
    fill_obs(&s, "2016-09-12", "2016-09-26", 2);
    s.recs[7].date = D("2016-09-19");        /* move one of the 18th's two away */
    s.recs[7].period = 9;
    p = one_req(r);
    f = run(&s, p, &v);
    CHECK(count_code(&f, "rate.short") == 1);
    CHECK(f.n == 1 && strstr(f.v[0].msg_zh, "2016-09-18"));
    CHECK(!v.rows[0].met);
    done(&s, p, &v, &f);

    /* An absence day is not an attended day, so nothing is owed on it. */
    sub_init(&s, "2016-09-12", "2016-09-26");
    fill_obs(&s, "2016-09-12", "2016-09-26", 2);
    for (size_t i = 0; i < s.nrecs; i++)
        if (s.recs[i].date == D("2016-09-20")) s.recs[i].date = D("2016-09-21"), s.recs[i].period += 4;
    s.abs = xcalloc(1, sizeof *s.abs);
    s.abs[0] = (absence){"sick", D("2016-09-20"), D("2016-09-20"), 0, 1};
    s.nabs = 1;
    p = one_req(r);
    f = run(&s, p, &v);
    CHECK(f.errors == 0);
    CHECK(v.attended == 9);
    done(&s, p, &v, &f);
}

static void test_total_and_kinds(void)
{
    submission s;
    sub_init(&s, "2016-09-12", "2016-09-26");
    add(&s, REC_LESSON, "2016-09-22", 5, "regular");
    add(&s, REC_LESSON, "2016-09-23", 6, "open");
    requirement r = {.type = REQ_COUNT, .sel = {.what = REC_LESSON, .kinds = {"report"}, .nkinds = 1}, .min = 1};
    profile *p = one_req(r);
    verdict v;
    findings f = run(&s, p, &v);
    CHECK(count_code(&f, "count.short") == 1);
    CHECK(!strcmp(f.v[0].rule, "lesson.report>=1"));
    CHECK(!strcmp(f.v[0].file, FILES[1].name));  /* the file the lessons are in */
    done(&s, p, &v, &f);

    sub_init(&s, "2016-09-12", "2016-09-26");
    add(&s, REC_LESSON, "2016-09-22", 5, "demo");
    add(&s, REC_LESSON, "2016-09-23", 6, "open");
    requirement r2 = {.type = REQ_COUNT, .sel = {.what = REC_LESSON, .kinds = {"open", "demo"}, .nkinds = 2}, .min = 2};
    p = one_req(r2);
    f = run(&s, p, &v);
    CHECK(f.errors == 0 && v.rows[0].met);
    done(&s, p, &v, &f);

    /* "with": only lessons that have plan, record and afterthought count. */
    sub_init(&s, "2016-09-12", "2016-09-26");
    add(&s, REC_LESSON, "2016-09-22", 5, "regular");
    s.recs[0].has = HAS_PROCESS | HAS_AFTERTHOUGHT;
    requirement r3 = {.type = REQ_COUNT, .sel = {.what = REC_LESSON}, .with = HAS_PROCESS | HAS_RECORD | HAS_AFTERTHOUGHT, .min = 1};
    p = one_req(r3);
    f = run(&s, p, &v);
    CHECK(count_code(&f, "count.short") == 1);
    done(&s, p, &v, &f);
    sub_init(&s, "2016-09-12", "2016-09-26");
    add(&s, REC_LESSON, "2016-09-22", 5, "regular");
    s.recs[0].has = HAS_PROCESS | HAS_RECORD | HAS_AFTERTHOUGHT;
    p = one_req(r3);
    f = run(&s, p, &v);
    CHECK(f.errors == 0);
    done(&s, p, &v, &f);
}

static void test_per_week(void)
{
    /* Mon 2022-03-07 … Sun 2022-03-27: three full weeks; a Thursday start
     * makes a first week of two working days, owing ⌈5 × 2/5⌉ = 2. */
    submission s;
    sub_init(&s, "2022-03-03", "2022-03-27");
    fill_obs(&s, "2022-03-03", "2022-03-04", 1);   /* the partial week: 2 of 2 */
    fill_obs(&s, "2022-03-07", "2022-03-18", 1);   /* weeks 1 and 2: 5 each */
    add(&s, REC_OBSERVATION, "2022-03-21", 1, NULL); /* week 3: only 1 */
    requirement r = {.type = REQ_COUNT, .sel = {.what = REC_OBSERVATION}, .min = 5, .per = PER_WEEK};
    profile *p = one_req(r);
    verdict v;
    findings f = run(&s, p, &v);
    CHECK(count_code(&f, "rate.short") == 1);
    CHECK(f.n == 1 && strstr(f.v[0].msg_zh, "2022-03-21") && strstr(f.v[0].msg_zh, "2022-03-27"));
    done(&s, p, &v, &f);
}

static void test_per_semester_prorated(void)
{
    /* A full autumn semester owes 30; the part of spring up to 2017-04-30
     * owes a share of 30 by working days, rounded up. */
    submission s;
    sub_init(&s, "2016-08-01", "2017-04-30");
    for (int i = 0; i < 30; i++) {
        char b[11];
        long d = D("2016-09-05") + i * 3;
        while (!calendar_is_workday(cal, d)) d++;
        add(&s, REC_OBSERVATION, date_format(d, b), 1 + i % 7, NULL);
    }
    requirement r = {.type = REQ_COUNT, .sel = {.what = REC_OBSERVATION}, .min = 30, .per = PER_SEMESTER};
    profile *p = one_req(r);
    verdict v;
    findings f = run(&s, p, &v);
    long covered = calendar_workdays(cal, D("2017-02-01"), D("2017-04-30"));
    long whole = calendar_workdays(cal, D("2017-02-01"), D("2017-07-31"));
    long need = (30 * covered + whole - 1) / whole;
    CHECK(need > 0 && need < 30);
    CHECK(count_code(&f, "rate.short") == 1);     /* spring: 0 observations */
    char want[32];
    snprintf(want, sizeof want, "至少 %ld", need);
    CHECK(f.n == 1 && strstr(f.v[0].msg_zh, want));
    done(&s, p, &v, &f);
}

static void test_ratio_length_eligibility(void)
{
    submission s;
    sub_init(&s, "2022-03-07", "2022-03-25");
    s.host.class_periods = 13;                  /* half, rounded up: 7 */
    for (int i = 0; i < 6; i++) add(&s, REC_LESSON, "2022-03-08", i + 1, "regular");
    requirement r = {.type = REQ_RATIO, .sel = {.what = REC_LESSON}, .min = 0.5};
    snprintf(r.of, sizeof r.of, "host/class-periods");
    profile *p = one_req(r);
    verdict v;
    findings f = run(&s, p, &v);
    CHECK(count_code(&f, "rate.short") == 1 && strstr(f.v[0].msg_zh, "至少 7"));
    done(&s, p, &v, &f);

    sub_init(&s, "2022-03-07", "2022-03-25");
    add(&s, REC_REFLECTION, "2022-03-08", 0, "survey");
    s.recs[0].hanzi = 4999;
    requirement rl = {.type = REQ_LENGTH, .texts = {{.what = REC_REFLECTION, .kinds = {"survey"}, .nkinds = 1}}, .ntexts = 1, .min = 5000};
    p = one_req(rl);
    f = run(&s, p, &v);
    CHECK(count_code(&f, "length.short") == 1);
    done(&s, p, &v, &f);
    CHECK(count_hanzi("第2节《桂花雨》abc𠮷") == 6);   /* 第节桂花雨𠮷: Ext-B counts; Latin, digits, marks do not */

    sub_init(&s, "2016-09-12", "2016-09-26");
    s.teacher.born = 1970 * 12 + 8;             /* 46 at the start */
    requirement re = {.type = REQ_ELIGIBLE, .max = 45, .has_max = 1};
    snprintf(re.field, sizeof re.field, "age");
    p = one_req(re);
    f = run(&s, p, &v);
    CHECK(count_code(&f, "eligibility.fail") == 1);
    done(&s, p, &v, &f);
    sub_init(&s, "2016-09-12", "2016-09-26");
    s.teacher.born = 1970 * 12 + 9;             /* October 1970: still 45 */
    p = one_req(re);
    f = run(&s, p, &v);
    CHECK(f.errors == 0);
    done(&s, p, &v, &f);
    sub_init(&s, "2016-09-12", "2016-09-26");
    char rank[] = "二级教师";
    s.teacher.rank = rank;
    requirement rr = {.type = REQ_ELIGIBLE, .nin = 2, .in = {"一级教师", "高级教师"}};
    snprintf(rr.field, sizeof rr.field, "rank");
    p = one_req(rr);
    f = run(&s, p, &v);
    CHECK(count_code(&f, "eligibility.fail") == 1);
    done(&s, p, &v, &f);
}

static void test_absence_and_score(void)
{
    submission s;
    sub_init(&s, "2016-09-12", "2016-09-26");
    s.assessment = 0;
    s.abs = xcalloc(1, sizeof *s.abs);
    /* 2016-09-16 is a holiday, so 14–19 holds 14 and 18 and 19: 3 working days. */
    s.abs[0] = (absence){"unexcused", D("2016-09-14"), D("2016-09-19"), 0, 4};
    s.nabs = 1;
    requirement r = {.type = REQ_ABSENCE, .max = 1};
    snprintf(r.kind, sizeof r.kind, "unexcused");
    profile *p = one_req(r);
    p->bands = xcalloc(2, sizeof *p->bands);
    char ok[] = "合格", no[] = "不合格";
    p->bands[0] = (band){60, ok, 60, 1};
    p->bands[1] = (band){0, no, -1, 0};
    p->nbands = 2;
    s.has_score = 1;
    s.score = 59.5;
    verdict v;
    findings f = run(&s, p, &v);
    CHECK(count_code(&f, "attendance.fail") == 1 && strstr(f.v[0].msg_zh, "3 个工作日"));
    CHECK(has_code(&f, "score.fail"));
    CHECK(v.outcome && !strcmp(v.outcome, "不合格") && v.hours == -1);
    done(&s, p, &v, &f);

    sub_init(&s, "2016-09-12", "2016-09-26");
    s.assessment = 0;
    requirement none = {.type = REQ_COMMENT, .min = 0};
    p = one_req(none);
    p->bands = xcalloc(2, sizeof *p->bands);
    p->bands[0] = (band){60, ok, 60, 1};
    p->bands[1] = (band){0, no, -1, 0};
    p->nbands = 2;
    s.has_score = 1;
    s.score = 60;
    f = run(&s, p, &v);
    CHECK(f.errors == 0 && v.hours == 60 && !strcmp(v.outcome, "合格"));
    done(&s, p, &v, &f);
}

/* comment.missing numbers an observation within its own file ("第3条" is
 * the third in that file, whatever the other files hold), in one pass. */
static void test_comment_numbered_per_file(void)
{
    static sub_file files[3] = {{"placement.xml", NULL, ROOT_PLACEMENT},
                                {"observations.xml", NULL, ROOT_OBSERVATIONS},
                                {"observations-2.xml", NULL, ROOT_OBSERVATIONS}};
    submission s;
    sub_init(&s, "2016-09-12", "2016-09-26");
    s.files = files;
    s.nfiles = 3;
    const int in_file[5] = {1, 1, 2, 1, 2}, commented[5] = {1, 0, 0, 0, 1};
    for (int i = 0; i < 5; i++) {
        add(&s, REC_OBSERVATION, "2016-09-13", i + 1, NULL);
        s.recs[i].file = in_file[i];
        if (commented[i]) s.recs[i].has |= HAS_COMMENT;
    }
    add(&s, REC_LESSON, "2016-09-14", 1, "regular");   /* not an observation: not counted */
    s.recs[5].file = 1;
    requirement r = {.type = REQ_COMMENT, .min = 1};
    profile *p = one_req(r);
    verdict v;
    findings f = run(&s, p, &v);
    CHECK(count_code(&f, "comment.missing") == 3);
    CHECK(f.n == 3 && !strcmp(f.v[0].file, "observations.xml") && f.v[0].line == 2);
    CHECK(f.n == 3 && !strcmp(f.v[0].msg_zh, "第2条听课记录（2016-09-13 第2节）缺少评课意见 <comment>"));
    CHECK(f.n == 3 && !strcmp(f.v[1].file, "observations-2.xml"));
    CHECK(f.n == 3 && !strcmp(f.v[1].msg_en, "observation 1 (2016-09-13, period 3) has no <comment>"));
    CHECK(f.n == 3 && !strcmp(f.v[2].msg_en, "observation 3 (2016-09-13, period 4) has no <comment>"));
    CHECK(v.nrows == 1 && !v.rows[0].met && !strcmp(v.rows[0].actual, "2/5"));
    done(&s, p, &v, &f);
}

int main(void)
{
    char err[512];
    cal = calendar_load("templates/calendars", "templates/terms.xml", "templates/schemas", err, sizeof err);
    if (!cal) { fprintf(stderr, "%s\n", err); return 1; }
    test_per_working_day();
    test_total_and_kinds();
    test_per_week();
    test_per_semester_prorated();
    test_ratio_length_eligibility();
    test_absence_and_score();
    test_comment_numbered_per_file();
    calendar_free(cal);
    return test_done("test_rules");
}
