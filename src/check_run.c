/* check_run.c — see check_run.h. */
#include "check_run.h"
#include "check_always.h"
#include "check_glyphs.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A profile that cannot be found is the teacher's problem (a finding);
 * one that exists but is broken is the installation's (exit 2). */
static int resolve_profile(context *ctx, checked *c, char *err, size_t errlen)
{
    int not_found = 0;
    c->prof = context_profile(ctx, c->profile_id, &not_found, err, errlen);
    if (c->prof) return 0;
    if (!not_found) return -1;
    const char *file = c->sub.placement >= 0 ? c->sub.files[c->sub.placement].name : "placement.xml";
    finding_add(&c->f, SEV_ERROR, "profile.unknown", file, c->sub.profile_line, "profile",
                "未知的研修项目“%s”：可用 dangan profiles 查看已有项目",
                "unknown program profile '%s': run dangan profiles for the list",
                c->profile_id);
    return 0;
}

int check_submission(context *ctx, const char *dir, const char *profile_override,
                     checked *c, char *err, size_t errlen)
{
    memset(c, 0, sizeof *c);
    c->v.hours = -1;    /* no 学时 unless a score band grants them */
    findings_init(&c->f);
    if (submission_load(dir, ctx->schemas, &c->sub, &c->f, err, errlen) != 0) return 2;
    submission *s = &c->sub;
    c->profile_id = xstrdup(profile_override ? profile_override : s->profile_id ? s->profile_id : "");
    if (s->placement >= 0 || profile_override) {
        if (resolve_profile(ctx, c, err, errlen) != 0) return 2;
    }
    glyphs_check(s, ctx->fonts, &c->f);
    leftovers_check(s, context_placeholders(ctx), &c->f);
    /* Rules on half-loaded data would report shortfalls that are really
     * file errors; fix the files first, like a compiler's syntax errors. */
    if (s->broken == 0 && s->placement >= 0 && c->prof) {
        checks_always(s, c->prof, ctx->cal, &c->f);
        rules_evaluate(s, c->prof, ctx->cal, &c->v, &c->f);
        c->rules_run = 1;
    }
    findings_sort(&c->f);
    return 0;
}

void checked_free(checked *c)
{
    submission_free(&c->sub);
    free(c->profile_id);
    verdict_free(&c->v);
    findings_free(&c->f);
    memset(c, 0, sizeof *c);
}

int checked_ok(const checked *c)
{
    return c->f.errors == 0;
}

int checked_typesettable(const checked *c)
{
    static const char *const BLOCKING[] = {"xml.", "schema.", "file.", "glyph.", "ref.", "profile."};
    if (!c->rules_run) return 0;
    for (size_t i = 0; i < c->f.n; i++) {
        if (c->f.v[i].sev != SEV_ERROR) continue;
        for (size_t k = 0; k < sizeof BLOCKING / sizeof BLOCKING[0]; k++)
            if (!strncmp(c->f.v[i].code, BLOCKING[k], strlen(BLOCKING[k]))) return 0;
    }
    return 1;
}
