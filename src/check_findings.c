/* check_findings.c — see check_findings.h. */
#include "check_findings.h"
#include "util.h"
#include "util_limits.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>


void findings_init(findings *f)
{
    memset(f, 0, sizeof *f);
}

void findings_free(findings *f)
{
    for (size_t i = 0; i < f->n; i++) {
        free(f->v[i].file);
        free(f->v[i].rule);
        free(f->v[i].msg_zh);
        free(f->v[i].msg_en);
    }
    free(f->v);
    memset(f, 0, sizeof *f);
}

static finding *next_slot(findings *f)
{
    if (f->n == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 16;
        f->v = xrealloc(f->v, f->cap * sizeof *f->v);
    }
    return &f->v[f->n++];
}

void finding_add(findings *f, severity sev, const char *code, const char *file,
                 long line, const char *rule, const char *zh, const char *en, ...)
{
    if (sev == SEV_ERROR) f->errors++; else f->warnings++;
    if (f->n == MAX_FINDINGS) {
        finding *x = next_slot(f);
        x->code = code;
        x->file = xstrdup("");
        x->line = 0;
        x->rule = xstrdup("");
        x->msg_zh = xasprintf("问题过多，只列出前 %d 条", MAX_FINDINGS);
        x->msg_en = xasprintf("too many findings; only the first %d are listed", MAX_FINDINGS);
        x->sev = sev;
        return;
    }
    if (f->n > MAX_FINDINGS) return;
    finding *x = next_slot(f);
    /* One list, read once per language. */
    va_list ap, aq;
    va_start(ap, en);
    va_copy(aq, ap);
    x->msg_zh = xvasprintf(zh, aq);
    va_end(aq);
    x->msg_en = xvasprintf(en, ap);
    va_end(ap);
    x->code = code;
    x->file = xstrdup(file ? file : "");
    x->line = line;
    x->rule = xstrdup(rule ? rule : "");
    x->sev = sev;
}

static int cmp_finding(const void *a, const void *b)
{
    const finding *x = a, *y = b;
    int c = strcmp(x->file, y->file);
    if (c) return c;
    if (x->line != y->line) return x->line < y->line ? -1 : 1;
    c = strcmp(x->code, y->code);
    if (c) return c;
    return strcmp(x->msg_en, y->msg_en);
}

void findings_sort(findings *f)
{
    /* The overflow marker stays last. */
    size_t n = f->n > MAX_FINDINGS ? MAX_FINDINGS : f->n;
    if (n > 1) qsort(f->v, n, sizeof *f->v, cmp_finding);
}
