/* load_submission.h — load and validate stages: a submission folder becomes
 * validated documents plus an index of its dated records.
 * Takes: a folder path and the compiled schemas. Gives: a submission whose
 * records carry file and line, and findings for whatever could not be
 * loaded (xml.*, schema.invalid, file.*). The documents stay alive so the
 * layout stage can read their text; nothing here judges against rules. */
#ifndef DANGAN_SUBMISSION_H
#define DANGAN_SUBMISSION_H

#include <stddef.h>
#include <libxml/tree.h>
#include "check_findings.h"
#include "check_schema.h"
#include "util_limits.h"


typedef enum {
    ROOT_PLACEMENT, ROOT_JOURNAL, ROOT_OBSERVATIONS, ROOT_LESSONS,
    ROOT_REFLECTIONS, ROOT_ASSESSMENT, ROOT_MENTORING, ROOT_STUDIES, ROOT_KINDS
} root_kind;

/* mentee: one 师徒结对 (mentoring.xml); study: one online course with its
 * 学时 (studies.xml). */
typedef enum {
    REC_DAY, REC_ACTIVITY, REC_OBSERVATION, REC_LESSON, REC_REFLECTION, REC_MENTEE, REC_STUDY, REC_TYPES
} rec_type;

/* Which child elements a record has, for rules like "a lesson with plan,
 * record and afterthought" (profile count/@with). */
enum {
    HAS_NOTES = 1 << 0, HAS_COMMENT = 1 << 1, HAS_OBJECTIVES = 1 << 2,
    HAS_KEY_POINTS = 1 << 3, HAS_DIFFICULTIES = 1 << 4, HAS_PROCESS = 1 << 5,
    HAS_BOARD = 1 << 6, HAS_RECORD = 1 << 7, HAS_AFTERTHOUGHT = 1 << 8,
};

typedef struct record {
    rec_type type;
    long date;          /* day number (util_date.h) */
    int period;         /* class period, 0 when the record has none */
    char kind[16];      /* @kind, "" when none */
    int file;           /* index into submission.files */
    long line;
    long hanzi;         /* 汉字 in all its text */
    unsigned has;       /* HAS_* flags */
    int away;           /* a lesson taught at another school (lesson/@school) */
    long hours;         /* study: 学时 */
    long to;            /* mentee: last day (-1 open-ended) */
    xmlNodePtr node;
} record;

typedef struct sub_file {
    char *name;         /* as shown in findings: relative to the folder */
    xmlDocPtr doc;      /* NULL when the file failed to load or validate */
    int root;           /* root_kind, or -1 */
} sub_file;

typedef struct absence {
    char kind[16];
    long from, to;
    int file;
    long line;
} absence;

typedef struct figure_ref {
    char *src;
    int file;
    long line;
} figure_ref;

typedef struct teacher_info {
    char *name, *gender, *school, *education, *rank, *subject, *grade, *stage;
    long born, work_start;               /* month index, -1 when absent */
    long weekly_periods, years_at_school; /* -1 when absent */
} teacher_info;

typedef struct host_info {
    char *school, *mentor, *klass, *subject, *township;
    long class_periods;                   /* -1 when absent */
} host_info;

typedef struct submission {
    char *dir;
    sub_file *files;
    int nfiles;
    int broken;                 /* files that failed to load or validate */
    int placement;              /* file index of placement.xml, -1 if none */
    char *id, *profile_id;
    long profile_line;
    teacher_info teacher;
    host_info host;
    long start, end, period_line;
    record *recs;
    size_t nrecs, rcap;
    int assessment;             /* file index, -1 if none */
    int has_score;
    double score;
    long score_line;
    long attendance_days;       /* -1 when not stated */
    long attendance_line;
    absence *abs;
    size_t nabs;
    figure_ref *figs;
    size_t nfigs;
} submission;

/* Loads every .xml file of dir. Returns 0 (findings may have been added),
 * or -1 when dir cannot be read at all (err says why). */
int submission_load(const char *dir, schemas *sc, submission *sub, findings *f,
                    char *err, size_t errlen);
void submission_free(submission *sub);

const char *rec_type_name(rec_type t);
/* HAS_* flag for a child element name, 0 when unknown. */
unsigned child_flag(const char *name);
/* 1 if path resolves (symlinks followed) to somewhere strictly inside dir. */
int path_inside(const char *dir, const char *path);
/* Number of Han ideographs in a UTF-8 string. */
long count_hanzi(const char *s);

#endif
