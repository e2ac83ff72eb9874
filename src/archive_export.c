/* archive_export.c — see archive_export.h. Every dossier handed over is
 * checked first: the school's signed revision must hash to its index row
 * and to its kept manifest's entry, and the manifest's signature must
 * verify as of the filing — an export does not pass on damage. (The full
 * signature check of every PDF is `dangan audit`'s.) */
#include "archive_export.h"
#include "archive_db.h"
#include "layout_catalogue.h"
#include "util_lang.h"
#include "verify_read.h"
#include "verify_trust.h"
#include "util.h"
#include "util_limits.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct exporter {
    context *ctx;
    archive *a;
    char *tmp;
    trust *t;
    char **sums;            /* "SHA-256  path" of every file written */
    int nsums;
    kept_manifest *kms;     /* the manifests of the rows, each loaded once */
    int nkms;
    catalogue_row *rows;
    int nrows;
    char **filings;         /* the 四性检测 filings of the rows (h6), when kept */
    int nfilings;
    strbuf tsv;
} exporter;

/* Makes every folder above path (not path itself). */
static int make_parents(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash || slash == path) return 0;
    char *dir = xstrndup(path, (size_t)(slash - path));
    int rc = mkdirs(dir);
    free(dir);
    return rc;
}

/* Writes rel under the temporary folder and notes its SHA-256. */
static int put(exporter *ex, const char *rel, const void *data, size_t len, char *err, size_t errlen)
{
    char *path = path_join(ex->tmp, rel), sha[65];
    int rc = make_parents(path) == 0 && write_file_atomic(path, data, len) == 0 ? 0 : -1;
    if (rc != 0) snprintf(err, errlen, TR("无法写入 %s：%s", "cannot write %s: %s"), path, errno_text(errno));
    free(path);
    if (rc != 0) return -1;
    sha256_hex(data, len, sha);
    ex->sums = xrealloc(ex->sums, (size_t)(ex->nsums + 1) * sizeof *ex->sums);
    ex->sums[ex->nsums++] = xasprintf("%s  %s\n", sha, rel);
    return 0;
}

/* Copies a file of the archive (never through a link) to the same place. */
static int put_copy(exporter *ex, const char *rel, char *err, size_t errlen)
{
    char *from = path_join(ex->a->dir, rel), *data;
    size_t len;
    int rc = read_file_nofollow(from, MAX_FILED_FILE, &data, &len);
    if (rc != 0) snprintf(err, errlen, TR("无法读取 %s：%s", "cannot read %s: %s"), from, errno_text(errno));
    else rc = put(ex, rel, data, len, err, errlen);
    if (rc == 0) free(data);
    free(from);
    return rc;
}

/* 0, 1 refused (err). */
static int manifest_of(exporter *ex, const char *manifest, const char *path, const char *number, time_t when,
                       kept_manifest **km, char *err, size_t errlen)
{
    int legacy = !manifest || !*manifest;
    for (int i = 0; !legacy && i < ex->nkms; i++)
        if (!strcmp(ex->kms[i].key, manifest)) { *km = &ex->kms[i]; return 0; }
    ex->kms = xrealloc(ex->kms, (size_t)(ex->nkms + 1) * sizeof *ex->kms);
    *km = &ex->kms[ex->nkms++];
    if (kept_manifest_load(ex->a, legacy ? NULL : manifest, path, number, ex->t, when, *km) == 0) return 0;
    snprintf(err, errlen, "%s（%s）：%s", (*km)->xml, number, (*km)->problem);
    return 1;
}

static int page_count(const char *data, size_t len)
{
    char err[256];
    pdf_in *p = pdf_in_open((const unsigned char *)data, len, err, sizeof err);
    int n = p ? pdf_in_pages(p) : -1;
    pdf_in_close(p);
    return n;
}

static void add_row(exporter *ex, sqlite3_stmt *st, int pages)
{
    const char *v[12];
    for (int i = 0; i < 12; i++) {
        const unsigned char *t = sqlite3_column_text(st, i);
        v[i] = t ? (const char *)t : "";
    }
    long version = (long)sqlite3_column_int64(st, 1);
    ex->rows = xrealloc(ex->rows, (size_t)(ex->nrows + 1) * sizeof *ex->rows);
    catalogue_row *r = &ex->rows[ex->nrows++];
    /* 日期 as DA/T 22 writes it (8 digits): the placement's last day,
     * when the dossier was complete; 责任者 the base school that
     * certifies and sends it (the PDF's /Author). */
    strbuf day;
    sb_init(&day);
    sb_puts(&day, "");
    for (const char *c = v[5]; *c; c++) if (*c != '-') sb_add(&day, c, 1);
    r->col[CAT_NUMBER] = xstrdup(v[0]);
    r->col[CAT_AUTHOR] = xstrdup(v[4]);
    r->col[CAT_TITLE] = xasprintf("%s跟岗研修档案", v[3]);
    r->col[CAT_DATE] = sb_steal(&day);
    r->col[CAT_PAGES] = pages >= 0 ? xasprintf("%d", pages) : xstrdup("");
    r->col[CAT_RETENTION] = xstrdup(ex->a->retention);
    r->col[CAT_NOTE] = version > 1 ? xasprintf("跟岗编号 %s；第%ld版：%s", v[2], version, v[6]) : xasprintf("跟岗编号 %s", v[2]);
}

static void note_filing(exporter *ex, const char *f)
{
    if (!f || !*f || strchr(f, '/') || f[0] == '.') return;
    for (int i = 0; i < ex->nfilings; i++) if (!strcmp(ex->filings[i], f)) return;
    ex->filings = xrealloc(ex->filings, (size_t)(ex->nfilings + 1) * sizeof *ex->filings);
    ex->filings[ex->nfilings++] = xstrdup(f);
}

/* The dossier's kept record (rows filed before records were kept name
 * none): checked whole against its manifest's entry, copied beside the
 * PDF, mapped in dossiers.tsv like the PDF. 0, 1 refused, -1. */
static int export_record(exporter *ex, const char *number, const char *id, const char *record, const kept_manifest *km,
                         char *err, size_t errlen)
{
    if (!record) return 0;
    char *entry = xasprintf("dossiers/%s.xml", id), *full = path_join(ex->a->dir, record), *data = NULL;
    const manifest_entry *e = kept_manifest_entry(km, entry);
    size_t len;
    int rc = 0;
    if (!index_path_ok(record) || read_file_nofollow(full, MAX_KEPT_TEXT, &data, &len) != 0 || !e || !kept_whole_ok(e, data, len)) {
        snprintf(err, errlen, TR("%s 的记录文件 %s 缺失，或与验证包清单不符（请运行 dangan audit）",
                                 "%s: its record %s is missing or does not match its manifest (run dangan audit)"), number, record);
        rc = 1;
    }
    if (rc == 0) rc = put(ex, record, data, len, err, errlen);
    if (rc == 0) sb_printf(&ex->tsv, "%s\t%s\t%s\n", record, entry, km->xml);
    free(data);
    free(full);
    free(entry);
    return rc;
}

/* One current dossier: checked, copied, catalogued. 0, 1 refused, -1. */
static int export_one(exporter *ex, sqlite3_stmt *st, char *err, size_t errlen)
{
    const char *number = (const char *)sqlite3_column_text(st, 0), *id = (const char *)sqlite3_column_text(st, 2),
               *sha = (const char *)sqlite3_column_text(st, 7), *path = (const char *)sqlite3_column_text(st, 9),
               *manifest = (const char *)sqlite3_column_text(st, 10);
    time_t when = index_time((const char *)sqlite3_column_text(st, 8));
    if (!number || !id || !sha || !index_path_ok(path) || when == (time_t)-1) {
        snprintf(err, errlen, TR("索引中 %s 的记录不完整", "the index's row of %s is incomplete"), number ? number : "?");
        return 1;
    }
    kept_manifest *km;
    if (manifest_of(ex, manifest, path, number, when, &km, err, errlen) != 0) return 1;
    char *entry = xasprintf("dossiers/%s.pdf", id), *full = path_join(ex->a->dir, path), *data = NULL;
    const manifest_entry *e = kept_manifest_entry(km, entry);
    size_t len;
    int rc = 0;
    if (read_file_nofollow(full, MAX_FILED_FILE, &data, &len) != 0 || !e || !kept_revision_ok(e, data, len, sha)) {
        snprintf(err, errlen, TR("%s（%s）缺失，或与索引和验证包清单不符（请运行 dangan audit）",
                                 "%s (%s) is missing or does not match its index row and manifest (run dangan audit)"), number, path);
        rc = 1;
    }
    if (rc == 0) rc = put(ex, path, data, len, err, errlen);
    if (rc == 0) {
        add_row(ex, st, page_count(data, len));
        sb_printf(&ex->tsv, "%s\t%s\t%s\n", path, entry, km->xml);
        note_filing(ex, (const char *)sqlite3_column_text(st, 11));
        rc = export_record(ex, number, id, (const char *)sqlite3_column_text(st, 12), km, err, errlen);
    }
    free(data);
    free(full);
    free(entry);
    return rc;
}

static int export_rows(exporter *ex, long year, char *err, size_t errlen)
{
    /* The 四性检测's filing of each dossier and its kept record, once
     * the index has them (NULL in an older one). */
    char *sql = xasprintf("SELECT number, version, placement_id, teacher, base_school, end, reason, sha256, filed_at,"
                          " path, manifest, %s, %s FROM dossier WHERE year = ? AND current = 1 ORDER BY prefix, seq",
                          db_has(ex->a, "dossier", "filing") ? "filing" : "NULL",
                          db_has(ex->a, "dossier", "record") ? "record" : "NULL");
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(ex->a->db, sql, -1, &st, NULL) == SQLITE_OK ? 0 : -1;
    free(sql);
    if (rc != 0) {
        snprintf(err, errlen, TR("档案索引出错：%s", "archive index error: %s"), sqlite3_errmsg(ex->a->db));
        return -1;
    }
    sqlite3_bind_int64(st, 1, year);
    int step;
    while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) rc = export_one(ex, st, err, errlen);
    if (rc == 0 && step != SQLITE_DONE) {
        snprintf(err, errlen, TR("档案索引出错：%s", "archive index error: %s"), sqlite3_errmsg(ex->a->db));
        rc = -1;
    }
    sqlite3_finalize(st);
    if (rc == 0 && ex->nrows == 0) {
        snprintf(err, errlen, TR("档案库中没有 %ld 年度的现行档案", "the archive has no current dossier of %ld"), year);
        rc = 1;
    }
    return rc;
}

/* The manifests, trust anchors and detection reports that go along. */
static int export_along(exporter *ex, char *err, size_t errlen)
{
    int rc = 0;
    for (int i = 0; i < ex->nkms && rc == 0; i++) {
        rc = put_copy(ex, ex->kms[i].xml, err, errlen);
        if (rc == 0) rc = put_copy(ex, ex->kms[i].sig, err, errlen);
    }
    DIR *d = opendir(ex->a->trust);
    struct dirent *e;
    while (rc == 0 && d && (e = readdir(d))) {
        char *rel = xasprintf("trust/%s", e->d_name), *full = path_join(ex->a->dir, rel);
        struct stat st;
        if (e->d_name[0] != '.' && lstat(full, &st) == 0 && S_ISREG(st.st_mode)) rc = put_copy(ex, rel, err, errlen);
        free(rel);
        free(full);
    }
    if (d) closedir(d);
    static const char *const EXT[] = {".xml", ".xml.p7s", ".pdf"};
    for (int i = 0; i < ex->nfilings && rc == 0; i++)
        for (int k = 0; k < 3 && rc == 0; k++) {
            char *rel = xasprintf("reports/%s%s", ex->filings[i], EXT[k]), *full = path_join(ex->a->dir, rel);
            if (access(full, F_OK) == 0) rc = put_copy(ex, rel, err, errlen);
            free(rel);
            free(full);
        }
    return rc;
}

static int export_catalogue(exporter *ex, long year, time_t when, char *err, size_t errlen)
{
    static const char PDF[] = "归档文件目录.pdf", CSV[] = "归档文件目录.csv";
    char *title = xasprintf("%s%ld年度归档文件目录", archive_county(ex->a), year);
    char *note = xasprintf("%s%s%s档号前缀：%s　　保管期限：%s　　共 %d 件", *ex->a->fonds ? "全宗号：" : "", ex->a->fonds,
                           *ex->a->fonds ? "　　" : "", ex->a->prefix, ex->a->retention, ex->nrows);
    char *pdf = path_join(ex->tmp, PDF), *csv = path_join(ex->tmp, CSV);
    /* Whose and what, as every PDF dangan writes: the archive, and the
     * year's number range as 档号 begin (黟教-2016). */
    char *keywords = xasprintf("%s-%ld", ex->a->prefix, year);
    const char *author = *archive_county(ex->a) ? archive_county(ex->a) : ex->a->prefix;
    int rc = catalogue_write(ex->ctx, title, note, ex->rows, ex->nrows, author, keywords, pdf, csv, when, err, errlen);
    free(keywords);
    /* Hashed as written: read back once each. */
    const char *names[] = {PDF, CSV}, *paths[] = {pdf, csv};
    for (int i = 0; i < 2 && rc == 0; i++) {
        char sha[65];
        size_t size;
        if (sha256_file(paths[i], sha, &size) != 0) rc = -1;
        ex->sums = xrealloc(ex->sums, (size_t)(ex->nsums + 1) * sizeof *ex->sums);
        ex->sums[ex->nsums++] = xasprintf("%s  %s\n", sha, names[i]);
    }
    if (rc == 0) rc = put(ex, "dossiers.tsv", ex->tsv.s, ex->tsv.len, err, errlen);
    free(pdf); free(csv); free(title); free(note);
    return rc;
}

static int cmp_sum(const void *x, const void *y)
{
    return strcmp(*(char *const *)x + 66, *(char *const *)y + 66);
}

static int write_sums(exporter *ex, char *err, size_t errlen)
{
    qsort(ex->sums, (size_t)ex->nsums, sizeof *ex->sums, cmp_sum);
    strbuf b;
    sb_init(&b);
    for (int i = 0; i < ex->nsums; i++) sb_puts(&b, ex->sums[i]);
    char *path = path_join(ex->tmp, "MANIFEST.sha256");
    int rc = write_file_atomic(path, b.s, b.len);
    if (rc != 0) snprintf(err, errlen, TR("无法写入 %s：%s", "cannot write %s: %s"), path, errno_text(errno));
    free(path);
    sb_free(&b);
    return rc;
}

static void free_exporter(exporter *ex)
{
    for (int i = 0; i < ex->nsums; i++) free(ex->sums[i]);
    for (int i = 0; i < ex->nkms; i++) kept_manifest_free(&ex->kms[i]);
    for (int i = 0; i < ex->nrows; i++)
        for (int k = 0; k < CAT_NCOL; k++) free(ex->rows[i].col[k]);
    for (int i = 0; i < ex->nfilings; i++) free(ex->filings[i]);
    free(ex->sums); free(ex->kms); free(ex->rows); free(ex->filings); free(ex->tmp);
    sb_free(&ex->tsv);
    trust_free(ex->t);
}

/* The hidden temporary folder beside dir (same file system: the final
 * rename is atomic), its parents made. */
static char *temp_beside(const char *dir)
{
    const char *slash = strrchr(dir, '/');
    int n = slash ? (int)(slash - dir + 1) : 0;
    make_parents(dir);
    return xasprintf("%.*s.%s.tmp-%d", n, dir, slash ? slash + 1 : dir, (int)getpid());
}

int archive_export(context *ctx, archive *a, long year, const char *dir, time_t when, long *count,
                   char *err, size_t errlen)
{
    exporter ex = {ctx, a, temp_beside(dir), trust_new(), NULL, 0, NULL, 0, NULL, 0, NULL, 0, {0}};
    sb_init(&ex.tsv);
    sb_puts(&ex.tsv, "path\tentry\tmanifest\n");
    int rc = trust_add(ex.t, a->trust, err, errlen) == 0 ? 0 : -1;
    int lfd = rc == 0 ? archive_lock_shared(a, err, errlen) : -1;
    if (rc == 0 && lfd == -1) rc = -1;
    int o = rc == 0 ? db_open_snapshot(a, err, errlen) : -1;
    if (rc == 0 && o != 0) {
        if (o == 1) snprintf(err, errlen, TR("档案库中没有 %ld 年度的现行档案", "the archive has no current dossier of %ld"), year);
        rc = o == 1 ? 1 : -1;
    }
    if (rc == 0 && mkdir(ex.tmp, 0755) != 0) {
        snprintf(err, errlen, TR("无法建立 %s：%s", "cannot create %s: %s"), ex.tmp, errno_text(errno));
        rc = -1;
    }
    if (rc == 0) rc = export_rows(&ex, year, err, errlen);
    if (rc == 0) rc = export_along(&ex, err, errlen);
    if (rc == 0) rc = export_catalogue(&ex, year, when, err, errlen);
    if (rc == 0) rc = write_sums(&ex, err, errlen);
    /* DIR must still not exist: rename would replace an empty folder. */
    int taken = rc == 0 && access(dir, F_OK) == 0;
    if (rc == 0 && (taken || rename(ex.tmp, dir) != 0)) {
        snprintf(err, errlen, TR("无法把导出改名为 %s：%s", "cannot rename the export to %s: %s"), dir,
                 errno_text(taken ? EEXIST : errno));
        rc = -1;
    }
    if (rc != 0) remove_stage_tree(ex.tmp);
    *count = ex.nrows;
    db_close(a);
    if (lfd >= 0) close(lfd);
    free_exporter(&ex);
    return rc;
}
