/* load_calendar.h — the official working-day calendar and school terms.
 * Takes: templates/calendars/YYYY.xml (State Council holiday arrangement,
 * one file per notice) and templates/terms.xml. Gives: whether a date is a
 * working day, whether that year's data was verified, and the semester /
 * school year a date belongs to. Policy facts live in the data, not here. */
#ifndef DANGAN_CALENDAR_H
#define DANGAN_CALENDAR_H

#include <stddef.h>

typedef struct calendar calendar;

typedef struct span {
    long start, end;      /* day numbers, inclusive */
    const char *name;     /* e.g. "秋季学期" */
} span;

/* Loads every YYYY.xml in cal_dir (validated against calendar.xsd) and the
 * terms file. NULL with a message in err on failure. */
calendar *calendar_load(const char *cal_dir, const char *terms_path,
                        const char *schema_dir, char *err, size_t errlen);
void calendar_free(calendar *c);

/* 1 when `day` is a working day: Monday–Friday unless a holiday, or a
 * weekend day the arrangement makes a working day (调休上班). */
int calendar_is_workday(const calendar *c, long day);

/* Working days of an ordinary week (国务院《关于职工工作时间的规定》：
 * 每周工作五天 — the Monday–Friday above): per-week minima apply in full
 * to a week of this many working days and pro rata to a shorter one. */
#define WEEK_WORKDAYS 5
/* Name of the holiday on `day` (e.g. "中秋节"), or NULL. */
const char *calendar_holiday(const calendar *c, long day);
/* 1 when the year of `day` is covered by a file marked verified. */
int calendar_verified(const calendar *c, long day);
/* Working days in [from, to]. */
long calendar_workdays(const calendar *c, long from, long to);
/* The term (semester) and the school year containing `day`. */
span calendar_term(const calendar *c, long day);
span calendar_school_year(const calendar *c, long day);

#endif
