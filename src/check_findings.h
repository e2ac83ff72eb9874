/* check_findings.h — what every judging stage reports: a finding is a stable code
 * (spec §4), a place (file, line), the rule it comes from, a severity and
 * the message in Chinese and English. Stages only add; check_report.c prints. */
#ifndef DANGAN_FINDINGS_H
#define DANGAN_FINDINGS_H

#include <stddef.h>

typedef enum { SEV_ERROR, SEV_WARNING } severity;

typedef struct finding {
    const char *code;   /* static string, e.g. "count.short" */
    char *file;         /* relative to the submission folder; "" when none */
    long line;          /* 0 when the finding is about the whole file or folder */
    char *rule;         /* e.g. "observation>=20"; "" when none */
    char *msg_zh, *msg_en;
    severity sev;
} finding;

typedef struct findings {
    finding *v;
    size_t n, cap;
    size_t errors, warnings;
} findings;

void findings_init(findings *f);
void findings_free(findings *f);

/* Adds one finding. zh and en are printf formats of ONE argument list, and
 * the compiler checks each against it (the Makefile makes a mismatch an
 * error). A word only one language uses is passed too and skipped by the
 * other with %.0s ("%s%.0s共 %ld" / "%.0s%s: %ld" with label, name, n);
 * where the languages order the words differently, the English format
 * names positions ("%3$g × %2$s") and must name every argument (an unused
 * one as "%1$.0s"). Messages stay in the caller: each reads in place. */
void finding_add(findings *f, severity sev, const char *code, const char *file,
                 long line, const char *rule, const char *zh, const char *en, ...)
    __attribute__((format(printf, 7, 9), format(printf, 8, 9)));

/* Sorts by file, then line, then code, so output is stable whatever order
 * the checks ran in. */
void findings_sort(findings *f);

#endif
