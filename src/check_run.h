/* check_run.h — load → validate → check for one submission, as one call.
 * Takes: a folder and the process context. Gives: the loaded submission,
 * its profile, the verdict (counts and check-list) and all findings.
 * `check` prints this; `build` and `bundle` start from it. */
#ifndef DANGAN_CHECK_H
#define DANGAN_CHECK_H

#include "load_context.h"
#include "check_findings.h"
#include "load_profile.h"
#include "check_rules.h"
#include "load_submission.h"

typedef struct checked {
    submission sub;
    const profile *prof;    /* the context's (context_profile); NULL when
                               unknown or not reached */
    char *profile_id;       /* the id asked for (placement or --profile) */
    verdict v;
    findings f;
    int rules_run;          /* 0 when file errors stopped the rule checks */
} checked;

/* Returns 0 when judged (findings may hold errors), 2 on an I/O or
 * configuration error (err says why; nothing was judged). */
int check_submission(context *ctx, const char *dir, const char *profile_override,
                     checked *out, char *err, size_t errlen);
void checked_free(checked *c);

/* 1 when the submission has no error findings. */
int checked_ok(const checked *c);

/* 1 when it can be typeset at all, even as a draft: every file loaded,
 * the rules run, every character drawable, every image usable. Shortfalls
 * against the program (counts, dates, scores) do not stop a draft. */
int checked_typesettable(const checked *c);

#endif
