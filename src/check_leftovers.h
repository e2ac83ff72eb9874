/* check_leftovers.h — part of the check stage: what `dangan init` wrote and the
 * teacher never replaced.
 * Takes: a loaded submission and the skeleton folder (templates/skeleton).
 * Gives: a template.unfilled error, with file and line, for init's default
 * id and for every value still in the skeleton's placeholder form （…）. */
#ifndef DANGAN_LEFTOVERS_H
#define DANGAN_LEFTOVERS_H

#include "check_findings.h"
#include "load_submission.h"

/* The id `init` writes into placement.xml until the teacher sets one. */
#define SKELETON_ID "NEW-0001"

typedef struct placeholders {
    char **text;        /* "（听课笔记）" …: whole element texts of the skeleton */
    int n;
} placeholders;

/* Collects the placeholders of every skeleton file in dir (missing files
 * give none: the value-field rule still holds). */
void placeholders_load(const char *dir, placeholders *ph);
void placeholders_free(placeholders *ph);

void leftovers_check(const submission *s, const placeholders *ph, findings *f);

#endif
