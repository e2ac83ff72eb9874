/* check_report.h — how `check` speaks: text for a person, JSON lines for a
 * program. Takes: a checked submission. Gives: output on a stream. */
#ifndef DANGAN_REPORT_H
#define DANGAN_REPORT_H

#include <stdio.h>
#include "check_run.h"

/* Findings as "file:line: message", then the check-list summary. */
void report_text(FILE *out, const char *dir, const checked *c, int en);
/* One JSON object on one line, exactly the keys of spec §4. */
void report_json(FILE *out, const char *dir, const checked *c, int en);
/* Writes s as a JSON string literal (quotes included). */
void json_string(FILE *out, const char *s);
/* Terminal columns taken by a UTF-8 string (CJK wide characters count 2). */
int display_width(const char *s);

#endif
