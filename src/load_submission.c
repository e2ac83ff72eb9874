/* load_submission.c — see load_submission.h. */
#include "load_submission.h"
#include "util_lang.h"
#include "util_date.h"
#include "util.h"
#include "load_xml.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unicode/uscript.h>

static const char *const ROOT_NAMES[ROOT_KINDS] = {
    "placement", "journal", "observations", "lessons", "reflections", "assessment",
    "mentoring", "studies",
};

static const char *const REC_NAMES[REC_TYPES] = {
    "day", "activity", "observation", "lesson", "reflection", "mentee", "study",
};

const char *rec_type_name(rec_type t)
{
    return REC_NAMES[t];
}

static const struct { const char *name; unsigned flag; } CHILD_FLAGS[] = {
    {"notes", HAS_NOTES}, {"comment", HAS_COMMENT}, {"objectives", HAS_OBJECTIVES},
    {"key-points", HAS_KEY_POINTS}, {"difficulties", HAS_DIFFICULTIES},
    {"process", HAS_PROCESS}, {"board", HAS_BOARD}, {"record", HAS_RECORD},
    {"afterthought", HAS_AFTERTHOUGHT},
};

unsigned child_flag(const char *name)
{
    for (size_t i = 0; i < sizeof CHILD_FLAGS / sizeof CHILD_FLAGS[0]; i++)
        if (!strcmp(CHILD_FLAGS[i].name, name)) return CHILD_FLAGS[i].flag;
    return 0;
}

long count_hanzi(const char *s)
{
    size_t len = strlen(s), i = 0;
    long n = 0;
    UErrorCode ec = U_ZERO_ERROR;
    while (i < len) {
        int32_t cp = utf8_next(s, len, &i);
        if (cp < 0) { i++; continue; }
        /* The CJK Unified Ideographs block is all Han (fully assigned
         * since Unicode 14); asking ICU only outside it halves the cost. */
        if ((cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x2E80 && uscript_getScript(cp, &ec) == USCRIPT_HAN)) n++;
    }
    return n;
}

static long node_hanzi(xmlNodePtr node)
{
    xmlChar *t = xmlNodeGetContent(node);
    long n = t ? count_hanzi((const char *)t) : 0;
    xmlFree(t);
    return n;
}

/* ---- folder scan ---- */

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int has_xml_suffix(const char *name)
{
    size_t n = strlen(name);
    return n > 4 && !strcasecmp(name + n - 4, ".xml") && name[0] != '.';
}

/* Lists the .xml files of dir, sorted, so output never depends on the
 * order the file system happens to return. */
static int list_xml(const char *dir, char ***names, int *count, findings *f, char *err, size_t errlen)
{
    DIR *d = opendir(dir);
    if (!d) {
        snprintf(err, errlen, TR("无法打开文件夹 %s：%s", "cannot open folder %s: %s"), dir, errno_text(errno));
        return -1;
    }
    int n = 0, cap = 16, too_many = 0;
    char **v = xmalloc((size_t)cap * sizeof *v);
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!has_xml_suffix(e->d_name)) continue;
        if (n == MAX_SUBMISSION_FILES) { too_many = 1; break; }
        if (n == cap) v = xrealloc(v, (size_t)(cap *= 2) * sizeof *v);
        v[n++] = xstrdup(e->d_name);
    }
    closedir(d);
    if (too_many)
        finding_add(f, SEV_ERROR, "file.unknown-root", "", 0, "files<=256",
                    "文件夹中的 XML 文件超过 %d 个，其余未读取：请合并文件",
                    "more than %d XML files in the folder; the rest were not read",
                    MAX_SUBMISSION_FILES);
    qsort(v, (size_t)n, sizeof *v, name_cmp);
    *names = v;
    *count = n;
    return 0;
}

/* A symlink could make us read (and echo into a report or dossier) a file
 * from outside the folder, so every path must resolve inside it. */
int path_inside(const char *dir, const char *path)
{
    char rd[4096], rp[4096];
    if (!realpath(dir, rd) || !realpath(path, rp)) return 0;
    size_t n = strlen(rd);
    return !strncmp(rd, rp, n) && rp[n] == '/';
}

static int root_of(xmlDocPtr doc)
{
    xmlNodePtr r = xmlDocGetRootElement(doc);
    for (int i = 0; i < ROOT_KINDS; i++)
        if (xml_is(r, ROOT_NAMES[i])) return i;
    return -1;
}

static void report_unknown_root(xmlDocPtr doc, const char *shown, findings *f)
{
    xmlNodePtr r = xmlDocGetRootElement(doc);
    const char *name = r ? (const char *)r->name : "?";
    int known = 0;
    for (int i = 0; i < ROOT_KINDS; i++)
        if (r && !strcmp(name, ROOT_NAMES[i])) known = 1;
    if (known)
        finding_add(f, SEV_ERROR, "file.unknown-root", shown, xml_line(r), "xmlns=urn:dangan:1",
                    "根元素 <%s> 缺少命名空间：请写成 <%s xmlns=\"urn:dangan:1\">",
                    "root element <%s> is not in namespace urn:dangan:1: write <%s xmlns=\"urn:dangan:1\">",
                    name, name);
    else
        finding_add(f, SEV_ERROR, "file.unknown-root", shown, xml_line(r), "root",
                    "不认识的根元素 <%s>：应为 placement、journal、observations、lessons、reflections、assessment、mentoring 或 studies 之一",
                    "unknown root element <%s>: expected one of placement, journal, observations, lessons, reflections, assessment, mentoring, studies",
                    name);
}

/* ---- model building (runs only on schema-valid documents) ---- */

static long attr_long(xmlNodePtr n, const char *name, long dflt)
{
    char *v = xml_attr(n, name);
    long r = v ? strtol(v, NULL, 10) : dflt;
    xmlFree(v);
    return r;
}

/* The schema has checked the form; this also checks the calendar (a
 * 2016-02-30 matches the pattern). */
static int attr_date(xmlNodePtr n, const char *name, long *day, const char *shown, findings *f)
{
    char *v = xml_attr(n, name);
    int rc = v ? date_parse(v, day) : -1;
    if (rc != 0)
        finding_add(f, SEV_ERROR, "schema.invalid", shown, xml_line(n), "date",
                    "<%s>（%s）的日期“%s”不存在", "<%s>: %.0sdate '%s' does not exist",
                    (const char *)n->name, element_label((const char *)n->name), v ? v : "");
    xmlFree(v);
    return rc;
}

static record *add_record(submission *s, rec_type t, xmlNodePtr node, int file)
{
    if (s->nrecs == MAX_RECORDS) return NULL;
    if (s->nrecs == s->rcap) {
        s->rcap = s->rcap ? s->rcap * 2 : 64;
        s->recs = xrealloc(s->recs, s->rcap * sizeof *s->recs);
    }
    record *r = &s->recs[s->nrecs++];
    memset(r, 0, sizeof *r);
    r->type = t;
    r->node = node;
    r->file = file;
    r->line = xml_line(node);
    r->period = (int)attr_long(node, "period", 0);
    char *k = xml_attr(node, "kind");
    if (k) snprintf(r->kind, sizeof r->kind, "%s", k);
    xmlFree(k);
    r->hanzi = node_hanzi(node);
    for (xmlNodePtr c = node->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE) r->has |= child_flag((const char *)c->name);
    return r;
}

static void collect_figures(submission *s, xmlNodePtr node, int file)
{
    for (xmlNodePtr c = node; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) continue;
        if (xml_is(c, "figure")) {
            s->figs = xrealloc(s->figs, (s->nfigs + 1) * sizeof *s->figs);
            char *src = xml_attr(c, "src");
            s->figs[s->nfigs++] = (figure_ref){xstrdup(src ? src : ""), file, xml_line(c)};
            xmlFree(src);
        }
        collect_figures(s, c->children, file);
    }
}

static long child_long(xmlNodePtr n, const char *name)
{
    char *t = xml_child_text(n, name);
    long v = t ? strtol(t, NULL, 10) : -1;
    free(t);
    return v;
}

static long child_month(xmlNodePtr n, const char *name)
{
    char *t = xml_child_text(n, name);
    long v = -1;
    if (t && month_parse(t, &v) != 0) v = -1;
    free(t);
    return v;
}

static void build_placement(submission *s, xmlNodePtr root, int fi, findings *f)
{
    const char *shown = s->files[fi].name;
    s->placement = fi;
    char *id = xml_attr(root, "id"), *prof = xml_attr(root, "profile");
    s->id = xstrdup(id ? id : "");
    s->profile_id = xstrdup(prof ? prof : "");
    s->profile_line = xml_line(root);
    xmlFree(id);
    xmlFree(prof);
    xmlNodePtr t = xml_child(root, "teacher"), h = xml_child(root, "host");
    teacher_info *ti = &s->teacher;
    ti->name = xml_child_text(t, "name");
    ti->gender = xml_child_text(t, "gender");
    ti->school = xml_child_text(t, "school");
    ti->education = xml_child_text(t, "education");
    ti->rank = xml_child_text(t, "rank");
    ti->subject = xml_child_text(t, "subject");
    ti->grade = xml_child_text(t, "grade");
    ti->stage = xml_child_text(t, "stage");
    ti->born = child_month(t, "born");
    ti->work_start = child_month(t, "work-start");
    ti->weekly_periods = child_long(t, "weekly-periods");
    ti->years_at_school = child_long(t, "years-at-school");
    host_info *hi = &s->host;
    hi->school = xml_child_text(h, "school");
    hi->mentor = xml_child_text(h, "mentor");
    hi->klass = xml_child_text(h, "class");
    hi->subject = xml_child_text(h, "subject");
    hi->township = xml_child_text(h, "township");
    hi->class_periods = child_long(h, "class-periods");
    xmlNodePtr p = xml_child(root, "period");
    s->period_line = xml_line(p);
    if (attr_date(p, "start", &s->start, shown, f) || attr_date(p, "end", &s->end, shown, f))
        s->start = s->end = 0;
}

/* What some record types carry beyond date and kind: a lesson's other
 * school, a course's 学时, a mentoring's last day. */
static void set_extras(submission *s, record *r, int fi, findings *f)
{
    xmlNodePtr n = r->node;
    r->to = -1;
    if (r->type == REC_LESSON) {
        char *school = xml_attr(n, "school");
        r->away = school != NULL;
        xmlFree(school);
    } else if (r->type == REC_STUDY) {
        r->hours = attr_long(n, "hours", 0);
    } else if (r->type == REC_MENTEE) {
        char *to = xml_attr(n, "to");
        if (to && attr_date(n, "to", &r->to, s->files[fi].name, f) == 0 && r->to < r->date)
            finding_add(f, SEV_ERROR, "date.outside", s->files[fi].name, r->line, "mentee from<=to",
                        "结对结束日期早于开始日期", "the mentoring ends before it starts");
        xmlFree(to);
    }
}

static void build_dated(submission *s, xmlNodePtr root, int fi, rec_type t,
                        const char *elem, findings *f)
{
    for (xmlNodePtr c = root->children; c; c = c->next) {
        if (!xml_is(c, elem)) continue;
        long day;
        /* A mentoring is dated by its first day. */
        if (attr_date(c, t == REC_MENTEE ? "from" : "date", &day, s->files[fi].name, f)) continue;
        record *r = add_record(s, t, c, fi);
        if (!r) return;
        r->date = day;
        set_extras(s, r, fi, f);
        if (t != REC_DAY) continue;
        /* Journal activities count on their own (activity/@kind rules). */
        for (xmlNodePtr a = c->children; a; a = a->next) {
            if (!xml_is(a, "activity")) continue;
            record *ra = add_record(s, REC_ACTIVITY, a, fi);
            if (!ra) return;
            ra->date = day;
        }
    }
}

static void build_assessment(submission *s, xmlNodePtr root, int fi, findings *f)
{
    const char *shown = s->files[fi].name;
    s->assessment = fi;
    xmlNodePtr att = xml_child(root, "attendance");
    s->attendance_days = att ? attr_long(att, "days", -1) : -1;
    s->attendance_line = xml_line(att);
    for (xmlNodePtr a = att ? att->children : NULL; a; a = a->next) {
        if (!xml_is(a, "absence")) continue;
        absence ab = {"", 0, 0, fi, xml_line(a)};
        char *k = xml_attr(a, "kind");
        snprintf(ab.kind, sizeof ab.kind, "%s", k ? k : "");
        xmlFree(k);
        if (attr_date(a, "from", &ab.from, shown, f)) continue;
        char *to = xml_attr(a, "to");
        ab.to = ab.from;
        if (to && attr_date(a, "to", &ab.to, shown, f)) ab.to = ab.from;
        xmlFree(to);
        s->abs = xrealloc(s->abs, (s->nabs + 1) * sizeof *s->abs);
        s->abs[s->nabs++] = ab;
    }
    char *score = xml_child_text(root, "score");
    if (score) {
        s->has_score = 1;
        s->score = strtod(score, NULL);
        s->score_line = xml_line(xml_child(root, "score"));
    }
    free(score);
}

static void build_model(submission *s, int fi, findings *f)
{
    xmlNodePtr root = xmlDocGetRootElement(s->files[fi].doc);
    switch (s->files[fi].root) {
    case ROOT_PLACEMENT: build_placement(s, root, fi, f); break;
    case ROOT_JOURNAL: build_dated(s, root, fi, REC_DAY, "day", f); break;
    case ROOT_OBSERVATIONS: build_dated(s, root, fi, REC_OBSERVATION, "observation", f); break;
    case ROOT_LESSONS: build_dated(s, root, fi, REC_LESSON, "lesson", f); break;
    case ROOT_REFLECTIONS: build_dated(s, root, fi, REC_REFLECTION, "reflection", f); break;
    case ROOT_ASSESSMENT: build_assessment(s, root, fi, f); break;
    case ROOT_MENTORING: build_dated(s, root, fi, REC_MENTEE, "mentee", f); break;
    case ROOT_STUDIES: build_dated(s, root, fi, REC_STUDY, "study", f); break;
    }
    collect_figures(s, root, fi);
}

/* ---- loading ---- */

/* Loads and validates one file; returns its root kind, or -1 when it is
 * broken (findings added) and -2 on an I/O error. */
static int load_one(submission *s, int fi, schemas *sc, findings *f, char *err, size_t errlen)
{
    sub_file *sf = &s->files[fi];
    char *path = path_join(s->dir, sf->name);
    int io = 0;
    if (!path_inside(s->dir, path)) {
        finding_add(f, SEV_ERROR, "xml.forbidden", sf->name, 0, "inside-folder",
                    "文件是指向提交文件夹之外的链接，已拒绝读取",
                    "the file links to outside the submission folder and was not read");
        free(path);
        return -1;
    }
    sf->doc = xml_load_untrusted(path, sf->name, f, &io, err, errlen);
    free(path);
    if (io) return -2;
    if (!sf->doc) return -1;
    sf->root = root_of(sf->doc);
    if (sf->root < 0) {
        report_unknown_root(sf->doc, sf->name, f);
        return -1;
    }
    if (schemas_validate(sc, ROOT_NAMES[sf->root], sf->doc, sf->name, f) != 0) return -1;
    return sf->root;
}

static void drop_doc(sub_file *sf)
{
    if (sf->doc) xmlFreeDoc(sf->doc);
    sf->doc = NULL;
}

/* Spec §2: exactly one placement, in placement.xml; at most one assessment. */
static int check_placement_rules(submission *s, int fi, findings *f)
{
    sub_file *sf = &s->files[fi];
    long line = xml_line(xmlDocGetRootElement(sf->doc));
    int is_pfile = !strcmp(sf->name, "placement.xml");
    if (sf->root == ROOT_PLACEMENT && !is_pfile) {
        finding_add(f, SEV_ERROR, "file.unknown-root", sf->name, line, "placement.xml",
                    "<placement> 只能写在 placement.xml 中", "<placement> belongs in placement.xml only");
        return -1;
    }
    if (sf->root != ROOT_PLACEMENT && is_pfile) {
        finding_add(f, SEV_ERROR, "file.unknown-root", sf->name, line, "placement.xml",
                    "placement.xml 的根元素应为 <placement>", "placement.xml must have root <placement>");
        return -1;
    }
    if (sf->root == ROOT_ASSESSMENT && s->assessment >= 0) {
        finding_add(f, SEV_ERROR, "file.unknown-root", sf->name, line, "assessment<=1",
                    "只能有一份鉴定（assessment），另一份在 %s", "only one assessment is allowed; another is in %s",
                    s->files[s->assessment].name);
        return -1;
    }
    return 0;
}

static void check_cross_refs(submission *s, findings *f)
{
    /* A placement.xml that is there but broken has its own findings;
     * "missing" would send the teacher looking for the wrong thing. */
    int present = 0;
    for (int i = 0; i < s->nfiles; i++) present |= !strcmp(s->files[i].name, "placement.xml");
    if (s->placement < 0 && present) return;
    if (s->placement < 0) {
        finding_add(f, SEV_ERROR, "file.missing", "placement.xml", 0, "placement.xml",
                    "缺少 placement.xml（跟岗信息：教师、基地校、起止时间、项目）",
                    "placement.xml is missing (teacher, host school, period, program)");
        return;
    }
    if (s->assessment < 0) return;
    xmlNodePtr a = xmlDocGetRootElement(s->files[s->assessment].doc);
    char *pid = xml_attr(a, "placement");
    if (pid && strcmp(pid, s->id))
        finding_add(f, SEV_ERROR, "ref.missing", s->files[s->assessment].name, xml_line(a),
                    "assessment/@placement=placement/@id",
                    "鉴定的 placement 属性“%s”与 placement.xml 的编号“%s”不一致",
                    "assessment/@placement '%s' does not match placement/@id '%s'",
                    pid, s->id);
    xmlFree(pid);
}

/* ---- stray files ---- */

/* A folder walked for stray files: deep enough for photos/2016-09/…,
 * bounded so a folder of thousands costs nothing and floods no report. */
#define STRAY_DEPTH 4
#define STRAY_ENTRIES 4096
#define STRAY_REPORTED 50

/* Files an operating system or Word leaves behind by itself: naming them
 * would only puzzle the teacher. */
static int system_file(const char *name)
{
    return name[0] == '.' || !strncmp(name, "~$", 2) || !strcasecmp(name, "Thumbs.db") ||
           !strcasecmp(name, "desktop.ini") || !strcmp(name, "__MACOSX");
}

static const char *skip_dot_slash(const char *p)
{
    while (p[0] == '.' && p[1] == '/') p += 2;
    return p;
}

static int referenced(const submission *s, const char *rel)
{
    for (size_t i = 0; i < s->nfigs; i++)
        if (!strcmp(skip_dot_slash(s->figs[i].src), rel)) return 1;
    return 0;
}

static int has_suffix(const char *name, const char *suffix)
{
    size_t n = strlen(name), k = strlen(suffix);
    return n > k && !strcasecmp(name + n - k, suffix);
}

static int image_name(const char *name)
{
    static const char *const EXT[] = {".png", ".jpg", ".jpeg", ".heic", ".heif", ".gif", ".bmp", ".tif", ".tiff", ".webp"};
    for (size_t i = 0; i < sizeof EXT / sizeof EXT[0]; i++)
        if (has_suffix(name, EXT[i])) return 1;
    return 0;
}

/* One warning for a file that nothing reads, saying what to do with it. */
static void report_stray(const submission *s, const char *rel, int nested, findings *f)
{
    const char *base = strrchr(rel, '/') ? strrchr(rel, '/') + 1 : rel;
    if (nested && has_xml_suffix(base)) {
        finding_add(f, SEV_WARNING, "file.ignored", rel, 0, "records in the folder itself",
                    "%s 在子文件夹中，没有读取：记录文件须直接放在提交文件夹里",
                    "%s is in a subfolder and was not read: record files belong in the submission folder itself",
                    rel);
    } else if (has_suffix(base, ".xml.txt")) {
        finding_add(f, SEV_WARNING, "file.ignored", rel, 0, "record file name",
                    "%s 不是记录文件，已忽略：如果它是记录，请改名为 %.*s（去掉末尾的 .txt）",
                    "%s is not a record file and was ignored: if it is a record, rename it %.*s (drop the .txt)",
                    rel, (int)(strlen(rel) - 4), rel);
    } else if (image_name(base)) {
        /* A broken file's figures were never collected: its pictures are
         * not stray, the file is (and has its own error). */
        if (s->broken) return;
        finding_add(f, SEV_WARNING, "file.ignored", rel, 0, "figure/@src",
                    "图片 %s 没有被任何 <figure> 引用，不会出现在档案中",
                    "image %s is not used by any <figure> and will not appear in the dossier", rel);
    } else {
        finding_add(f, SEV_WARNING, "file.ignored", rel, 0, "record files are XML",
                    "%s 不是记录文件，已忽略；请另存为 XML，或用 dangan 的填写页面",
                    "%s is not a record file and was ignored: save it as XML, or use dangan's form page",
                    rel);
    }
}

/* Every file of the folder is a record file (.xml at the top), a picture a
 * figure shows, or a warning: a journal saved as .docx must not vanish
 * from the dossier without a word. */
static void scan_strays(const submission *s, const char *rel, int depth, int *budget, findings *f)
{
    char *path = rel[0] ? path_join(s->dir, rel) : xstrdup(s->dir);
    DIR *d = opendir(path);
    free(path);
    if (!d) return;
    char **names = NULL;
    int n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) && *budget > 0) {
        if (system_file(e->d_name)) continue;
        (*budget)--;
        if (n == cap) names = xrealloc(names, (size_t)(cap = cap ? cap * 2 : 16) * sizeof *names);
        names[n++] = xstrdup(e->d_name);
    }
    closedir(d);
    qsort(names, (size_t)n, sizeof *names, name_cmp);
    for (int i = 0; i < n; i++) {
        char *r = rel[0] ? xasprintf("%s/%s", rel, names[i]) : xstrdup(names[i]);
        char *full = path_join(s->dir, r);
        struct stat st;
        if (stat(full, &st) == 0 && S_ISDIR(st.st_mode)) {
            if (depth < STRAY_DEPTH && path_inside(s->dir, full)) scan_strays(s, r, depth + 1, budget, f);
        } else if (!(depth == 0 && has_xml_suffix(names[i])) && !referenced(s, r)) {
            report_stray(s, r, depth > 0, f);
        }
        free(full);
        free(r);
        free(names[i]);
    }
    free(names);
}

static void check_strays(const submission *s, findings *f)
{
    int budget = STRAY_ENTRIES;
    findings all;
    findings_init(&all);
    scan_strays(s, "", 0, &budget, &all);
    for (size_t i = 0; i < all.n; i++) {
        const finding *x = &all.v[i];
        if (i == STRAY_REPORTED) {
            finding_add(f, SEV_WARNING, "file.ignored", "", 0, "stray files",
                        "另有 %zu 个文件未被读取，未一一列出", "%zu more files were not read (not listed)",
                        all.n - i);
            break;
        }
        finding_add(f, SEV_WARNING, x->code, x->file, 0, x->rule, "%s%.0s", "%.0s%s", x->msg_zh, x->msg_en);
    }
    findings_free(&all);
}

int submission_load(const char *dir, schemas *sc, submission *s, findings *f,
                    char *err, size_t errlen)
{
    memset(s, 0, sizeof *s);
    s->dir = xstrdup(dir);
    s->placement = s->assessment = -1;
    s->attendance_days = -1;
    if (!is_dir(dir)) {
        snprintf(err, errlen, TR("不是文件夹或无法访问：%s", "not a folder, or not accessible: %s"), dir);
        return -1;
    }
    char **names;
    int n;
    if (list_xml(dir, &names, &n, f, err, errlen) != 0) return -1;
    s->files = xcalloc((size_t)n, sizeof *s->files);
    s->nfiles = n;
    int rc = 0;
    for (int i = 0; i < n; i++) {
        s->files[i].name = names[i];
        s->files[i].root = -1;
    }
    free(names);
    for (int i = 0; i < n && rc == 0; i++) {
        int root = load_one(s, i, sc, f, err, errlen);
        if (root == -2) rc = -1;
        else if (root < 0 || check_placement_rules(s, i, f) != 0) {
            s->broken++;
            drop_doc(&s->files[i]);
        } else {
            build_model(s, i, f);
        }
    }
    if (rc == 0) {
        check_cross_refs(s, f);
        check_strays(s, f);
    }
    if (s->nrecs == MAX_RECORDS)
        finding_add(f, SEV_ERROR, "xml.malformed", "", 0, "records<=100000",
                    "记录超过 %d 条，其余未读取", "more than %d records; the rest were not read",
                    MAX_RECORDS);
    return rc;
}

void submission_free(submission *s)
{
    for (int i = 0; i < s->nfiles; i++) {
        free(s->files[i].name);
        drop_doc(&s->files[i]);
    }
    free(s->files);
    teacher_info *t = &s->teacher;
    free(t->name); free(t->gender); free(t->school); free(t->education);
    free(t->rank); free(t->subject); free(t->grade); free(t->stage);
    host_info *h = &s->host;
    free(h->school); free(h->mentor); free(h->klass); free(h->subject); free(h->township);
    for (size_t i = 0; i < s->nfigs; i++) free(s->figs[i].src);
    free(s->figs);
    free(s->abs);
    free(s->recs);
    free(s->id);
    free(s->profile_id);
    free(s->dir);
    memset(s, 0, sizeof *s);
}
