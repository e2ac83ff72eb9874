/* check_rules.h — the check stage: a submission judged against its profile.
 * Takes: a loaded submission, its profile, the calendar. Gives: counts,
 * one check-list row per requirement (required / actual / met — the
 * dossier's 要求核对表 prints the same rows) and findings for every
 * shortfall. The checks that hold whatever the profile are
 * check_always.h's. */
#ifndef DANGAN_RULES_H
#define DANGAN_RULES_H

#include "load_calendar.h"
#include "check_findings.h"
#include "load_profile.h"
#include "load_submission.h"

typedef struct count_entry {
    char key[40];       /* "observation", "lesson.report", "day" … */
    long value;
} count_entry;

typedef struct req_row {
    char *label;        /* Chinese */
    char *rule;         /* e.g. "observation>=20" (the English label) */
    char *required;     /* "≥20", "≥2/工作日" */
    char *actual;
    char *required_en;  /* the same in English: "≥2/working day" */
    char *actual_en;
    int met;
} req_row;

typedef struct verdict {
    count_entry *counts;
    int ncounts;
    req_row *rows;
    int nrows, rcap;
    long attended;      /* attended working days used by the rules */
    const char *outcome;/* score band outcome, NULL when not judged */
    long hours;         /* 学时, -1 when none */
    long leave_days;    /* sick and personal leave, working days (病事假天数) */
    long unexcused_days;/* 擅自离岗 */
    double points;      /* the score band's bonus points, -1 none */
    long allowance_max; /* the allowance's maximum for the host's township, -1 none */
    long allowance;     /* what the score band earns of it, -1 when not judged */
} verdict;

/* Evaluates every requirement of p. */
void rules_evaluate(const submission *s, const profile *p, const calendar *cal,
                    verdict *v, findings *f);
void verdict_free(verdict *v);

/* 1 when `day` is an attended working day of s: inside the period, a
 * working day, and not inside an absence. */
int attended_day(const submission *s, const calendar *cal, long day);

/* Working days of absence of a kind ("" = every kind) inside the
 * placement period; *line (when not NULL) gets the last one's line. */
long absence_days(const submission *s, const calendar *cal, const char *kind, long *line);

/* Chinese name of a record selector: "汇报课", "听课记录", "公开课/示范课". */
void selector_label(const selector *sel, char *buf, size_t len);

/* Default file a record type lives in, for findings about a whole type. */
const char *rec_type_file(const submission *s, rec_type t);

#endif
