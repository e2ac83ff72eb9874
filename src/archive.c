/* archive.c — see archive.h. Filing and recovery; queries are in
 * archive_find.c. */
#include "archive.h"
#include "archive_db.h"
#include "bundle.h"
#include "util.h"
#include "validate.h"
#include "xmlload.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Test hook: abort the process at step n of a filing, as a power cut would. */
static void maybe_abort(int step)
{
    const char *e = getenv("DANGAN_ABORT_AT");
    if (e && atoi(e) == step) abort();
}

static int fsync_path(const char *path, int dir)
{
    int fd = open(path, dir ? O_RDONLY | O_DIRECTORY : O_RDONLY);
    if (fd < 0) return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

static int mkdirs(const char *path)
{
    char *p = xstrdup(path);
    int rc = 0;
    for (char *s = p + 1; *s && rc == 0; s++) {
        if (*s != '/') continue;
        *s = '\0';
        if (mkdir(p, 0755) != 0 && errno != EEXIST) rc = -1;
        *s = '/';
    }
    if (rc == 0 && mkdir(p, 0755) != 0 && errno != EEXIST) rc = -1;
    free(p);
    return rc;
}

static int copy_file(const char *from, const char *to)
{
    char *data;
    size_t len;
    if (read_file(from, 256u << 20, &data, &len) != 0) return -1;
    int rc = write_file_atomic(to, data, len);   /* fsyncs */
    free(data);
    return rc;
}

archive *archive_open(const char *dir, const char *schema_dir, char *err, size_t errlen)
{
    char *conf = path_join(dir, "archive.xml"), *trust = path_join(dir, "trust"),
         *xsd = path_join(schema_dir, "archive.xsd");
    archive *a = NULL;
    xmlDocPtr doc = NULL;
    if (!is_dir(trust)) {
        snprintf(err, errlen, "%s 不是档案库：缺少 trust/ 文件夹（存放受信任的证书）", dir);
        goto done;
    }
    doc = xml_load_data(conf, err, errlen);
    if (!doc || schema_check_data(xsd, doc, err, errlen) != 0) goto done;
    a = xcalloc(1, sizeof *a);
    a->dir = xstrdup(dir);
    a->trust = xstrdup(trust);
    xmlNodePtr root = xmlDocGetRootElement(doc);
    char *p = xml_attr(root, "prefix"), *c = xml_attr(root, "county"), *fo = xml_attr(root, "fonds"),
         *re = xml_attr(root, "retention");
    a->prefix = xstrdup(p);
    a->county = xstrdup(c ? c : "");
    a->fonds = xstrdup(fo ? fo : "");
    a->retention = xstrdup(re ? re : "永久");
    xmlFree(p); xmlFree(c); xmlFree(fo); xmlFree(re);
done:
    if (doc) xmlFreeDoc(doc);
    free(conf);
    free(trust);
    free(xsd);
    return a;
}

void archive_close(archive *a)
{
    if (!a) return;
    db_close(a);
    free(a->dir);
    free(a->trust);
    free(a->prefix);
    free(a->county);
    free(a->fonds);
    free(a->retention);
    free(a);
}

/* The staging plan: one line per file, "STAGED\tFINAL". */
static char *plan_path(const char *stage)
{
    return path_join(stage, "plan");
}

/* Undoes the renames of an interrupted filing whose rows were never
 * committed; a committed one only lost its clean-up. */
static int rollback_stage(archive *a, const char *stage)
{
    char *plan = plan_path(stage), *data = NULL;
    size_t len;
    if (read_file(plan, 16u << 20, &data, &len) == 0) {
        char *save = NULL;
        int committed = 0;
        for (char *line = strtok_r(data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
            char *tab = strchr(line, '\t');
            if (!tab) continue;
            *tab = '\0';
            if (!strncmp(line, "#number", 7)) { committed |= db_has_number(a, tab + 1); continue; }
            if (!committed) unlink(tab + 1);           /* the placed file, if it got there */
            unlink(line);                              /* the staged copy */
        }
    }
    free(data);
    unlink(plan);
    /* Whatever else is left in the staging folder was never placed. */
    DIR *d = opendir(stage);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        char *f = path_join(stage, e->d_name);
        unlink(f);
        free(f);
    }
    if (d) closedir(d);
    free(plan);
    return rmdir(stage);
}

int recover(archive *a, char *err, size_t errlen)
{
    char *staging = path_join(a->dir, ".staging");
    DIR *d = opendir(staging);
    struct dirent *e;
    int rc = 0;
    while (d && (e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        char *s = path_join(staging, e->d_name);
        if (rollback_stage(a, s) != 0) {
            snprintf(err, errlen, "无法清理中断的归档 %s：%s", s, strerror(errno));
            rc = -1;
        }
        free(s);
    }
    if (d) closedir(d);
    rmdir(staging);
    free(staging);
    return rc;
}

/* The index, opened on first use; interrupted filings rolled back first. */
int archive_db(archive *a, char *err, size_t errlen)
{
    if (a->db) return 0;
    if (db_open(a, err, errlen) != 0) return -1;
    return recover(a, err, errlen);
}

/* A path component from a school's name: no '/', no leading dot. */
static char *folder_name(const char *s)
{
    char *f = xstrdup(s && *s ? s : "未知学校");
    for (char *p = f; *p; p++) if (*p == '/' || *p == '\\') *p = '_';
    if (f[0] == '.') f[0] = '_';
    return f;
}

typedef struct record_info {
    char *id, *profile, *teacher, *gender, *school, *host, *start, *end, *outcome;
    strbuf counts;
    double score;
    int has_score;
    long hours;
} record_info;

static char *attr_of(xmlNodePtr n, const char *name)
{
    char *v = n ? xml_attr(n, name) : NULL;
    char *r = xstrdup(v ? v : "");
    xmlFree(v);
    return r;
}

static int read_record(const char *path, record_info *ri, char *err, size_t errlen)
{
    memset(ri, 0, sizeof *ri);
    xmlDocPtr doc = xml_load_data(path, err, errlen);
    if (!doc) return -1;
    xmlNodePtr root = xmlDocGetRootElement(doc), t = xml_child(root, "teacher"), h = xml_child(root, "host"),
               p = xml_child(root, "period"), r = xml_child(root, "result");
    ri->id = attr_of(root, "id");
    ri->profile = attr_of(root, "profile");
    ri->teacher = attr_of(t, "name");
    ri->gender = attr_of(t, "gender");
    ri->school = attr_of(t, "school");
    ri->host = attr_of(h, "school");
    ri->start = attr_of(p, "start");
    ri->end = attr_of(p, "end");
    ri->outcome = attr_of(r, "outcome");
    char *score = attr_of(r, "score"), *hours = attr_of(r, "hours");
    ri->has_score = *score != '\0';
    ri->score = strtod(score, NULL);
    ri->hours = *hours ? atol(hours) : -1;
    free(score);
    free(hours);
    sb_init(&ri->counts);
    sb_puts(&ri->counts, "{");
    for (xmlNodePtr c = root->children; c; c = c->next) {
        if (!xml_is(c, "count")) continue;
        char *k = attr_of(c, "key"), *v = attr_of(c, "value");
        sb_printf(&ri->counts, "%s\"%s\":%ld", ri->counts.len > 1 ? "," : "", k, atol(v));
        free(k);
        free(v);
    }
    sb_puts(&ri->counts, "}");
    xmlFreeDoc(doc);
    return strlen(ri->start) >= 4 ? 0 : -1;
}

static void free_record(record_info *ri)
{
    free(ri->id); free(ri->profile); free(ri->teacher); free(ri->gender); free(ri->school);
    free(ri->host); free(ri->start); free(ri->end); free(ri->outcome);
    sb_free(&ri->counts);
}

typedef struct move { char *staged, *final; } move;

typedef struct filing {
    char *stage;
    move *moves;
    int nmoves;
    char **numbers;
    int nnumbers;
} filing;

static void stage_file(filing *f, const char *from, const char *dest_dir, const char *name, int *rc)
{
    char *staged = path_join(f->stage, name), *final = path_join(dest_dir, name);
    if (*rc == 0 && copy_file(from, staged) != 0) *rc = -1;
    f->moves = xrealloc(f->moves, (size_t)(f->nmoves + 1) * sizeof *f->moves);
    f->moves[f->nmoves++] = (move){staged, final};
}

/* The dossier with its 归档章, staged. */
static void stage_stamped(archive *a, filing *f, const char *from, const char *dest_dir, const char *name,
                          long year, long seq, const char *number, int *rc, char *err, size_t errlen)
{
    char *staged = path_join(f->stage, name), *final = path_join(dest_dir, name), *data = NULL;
    unsigned char *out = NULL;
    size_t len, out_len;
    if (*rc == 0 && (!a->fonts || read_file(from, 256u << 20, &data, &len) != 0)) *rc = -1;
    if (*rc == 0 && archive_stamp(a->fonts, (unsigned char *)data, len, a->fonds, year, a->retention, seq,
                                  number, &out, &out_len, err, errlen) != 0) *rc = -1;
    if (*rc == 0 && write_file_atomic(staged, out, out_len) != 0) *rc = -1;
    free(data);
    free(out);
    f->moves = xrealloc(f->moves, (size_t)(f->nmoves + 1) * sizeof *f->moves);
    f->moves[f->nmoves++] = (move){staged, final};
}

/* One dossier of the bundle: number it, stage its files, insert its row
 * (uncommitted). 1 when already filed. */
static int file_one(archive *a, const char *bundle, const char *id, const char *signer, filing *f,
                    char *err, size_t errlen)
{
    char *pdf = xasprintf("%s/dossiers/%s.pdf", bundle, id), *rec = xasprintf("%s/dossiers/%s.xml", bundle, id);
    char sha[65];
    size_t size;
    record_info ri;
    int rc = sha256_file(pdf, sha, &size) == 0 && read_record(rec, &ri, err, errlen) == 0 ? 0 : -1;
    if (rc != 0) {
        if (!*err) snprintf(err, errlen, "无法读取 %s", pdf);
        free(pdf); free(rec);
        return -1;
    }
    if (db_has_sha(a, sha)) { free_record(&ri); free(pdf); free(rec); return 1; }
    long year = atol(ri.start), seq = db_next_seq(a, year);
    char *number = xasprintf("%s-%ld-%04ld", a->prefix, year, seq);
    char *school = folder_name(ri.school), *ys = xasprintf("%ld", year);
    char *yd = path_join(a->dir, ys), *dest = path_join(yd, school);
    char *n_pdf = xasprintf("%s.pdf", number), *n_man = xasprintf("%s.manifest.xml", number),
         *n_sig = xasprintf("%s.manifest.p7s", number), *man = path_join(bundle, "manifest.xml"),
         *sig = path_join(bundle, "manifest.p7s");
    stage_stamped(a, f, pdf, dest, n_pdf, year, seq, number, &rc, err, errlen);
    stage_file(f, man, dest, n_man, &rc);
    stage_file(f, sig, dest, n_sig, &rc);
    char now[32];
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm);
    char *rel = xasprintf("%ld/%s/%s", year, school, n_pdf);
    index_row row = {ri.id, number, ri.teacher, ri.gender, ri.school, ri.host, ri.profile, ri.start, ri.end,
                     ri.counts.s, ri.outcome, sha, (char *)signer, now, rel, ri.score, ri.has_score, ri.hours,
                     year, seq};
    if (rc != 0 && !*err) snprintf(err, errlen, "无法暂存 %s：%s", pdf, strerror(errno));
    else rc = db_insert(a, &row, err, errlen);
    f->numbers = xrealloc(f->numbers, (size_t)(f->nnumbers + 1) * sizeof *f->numbers);
    f->numbers[f->nnumbers++] = number;
    free(rel); free(school); free(ys); free(yd); free(dest); free(n_pdf); free(n_man); free(n_sig);
    free(man); free(sig); free(pdf); free(rec);
    free_record(&ri);
    return rc;
}

static int write_plan(filing *f)
{
    strbuf b;
    sb_init(&b);
    for (int i = 0; i < f->nnumbers; i++) sb_printf(&b, "#number\t%s\n", f->numbers[i]);
    for (int i = 0; i < f->nmoves; i++) sb_printf(&b, "%s\t%s\n", f->moves[i].staged, f->moves[i].final);
    char *plan = plan_path(f->stage);
    int rc = write_file_atomic(plan, b.s ? b.s : "", b.len);
    if (rc == 0) rc = fsync_path(f->stage, 1);
    free(plan);
    sb_free(&b);
    return rc;
}

static int place_files(filing *f)
{
    for (int i = 0; i < f->nmoves; i++) {
        char *dir = xstrdup(f->moves[i].final);
        *strrchr(dir, '/') = '\0';
        int rc = mkdirs(dir) || rename(f->moves[i].staged, f->moves[i].final) || fsync_path(dir, 1);
        free(dir);
        if (rc) return -1;
        if (i == 0) maybe_abort(3);
    }
    return 0;
}

static void free_filing(filing *f)
{
    for (int i = 0; i < f->nmoves; i++) { free(f->moves[i].staged); free(f->moves[i].final); }
    for (int i = 0; i < f->nnumbers; i++) free(f->numbers[i]);
    free(f->moves);
    free(f->numbers);
    free(f->stage);
}

/* The ids of the bundle's dossiers, from its (verified) manifest. */
static char **bundle_ids(const char *bundle, int *n)
{
    int nf;
    char **files = bundle_files(bundle, &nf), **ids = xmalloc(((size_t)nf + 1) * sizeof *ids);
    *n = 0;
    for (int i = 0; i < nf; i++) {
        size_t l = strlen(files[i]);
        if (!strncmp(files[i], "dossiers/", 9) && l > 13 && !strcmp(files[i] + l - 4, ".pdf"))
            ids[(*n)++] = xstrndup(files[i] + 9, l - 13);
        free(files[i]);
    }
    free(files);
    return ids;
}

int archive_file(archive *a, const char *bundle, FILE *out, file_result *r, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    char *signer = NULL;
    int v = bundle_verify(bundle, a->trust, out, &signer, err, errlen);
    if (v != 1) {
        if (v < 0) fprintf(out, "%s\n", err);
        free(signer);
        return 1;
    }
    /* One filing at a time: a second run waits here for the first (the
     * lock goes with the process, so a killed run never leaves it held). */
    char *lock = path_join(a->dir, ".lock");
    int lfd = open(lock, O_RDWR | O_CREAT, 0644);
    free(lock);
    if (lfd < 0 || flock(lfd, LOCK_EX) != 0) {
        snprintf(err, errlen, "无法锁定档案库：%s", strerror(errno));
        if (lfd >= 0) close(lfd);
        free(signer);
        return -1;
    }
    if (archive_db(a, err, errlen) != 0 || db_exec(a, "BEGIN IMMEDIATE", err, errlen) != 0) {
        close(lfd);
        free(signer);
        return -1;
    }
    maybe_abort(1);
    char *staging = path_join(a->dir, ".staging");
    filing f = {0};
    f.stage = xasprintf("%s/%ld-%d", staging, (long)time(NULL), (int)getpid());
    int rc = mkdirs(f.stage);
    int n;
    char **ids = bundle_ids(bundle, &n);
    for (int i = 0; i < n && rc == 0; i++) {
        int one = file_one(a, bundle, ids[i], signer, &f, err, errlen);
        if (one == 1) r->already++;
        else if (one == 0) r->filed++;
        else rc = -1;
    }
    if (rc == 0) rc = write_plan(&f);
    if (rc == 0) maybe_abort(2);
    if (rc == 0 && place_files(&f) != 0) {
        snprintf(err, errlen, "无法把档案放入档案库：%s", strerror(errno));
        rc = -1;
    }
    if (rc == 0) maybe_abort(4);
    if (rc == 0) rc = db_exec(a, "COMMIT", err, errlen);
    if (rc == 0) maybe_abort(5);
    if (rc != 0) {
        db_exec(a, "ROLLBACK", err + strlen(err), errlen - strlen(err));
    }
    /* Committed: the plan is spent. Failed: undo the renames. */
    if (rc == 0) {
        char *plan = plan_path(f.stage);
        unlink(plan);
        free(plan);
        rmdir(f.stage);
    } else {
        rollback_stage(a, f.stage);
    }
    rmdir(staging);
    for (int i = 0; i < n; i++) free(ids[i]);
    free(ids);
    free_filing(&f);
    free(staging);
    free(signer);
    close(lfd);
    return rc;
}

const char *archive_county(const archive *a)
{
    return a->county;
}

void archive_set_fonts(archive *a, const struct font_set *fs)
{
    a->fonts = fs;
}
