/* check_report.c — see check_report.h. */
#include "check_report.h"
#include "check_award.h"
#include "util.h"

#include <string.h>
#include <unicode/uchar.h>

void json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", out); break;
        case '\\': fputs("\\\\", out); break;
        case '\n': fputs("\\n", out); break;
        case '\r': fputs("\\r", out); break;
        case '\t': fputs("\\t", out); break;
        default:
            if (*p < 0x20) fprintf(out, "\\u%04x", *p);
            else fputc(*p, out);
        }
    }
    fputc('"', out);
}

int display_width(const char *s)
{
    size_t len = strlen(s), i = 0;
    int w = 0;
    while (i < len) {
        int32_t cp = utf8_next(s, len, &i);
        if (cp < 0) { i++; w++; continue; }
        int ea = u_getIntPropertyValue(cp, UCHAR_EAST_ASIAN_WIDTH);
        w += (ea == U_EA_WIDE || ea == U_EA_FULLWIDTH) ? 2 : 1;
    }
    return w;
}

static void pad(FILE *out, const char *s, int width)
{
    fputs(s, out);
    for (int w = display_width(s); w < width; w++) fputc(' ', out);
}

static void print_finding(FILE *out, const char *dir, const finding *x, int en)
{
    const char *file = x->file[0] ? x->file : dir;
    if (x->line > 0) fprintf(out, "%s:%ld: ", file, x->line);
    else fprintf(out, "%s: ", file);
    if (x->sev == SEV_WARNING) fputs(en ? "warning: " : "警告：", out);
    fprintf(out, "%s\n", en ? x->msg_en : x->msg_zh);
}

static void print_header(FILE *out, const char *dir, const checked *c, int en)
{
    const submission *s = &c->sub;
    const char *name = s->teacher.name ? s->teacher.name : "";
    fprintf(out, "== %s", dir);
    if (name[0]) fprintf(out, " · %s", name);
    if (s->id && s->id[0]) fprintf(out, en ? " (%s)" : "（%s）", s->id);
    if (c->prof) fprintf(out, " · %s %s", c->prof->id, c->prof->title ? c->prof->title : "");
    else if (c->profile_id && c->profile_id[0]) fprintf(out, " · %s", c->profile_id);
    fputc('\n', out);
}

static void print_rows(FILE *out, const verdict *v, int en)
{
    if (!v->nrows) return;
    int wl = en ? 12 : 8, wr = en ? 8 : 4, wa = 4;
    for (int i = 0; i < v->nrows; i++) {
        const req_row *r = &v->rows[i];
        int a = display_width(en ? r->rule : r->label), b = display_width(en ? r->required_en : r->required);
        int d = display_width(en ? r->actual_en : r->actual);
        if (a > wl) wl = a;
        if (b > wr) wr = b;
        if (d > wa) wa = d;
    }
    fputs("\n    ", out);
    pad(out, en ? "requirement" : "要求", wl + 2);
    pad(out, en ? "required" : "规定", wr + 2);
    fputs(en ? "actual\n" : "实际\n", out);
    for (int i = 0; i < v->nrows; i++) {
        const req_row *r = &v->rows[i];
        fputs(r->met ? "  ✓ " : "  ✗ ", out);
        pad(out, en ? r->rule : r->label, wl + 2);
        pad(out, en ? r->required_en : r->required, wr + 2);
        fprintf(out, "%s\n", en ? r->actual_en : r->actual);
    }
}

static void print_verdict(FILE *out, const checked *c, int en)
{
    const findings *f = &c->f;
    if (en) {
        fprintf(out, "\nresult: %s (%zu error%s, %zu warning%s)",
                f->errors ? "does NOT meet the requirements" : "meets the requirements",
                f->errors, f->errors == 1 ? "" : "s", f->warnings, f->warnings == 1 ? "" : "s");
        if (c->v.outcome) fprintf(out, "; assessment: %s", c->v.outcome);
        if (c->v.hours >= 0) fprintf(out, ", %ld credit hours", c->v.hours);
    } else {
        fprintf(out, "\n结论：%s（%zu 个错误，%zu 个警告）", f->errors ? "不符合要求" : "符合要求",
                f->errors, f->warnings);
        if (c->v.outcome) fprintf(out, "；考核等次：%s", c->v.outcome);
        if (c->v.hours >= 0) fprintf(out, "，认定 %ld 学时", c->v.hours);
    }
    fputc('\n', out);
    if (!c->rules_run && f->errors)
        fputs(en ? "(program rules were not checked: fix the file errors above first)\n"
                 : "（文件有错误，尚未按项目要求核对：请先改正上面的错误）\n", out);
}

/* Outcomes of the score (bonus points, allowance): "·" marks them as
 * results, not requirements. */
static void print_awards(FILE *out, const checked *c, int en)
{
    award_row a[2];
    int n = c->rules_run ? award_rows(&c->sub, c->prof, &c->v, a) : 0;
    if (n && en) {
        /* English names the figures; the tables are the profile's Chinese. */
        if (c->v.points >= 0) fprintf(out, "  · bonus points: %g\n", c->v.points);
        if (c->v.allowance_max >= 0)
            fprintf(out, "  · allowance: %ld of at most %ld (%s)\n", c->v.allowance < 0 ? 0 : c->v.allowance,
                    c->v.allowance_max, c->sub.host.township ? c->sub.host.township : "");
        return;
    }
    for (int i = 0; i < n; i++) fprintf(out, "  · %s：%s（%s）\n", a[i].label, a[i].actual, a[i].required);
}

void report_text(FILE *out, const char *dir, const checked *c, int en)
{
    print_header(out, dir, c, en);
    for (size_t i = 0; i < c->f.n; i++) print_finding(out, dir, &c->f.v[i], en);
    print_rows(out, &c->v, en);
    print_awards(out, c, en);
    print_verdict(out, c, en);
}

void report_json(FILE *out, const char *dir, const checked *c, int en)
{
    fputs("{\"submission\":", out);
    json_string(out, dir);
    fputs(",\"profile\":", out);
    json_string(out, c->profile_id ? c->profile_id : "");
    fprintf(out, ",\"ok\":%s,\"counts\":{", checked_ok(c) ? "true" : "false");
    for (int i = 0; i < c->v.ncounts; i++) {
        if (i) fputc(',', out);
        json_string(out, c->v.counts[i].key);
        fprintf(out, ":%ld", c->v.counts[i].value);
    }
    fputc('}', out);
    /* What the check computed of the profile's award table, for the 汇总表. */
    if (c->rules_run && c->v.points >= 0) fprintf(out, ",\"points\":%g", c->v.points);
    if (c->rules_run && c->v.allowance_max >= 0) {
        fprintf(out, ",\"allowance\":{\"township\":");
        json_string(out, c->sub.host.township ? c->sub.host.township : "");
        fprintf(out, ",\"max\":%ld,\"amount\":", c->v.allowance_max);
        if (c->v.allowance >= 0) fprintf(out, "%ld}", c->v.allowance);
        else fputs("null}", out);
    }
    fputs(",\"findings\":[", out);
    for (size_t i = 0; i < c->f.n; i++) {
        const finding *x = &c->f.v[i];
        if (i) fputc(',', out);
        fputs("{\"code\":", out);
        json_string(out, x->code);
        fputs(",\"file\":", out);
        json_string(out, x->file);
        fprintf(out, ",\"line\":%ld,\"rule\":", x->line);
        json_string(out, x->rule);
        fputs(",\"message\":", out);
        json_string(out, en ? x->msg_en : x->msg_zh);
        fputs(",\"severity\":", out);
        json_string(out, x->sev == SEV_ERROR ? "error" : "warning");
        fputc('}', out);
    }
    fputs("]}\n", out);
}
