/* load_calendar.c — see load_calendar.h.
 *
 * The days from FIRST_YEAR to LAST_YEAR live in one flat table: a lookup
 * is an index, and a year of records costs nothing to check. Outside the
 * table only the weekday rule applies, and the year counts as unverified. */
#include "load_calendar.h"
#include "util_lang.h"
#include "util_date.h"
#include "util.h"
#include "check_schema.h"
#include "load_xml.h"
#include "util_limits.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FIRST_YEAR 2000
#define LAST_YEAR 2049

enum { DAY_PLAIN = 0, DAY_HOLIDAY = 1, DAY_WORKDAY = 2 };

typedef struct term_rule {
    int from_md, to_md;     /* month*100+day */
    char *name;
} term_rule;

struct calendar {
    long base;                               /* day number of FIRST_YEAR-01-01 */
    long ndays;
    unsigned char *status;                   /* DAY_* per day */
    unsigned char *name_ix;                  /* into names[] */
    char *names[MAX_NAMES];
    int nnames;
    signed char year_state[LAST_YEAR - FIRST_YEAR + 1]; /* 0 none, 1 unverified, 2 verified */
    term_rule terms[MAX_TERMS];
    int nterms;
    int school_year_md;
};

static int name_index(calendar *c, const char *name)
{
    for (int i = 0; i < c->nnames; i++)
        if (!strcmp(c->names[i], name)) return i;
    if (c->nnames == MAX_NAMES) return 0;
    c->names[c->nnames] = xstrdup(name);
    return c->nnames++;
}

static int mark(calendar *c, long day, int status, const char *name)
{
    long i = day - c->base;
    if (i < 0 || i >= c->ndays) return -1;
    c->status[i] = (unsigned char)status;
    c->name_ix[i] = (unsigned char)name_index(c, name ? name : "");
    return 0;
}

static int load_year(calendar *c, const char *path, const char *xsd, char *err, size_t errlen)
{
    xmlDocPtr doc = xml_load_data(path, err, errlen);
    if (!doc) return -1;
    if (schema_check_data(xsd, doc, err, errlen) != 0) { xmlFreeDoc(doc); return -1; }
    xmlNodePtr root = xmlDocGetRootElement(doc);
    char *year = xml_attr(root, "year"), *ver = xml_attr(root, "verified");
    int y = year ? atoi(year) : 0;
    if (y >= FIRST_YEAR && y <= LAST_YEAR)
        c->year_state[y - FIRST_YEAR] = (ver && (!strcmp(ver, "true") || !strcmp(ver, "1"))) ? 2 : 1;
    xmlFree(year);
    xmlFree(ver);
    int rc = 0;
    for (xmlNodePtr n = root->children; n && rc == 0; n = n->next) {
        int hol = xml_is(n, "holiday");
        if (!hol && !xml_is(n, "workday")) continue;
        char *name = xml_attr(n, "name");
        char *a = xml_attr(n, hol ? "from" : "date"), *b = xml_attr(n, hol ? "to" : "date");
        long from, to;
        if (date_parse(a, &from) || date_parse(b, &to) || to < from || to - from > 40) {
            snprintf(err, errlen, TR("%s:%ld: 日期无效或区间过长", "%s:%ld: invalid date or too long a span"), path, xml_line(n));
            rc = -1;
        }
        for (long d = from; rc == 0 && d <= to; d++)
            mark(c, d, hol ? DAY_HOLIDAY : DAY_WORKDAY, name);
        xmlFree(name); xmlFree(a); xmlFree(b);
    }
    xmlFreeDoc(doc);
    return rc;
}

static int is_year_file(const char *n)
{
    return strlen(n) == 8 && !strcmp(n + 4, ".xml") &&
           n[0] >= '0' && n[0] <= '9' && n[1] >= '0' && n[1] <= '9' &&
           n[2] >= '0' && n[2] <= '9' && n[3] >= '0' && n[3] <= '9';
}

static int load_years(calendar *c, const char *dir, const char *xsd, char *err, size_t errlen)
{
    DIR *d = opendir(dir);
    if (!d) {
        snprintf(err, errlen, TR("无法打开日历文件夹 %s", "cannot open the calendar folder %s"), dir);
        return -1;
    }
    struct dirent *e;
    int rc = 0;
    while (rc == 0 && (e = readdir(d))) {
        if (!is_year_file(e->d_name)) continue;
        char *p = path_join(dir, e->d_name);
        rc = load_year(c, p, xsd, err, errlen);
        free(p);
    }
    closedir(d);
    return rc;
}

static int parse_md(const char *s)
{
    if (!s || strlen(s) != 5 || s[2] != '-') return -1;
    int m = atoi(s), d = atoi(s + 3);
    if (m < 1 || m > 12 || d < 1 || d > 31) return -1;
    return m * 100 + d;
}

static int md_of(long day)
{
    int y, m, d;
    date_to_ymd(day, &y, &m, &d);
    return m * 100 + d;
}

static int term_contains(const term_rule *t, int md)
{
    if (t->from_md <= t->to_md) return md >= t->from_md && md <= t->to_md;
    return md >= t->from_md || md <= t->to_md;
}

/* Terms must cover every day of the year exactly once, or semester
 * requirements would silently skip days. */
static int check_terms(const calendar *c, char *err, size_t errlen)
{
    for (long d = date_from_ymd(2001, 1, 1); d <= date_from_ymd(2001, 12, 31); d++) {
        int hits = 0;
        for (int i = 0; i < c->nterms; i++) hits += term_contains(&c->terms[i], md_of(d));
        if (hits != 1) {
            char buf[11];
            snprintf(err, errlen, TR("学期定义有误：%s 属于 %d 个学期（应恰好 1 个）", "terms are wrong: %s lies in %d terms (exactly 1 expected)"), date_format(d, buf) + 5, hits);
            return -1;
        }
    }
    return 0;
}

static int load_terms(calendar *c, const char *path, const char *xsd, char *err, size_t errlen)
{
    xmlDocPtr doc = xml_load_data(path, err, errlen);
    if (!doc) return -1;
    if (schema_check_data(xsd, doc, err, errlen) != 0) { xmlFreeDoc(doc); return -1; }
    int rc = 0;
    for (xmlNodePtr n = xmlDocGetRootElement(doc)->children; n; n = n->next) {
        char *from = xml_attr(n, "from"), *to = xml_attr(n, "to"), *name = xml_attr(n, "name");
        if (xml_is(n, "term") && c->nterms < MAX_TERMS) {
            term_rule *t = &c->terms[c->nterms++];
            t->from_md = parse_md(from);
            t->to_md = parse_md(to);
            t->name = xstrdup(name ? name : "");
            if (t->from_md < 0 || t->to_md < 0) rc = -1;
        } else if (xml_is(n, "school-year")) {
            c->school_year_md = parse_md(from);
            if (c->school_year_md < 0) rc = -1;
        }
        xmlFree(from); xmlFree(to); xmlFree(name);
    }
    xmlFreeDoc(doc);
    if (rc) snprintf(err, errlen, TR("%s: 日期应写成 MM-DD", "%s: dates are written MM-DD"), path);
    return rc ? rc : check_terms(c, err, errlen);
}

calendar *calendar_load(const char *cal_dir, const char *terms_path, const char *schema_dir,
                        char *err, size_t errlen)
{
    calendar *c = xcalloc(1, sizeof *c);
    c->base = date_from_ymd(FIRST_YEAR, 1, 1);
    c->ndays = date_from_ymd(LAST_YEAR + 1, 1, 1) - c->base;
    c->status = xcalloc((size_t)c->ndays, 1);
    c->name_ix = xcalloc((size_t)c->ndays, 1);
    c->school_year_md = 801;
    name_index(c, "");
    char *cx = path_join(schema_dir, "calendar.xsd"), *tx = path_join(schema_dir, "terms.xsd");
    int rc = load_years(c, cal_dir, cx, err, errlen);
    if (rc == 0) rc = load_terms(c, terms_path, tx, err, errlen);
    free(cx);
    free(tx);
    if (rc != 0) {
        calendar_free(c);
        return NULL;
    }
    return c;
}

void calendar_free(calendar *c)
{
    if (!c) return;
    for (int i = 0; i < c->nnames; i++) free(c->names[i]);
    for (int i = 0; i < c->nterms; i++) free(c->terms[i].name);
    free(c->status);
    free(c->name_ix);
    free(c);
}

static int status_of(const calendar *c, long day)
{
    long i = day - c->base;
    return (i >= 0 && i < c->ndays) ? c->status[i] : DAY_PLAIN;
}

int calendar_is_workday(const calendar *c, long day)
{
    int s = status_of(c, day);
    if (s == DAY_HOLIDAY) return 0;
    if (s == DAY_WORKDAY) return 1;
    return date_weekday(day) <= 5;
}

const char *calendar_holiday(const calendar *c, long day)
{
    long i = day - c->base;
    if (status_of(c, day) != DAY_HOLIDAY) return NULL;
    return c->names[c->name_ix[i]];
}

int calendar_verified(const calendar *c, long day)
{
    int y, m, d;
    date_to_ymd(day, &y, &m, &d);
    return y >= FIRST_YEAR && y <= LAST_YEAR && c->year_state[y - FIRST_YEAR] == 2;
}

long calendar_workdays(const calendar *c, long from, long to)
{
    long n = 0;
    for (long d = from; d <= to; d++) n += calendar_is_workday(c, d);
    return n;
}

/* The span of a yearly rule [from_md, to_md] that contains day. */
static span rule_span(int from_md, int to_md, long day, const char *name)
{
    int y, m, d;
    date_to_ymd(day, &y, &m, &d);
    int md = m * 100 + d;
    int sy = (from_md > to_md && md < from_md) ? y - 1 : y;
    if (from_md <= to_md) sy = y;
    int ey = from_md > to_md ? sy + 1 : sy;
    span s = {date_from_ymd(sy, from_md / 100, from_md % 100),
              date_from_ymd(ey, to_md / 100, 1) + (to_md % 100) - 1, name};
    return s;
}

span calendar_term(const calendar *c, long day)
{
    int md = md_of(day);
    for (int i = 0; i < c->nterms; i++)
        if (term_contains(&c->terms[i], md))
            return rule_span(c->terms[i].from_md, c->terms[i].to_md, day, c->terms[i].name);
    span none = {day, day, ""};
    return none;
}

span calendar_school_year(const calendar *c, long day)
{
    int from = c->school_year_md;
    /* The school year ends the day before it starts again. */
    long start = rule_span(from, from, day, "").start;
    if (start > day) {
        int y, m, d;
        date_to_ymd(start, &y, &m, &d);
        start = date_from_ymd(y - 1, m, d);
    }
    int y, m, d;
    date_to_ymd(start, &y, &m, &d);
    span s = {start, date_from_ymd(y + 1, m, d) - 1, "学年"};
    return s;
}
