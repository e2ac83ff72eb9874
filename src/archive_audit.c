/* archive_audit.c — see archive_audit.h.
 *
 * Signatures are judged as of the filing (the row's filed_at), not as of
 * today: the archive's 归档章 signature is the bureau's statement that at
 * filing time it held the school's intact, trusted signature, and
 * pdf_check judges each earlier signature at the signing time of the
 * trusted one after it. A certificate that expires after its dossiers
 * were filed therefore fails no old filing — which is the point of
 * keeping them 永久 — while a CRL in trust/ still revokes whatever it
 * lists, and a filing time outside the archive's certificate is a
 * problem. */
#include "archive_audit.h"
#include "archive_db.h"
#include "check_report.h"
#include "util_lang.h"
#include "verify.h"
#include "verify_trust.h"
#include "util.h"
#include "util_limits.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int archive_lock_shared(const archive *a, char *err, size_t errlen)
{
    char *lock = path_join(a->dir, ".lock");
    int lfd = open(lock, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    free(lock);
    if (lfd < 0 && errno == ENOENT) return -2;
    if (lfd >= 0 && flock(lfd, LOCK_SH) == 0) return lfd;
    snprintf(err, errlen, TR("无法锁定档案库：%s", "cannot lock the archive: %s"), errno_text(errno));
    if (lfd >= 0) close(lfd);
    return -1;
}

typedef struct auditor {
    archive *a;
    FILE *out;
    int json, progress;
    trust *t;
    audit_result *r;
    kept_manifest km;
    int have_km;
    long total;
    strbuf *lines;      /* NULL, or every problem kept as "FILE\0MESSAGE\0" (the PDF's) */
} auditor;

static void problem(auditor *au, const char *kind, const char *file, const char *number, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void problem(auditor *au, const char *kind, const char *file, const char *number, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    au->r->problems++;
    if (au->lines) {
        sb_add(au->lines, file, strlen(file) + 1);
        sb_add(au->lines, msg, strlen(msg) + 1);
    }
    if (au->progress) fputs("\r\033[K", stderr);
    if (!au->json) {
        fprintf(au->out, TR("%s：%s\n", "%s: %s\n"), file, msg);
        return;
    }
    fputs("{\"kind\":", au->out);
    json_string(au->out, kind);
    fputs(",\"file\":", au->out);
    json_string(au->out, file);
    fputs(",\"number\":", au->out);
    if (number) json_string(au->out, number); else fputs("null", au->out);
    fputs(",\"message\":", au->out);
    json_string(au->out, msg);
    fputs("}\n", au->out);
}

static const char *col(sqlite3_stmt *st, int i)
{
    const unsigned char *v = sqlite3_column_text(st, i);
    return v ? (const char *)v : "";
}

/* The integrity of the index itself; 0 when it can be trusted. */
static int index_ok(auditor *au)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(au->a->db, "PRAGMA integrity_check(20)", -1, &st, NULL) != SQLITE_OK) {
        problem(au, "index", "index.sqlite", NULL, TR("索引无法读取：%s", "the index cannot be read: %s"), sqlite3_errmsg(au->a->db));
        return -1;
    }
    int bad = 0, rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *m = col(st, 0);
        if (strcmp(m, "ok")) {
            problem(au, "index", "index.sqlite", NULL, TR("索引损坏：%s", "the index is damaged: %s"), m);
            bad = 1;
        }
    }
    if (rc != SQLITE_DONE && !bad) {
        problem(au, "index", "index.sqlite", NULL, TR("索引损坏：%s", "the index is damaged: %s"), sqlite3_errmsg(au->a->db));
        bad = 1;
    }
    sqlite3_finalize(st);
    if (!bad && !db_has(au->a, "dossier", NULL)) {
        problem(au, "index", "index.sqlite", NULL, TR("索引中没有档案表", "the index has no dossier table"));
        bad = 1;
    }
    return bad ? -1 : 0;
}

/* The manifest of this row, loaded once for all the rows of its bundle
 * (rows come in manifest order); a problem with it is reported once. */
static kept_manifest *manifest_for(auditor *au, const char *manifest, const char *path, const char *number, time_t when)
{
    int legacy = !manifest || !*manifest;
    if (au->have_km && !legacy && !strcmp(au->km.key, manifest)) return &au->km;
    if (au->have_km) kept_manifest_free(&au->km);
    au->have_km = 1;
    au->r->manifests++;
    if (kept_manifest_load(au->a, legacy ? NULL : manifest, path, number, au->t, when, &au->km) != 0)
        problem(au, "manifest", au->km.xml, NULL, "%s", au->km.problem);
    return &au->km;
}

/* The school's revision by its own signature, when the manifest is lost. */
static int revision_by_signature(const pdf_report *rep, const char *data, size_t len, const char *row_sha)
{
    if (!rep->intact || rep->nsig < 1 || rep->sig[0].end > len) return 1;
    char sha[65];
    sha256_hex(data, rep->sig[0].end, sha);
    return !strcmp(sha, row_sha);
}

static void audit_pdf(auditor *au, const char *number, const char *id, const char *sha, time_t when,
                      const char *path, const kept_manifest *km, const char *data, size_t len)
{
    char *entry_path = xasprintf("dossiers/%s.pdf", id);
    const manifest_entry *e = km->ok ? kept_manifest_entry(km, entry_path) : NULL;
    pdf_report rep;
    int trusted = pdf_check((const unsigned char *)data, len, au->t, when, &rep);
    if (km->ok && !e)
        problem(au, "manifest", path, number, TR("清单 %s 中没有 %s", "the manifest %s has no %s"), km->xml, entry_path);
    if (e ? !kept_revision_ok(e, data, len, sha) : !revision_by_signature(&rep, data, len, sha))
        problem(au, "hash", path, number, TR("学校签名的版本的 SHA-256 与索引或清单记载的不符：文件被改动过",
                                             "the SHA-256 of the school's signed revision is not the index's or the manifest's: the file was changed"));
    if (!trusted)
        problem(au, "signature", path, number, TR("签名不成立（按归档时间判断）：%s", "the signatures do not hold (judged as of the filing): %s"),
                rep.problem);
    else if (rep.nsig < 2)
        problem(au, "signature", path, number, TR("没有档案库的归档章签名", "no archive signature (归档章)"));
    pdf_report_free(&rep);
    free(entry_path);
}

/* The dossier's record kept beside it (NUMBER[.vN].xml; rows filed
 * before records were kept name none): there, and the very bytes of its
 * bundle's dossiers/ID.xml as the kept manifest lists them. */
static void audit_record(auditor *au, const char *number, const char *id, const char *record, const kept_manifest *km)
{
    if (!record) return;
    if (!index_path_ok(record)) {
        problem(au, "index", record, number, TR("索引中的路径不在档案库内", "the index's path lies outside the archive"));
        return;
    }
    char *full = path_join(au->a->dir, record), *data = NULL, *entry_path = xasprintf("dossiers/%s.xml", id);
    const manifest_entry *e = km->ok ? kept_manifest_entry(km, entry_path) : NULL;
    size_t len;
    if (read_file_nofollow(full, MAX_KEPT_TEXT, &data, &len) != 0)
        problem(au, "missing", record, number, TR("档案的记录文件缺失或无法读取：%s", "the dossier's record is missing or unreadable: %s"),
                errno_text(errno));
    else if (km->ok && !e)
        problem(au, "manifest", record, number, TR("清单 %s 中没有 %s", "the manifest %s has no %s"), km->xml, entry_path);
    else if (e && !kept_whole_ok(e, data, len))
        problem(au, "hash", record, number, TR("记录文件的 SHA-256 与清单记载的 %s 不符：文件被改动过",
                                               "the record's SHA-256 is not the manifest's %s: the file was changed"), entry_path);
    free(data);
    free(entry_path);
    free(full);
}

static void progress(auditor *au, long done)
{
    if (au->progress && (done % 20 == 0 || done == au->total))
        fprintf(stderr, TR("\r审计中：%ld/%ld 份档案", "\rauditing: %ld/%ld dossiers"), done, au->total);
}

static long count_rows(auditor *au)
{
    sqlite3_stmt *st;
    long n = 0;
    if (sqlite3_prepare_v2(au->a->db, "SELECT count(*) FROM dossier", -1, &st, NULL) != SQLITE_OK) return 0;
    if (sqlite3_step(st) == SQLITE_ROW) n = (long)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

/* Every row: its file there, its hashes and signatures. */
static int audit_rows(auditor *au)
{
    /* The record column, once the index has it (an older index: none owed). */
    char *sql = xasprintf("SELECT number, placement_id, sha256, filed_at, path, manifest, %s FROM dossier"
                          " ORDER BY manifest, number, version", db_has(au->a, "dossier", "record") ? "record" : "NULL");
    sqlite3_stmt *st;
    int prep = sqlite3_prepare_v2(au->a->db, sql, -1, &st, NULL);
    free(sql);
    if (prep != SQLITE_OK) return -1;
    au->total = count_rows(au);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *number = col(st, 0), *id = col(st, 1), *sha = col(st, 2), *filed = col(st, 3), *path = col(st, 4);
        const char *manifest = (const char *)sqlite3_column_text(st, 5), *record = (const char *)sqlite3_column_text(st, 6);
        progress(au, ++au->r->dossiers);
        time_t when = index_time(filed);
        if (when == (time_t)-1) {
            problem(au, "index", path, number, TR("索引中的归档时间 %s 无法识别", "the filing time %s in the index is unreadable"), filed);
            when = time(NULL);
        }
        if (!index_path_ok(path)) {
            problem(au, "index", path, number, TR("索引中的路径不在档案库内", "the index's path lies outside the archive"));
            continue;
        }
        kept_manifest *km = manifest_for(au, manifest, path, number, when);
        char *full = path_join(au->a->dir, path), *data = NULL;
        size_t len;
        if (read_file_nofollow(full, MAX_FILED_FILE, &data, &len) != 0)
            problem(au, "missing", path, number, TR("索引中的文件缺失或无法读取：%s", "the indexed file is missing or unreadable: %s"),
                    errno_text(errno));
        else
            audit_pdf(au, number, id, sha, when, path, km, data, len);
        audit_record(au, number, id, record, km);
        free(data);
        free(full);
    }
    sqlite3_finalize(st);
    if (au->have_km) kept_manifest_free(&au->km);
    au->have_km = 0;
    if (au->progress) fputs("\r\033[K", stderr);
    return rc == SQLITE_DONE ? 0 : -1;
}

static void report_gap(void *arg, const char *prefix, long year, long first, long last)
{
    auditor *au = arg;
    char *a = xasprintf("%s-%ld-%04ld", prefix, year, first), *b = xasprintf("%s-%ld-%04ld", prefix, year, last);
    if (first == last) problem(au, "gap", a, a, TR("档号不连续：缺少此号", "archive numbers not continuous: this number is missing"));
    else problem(au, "gap", a, a, TR("档号不连续：缺少 %s 至 %s（%ld 个）", "archive numbers not continuous: %s to %s are missing (%ld)"),
                 a, b, last - first + 1);
    free(a);
    free(b);
}

/* Archive numbers 1, 2, 3 … per prefix and year; versions 1…n, one current. */
static int audit_numbers(auditor *au)
{
    if (db_each_gap(au->a, NULL, 0, report_gap, au) != 0) return -1;
    sqlite3_stmt *st;
    int rc;
    static const char VERSIONS[] =
        "SELECT number, count(*), max(version), sum(current) FROM dossier GROUP BY number"
        " HAVING count(*) != max(version) OR min(version) != 1 OR sum(current) != 1 ORDER BY number";
    if (sqlite3_prepare_v2(au->a->db, VERSIONS, -1, &st, NULL) != SQLITE_OK) return -1;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        problem(au, "version", col(st, 0), col(st, 0),
                TR("版本不完整：%d 个版本（最高第 %d 版），%d 个现行", "versions incomplete: %d versions (highest %d), %d current"),
                sqlite3_column_int(st, 1), sqlite3_column_int(st, 2), sqlite3_column_int(st, 3));
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* A report file, read whole; NULL (a problem named) when it is not there. */
static char *report_read(auditor *au, const char *rel, size_t max, size_t *len)
{
    char *full = path_join(au->a->dir, rel), *data = NULL;
    if (read_file_nofollow(full, max, &data, len) != 0) {
        problem(au, "report", rel, NULL, TR("检测报告缺失或无法读取：%s", "the detection report is missing or unreadable: %s"),
                errno_text(errno));
        data = NULL;
    }
    free(full);
    return data;
}

/* F.xml under its detached signature F.xml.p7s, as archive_manifest.c
 * checks a kept manifest: by the archive's trust/ as of the filing. */
static void report_xml(auditor *au, const char *f, time_t when)
{
    char *xml = xasprintf("reports/%s.xml", f), *p7s = xasprintf("reports/%s.xml.p7s", f);
    size_t len = 0, dlen = 0;
    char *data = report_read(au, xml, MAX_KEPT_TEXT, &len), *der = report_read(au, p7s, MAX_MANIFEST_SIG, &dlen);
    char why[384] = "", *name = NULL;
    if (data && der &&
        cms_check((unsigned char *)der, dlen, (const unsigned char *)data, len, au->t, when, &name, why, sizeof why) != 1)
        problem(au, "report", xml, NULL, TR("检测报告的签名 %s 不成立（按归档时间判断）：%s",
                                            "the report's signature %s does not hold (judged as of the filing): %s"), p7s, why);
    free(name);
    free(der);
    free(data);
    free(xml);
    free(p7s);
}

/* F.pdf, signed by the archive's key at the filing. */
static void report_pdf_ok(auditor *au, const char *f, time_t when)
{
    char *rel = xasprintf("reports/%s.pdf", f);
    size_t len = 0;
    char *data = report_read(au, rel, MAX_KEPT_TEXT, &len);
    pdf_report rep;
    if (data && !pdf_check((const unsigned char *)data, len, au->t, when, &rep))
        problem(au, "report", rel, NULL, TR("检测报告的签名不成立（按归档时间判断）：%s",
                                            "the report's signature does not hold (judged as of the filing): %s"), rep.problem);
    if (data) pdf_report_free(&rep);
    free(data);
    free(rel);
}

/* The 四性检测's signed reports (ARCHIVE/reports/FILING.xml, .xml.p7s,
 * .pdf), when the index has their table: each there and its signature
 * holding as of the filing's time. */
static int audit_reports(auditor *au)
{
    if (!db_has(au->a, "filing", "filing")) return 0;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(au->a->db, "SELECT filing, time FROM filing ORDER BY filing", -1, &st, NULL) != SQLITE_OK) return -1;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *f = col(st, 0), *t = col(st, 1);
        if (!*f || strchr(f, '/') || !strcmp(f, "..")) {
            problem(au, "index", "index.sqlite", NULL, TR("索引中的检测报告名 %s 无效", "the index's report name %s is invalid"), f);
            continue;
        }
        time_t when = index_time(t);
        if (when == (time_t)-1) {
            problem(au, "index", "index.sqlite", NULL, TR("检测报告 %s 的时间 %s 无法识别", "the report %s: its time %s is unreadable"), f, t);
            when = time(NULL);
        }
        report_xml(au, f, when);
        report_pdf_ok(au, f, when);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* Files of the archive that are not dossiers or kept manifests. */
static int set_aside(const archive *a, const char *rel, int top)
{
    static const char *const TOP[] = {".lock", "index.sqlite", "index.sqlite-wal", "index.sqlite-shm",
                                      "index.sqlite-journal", "archive.xml", "trust", ".staging"};
    for (size_t i = 0; top && i < sizeof TOP / sizeof *TOP; i++)
        if (!strcmp(rel, TOP[i])) return 1;
    /* archive.xml's signing certificate and key, when kept inside. */
    const char *mine[] = {a->cert, a->key};
    size_t n = strlen(a->dir);
    for (int i = 0; i < 2; i++)
        if (!strncmp(mine[i], a->dir, n) && mine[i][n] == '/' && !strcmp(mine[i] + n + 1, rel)) return 1;
    return 0;
}

static void walk(auditor *au, sqlite3_stmt *ins, const char *rel, int depth)
{
    char *full = *rel ? path_join(au->a->dir, rel) : xstrdup(au->a->dir);
    DIR *d = opendir(full);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        char *r = *rel ? xasprintf("%s/%s", rel, e->d_name) : xstrdup(e->d_name), *f = path_join(au->a->dir, r);
        struct stat st;
        if (!set_aside(au->a, r, depth == 0) && lstat(f, &st) == 0) {
            if (S_ISDIR(st.st_mode) && depth < 16) {
                walk(au, ins, r, depth + 1);
            } else {
                au->r->files++;
                sqlite3_bind_text(ins, 1, r, -1, SQLITE_STATIC);
                sqlite3_step(ins);
                sqlite3_reset(ins);
            }
        }
        free(r);
        free(f);
    }
    if (d) closedir(d);
    free(full);
}

/* The walk goes into SQLite's temporary store (a temporary file, not the
 * archive) and is matched against what the rows name. */
static int audit_strays(auditor *au)
{
    static const char KNOWN[] =
        "CREATE TEMP TABLE seen (path TEXT PRIMARY KEY) WITHOUT ROWID;"
        "CREATE TEMP TABLE known (path TEXT PRIMARY KEY) WITHOUT ROWID;"
        "INSERT OR IGNORE INTO known SELECT path FROM dossier;"
        "INSERT OR IGNORE INTO known SELECT 'bundles/' || manifest || '.xml' FROM dossier WHERE manifest != '';"
        "INSERT OR IGNORE INTO known SELECT 'bundles/' || manifest || '.p7s' FROM dossier WHERE manifest != '';"
        "INSERT OR IGNORE INTO known SELECT substr(path, 1, length(path) - 4) || '.manifest.xml' FROM dossier"
        " WHERE (manifest IS NULL OR manifest = '') AND path LIKE '%.pdf';"
        "INSERT OR IGNORE INTO known SELECT substr(path, 1, length(path) - 4) || '.manifest.p7s' FROM dossier"
        " WHERE (manifest IS NULL OR manifest = '') AND path LIKE '%.pdf';"
        "BEGIN;";
    /* The reports the filing table names (an index before reports has none). */
    static const char REPORTS[] =
        "INSERT OR IGNORE INTO known SELECT 'reports/' || filing || '.xml' FROM filing;"
        "INSERT OR IGNORE INTO known SELECT 'reports/' || filing || '.xml.p7s' FROM filing;"
        "INSERT OR IGNORE INTO known SELECT 'reports/' || filing || '.pdf' FROM filing;";
    char err[256];
    if (db_exec(au->a, KNOWN, err, sizeof err) != 0) return -1;
    if (db_has(au->a, "filing", "filing") && db_exec(au->a, REPORTS, err, sizeof err) != 0) return -1;
    if (db_has(au->a, "dossier", "record") &&
        db_exec(au->a, "INSERT OR IGNORE INTO known SELECT record FROM dossier WHERE record IS NOT NULL", err, sizeof err) != 0)
        return -1;
    sqlite3_stmt *ins, *st;
    if (sqlite3_prepare_v2(au->a->db, "INSERT OR IGNORE INTO seen VALUES (?)", -1, &ins, NULL) != SQLITE_OK) return -1;
    walk(au, ins, "", 0);
    sqlite3_finalize(ins);
    if (db_exec(au->a, "COMMIT", err, sizeof err) != 0) return -1;
    if (sqlite3_prepare_v2(au->a->db, "SELECT path FROM seen EXCEPT SELECT path FROM known ORDER BY 1", -1, &st, NULL) != SQLITE_OK)
        return -1;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        problem(au, "stray", col(st, 0), NULL, TR("档案库中有索引不知道的文件", "a file the index does not know"));
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

static void summary(auditor *au)
{
    const audit_result *r = au->r;
    if (au->json) {
        fputs("{\"summary\":true,\"archive\":", au->out);
        json_string(au->out, au->a->dir);
        fprintf(au->out, ",\"dossiers\":%ld,\"files\":%ld,\"manifests\":%ld,\"problems\":%ld,\"ok\":%s}\n", r->dossiers,
                r->files, r->manifests, r->problems, r->problems ? "false" : "true");
        return;
    }
    fprintf(au->out, TR("审计 %s：%ld 份档案（%ld 个文件，%ld 份验证包清单），", "audit of %s: %ld dossiers (%ld files, %ld bundle manifests), "),
            au->a->dir, r->dossiers, r->files, r->manifests);
    if (r->problems) fprintf(au->out, TR("发现 %ld 个问题\n", "%ld problems found\n"), r->problems);
    else fputs(TR("未发现问题\n", "no problem found\n"), au->out);
}

/* An archive never filed into has no index: an empty one in memory, so
 * that every file found is a stray. */
static int empty_index(archive *a, char *err, size_t errlen)
{
    if (sqlite3_open(":memory:", &a->db) != SQLITE_OK) {
        snprintf(err, errlen, "%s", TR("内存不足", "out of memory"));
        return -1;
    }
    return db_exec(a, "CREATE TABLE dossier (number TEXT, version INTEGER, current INTEGER, prefix TEXT, year INTEGER,"
                      " seq INTEGER, placement_id TEXT, sha256 TEXT, filed_at TEXT, path TEXT, manifest TEXT)", err, errlen);
}

static int run(auditor *au, char *err, size_t errlen)
{
    struct stat st;
    char *staging = path_join(au->a->dir, ".staging");
    if (lstat(staging, &st) == 0)
        problem(au, "staging", ".staging", NULL, TR("有中断的归档未回滚（请运行 dangan archive --recover）",
                                                    "an interrupted filing was not rolled back (run dangan archive --recover)"));
    free(staging);
    int o = db_open_snapshot(au->a, err, errlen);
    if (o < 0) {
        problem(au, "index", "index.sqlite", NULL, TR("索引无法打开：%s", "the index cannot be opened: %s"), err);
        *err = '\0';
        return 0;
    }
    if (o == 1 && empty_index(au->a, err, errlen) != 0) return -1;
    if (index_ok(au) != 0) return 0;
    /* A failure past the integrity check is damage it did not see. */
    if (audit_rows(au) != 0 || audit_numbers(au) != 0 || audit_reports(au) != 0 || audit_strays(au) != 0)
        problem(au, "index", "index.sqlite", NULL, TR("索引无法读取：%s", "the index cannot be read: %s"), sqlite3_errmsg(au->a->db));
    return 0;
}

int archive_audit(archive *a, int json, int progress_line, FILE *out, audit_result *r, strbuf *lines,
                  char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    auditor au = {a, out, json, progress_line, trust_new(), r, {0}, 0, 0, lines};
    int rc = trust_add(au.t, a->trust, err, errlen) == 0 ? 0 : -1;
    int lfd = rc == 0 ? archive_lock_shared(a, err, errlen) : -1;
    if (rc == 0 && lfd == -1) rc = -1;
    if (rc == 0) rc = run(&au, err, errlen);
    if (rc == 0) summary(&au);
    db_close(a);
    if (lfd >= 0) close(lfd);
    trust_free(au.t);
    return rc;
}
