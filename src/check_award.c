/* check_award.c — see check_award.h. */
#include "check_award.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* The allowance's maximum for the host's township (the open rate for any
 * township not listed); -1 when the profile has no allowance table. */
static long allowance_max(const submission *s, const profile *p)
{
    const char *town = s->host.township;
    /* No township, no rate: "every other township" would quietly pay the
     * lowest one to a clerk's omission. */
    if (!town || !town[0]) return -1;
    for (int i = 0; i < p->nrates; i++) {
        const rate *r = &p->rates[i];
        if (!r->ntownships) return r->max;
        for (int k = 0; town && k < r->ntownships; k++)
            if (!strcmp(town, r->townships[k])) return r->max;
    }
    return -1;
}

/* Bonus points and allowance of the score band: outcomes the bureau pays
 * out, computed here once so the check-list, the JSON and the 汇总表 say
 * the same. */
void award_compute(const submission *s, const profile *p, const band *b, verdict *v)
{
    if (b && b->points >= 0) v->points = b->points;
    if (!p->nrates) return;
    v->allowance_max = allowance_max(s, p);
    if (b && v->allowance_max >= 0)
        v->allowance = (long)floor((double)v->allowance_max * (b->share >= 0 ? b->share : 0) / 100.0 + 0.5);
}

size_t award_band_range(const profile *p, int i, char *buf, size_t len)
{
    if (i == 0) return (size_t)snprintf(buf, len, "%g 分以上", p->bands[0].min);
    if (p->bands[i].min <= 0) return (size_t)snprintf(buf, len, "%g 分以下", p->bands[i - 1].min - 1);
    return (size_t)snprintf(buf, len, "%g—%g 分", p->bands[i].min, p->bands[i - 1].min - 1);
}

static void points_row(const profile *p, const verdict *v, award_row *r)
{
    snprintf(r->label, sizeof r->label, "加分（按考核成绩）");
    size_t n = 0;
    for (int i = 0; i < p->nbands && n < sizeof r->required; i++) {
        if (p->bands[i].points < 0) continue;
        if (n) n += (size_t)snprintf(r->required + n, sizeof r->required - n, "；");
        if (n < sizeof r->required) n += award_band_range(p, i, r->required + n, sizeof r->required - n);
        if (n < sizeof r->required)
            n += (size_t)snprintf(r->required + n, sizeof r->required - n, p->bands[i].points > 0 ? "加 %g 分" : "不加分",
                                  p->bands[i].points);
    }
    if (v->points > 0) snprintf(r->actual, sizeof r->actual, "加 %g 分", v->points);
    else snprintf(r->actual, sizeof r->actual, v->outcome ? "不加分" : "—");
}

static void allowance_row(const submission *s, const profile *p, const verdict *v, award_row *r)
{
    snprintf(r->label, sizeof r->label, "%s", p->allowance_label ? p->allowance_label : "津贴（按乡镇、考核成绩）");
    size_t n = 0, cap = sizeof r->required;
    for (int i = 0; i < p->nrates && n < cap; i++) {
        const rate *x = &p->rates[i];
        if (n) n += (size_t)snprintf(r->required + n, cap - n, "；");
        for (int k = 0; k < x->ntownships && n < cap; k++)
            n += (size_t)snprintf(r->required + n, cap - n, "%s%s", k ? "、" : "", x->townships[k]);
        if (n < cap)
            n += (size_t)snprintf(r->required + n, cap - n, "%s最高 %ld %s", x->ntownships ? " " : "其他乡镇 ",
                                  x->max, p->unit);
    }
    for (int i = 0; i < p->nbands && n < cap; i++) {
        if (p->bands[i].share < 0) continue;
        n += (size_t)snprintf(r->required + n, cap - n, "；");
        if (n < cap) n += award_band_range(p, i, r->required + n, cap - n);
        if (n < cap)
            n += (size_t)snprintf(r->required + n, cap - n, p->bands[i].share > 0 ? "得 %g%%" : "不得", p->bands[i].share);
    }
    const char *town = s->host.township ? s->host.township : NULL;
    if (!town) snprintf(r->actual, sizeof r->actual, "未填所在乡镇（placement.xml 的 host/township）");
    else if (v->allowance_max < 0) snprintf(r->actual, sizeof r->actual, "%s：无对应标准", town);
    else if (v->allowance < 0) snprintf(r->actual, sizeof r->actual, "%s：最高 %ld %s（待考核）", town, v->allowance_max, p->unit);
    else snprintf(r->actual, sizeof r->actual, "%s：%ld %s", town, v->allowance, p->unit);
}

int award_rows(const submission *s, const profile *p, const verdict *v, award_row out[2])
{
    int n = 0, points = 0;
    for (int i = 0; p && i < p->nbands; i++) points |= p->bands[i].points >= 0;
    if (points) points_row(p, v, &out[n++]);
    if (p && p->nrates) allowance_row(s, p, v, &out[n++]);
    return n;
}

