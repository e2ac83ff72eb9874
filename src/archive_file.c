/* archive_file.c — see archive.h. Filing and recovery; queries are in
 * archive_find.c. */
#include "archive.h"
#include "archive_db.h"
#include "bundle.h"
#include "layout_dossier.h"
#include "util_lang.h"
#include "verify_read.h"
#include "verify_trust.h"
#include "util.h"
#include "check_schema.h"
#include "load_xml.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
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

/* mkdir -p (also archive_export.c's). */
int mkdirs(const char *path)
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
    /* The archive's own signing key (the schema requires it): paths
     * relative to archive.xml, like SCHOOL.xml's. */
    xmlNodePtr sg = xml_child(root, "signer");
    char *cert = xml_attr(sg, "certificate"), *key = xml_attr(sg, "key");
    a->cert = cert[0] == '/' ? xstrdup(cert) : path_join(dir, cert);
    a->key = key[0] == '/' ? xstrdup(key) : path_join(dir, key);
    xmlFree(cert); xmlFree(key);
    a->signer = cert_file_name(a->cert);
    if (!a->signer) {
        snprintf(err, errlen, TR("archive.xml 指定的档案库签名证书 %s 无法读取", "the archive's signing certificate %s named in archive.xml cannot be read"), a->cert);
        archive_close(a);
        a = NULL;
    }
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
    free(a->cert);
    free(a->key);
    free(a->signer);
    free(a->reason);
    free(a);
}

/* The staging plan: "S <sha256>" for each filed dossier (its row, once
 * committed, has that hash) and
 * "M <staged> <final>" for each file, every field hex-encoded (a school's
 * name can hold any character, newlines too) and every path relative to
 * the archive, checked again to lie inside it before anything is
 * unlinked: a plan is data, never a list of commands. */
static char *plan_path(const char *stage)
{
    return path_join(stage, "plan");
}

static void hex_field(strbuf *b, const char *s)
{
    sb_puts(b, " ");
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) sb_printf(b, "%02x", *p);
}

static char *unhex_field(char **cur)
{
    char *s = *cur;
    while (*s == ' ') s++;
    strbuf b;
    sb_init(&b);
    sb_puts(&b, "");
    for (; s[0] && s[1] && s[0] != ' ' && s[0] != '\n'; s += 2) {
        char h[3] = {s[0], s[1], 0}, *e;
        unsigned long v = strtoul(h, &e, 16);
        if (*e || v == 0) { sb_free(&b); return NULL; }
        char c = (char)v;
        sb_add(&b, &c, 1);
    }
    *cur = s;
    return sb_steal(&b);
}

/* A path of the plan: relative, no "..", no control characters. */
static int inside_archive(const char *rel)
{
    if (!rel || !*rel || rel[0] == '/') return 0;
    for (const char *c = rel; c; c = strchr(c, '/')) {
        if (*c == '/') c++;
        if (!strncmp(c, "..", 2) && (c[2] == '/' || !c[2])) return 0;
    }
    for (const unsigned char *p = (const unsigned char *)rel; *p; p++) if (*p < 0x20) return 0;
    return 1;
}

static const char *rel_to(const archive *a, const char *full)
{
    size_t n = strlen(a->dir);
    return !strncmp(full, a->dir, n) && full[n] == '/' ? full + n + 1 : full;
}

/* Removes what the filing made under its staging folder (plain files and
 * folders only: it made nothing else). Also archive_export.c's. */
void remove_stage_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0) return;
    if (!S_ISDIR(st.st_mode)) { unlink(path); return; }
    DIR *d = opendir(path);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        char *f = path_join(path, e->d_name);
        remove_stage_tree(f);
        free(f);
    }
    if (d) closedir(d);
    rmdir(path);
}

static void undo_move(archive *a, char *line, int committed)
{
    char *cur = line + 1, *staged = unhex_field(&cur), *final = unhex_field(&cur);
    if (inside_archive(staged) && inside_archive(final)) {
        char *fs = path_join(a->dir, staged), *ff = path_join(a->dir, final);
        if (!committed) unlink(ff);           /* the placed file, if it got there */
        unlink(fs);                           /* the staged copy */
        free(fs);
        free(ff);
    }
    free(staged);
    free(final);
}

/* Undoes the renames of an interrupted filing whose rows were never
 * committed; a committed one only lost its clean-up. */
static int rollback_stage(archive *a, const char *stage)
{
    char *plan = plan_path(stage), *data = NULL;
    size_t len;
    if (read_file_nofollow(plan, 16u << 20, &data, &len) == 0) {
        char *save = NULL;
        int committed = 0;
        for (char *line = strtok_r(data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
            if (line[0] == 'S') {
                char *cur = line + 1, *sha = unhex_field(&cur);
                committed |= sha && db_has_sha(a, sha);
                free(sha);
            } else if (line[0] == 'M') {
                undo_move(a, line, committed);
            }
        }
    }
    free(data);
    free(plan);
    /* Whatever else is left in the staging folder was never placed. */
    remove_stage_tree(stage);
    return access(stage, F_OK) == 0 ? -1 : 0;
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

/* A folder name the file system takes: no '/', '\\', control
 * characters or leading dot; names longer than FOLDER_MAX bytes (ext4
 * allows 255) are cut at a character boundary and given the first 8 hex
 * digits of the whole name's SHA-256, so two long names that share a
 * beginning still get two folders. The full name stays in the index. */
#define FOLDER_MAX 200
static char *folder_name(const char *s)
{
    char *f = xstrdup(s && *s ? s : "未知学校");
    for (unsigned char *p = (unsigned char *)f; *p; p++)
        if (*p == '/' || *p == '\\' || *p < 0x20 || *p == 0x7f) *p = '_';
    if (f[0] == '.') f[0] = '_';
    size_t n = strlen(f);
    if (n <= FOLDER_MAX) return f;
    size_t cut = FOLDER_MAX - 9;
    while (cut > 0 && ((unsigned char)f[cut] & 0xC0) == 0x80) cut--;
    unsigned char h[32];
    unsigned hl;
    EVP_Digest(s, strlen(s), h, &hl, EVP_sha256(), NULL);
    char *r = xasprintf("%.*s-%02x%02x%02x%02x", (int)cut, f, h[0], h[1], h[2], h[3]);
    free(f);
    return r;
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
    sb_init(&ri->counts);
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
    char **shas;        /* the filed dossiers' SHA-256: their rows, once committed */
    int nshas;
    char manifest[65];  /* the bundle manifest's SHA-256, once staged */
} filing;

static void stage_file(filing *f, const char *from, const char *dest_dir, const char *name, int *rc)
{
    char *staged = path_join(f->stage, name), *final = path_join(dest_dir, name);
    if (*rc == 0 && copy_file(from, staged) != 0) *rc = -1;
    f->moves = xrealloc(f->moves, (size_t)(f->nmoves + 1) * sizeof *f->moves);
    f->moves[f->nmoves++] = (move){staged, final};
}

/* The signed record (ID.xml) must say what the signed PDF says of itself
 * (typeset.c writes /Title "NAME 跟岗研修档案", /Author the base school,
 * /Keywords dossier_keywords(…): id, period, home school, score, outcome,
 * 学时): an index row is a claim about the dossier, and a claim the
 * dossier contradicts is not filed. */
/* Whitespace runs as one space, trimmed: a record's attributes went
 * through XML attribute normalisation, the PDF's strings did not. */
static int same_text(const char *a, const char *b)
{
    if (!a || !b) return 0;
    for (;;) {
        while (*a == ' ' || *a == '\t' || *a == '\n' || *a == '\r') a++;
        while (*b == ' ' || *b == '\t' || *b == '\n' || *b == '\r') b++;
        if (!*a || !*b) return !*a && !*b;
        int sa = 0, sb = 0;
        while (*a && *a == *b && *a != ' ' && *a != '\t' && *a != '\n' && *a != '\r') { a++; b++; }
        sa = !*a || *a == ' ' || *a == '\t' || *a == '\n' || *a == '\r';
        sb = !*b || *b == ' ' || *b == '\t' || *b == '\n' || *b == '\r';
        if (!(sa && sb)) return 0;
    }
}

static int meta_agrees(const unsigned char *data, size_t len, const record_info *ri, char *err, size_t errlen)
{
    pdf_in *p = pdf_in_open(data, len, err, errlen);
    if (!p) return 0;
    char *title = pdf_in_info(p, "/Title"), *author = pdf_in_info(p, "/Author"), *kw = pdf_in_info(p, "/Keywords");
    pdf_in_close(p);
    char *want_title = xasprintf("%s 跟岗研修档案", ri->teacher),
         *want_kw = dossier_keywords(ri->id, ri->start, ri->end, ri->school, ri->has_score, ri->score, ri->outcome,
                                     ri->hours);
    const char *what = !same_text(title, want_title) ? TR("教师姓名", "the teacher's name")
                       : !same_text(author, ri->host) ? TR("基地学校", "the base school")
                       : !same_text(kw, want_kw) ? TR("跟岗编号、研修时间、派出学校或考核结果", "placement id, period, home school or result") : NULL;
    if (what) snprintf(err, errlen, TR("dossiers/%s.xml 与签名的 PDF 不一致（%s不同），不予归档",
                                       "dossiers/%s.xml disagrees with its signed PDF (%s), not filed"), ri->id, what);
    free(title); free(author); free(kw); free(want_title); free(want_kw);
    return what == NULL;
}

/* The dossier with its 归档章, staged. */
/* Where a dossier goes: a new archive number, or — a placement already
 * on file, with --supersede — the next version of its number, in its
 * folder. */
typedef struct slot {
    char *number, *dir_rel;
    long year, seq, version;
} slot;

static void stage_stamped(archive *a, filing *f, const char *from, const char *dest_dir, const char *name,
                          const record_info *ri, const slot *sl, int *rc, char *err, size_t errlen)
{
    char *staged = path_join(f->stage, name), *final = path_join(dest_dir, name), *data = NULL;
    unsigned char *out = NULL;
    size_t len, out_len;
    if (*rc == 0 && (!a->fonts || read_file(from, 256u << 20, &data, &len) != 0)) *rc = -1;
    if (*rc == 0 && !meta_agrees((unsigned char *)data, len, ri, err, errlen)) *rc = 2;
    if (*rc == 0 && archive_stamp(a, (unsigned char *)data, len, sl->year, sl->seq, sl->number, sl->version,
                                  time(NULL), &out, &out_len, err, errlen) != 0) *rc = -1;
    if (*rc == 0 && write_file_atomic(staged, out, out_len) != 0) *rc = -1;
    free(data);
    free(out);
    f->moves = xrealloc(f->moves, (size_t)(f->nmoves + 1) * sizeof *f->moves);
    f->moves[f->nmoves++] = (move){staged, final};
}

/* 0, 2 refused (on file, no --supersede), -1 error. */
static int choose_slot(archive *a, const record_info *ri, slot *s, char *err, size_t errlen)
{
    filed_version v;
    int on_file = db_current(a, ri->id, &v);
    if (on_file < 0) { snprintf(err, errlen, "档案索引出错"); return -1; }
    if (on_file && !a->supersede) {
        snprintf(err, errlen, TR("%s 已归档为 %s；如为更正后的新版本，请用 --supersede --reason 原因",
                                 "%s is filed as %s; for a corrected new version use --supersede --reason TEXT"), ri->id, v.number);
        free(v.number);
        free(v.path);
        return 2;
    }
    if (on_file) {
        char *slash = strrchr(v.path, '/');
        *s = (slot){v.number, xstrndup(v.path, slash ? (size_t)(slash - v.path) : 0), v.year, v.seq, v.version + 1};
        free(v.path);
        return db_supersede(a, s->number, err, errlen);
    }
    char *school = folder_name(ri->school);
    long year = atol(ri->start), seq = db_next_seq(a, year);
    *s = (slot){xasprintf("%s-%ld-%04ld", a->prefix, year, seq), xasprintf("%ld/%s", year, school), year, seq, 1};
    free(school);
    return 0;
}

/* The bundle's manifest and signature, kept once per bundle in
 * ARCHIVE/bundles/ under the manifest's SHA-256 (not once per dossier:
 * a 1,000-dossier bundle would keep 1,000 copies). */
static void stage_manifest(archive *a, filing *f, const char *bundle, int *rc)
{
    if (*rc != 0 || f->manifest[0]) return;
    char *man = path_join(bundle, "manifest.xml"), *sig = path_join(bundle, "manifest.p7s");
    size_t size;
    if (sha256_file(man, f->manifest, &size) != 0) *rc = -1;
    char *dir = path_join(a->dir, "bundles"), *n_man = xasprintf("%s.xml", f->manifest),
         *n_sig = xasprintf("%s.p7s", f->manifest), *kept = path_join(dir, n_man);
    if (*rc == 0 && access(kept, F_OK) != 0) {
        stage_file(f, man, dir, n_man, rc);
        stage_file(f, sig, dir, n_sig, rc);
    }
    free(man); free(sig); free(dir); free(n_man); free(n_sig); free(kept);
}

static void now_text(char out[32])
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* One dossier of the bundle: number it, stage its files, insert its row
 * (uncommitted). 1 when already filed, 2 refused. */
static int file_one(archive *a, const char *bundle, const char *id, const char *signer, filing *f,
                    char *err, size_t errlen)
{
    char *pdf = xasprintf("%s/dossiers/%s.pdf", bundle, id), *rec = xasprintf("%s/dossiers/%s.xml", bundle, id);
    char sha[65], now[32];
    size_t size;
    record_info ri;
    int rc = sha256_file(pdf, sha, &size) == 0 && read_record(rec, &ri, err, errlen) == 0 ? 0 : -1;
    if (rc != 0) {
        if (!*err) snprintf(err, errlen, "无法读取 %s", pdf);
        free(pdf); free(rec);
        return -1;
    }
    if (db_has_sha(a, sha)) { free_record(&ri); free(pdf); free(rec); return 1; }
    slot sl = {0};
    rc = choose_slot(a, &ri, &sl, err, errlen);
    char *dest = sl.dir_rel ? path_join(a->dir, sl.dir_rel) : NULL;
    char *n_pdf = sl.version > 1 ? xasprintf("%s.v%ld.pdf", sl.number, sl.version) : xasprintf("%s.pdf", sl.number);
    if (rc == 0) stage_stamped(a, f, pdf, dest, n_pdf, &ri, &sl, &rc, err, errlen);
    stage_manifest(a, f, bundle, &rc);
    now_text(now);
    char *rel = xasprintf("%s/%s", sl.dir_rel ? sl.dir_rel : "", n_pdf);
    index_row row = {ri.id, sl.number, ri.teacher, ri.gender, ri.school, ri.host, ri.profile, ri.start, ri.end,
                     ri.counts.s, ri.outcome, sha, (char *)signer, now, rel, ri.score, ri.has_score, ri.hours,
                     sl.year, sl.seq, sl.version, sl.version > 1 ? a->reason : NULL, f->manifest};
    if (rc != 0 && !*err) snprintf(err, errlen, "无法暂存 %s：%s", pdf, strerror(errno));
    else if (rc == 0) rc = db_insert(a, &row, err, errlen);
    f->shas = xrealloc(f->shas, (size_t)(f->nshas + 1) * sizeof *f->shas);
    f->shas[f->nshas++] = xstrdup(sha);
    free(rel); free(dest); free(n_pdf); free(pdf); free(rec); free(sl.number); free(sl.dir_rel);
    free_record(&ri);
    return rc;
}

static int write_plan(const archive *a, filing *f)
{
    strbuf b;
    sb_init(&b);
    for (int i = 0; i < f->nshas; i++) { sb_puts(&b, "S"); hex_field(&b, f->shas[i]); sb_puts(&b, "\n"); }
    for (int i = 0; i < f->nmoves; i++) {
        sb_puts(&b, "M");
        hex_field(&b, rel_to(a, f->moves[i].staged));
        hex_field(&b, rel_to(a, f->moves[i].final));
        sb_puts(&b, "\n");
    }
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
    for (int i = 0; i < f->nshas; i++) free(f->shas[i]);
    free(f->moves);
    free(f->shas);
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

/* One filing at a time: a second run waits here for the first (the lock
 * goes with the process, so a killed run never leaves it held). The lock
 * file is the owner's alone (0600): anyone who may open it may hold it. */
static int lock_archive(const archive *a, char *err, size_t errlen)
{
    char *lock = path_join(a->dir, ".lock");
    int lfd = open(lock, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    free(lock);
    if (lfd >= 0 && fchmod(lfd, 0600) == 0 && flock(lfd, LOCK_EX) == 0) return lfd;
    snprintf(err, errlen, TR("无法锁定档案库：%s", "cannot lock the archive: %s"), errno_text(errno));
    if (lfd >= 0) close(lfd);
    return -1;
}

/* A scratch file of the staging area: written once, read back by the
 * verification, never placed. No fsync: a crash discards the whole
 * staging folder anyway, and syncing a bundle's every file was most of
 * the time of filing a large bundle. O_EXCL: the staging folder is ours. */
static int write_scratch(const char *path, const char *data, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) return -1;
    size_t done = 0;
    while (done < len) {
        ssize_t w = write(fd, data + done, len - done);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) { close(fd); return -1; }
        done += (size_t)w;
    }
    return close(fd);
}

/* The bundle copied into the staging area, each file read once and never
 * through a link: what is verified next is what gets filed — the bundle
 * folder is not read again (a swap after the check files nothing). 0, 1
 * refused (a link or special file: not in any manifest), -1 error. */
static int copy_bundle(const char *from, const char *to, FILE *out, char *err, size_t errlen)
{
    int n, rc = mkdirs(to) == 0 ? 0 : -1;
    bundle_entry *v = bundle_walk(from, &n);
    for (int i = 0; i < n && rc == 0; i++) {
        if (!v[i].regular) {
            fprintf(out, TR("%s：清单之外的链接、特殊文件或隐藏文件\n", "%s: a link, special or hidden file not in the manifest\n"), v[i].rel);
            rc = 1;
            continue;
        }
        char *src = path_join(from, v[i].rel), *dst = path_join(to, v[i].rel), *data, *slash;
        size_t len;
        if (read_file_nofollow(src, 256u << 20, &data, &len) != 0) {
            snprintf(err, errlen, "无法读取 %s：%s", src, strerror(errno));
            rc = -1;
        } else {
            if ((slash = strrchr(dst, '/'))) { *slash = '\0'; rc = mkdirs(dst); *slash = '/'; }
            if (rc == 0 && write_scratch(dst, data, len) != 0) {
                snprintf(err, errlen, "无法暂存 %s：%s", dst, strerror(errno));
                rc = -1;
            }
            free(data);
        }
        free(src);
        free(dst);
    }
    bundle_walk_free(v, n);
    return rc;
}

/* Verifies the staged copy against trust/. 1 intact and trusted. */
static int verify_staged(const archive *a, const char *copy, FILE *out, char **signer, char *err, size_t errlen)
{
    trust *t = trust_new();
    int v = trust_add(t, a->trust, err, errlen) == 0 ? 0 : -1;
    if (v == 0) {
        bundle_check c = {t, time(NULL)};
        v = bundle_verify(copy, &c, out, signer, err, errlen);
    }
    if (v < 0) fprintf(out, "%s\n", err);
    trust_free(t);
    return v;
}

/* Numbers, stamps and stages every dossier of the verified copy; then
 * plan, rename, commit. 0, 1 refused, -1 error. */
static int file_all(archive *a, filing *f, const char *copy, const char *signer, file_result *r,
                    char *err, size_t errlen)
{
    int n, rc = db_exec(a, "BEGIN IMMEDIATE", err, errlen);
    if (rc == 0) maybe_abort(1);
    char **ids = rc == 0 ? bundle_ids(copy, &n) : NULL;
    for (int i = 0; ids && i < n && rc == 0; i++) {
        int one = file_one(a, copy, ids[i], signer, f, err, errlen);
        if (one == 1) r->already++;
        else if (one == 0) r->filed++;
        else rc = one == 2 ? 1 : -1;
    }
    for (int i = 0; ids && i < n; i++) free(ids[i]);
    free(ids);
    if (rc == 0) rc = write_plan(a, f);
    if (rc == 0) maybe_abort(2);
    if (rc == 0 && place_files(f) != 0) {
        snprintf(err, errlen, "无法把档案放入档案库：%s", strerror(errno));
        rc = -1;
    }
    if (rc == 0) maybe_abort(4);
    if (rc == 0) rc = db_exec(a, "COMMIT", err, errlen);
    if (rc == 0) maybe_abort(5);
    if (rc != 0) db_exec(a, "ROLLBACK", err + strlen(err), errlen - strlen(err));
    return rc;
}

int archive_file(archive *a, const char *bundle, FILE *out, file_result *r, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    int lfd = lock_archive(a, err, errlen);
    if (lfd < 0) return -1;
    char *staging = path_join(a->dir, ".staging"), *signer = NULL;
    /* An interrupted filing is rolled back first (it needs the index);
     * otherwise the index is opened — created — only once the bundle
     * passed, so that a refusal leaves a new archive as it was. */
    if (access(staging, F_OK) == 0 && archive_db(a, err, errlen) != 0) {
        free(staging);
        close(lfd);
        return -1;
    }
    filing f = {0};
    f.stage = xasprintf("%s/%ld-%d", staging, (long)time(NULL), (int)getpid());
    char *copy = path_join(f.stage, "bundle");
    int rc = copy_bundle(bundle, copy, out, err, errlen);
    if (rc == 0 && verify_staged(a, copy, out, &signer, err, errlen) != 1) rc = 1;
    if (rc == 0 && !a->db && db_open(a, err, errlen) != 0) rc = -1;
    if (rc == 0) rc = file_all(a, &f, copy, signer, r, err, errlen);
    if (rc == 1 && *err) fprintf(out, "%s\n", err);
    /* Committed: the plan is spent. Failed: undo the renames. */
    if (rc == 0) {
        char *plan = plan_path(f.stage);
        unlink(plan);
        free(plan);
        remove_stage_tree(f.stage);
    } else {
        rollback_stage(a, f.stage);
    }
    rmdir(staging);
    free_filing(&f);
    free(copy);
    free(staging);
    free(signer);
    close(lfd);
    return rc;
}

int archive_recover(archive *a, char *err, size_t errlen)
{
    int lfd = lock_archive(a, err, errlen);
    if (lfd < 0) return -1;
    int rc = archive_db(a, err, errlen);
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

void archive_set_supersede(archive *a, const char *reason)
{
    a->supersede = 1;
    free(a->reason);
    a->reason = xstrdup(reason);
}
