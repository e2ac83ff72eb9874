/* load_profile.c — see load_profile.h. */
#include "load_profile.h"
#include "util_lang.h"
#include "util_date.h"
#include "util.h"
#include "check_schema.h"
#include "load_xml.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


static int parse_what(const char *s, rec_type *t)
{
    static const struct { const char *name; rec_type t; } W[] = {
        {"observation", REC_OBSERVATION}, {"lesson", REC_LESSON}, {"reflection", REC_REFLECTION},
        {"activity", REC_ACTIVITY}, {"day", REC_DAY}, {"journal", REC_DAY},
        {"mentee", REC_MENTEE}, {"study", REC_STUDY},
    };
    for (size_t i = 0; i < sizeof W / sizeof W[0]; i++)
        if (!strcmp(W[i].name, s)) { *t = W[i].t; return 0; }
    return -1;
}

/* Splits a space-separated attribute into fixed slots; -1 if too many. */
static int split(const char *s, char *out, size_t width, int max)
{
    int n = 0;
    while (s && *s) {
        while (*s == ' ' || *s == '\t' || *s == '\n') s++;
        if (!*s) break;
        const char *e = s;
        while (*e && *e != ' ' && *e != '\t' && *e != '\n') e++;
        if (n == max || (size_t)(e - s) >= width) return -1;
        memcpy(out + (size_t)n * width, s, (size_t)(e - s));
        out[(size_t)n * width + (size_t)(e - s)] = '\0';
        n++;
        s = e;
    }
    return n;
}

/* "reflection.notes" → {REC_REFLECTION, {"notes"}}. */
static int parse_selector(const char *tok, selector *sel)
{
    char buf[64];
    size_t n = strlen(tok);
    if (n >= sizeof buf) return -1;
    memcpy(buf, tok, n + 1);
    char *dot = strchr(buf, '.');
    if (dot) *dot++ = '\0';
    memset(sel, 0, sizeof *sel);
    if (parse_what(buf, &sel->what) != 0) return -1;
    if (dot) {
        snprintf(sel->kinds[0], sizeof sel->kinds[0], "%s", dot);
        sel->nkinds = 1;
    }
    return 0;
}

static double attr_num(xmlNodePtr n, const char *name, int *has)
{
    char *v = xml_attr(n, name);
    *has = v != NULL;
    double d = v ? strtod(v, NULL) : 0;
    xmlFree(v);
    return d;
}

static int read_count(xmlNodePtr n, requirement *r)
{
    char *what = xml_attr(n, "what"), *kind = xml_attr(n, "kind"), *with = xml_attr(n, "with"),
         *per = xml_attr(n, "per"), *of = xml_attr(n, "of"), *at = xml_attr(n, "at");
    r->away = at != NULL;
    /* Only lessons have a school of their own. */
    int rc0 = at && strcmp(what ? what : "", "lesson") ? -1 : 0;
    int rc = parse_what(what ? what : "", &r->sel.what) | rc0;
    r->sel.nkinds = kind ? split(kind, r->sel.kinds[0], sizeof r->sel.kinds[0], MAX_TOKENS) : 0;
    if (r->sel.nkinds < 0) rc = -1;
    char names[MAX_TOKENS][32];
    int nw = with ? split(with, names[0], sizeof names[0], MAX_TOKENS) : 0;
    if (nw < 0) rc = -1;
    for (int i = 0; i < nw; i++) {
        unsigned fl = child_flag(names[i]);
        if (!fl) rc = -1;
        r->with |= fl;
    }
    static const char *const PER[] = {"", "working-day", "week", "semester", "year"};
    for (int i = 1; per && i < 5; i++)
        if (!strcmp(per, PER[i])) r->per = (per_kind)i;
    if (of) snprintf(r->of, sizeof r->of, "%s", of);
    int has;
    r->min = attr_num(n, "min", &has);
    xmlFree(what); xmlFree(kind); xmlFree(with); xmlFree(per); xmlFree(of); xmlFree(at);
    return rc;
}

static int read_length(xmlNodePtr n, requirement *r)
{
    char *texts = xml_attr(n, "texts");
    char toks[MAX_TOKENS][48];
    int nt = split(texts, toks[0], sizeof toks[0], MAX_TOKENS), rc = nt > 0 ? 0 : -1;
    for (int i = 0; i < nt && rc == 0; i++) rc = parse_selector(toks[i], &r->texts[i]);
    r->ntexts = nt > 0 ? nt : 0;
    int has;
    r->min = attr_num(n, "min-hanzi", &has);
    xmlFree(texts);
    return rc;
}

static int read_dates(xmlNodePtr n, requirement *r)
{
    char *a = xml_attr(n, "from"), *b = xml_attr(n, "to");
    int rc = (date_parse(a, &r->from) || date_parse(b, &r->to) || r->to < r->from) ? -1 : 0;
    xmlFree(a);
    xmlFree(b);
    return rc;
}

static int read_eligible(xmlNodePtr n, requirement *r)
{
    char *field = xml_attr(n, "field"), *in = xml_attr(n, "in");
    char *iff = xml_attr(n, "if-field"), *ifin = xml_attr(n, "if-in");
    snprintf(r->field, sizeof r->field, "%s", field ? field : "");
    snprintf(r->if_field, sizeof r->if_field, "%s", iff ? iff : "");
    r->nin = in ? split(in, r->in[0], sizeof r->in[0], MAX_TOKENS) : 0;
    r->nif = ifin ? split(ifin, r->if_in[0], sizeof r->if_in[0], MAX_TOKENS) : 0;
    r->min = attr_num(n, "min", &r->has_min);
    r->max = attr_num(n, "max", &r->has_max);
    /* A condition names a field and at least one value, or neither. */
    int rc = r->nin < 0 || r->nif < 0 || (!iff != !ifin) || (ifin && r->nif == 0) ? -1 : 0;
    /* Conditions are on what the teacher is (性别, 学段 …), not on numbers. */
    static const char *const TEXT[] = {"gender", "stage", "education", "rank"};
    int text = 0;
    for (size_t i = 0; iff && i < sizeof TEXT / sizeof TEXT[0]; i++) text |= !strcmp(iff, TEXT[i]);
    if (iff && !text) rc = -1;
    xmlFree(field);
    xmlFree(in);
    xmlFree(iff);
    xmlFree(ifin);
    return rc;
}

static int read_bands(xmlNodePtr n, profile *p)
{
    for (xmlNodePtr b = n->children; b; b = b->next) {
        if (!xml_is(b, "band")) continue;
        if (p->nbands == MAX_BANDS) return -1;
        band *x = &p->bands[p->nbands++];
        int has;
        x->min = attr_num(b, "min", &has);
        x->hours = -1;
        double h = attr_num(b, "hours", &has);
        if (has) x->hours = (long)h;
        x->points = attr_num(b, "points", &has);
        if (!has) x->points = -1;
        x->share = attr_num(b, "share", &has);
        if (!has) x->share = -1;
        char *out = xml_attr(b, "outcome"), *pass = xml_attr(b, "pass");
        x->outcome = xstrdup(out ? out : "");
        x->pass = !(pass && (!strcmp(pass, "false") || !strcmp(pass, "0")));
        xmlFree(out);
        xmlFree(pass);
        if (p->nbands > 1 && x->min >= p->bands[p->nbands - 2].min) return -1; /* highest first */
    }
    return 0;
}

/* <allowance><rate townships="…" max="…"/>…</allowance>: only the last
 * rate may leave out its townships (it is "every other township"). */
static int read_allowance(xmlNodePtr n, profile *p)
{
    if (p->nrates) return -1;
    char *unit = xml_attr(n, "unit"), *label = xml_attr(n, "label");
    p->unit = xstrdup(unit ? unit : "元");
    p->allowance_label = label ? xstrdup(label) : NULL;
    xmlFree(unit);
    xmlFree(label);
    int open_seen = 0;
    for (xmlNodePtr c = n->children; c; c = c->next) {
        if (!xml_is(c, "rate")) continue;
        if (p->nrates == MAX_RATES || open_seen) return -1;
        rate *r = &p->rates[p->nrates++];
        char *t = xml_attr(c, "townships");
        r->ntownships = t ? split(t, r->townships[0], sizeof r->townships[0], MAX_TOKENS) : 0;
        xmlFree(t);
        if (r->ntownships < 0) return -1;
        open_seen = r->ntownships == 0;
        int has;
        r->max = (long)attr_num(c, "max", &has);
    }
    return 0;
}

/* Fills r from element n; -1 when the element makes no sense (the schema
 * has checked forms, this checks meaning, e.g. an unknown @with child). */
static int read_due(xmlNodePtr n, profile *p)
{
    if (p->ndues == MAX_DUES) return -1;
    due_after *d = &p->dues[p->ndues++];
    char *kind = xml_attr(n, "kind");
    d->sel.what = REC_REFLECTION;
    d->sel.nkinds = kind ? split(kind, d->sel.kinds[0], sizeof d->sel.kinds[0], MAX_TOKENS) : 0;
    xmlFree(kind);
    int has;
    d->days = (long)attr_num(n, "days-after", &has);
    d->line = xml_line(n);
    return d->sel.nkinds > 0 && has ? 0 : -1;
}

static int read_requirement(xmlNodePtr n, requirement *r)
{
    char *label = xml_attr(n, "label");
    r->label = label ? xstrdup(label) : NULL;
    xmlFree(label);
    r->line = xml_line(n);
    int has;
    const char *name = (const char *)n->name;
    if (!strcmp(name, "window")) { r->type = REQ_WINDOW; return read_dates(n, r); }
    if (!strcmp(name, "period")) {
        r->type = REQ_PERIOD;
        r->from = (long)attr_num(n, "min-days", &has);
        if (!has) r->from = -1;
        r->to = (long)attr_num(n, "max-days", &has);
        if (!has) r->to = -1;
        return 0;
    }
    if (!strcmp(name, "attended-days")) { r->type = REQ_ATTENDED; r->min = attr_num(n, "min", &has); return 0; }
    if (!strcmp(name, "count")) { r->type = REQ_COUNT; return read_count(n, r); }
    if (!strcmp(name, "ratio")) { r->type = REQ_RATIO; return read_count(n, r); }
    if (!strcmp(name, "length")) { r->type = REQ_LENGTH; return read_length(n, r); }
    if (!strcmp(name, "comment")) {
        char *req = xml_attr(n, "required");
        r->type = REQ_COMMENT;
        r->min = req && (!strcmp(req, "true") || !strcmp(req, "1"));
        xmlFree(req);
        return 0;
    }
    if (!strcmp(name, "eligible")) { r->type = REQ_ELIGIBLE; return read_eligible(n, r); }
    if (!strcmp(name, "hours")) { r->type = REQ_HOURS; r->min = attr_num(n, "min", &has); return 0; }
    if (!strcmp(name, "absence")) {
        char *k = xml_attr(n, "kind");
        r->type = REQ_ABSENCE;
        snprintf(r->kind, sizeof r->kind, "%s", k ? k : "");
        xmlFree(k);
        r->max = attr_num(n, "max-days", &has);
        return 0;
    }
    return -1;
}

static int read_profile(xmlNodePtr root, profile *p, const char *path, char *err, size_t errlen)
{
    for (xmlNodePtr n = root->children; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE || xml_is(n, "title")) continue;
        int rc;
        if (xml_is(n, "score")) rc = read_bands(n, p);
        else if (xml_is(n, "allowance")) rc = read_allowance(n, p);
        else if (xml_is(n, "due")) rc = read_due(n, p);
        else if (p->nreqs == MAX_REQUIREMENTS) rc = -1;
        else rc = read_requirement(n, &p->reqs[p->nreqs++]);
        if (rc != 0) {
            snprintf(err, errlen, TR("%s:%ld: 无法理解的要求 <%s>", "%s:%ld: requirement <%s> makes no sense"), path, xml_line(n), (const char *)n->name);
            return -1;
        }
    }
    return 0;
}

/* Ids double as file names, so only a safe alphabet may reach the path. */
static int id_ok(const char *id)
{
    size_t n = strlen(id);
    if (n == 0 || n > 64) return 0;
    for (size_t i = 0; i < n; i++)
        if (!((id[i] >= 'a' && id[i] <= 'z') || (id[i] >= '0' && id[i] <= '9') || id[i] == '-'))
            return 0;
    return 1;
}

profile *profile_load(const char *dir, const char *schema_dir, const char *id,
                      int *not_found, char *err, size_t errlen)
{
    *not_found = 0;
    char *name = xasprintf("%s.xml", id);
    char *path = path_join(dir, name);
    free(name);
    profile *p = NULL;
    xmlDocPtr doc = NULL;
    if (!id_ok(id) || access(path, R_OK) != 0) {
        *not_found = 1;
        goto done;
    }
    doc = xml_load_data(path, err, errlen);
    char *xsd = path_join(schema_dir, "profile.xsd");
    int bad = !doc || schema_check_data(xsd, doc, err, errlen) != 0;
    free(xsd);
    if (bad) goto done;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    p = xcalloc(1, sizeof *p);
    p->reqs = xcalloc(MAX_REQUIREMENTS, sizeof *p->reqs);
    p->bands = xcalloc(MAX_BANDS, sizeof *p->bands);
    p->dues = xcalloc(MAX_DUES, sizeof *p->dues);
    char *pid = xml_attr(root, "id"), *seed = xml_attr(root, "seed");
    p->id = xstrdup(pid ? pid : "");
    p->seed = xstrdup(seed ? seed : "");
    p->title = xml_child_text(root, "title");
    xmlFree(pid);
    xmlFree(seed);
    if (strcmp(p->id, id) != 0) {
        snprintf(err, errlen, TR("%s: 文件名与 id=\"%s\" 不一致", "%s: the file name does not match id=\"%s\""), path, p->id);
        profile_free(p);
        p = NULL;
    } else if (read_profile(root, p, path, err, errlen) != 0) {
        profile_free(p);
        p = NULL;
    }
done:
    if (doc) xmlFreeDoc(doc);
    free(path);
    return p;
}

void profile_free(profile *p)
{
    if (!p) return;
    for (int i = 0; i < p->nreqs; i++) free(p->reqs[i].label);
    for (int i = 0; i < p->nbands; i++) free(p->bands[i].outcome);
    free(p->reqs);
    free(p->bands);
    free(p->unit);
    free(p->allowance_label);
    free(p->dues);
    free(p->id);
    free(p->title);
    free(p->seed);
    free(p);
}

static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int profile_ids(const char *dir, char ***ids, int *n)
{
    DIR *d = opendir(dir);
    if (!d) return -1;
    int cap = 16;
    *n = 0;
    *ids = xmalloc((size_t)cap * sizeof **ids);
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len < 5 || strcmp(e->d_name + len - 4, ".xml")) continue;
        char *id = xstrndup(e->d_name, len - 4);
        if (!id_ok(id)) { free(id); continue; }
        if (*n == cap) *ids = xrealloc(*ids, (size_t)(cap *= 2) * sizeof **ids);
        (*ids)[(*n)++] = id;
    }
    closedir(d);
    qsort(*ids, (size_t)*n, sizeof **ids, str_cmp);
    return 0;
}

void selector_name(const selector *s, char *buf, size_t len)
{
    int n = snprintf(buf, len, "%s", rec_type_name(s->what));
    for (int i = 0; i < s->nkinds && n > 0 && (size_t)n < len; i++)
        n += snprintf(buf + n, len - (size_t)n, "%s%s", i ? "|" : ".", s->kinds[i]);
}

int selector_match(const selector *s, const record *r)
{
    if (r->type != s->what) return 0;
    if (!s->nkinds) return 1;
    for (int i = 0; i < s->nkinds; i++)
        if (!strcmp(s->kinds[i], r->kind)) return 1;
    return 0;
}

long profile_due_days(const profile *p, const record *r)
{
    long days = 0;
    for (int i = 0; p && i < p->ndues; i++)
        if (selector_match(&p->dues[i].sel, r) && p->dues[i].days > days) days = p->dues[i].days;
    return days;
}
