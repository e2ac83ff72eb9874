/* archive_file.c — see archive.h. Filing and recovery; queries are in
 * archive_find.c. */
#include "archive.h"
#include "archive_db.h"
#include "archive_check.h"
#include "archive_report.h"
#include "bundle.h"
#include "util_lang.h"
#include "verify_trust.h"
#include "util.h"
#include "check_schema.h"
#include "load_xml.h"
#include "util_limits.h"

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
    if (read_file(from, MAX_BUNDLE_FILE, &data, &len) != 0) return -1;
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
    a->schema_dir = xstrdup(schema_dir);
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
    free(a->home);
    free(a->schema_dir);
    check_defs_free(a->checks);
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

typedef struct move { char *staged, *final; } move;

typedef struct filing {
    char *stage;
    move *moves;
    int nmoves;
    char **shas;        /* the filed dossiers' SHA-256: their rows, once committed */
    int nshas;
    char manifest[65];  /* the bundle manifest's SHA-256, once staged */
    char *name;         /* the filing's name: its 检测报告 is reports/<name>.* */
    time_t when;        /* its time (SOURCE_DATE_EPOCH when set) */
} filing;

static void stage_file(filing *f, const char *from, const char *dest_dir, const char *name, int *rc)
{
    char *staged = path_join(f->stage, name), *final = path_join(dest_dir, name);
    if (*rc == 0 && copy_file(from, staged) != 0) *rc = -1;
    f->moves = xrealloc(f->moves, (size_t)(f->nmoves + 1) * sizeof *f->moves);
    f->moves[f->nmoves++] = (move){staged, final};
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
                          const slot *sl, int *rc, char *err, size_t errlen)
{
    char *staged = path_join(f->stage, name), *final = path_join(dest_dir, name), *data = NULL;
    unsigned char *out = NULL;
    size_t len, out_len;
    if (*rc == 0 && (!a->fonts || read_file(from, MAX_BUNDLE_FILE, &data, &len) != 0)) *rc = -1;
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

/* One dossier of the bundle (its checks in l): number it, stage its
 * files (the stamped PDF, its record), insert its row (uncommitted). 1 when already filed, 2 refused. */
static int file_one(archive *a, const char *bundle, check_list *l, const char *signer, filing *f,
                    char *err, size_t errlen)
{
    const char *id = l->id;
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
    /* The record beside it (NUMBER[.vN].xml): the dossier's data as the
     * school signed it in the manifest, readable without the PDF. */
    char *n_rec = xasprintf("%.*s.xml", (int)(strlen(n_pdf) - 4), n_pdf);
    if (rc == 0) stage_stamped(a, f, pdf, dest, n_pdf, &sl, &rc, err, errlen);
    if (rc == 0) stage_file(f, rec, dest, n_rec, &rc);
    stage_manifest(a, f, bundle, &rc);
    now_text(now);
    char *rel = xasprintf("%s/%s", sl.dir_rel ? sl.dir_rel : "", n_pdf);
    char *rel_rec = xasprintf("%s/%s", sl.dir_rel ? sl.dir_rel : "", n_rec);
    index_row row = {ri.id, sl.number, ri.teacher, ri.gender, ri.school, ri.host, ri.profile, ri.start, ri.end,
                     ri.counts.s, ri.outcome, sha, (char *)signer, now, rel, ri.score, ri.has_score, ri.hours,
                     sl.year, sl.seq, sl.version, sl.version > 1 ? a->reason : NULL, f->manifest, f->name, rel_rec};
    if (rc != 0 && !*err) snprintf(err, errlen, "无法暂存 %s：%s", pdf, strerror(errno));
    else if (rc == 0) rc = db_insert(a, &row, err, errlen);
    if (rc == 0) {
        l->filed = 1;
        l->number = xstrdup(sl.number);
        l->version = sl.version;
        l->year = sl.year;
        memcpy(l->sha256, sha, sizeof sha);
    }
    f->shas = xrealloc(f->shas, (size_t)(f->nshas + 1) * sizeof *f->shas);
    f->shas[f->nshas++] = xstrdup(sha);
    free(rel); free(rel_rec); free(dest); free(n_pdf); free(n_rec); free(pdf); free(rec); free(sl.number); free(sl.dir_rel);
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
        if (i == f->nmoves - 2) maybe_abort(6);   /* the report placed but for its PDF */
    }
    return 0;
}

static void free_filing(filing *f)
{
    for (int i = 0; i < f->nmoves; i++) { free(f->moves[i].staged); free(f->moves[i].final); }
    for (int i = 0; i < f->nshas; i++) free(f->shas[i]);
    free(f->name);
    free(f->moves);
    free(f->shas);
    free(f->stage);
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
 * folder is not read again (a swap after the check files nothing). Links,
 * special and hidden files are not copied but listed in *skipped (not in
 * any manifest: the 四性检测 refuses them). 0, or -1 error. */
static int copy_bundle(const char *from, const char *to, char ***skipped, int *nskipped, char *err, size_t errlen)
{
    int n, rc = mkdirs(to) == 0 ? 0 : -1;
    bundle_entry *v = bundle_walk(from, &n);
    for (int i = 0; i < n && rc == 0; i++) {
        if (!v[i].regular) {
            *skipped = xrealloc(*skipped, (size_t)(*nskipped + 1) * sizeof **skipped);
            (*skipped)[(*nskipped)++] = xstrdup(v[i].rel);
            continue;
        }
        char *src = path_join(from, v[i].rel), *dst = path_join(to, v[i].rel), *data, *slash;
        size_t len;
        if (read_file_nofollow(src, MAX_BUNDLE_FILE, &data, &len) != 0) {
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

/* The 四性检测 of the staged copy against trust/ (archive_check.h). 1 every
 * item passed, 0 not, -1 error (the reason in err). */
static int check_staged(archive *a, const char *copy, const char *scratch, char *const *skipped, int nskipped,
                        intake *in, char **signer, char *err, size_t errlen)
{
    if (!a->checks && a->home) {
        char *path = path_join(a->home, "templates/checks.xml"), *xsd = path_join(a->schema_dir, "checks.xsd");
        a->checks = check_defs_load(path, xsd, err, errlen);
        free(path);
        free(xsd);
        if (!a->checks) return -1;
    }
    if (!a->checks) {
        snprintf(err, errlen, TR("检测项表 templates/checks.xml 未设置", "the checks table templates/checks.xml is not set"));
        return -1;
    }
    trust *t = trust_new();
    int v = trust_add(t, a->trust, err, errlen) == 0 ? 0 : -1;
    if (v == 0) v = intake_check(copy, t, time(NULL), a->checks, scratch, a->retention, skipped, nskipped, in, signer, err, errlen);
    trust_free(t);
    return v;
}

/* 完整性 GD-2-6: the archive numbers of each year a dossier was filed
 * in run 1…max with none missing, its own included (in the open
 * transaction). */
static int check_numbers(archive *a, intake *in)
{
    for (int i = 1; i < in->n; i++) {
        check_list *l = &in->lists[i];
        if (!l->filed) continue;
        long gap = db_first_gap(a, l->year);
        if (gap < 0) return -1;
        char *d = gap ? xasprintf(TR("%ld 年缺 %s-%ld-%04ld", "%ld lacks %s-%ld-%04ld"), l->year, a->prefix, l->year, gap) : NULL;
        intake_set(in, l->id, "numbers", gap == 0, d);
        free(d);
    }
    return 0;
}

/* The filing's row and its signed 检测报告, staged with the dossiers. */
static int stage_report(archive *a, filing *f, const intake *in, char *err, size_t errlen)
{
    char t[32];
    report_time_text(f->when, t);
    if (db_insert_filing(a, f->name, t, f->manifest, intake_passed(in), err, errlen) != 0) return -1;
    if (report_write(a, in, f->name, f->when, f->manifest, f->stage, err, errlen) != 0) return -1;
    static const char *const EXT[] = {".xml", ".xml.p7s", ".pdf"};
    char *dir = path_join(a->dir, "reports");
    for (int i = 0; i < 3; i++) {
        char *file = xasprintf("%s%s", f->name, EXT[i]);
        f->moves = xrealloc(f->moves, (size_t)(f->nmoves + 1) * sizeof *f->moves);
        f->moves[f->nmoves++] = (move){path_join(f->stage, file), path_join(dir, file)};
        free(file);
    }
    free(dir);
    return 0;
}

/* Numbers, stamps and stages every dossier of the checked copy and the
 * report; then plan, rename, commit. 0, 1 refused, -1 error. */
static int file_all(archive *a, filing *f, const char *copy, const char *signer, intake *in, FILE *out,
                    file_result *r, char *err, size_t errlen)
{
    char *man = path_join(copy, "manifest.xml"), msha[65];
    size_t size;
    int rc = sha256_file(man, msha, &size) == 0 ? 0 : -1;
    free(man);
    if (rc != 0) { snprintf(err, errlen, TR("无法读取验证包清单", "cannot read the bundle's manifest")); return -1; }
    f->when = report_time();
    f->name = report_name(f->when, msha);
    rc = db_exec(a, "BEGIN IMMEDIATE", err, errlen);
    if (rc == 0) maybe_abort(1);
    for (int i = 1; i < in->n && rc == 0; i++) {
        int one = file_one(a, copy, &in->lists[i], signer, f, err, errlen);
        if (one == 1) r->already++;
        else if (one == 0) r->filed++;
        else rc = one == 2 ? 1 : -1;
    }
    if (rc == 0 && check_numbers(a, in) != 0) { snprintf(err, errlen, "档案索引出错"); rc = -1; }
    if (rc == 0 && !intake_passed(in)) { intake_print(in, out); rc = 1; }
    if (rc == 0 && r->filed > 0) rc = stage_report(a, f, in, err, errlen);
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
    intake in = {0};
    char **skipped = NULL;
    int nskipped = 0;
    f.stage = xasprintf("%s/%ld-%d", staging, (long)time(NULL), (int)getpid());
    char *copy = path_join(f.stage, "bundle");
    int rc = copy_bundle(bundle, copy, &skipped, &nskipped, err, errlen);
    if (rc == 0) {
        int v = check_staged(a, copy, f.stage, skipped, nskipped, &in, &signer, err, errlen);
        if (v == 0) intake_print(&in, out);
        rc = v == 1 ? 0 : v == 0 ? 1 : -1;
    }
    if (rc == 0 && !a->db && db_open(a, err, errlen) != 0) rc = -1;
    if (rc == 0) rc = file_all(a, &f, copy, signer, &in, out, r, err, errlen);
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
    for (int i = 0; i < nskipped; i++) free(skipped[i]);
    free(skipped);
    intake_free(&in);
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

const char *archive_prefix(const archive *a)
{
    return a->prefix;
}

void archive_set_fonts(archive *a, const struct font_set *fs)
{
    a->fonts = fs;
}

void archive_set_templates(archive *a, const char *home)
{
    free(a->home);
    a->home = xstrdup(home);
}

void archive_set_supersede(archive *a, const char *reason)
{
    a->supersede = 1;
    free(a->reason);
    a->reason = xstrdup(reason);
}
