/* load_profile.h — program rules as data (templates/profiles/ID.xml).
 * Takes: a profile id. Gives: the list of requirements and score bands
 * the rule engine (check_rules.h) evaluates. A school or bureau adds a program by
 * adding a file; nothing here knows any program's numbers. */
#ifndef DANGAN_PROFILE_H
#define DANGAN_PROFILE_H

#include <stddef.h>
#include "load_submission.h"
#include "util_limits.h"

typedef enum {
    REQ_WINDOW, REQ_PERIOD, REQ_ATTENDED, REQ_COUNT, REQ_RATIO, REQ_LENGTH,
    REQ_COMMENT, REQ_ELIGIBLE, REQ_ABSENCE, REQ_HOURS,
} req_type;

typedef enum { PER_NONE, PER_WORKDAY, PER_WEEK, PER_SEMESTER, PER_YEAR } per_kind;


/* A record selector: type plus an optional set of kinds ("lesson.open"). */
typedef struct selector {
    rec_type what;
    char kinds[MAX_TOKENS][16];
    int nkinds;
} selector;

typedef struct requirement {
    req_type type;
    char *label;                 /* the profile's own label, or NULL */
    long line;                   /* in the profile file */
    selector sel;                /* count, ratio */
    unsigned with;               /* count: HAS_* flags every record needs */
    double min;                  /* count, ratio, attended-days, eligible, hours */
    double max;                  /* eligible */
    int has_min, has_max;
    per_kind per;                /* count */
    int away;                    /* count: only lessons at another school */
    char of[32];                 /* ratio: "host/class-periods" … */
    selector texts[MAX_TOKENS];  /* length */
    int ntexts;
    long from, to;               /* window; period: min/max days (-1 none) */
    char field[32];              /* eligible */
    char in[MAX_TOKENS][48];     /* eligible: allowed values */
    int nin;
    char if_field[32];           /* eligible: checked only when this field … */
    char if_in[MAX_TOKENS][48];  /* … has one of these values ("" = always) */
    int nif;
    char kind[16];               /* absence: "" = every kind */
} requirement;

typedef struct band {
    double min;
    char *outcome;
    long hours;                  /* -1 when the band states none */
    int pass;
    double points, share;        /* bonus points; % of the allowance (-1 none) */
} band;

/* An allowance's maximum for a list of townships; the last rate may list
 * none and then holds for every other township. */
typedef struct rate {
    char townships[MAX_TOKENS][48];
    int ntownships;
    long max;
} rate;

/* Reflections are dated when written, and some are written after the
 * placement (跟岗结束回原校后，撰写一篇跟岗心得): a kind the profile
 * declares may be dated up to `days` after the period's end. */
typedef struct due_after {
    selector sel;                /* reflection kinds */
    long days;
    long line;
} due_after;

typedef struct profile {
    char *id, *title, *seed;
    requirement *reqs;
    int nreqs;
    band *bands;
    int nbands;
    rate rates[MAX_RATES];       /* <allowance>; nrates 0 when none */
    int nrates;
    char *unit, *allowance_label;
    due_after *dues;
    int ndues;
} profile;

/* Loads and validates templates/profiles/<id>.xml. NULL on failure; then
 * *not_found tells an unknown id (a finding) from a broken file (err). */
profile *profile_load(const char *dir, const char *schema_dir, const char *id,
                      int *not_found, char *err, size_t errlen);
void profile_free(profile *p);

/* Sorted ids of every profile file in dir; caller frees each and the array. */
int profile_ids(const char *dir, char ***ids, int *n);

/* Days after the period's end record r may be dated (0: none). */
long profile_due_days(const profile *p, const record *r);

/* "observation", "lesson.report", "lesson.open|demo" … */
void selector_name(const selector *s, char *buf, size_t len);
/* 1 when record r matches the selector. */
int selector_match(const selector *s, const record *r);

#endif
