/* Unit tests: the shipped calendar data and the term rules. Run from the
 * repository root (reads templates/). */
#include "test.h"
#include "load_calendar.h"
#include "util_date.h"
#include <string.h>
#include <sys/stat.h>

static long D(const char *s)
{
    long d = 0;
    if (date_parse(s, &d) != 0) { fprintf(stderr, "bad date %s\n", s); exit(2); }
    return d;
}

int main(void)
{
    char err[512] = "";
    calendar *c = calendar_load("templates/calendars", "templates/terms.xml", "templates/schemas", err, sizeof err);
    if (!c) { fprintf(stderr, "%s\n", err); return 1; }

    /* 2016 中秋节: Thu 15 – Sat 17 off, Sunday 18 a make-up working day. */
    CHECK(calendar_is_workday(c, D("2016-09-14")));
    CHECK(!calendar_is_workday(c, D("2016-09-15")));
    CHECK(!calendar_is_workday(c, D("2016-09-16")));
    CHECK(!calendar_is_workday(c, D("2016-09-17")));
    CHECK(calendar_is_workday(c, D("2016-09-18")));
    CHECK(calendar_holiday(c, D("2016-09-15")) && strstr(calendar_holiday(c, D("2016-09-15")), "中秋"));
    CHECK(calendar_holiday(c, D("2016-09-18")) == NULL);
    CHECK(!calendar_is_workday(c, D("2016-09-24")));          /* ordinary Saturday */
    /* The reference sample's period holds exactly 10 working days. */
    CHECK(calendar_workdays(c, D("2016-09-12"), D("2016-09-26")) == 10);
    /* 2016 国庆节: 1–7 October off, Sat 8 and Sun 9 working days. */
    CHECK(!calendar_is_workday(c, D("2016-10-07")));
    CHECK(calendar_is_workday(c, D("2016-10-08")));
    CHECK(calendar_is_workday(c, D("2016-10-09")));
    /* The 2012 notice made Saturday 2011-12-31 a working day. */
    CHECK(calendar_is_workday(c, D("2011-12-31")));
    CHECK(!calendar_is_workday(c, D("2012-01-02")));
    /* 2023: 中秋节 and 国庆节 joined, 29 Sep – 6 Oct; Sat 7 and Sun 8 Oct worked. */
    CHECK(!calendar_is_workday(c, D("2023-09-29")));
    CHECK(!calendar_is_workday(c, D("2023-10-06")));
    CHECK(calendar_is_workday(c, D("2023-10-07")));
    CHECK(calendar_is_workday(c, D("2023-10-08")));
    /* Every shipped year is present; a year with no data is unverified and
     * falls back to Monday–Friday. */
    int missing = 0;
    for (int y = 2012; y <= 2026; y++) {
        long d = date_from_ymd(y, 6, 1);
        if (!calendar_verified(c, d)) { fprintf(stderr, "note: %d not verified\n", y); missing++; }
    }
    CHECK(missing == 0);                                      /* every year checked against its notice */
    /* 2020: the extension notice (国办发明电〔2020〕1号) cancelled Saturday 1 Feb as a workday. */
    CHECK(!calendar_is_workday(c, D("2020-02-01")));
    CHECK(!calendar_is_workday(c, D("2020-02-02")));
    CHECK(calendar_is_workday(c, D("2020-02-03")));
    CHECK(calendar_is_workday(c, D("2020-01-19")));           /* a Sunday worked */
    /* 2019: the adjusted 劳动节, 1–4 May off, Sundays 28 April and 5 May worked. */
    CHECK(!calendar_is_workday(c, D("2019-05-03")));
    CHECK(calendar_is_workday(c, D("2019-05-05")));
    /* 2015: the one-off 抗战胜利70周年 holiday, Thursday 3 – Saturday 5 September. */
    CHECK(!calendar_is_workday(c, D("2015-09-04")));
    CHECK(calendar_is_workday(c, D("2015-09-06")));
    /* 2026: nine days of 春节, Saturday 28 February worked. */
    CHECK(!calendar_is_workday(c, D("2026-02-23")));
    CHECK(calendar_is_workday(c, D("2026-02-28")));
    CHECK(!calendar_verified(c, D("2035-06-01")));
    CHECK(calendar_is_workday(c, D("2035-06-01")));           /* a Friday */
    CHECK(!calendar_is_workday(c, D("2035-06-02")));          /* a Saturday */

    /* Terms: autumn runs across the new year; the school year from 1 August. */
    span t = calendar_term(c, D("2016-09-12"));
    CHECK(t.start == D("2016-08-01") && t.end == D("2017-01-31"));
    t = calendar_term(c, D("2017-01-15"));
    CHECK(t.start == D("2016-08-01") && t.end == D("2017-01-31"));
    t = calendar_term(c, D("2017-03-01"));
    CHECK(t.start == D("2017-02-01") && t.end == D("2017-07-31"));
    span y = calendar_school_year(c, D("2017-07-31"));
    CHECK(y.start == D("2016-08-01") && y.end == D("2017-07-31"));
    y = calendar_school_year(c, D("2016-08-01"));
    CHECK(y.start == D("2016-08-01") && y.end == D("2017-07-31"));
    calendar_free(c);

    /* An unverified year's data is used, but the year stays unverified. */
    mkdir("build/tests/cal", 0755);
    FILE *f = fopen("build/tests/cal/2030.xml", "w");
    fputs("<calendar xmlns=\"urn:dangan:1\" year=\"2030\" verified=\"false\" source=\"test\">"
          "<holiday name=\"国庆节\" from=\"2030-10-01\" to=\"2030-10-07\"/>"
          "<workday date=\"2030-09-29\" name=\"国庆节\"/></calendar>", f);
    fclose(f);
    c = calendar_load("build/tests/cal", "templates/terms.xml", "templates/schemas", err, sizeof err);
    CHECK(c != NULL);
    if (c) {
        CHECK(!calendar_verified(c, D("2030-10-02")));
        CHECK(!calendar_is_workday(c, D("2030-10-02")));     /* a Wednesday, but a holiday */
        CHECK(calendar_is_workday(c, D("2030-09-29")));      /* a Sunday, made a workday */
        calendar_free(c);
    }
    /* A range that runs backwards is refused with file and line. */
    f = fopen("build/tests/cal/2030.xml", "w");
    fputs("<calendar xmlns=\"urn:dangan:1\" year=\"2030\" verified=\"true\" source=\"test\">\n"
          "<holiday name=\"国庆节\" from=\"2030-10-07\" to=\"2030-10-01\"/></calendar>", f);
    fclose(f);
    CHECK(calendar_load("build/tests/cal", "templates/terms.xml", "templates/schemas", err, sizeof err) == NULL);
    CHECK(strstr(err, "2030.xml:2") != NULL);

    /* Broken data is refused with a message, not half-loaded. */
    CHECK(calendar_load("/nonexistent", "templates/terms.xml", "templates/schemas", err, sizeof err) == NULL);
    CHECK(strlen(err) > 0);
    return test_done("test_calendar");
}
