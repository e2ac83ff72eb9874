/* archive_db.c — see archive_db.h. WAL so that `find` reads while a
 * filing writes; a 60 s busy timeout so that a second `archive` run
 * waits for the first instead of failing. */
#include "archive_db.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <unicode/utrans.h>
#include <unicode/ustring.h>

/* One row per filed version. A corrected dossier keeps its archive
 * number and becomes its next version (issue 13): version 1, 2, …, one
 * of them current; reason says why a version was filed. manifest is the
 * SHA-256 of the bundle manifest kept once in ARCHIVE/bundles/ (NULL for
 * rows filed before: their manifest lies beside the PDF). filing names
 * the filing the version came in: its 四性检测 report is
 * ARCHIVE/reports/<filing>.xml (NULL for rows filed before reports).
 * record is where the dossier's record (the bundle's dossiers/ID.xml) is
 * kept, beside the PDF as NUMBER[.vN].xml; NULL for rows filed before
 * records were kept — the column, not the file's absence, says whether
 * one is owed, so that a lost record is never taken for an old row. */
#define COLUMNS \
    " number TEXT NOT NULL, version INTEGER NOT NULL DEFAULT 1, current INTEGER NOT NULL DEFAULT 1, reason TEXT," \
    " prefix TEXT NOT NULL, year INTEGER NOT NULL, seq INTEGER NOT NULL," \
    " placement_id TEXT NOT NULL, teacher TEXT NOT NULL, teacher_key TEXT NOT NULL, gender TEXT," \
    " home_school TEXT NOT NULL, school_key TEXT NOT NULL, base_school TEXT, profile TEXT," \
    " start TEXT, end TEXT, counts TEXT, score REAL, outcome TEXT, hours INTEGER," \
    " sha256 TEXT NOT NULL UNIQUE, signer TEXT, filed_at TEXT NOT NULL, path TEXT NOT NULL, manifest TEXT, filing TEXT," \
    " record TEXT," \
    " PRIMARY KEY (number, version), UNIQUE (prefix, year, seq, version)"
/* One row per filing: its name (reports/<filing>.*), time (UTC), the
 * bundle manifest's SHA-256, and whether every check passed (a filing
 * happens only then: 1; kept so that an audit need not assume it). */
static const char SCHEMA[] =
    "CREATE TABLE IF NOT EXISTS dossier (" COLUMNS ");"
    "CREATE TABLE IF NOT EXISTS filing (filing TEXT PRIMARY KEY, time TEXT, manifest TEXT, passed INTEGER);"
    "CREATE INDEX IF NOT EXISTS dossier_placement ON dossier (placement_id, current);"
    /* `find --year` and `export YEAR` in an archive of many years; the
     * names `find` scans for substrings (archive_find.c), narrow. Created
     * on the next filing or --recover of an older index: the readers
     * open it read-only. */
    "CREATE INDEX IF NOT EXISTS dossier_year ON dossier (year, current);"
    "CREATE INDEX IF NOT EXISTS dossier_names ON dossier (teacher_key, school_key, base_school, year, current);";

/* An index of the first layout (no versions) is rebuilt in place, in one
 * transaction: its rows become version 1, current. */
static const char MIGRATE[] =
    "BEGIN IMMEDIATE;"
    "ALTER TABLE dossier RENAME TO dossier_v1;"
    "CREATE TABLE dossier (" COLUMNS ");"
    "INSERT INTO dossier (number, prefix, year, seq, placement_id, teacher, teacher_key, gender, home_school,"
    " school_key, base_school, profile, start, end, counts, score, outcome, hours, sha256, signer, filed_at, path)"
    " SELECT number, prefix, year, seq, placement_id, teacher, teacher_key, gender, home_school, school_key,"
    " base_school, profile, start, end, counts, score, outcome, hours, sha256, signer, filed_at, path FROM dossier_v1;"
    "DROP TABLE dossier_v1;"
    "COMMIT;";

/* An index of the second layout (versions, no filings) gets the column;
 * the filing table is created with the schema. */
static const char MIGRATE_FILING[] = "ALTER TABLE dossier ADD COLUMN filing TEXT;";
/* One of the third (no records): its rows keep none (NULL). */
static const char MIGRATE_RECORD[] = "ALTER TABLE dossier ADD COLUMN record TEXT;";

/* 1 when the dossier table exists without column (it is of an older layout). */
static int lacks_column(archive *a, const char *column)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(a->db, "SELECT (SELECT count(*) FROM pragma_table_info('dossier')),"
                           " (SELECT count(*) FROM pragma_table_info('dossier') WHERE name = ?)",
                           -1, &st, NULL) != SQLITE_OK) return 0;
    sqlite3_bind_text(st, 1, column, -1, SQLITE_STATIC);
    int old = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) > 0 && sqlite3_column_int(st, 1) == 0;
    sqlite3_finalize(st);
    return old;
}

int db_exec(archive *a, const char *sql, char *err, size_t errlen)
{
    char *msg = NULL;
    if (sqlite3_exec(a->db, sql, NULL, NULL, &msg) == SQLITE_OK) return 0;
    snprintf(err, errlen, "档案索引出错：%s", msg ? msg : sqlite3_errmsg(a->db));
    sqlite3_free(msg);
    return -1;
}

int db_open(archive *a, char *err, size_t errlen)
{
    char *path = path_join(a->dir, "index.sqlite");
    int rc = sqlite3_open(path, &a->db);
    free(path);
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "无法打开档案索引：%s", a->db ? sqlite3_errmsg(a->db) : "内存不足");
        return -1;
    }
    sqlite3_busy_timeout(a->db, 60000);
    /* Switching a new database to WAL takes a lock the busy handler does
     * not wait for; a reader opening it at that moment retries. */
    int rc2 = -1;
    for (int i = 0; i < 600 && rc2 != 0; i++) {
        rc2 = db_exec(a, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;", err, errlen);
        if (rc2 != 0) sqlite3_sleep(100);
    }
    if (rc2 != 0) return -1;
    if (lacks_column(a, "version") && db_exec(a, MIGRATE, err, errlen) != 0) return -1;
    if (lacks_column(a, "filing") && db_exec(a, MIGRATE_FILING, err, errlen) != 0) return -1;
    if (lacks_column(a, "record") && db_exec(a, MIGRATE_RECORD, err, errlen) != 0) return -1;
    return db_exec(a, SCHEMA, err, errlen);
}

/* A file: URI for path (RFC 3986 percent-encoding of anything but
 * unreserved characters and '/': a school folder may hold '?' or '#'). */
static char *file_uri(const char *path, const char *query)
{
    strbuf b;
    sb_init(&b);
    sb_puts(&b, "file:");
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || strchr("/-._~", *p))
            sb_add(&b, (const char *)p, 1);
        else
            sb_printf(&b, "%%%02X", *p);
    }
    sb_printf(&b, "?%s", query);
    return sb_steal(&b);
}

/* Read-only; immutable: the main file is taken to be the whole state. */
static int open_ro(archive *a, int immutable, char *err, size_t errlen)
{
    char *path = path_join(a->dir, "index.sqlite"), *uri = file_uri(path, immutable ? "mode=ro&immutable=1" : "mode=ro");
    int missing = access(path, F_OK) != 0;
    int rc = missing ? SQLITE_OK : sqlite3_open_v2(uri, &a->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);
    free(uri);
    free(path);
    if (missing) return 1;
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "无法打开档案索引：%s", a->db ? sqlite3_errmsg(a->db) : "内存不足");
        db_close(a);
        return -1;
    }
    sqlite3_busy_timeout(a->db, 60000);
    /* Pages mapped, not copied by read(): a scan of a large index. */
    sqlite3_exec(a->db, "PRAGMA mmap_size=268435456", NULL, NULL, NULL);
    return 0;
}

/* For `find`: read-only, and never recovering — recovery changes files
 * and must happen under the filing lock (archive_file, archive_recover).
 * What an interrupted filing left is invisible here: its rows never
 * committed. 1 when there is no index yet (an empty archive). */
int db_open_readonly(archive *a, char *err, size_t errlen)
{
    return open_ro(a, 0, err, errlen);
}

/* With the shared lock held no filing writes; an empty or absent log
 * means the main file is the whole committed state. */
int db_open_snapshot(archive *a, char *err, size_t errlen)
{
    char *wal = path_join(a->dir, "index.sqlite-wal");
    struct stat st;
    int logged = stat(wal, &st) == 0 && st.st_size > 0;
    free(wal);
    return open_ro(a, !logged, err, errlen);
}

int db_has(archive *a, const char *table, const char *column)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(a->db, "SELECT count(*) FROM pragma_table_info(?1) WHERE ?2 IS NULL OR name = ?2",
                           -1, &st, NULL) != SQLITE_OK) return 0;
    sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
    if (column) sqlite3_bind_text(st, 2, column, -1, SQLITE_STATIC); else sqlite3_bind_null(st, 2);
    int n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
    sqlite3_finalize(st);
    return n > 0;
}

void db_close(archive *a)
{
    if (a->db) sqlite3_close(a->db);
    a->db = NULL;
}

static int exists(archive *a, const char *sql, const char *v)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(a->db, sql, -1, &st, NULL) != SQLITE_OK) return 0;
    sqlite3_bind_text(st, 1, v, -1, SQLITE_STATIC);
    int found = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return found;
}

int db_current(archive *a, const char *placement_id, filed_version *v)
{
    sqlite3_stmt *st;
    memset(v, 0, sizeof *v);
    if (sqlite3_prepare_v2(a->db, "SELECT number, version, year, seq, path FROM dossier"
                           " WHERE placement_id = ? AND current = 1", -1, &st, NULL) != SQLITE_OK) return -1;
    sqlite3_bind_text(st, 1, placement_id, -1, SQLITE_STATIC);
    int found = sqlite3_step(st) == SQLITE_ROW;
    if (found) {
        v->number = xstrdup((const char *)sqlite3_column_text(st, 0));
        v->version = (long)sqlite3_column_int64(st, 1);
        v->year = (long)sqlite3_column_int64(st, 2);
        v->seq = (long)sqlite3_column_int64(st, 3);
        v->path = xstrdup((const char *)sqlite3_column_text(st, 4));
    }
    sqlite3_finalize(st);
    return found;
}

int db_supersede(archive *a, const char *number, char *err, size_t errlen)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(a->db, "UPDATE dossier SET current = 0 WHERE number = ? AND current = 1",
                                -1, &st, NULL) == SQLITE_OK ? 0 : -1;
    if (rc == 0) {
        sqlite3_bind_text(st, 1, number, -1, SQLITE_STATIC);
        rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
        sqlite3_finalize(st);
    }
    if (rc) snprintf(err, errlen, "档案索引出错：%s", sqlite3_errmsg(a->db));
    return rc;
}

int db_has_sha(archive *a, const char *sha)
{
    return exists(a, "SELECT 1 FROM dossier WHERE sha256 = ?", sha);
}

long db_next_seq(archive *a, long year)
{
    sqlite3_stmt *st;
    long seq = 1;
    if (sqlite3_prepare_v2(a->db, "SELECT COALESCE(MAX(seq), 0) + 1 FROM dossier WHERE prefix = ? AND year = ?",
                           -1, &st, NULL) != SQLITE_OK) return -1;
    sqlite3_bind_text(st, 1, a->prefix, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, year);
    if (sqlite3_step(st) == SQLITE_ROW) seq = (long)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return seq;
}

int db_insert(archive *a, const index_row *r, char *err, size_t errlen)
{
    static const char SQL[] =
        "INSERT INTO dossier (number, prefix, year, seq, placement_id, teacher, teacher_key, gender,"
        " home_school, school_key, base_school, profile, start, end, counts, score, outcome, hours,"
        " sha256, signer, filed_at, path, version, reason, manifest, filing, record)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(a->db, SQL, -1, &st, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "档案索引出错：%s", sqlite3_errmsg(a->db));
        return -1;
    }
    char *tk = fold_name(r->teacher), *sk = fold_name(r->home_school);
    const char *text[] = {r->number, a->prefix};
    sqlite3_bind_text(st, 1, text[0], -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, text[1], -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, r->year);
    sqlite3_bind_int64(st, 4, r->seq);
    const char *more[] = {r->placement_id, r->teacher, tk, r->gender, r->home_school, sk, r->base_school,
                          r->profile, r->start, r->end, r->counts};
    for (int i = 0; i < 11; i++) sqlite3_bind_text(st, 5 + i, more[i], -1, SQLITE_STATIC);
    if (r->has_score) sqlite3_bind_double(st, 16, r->score); else sqlite3_bind_null(st, 16);
    sqlite3_bind_text(st, 17, r->outcome, -1, SQLITE_STATIC);
    if (r->hours >= 0) sqlite3_bind_int64(st, 18, r->hours); else sqlite3_bind_null(st, 18);
    sqlite3_bind_text(st, 19, r->sha256, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 20, r->signer, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 21, r->filed_at, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 22, r->path, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 23, r->version);
    if (r->reason) sqlite3_bind_text(st, 24, r->reason, -1, SQLITE_STATIC); else sqlite3_bind_null(st, 24);
    sqlite3_bind_text(st, 25, r->manifest, -1, SQLITE_STATIC);
    if (r->filing) sqlite3_bind_text(st, 26, r->filing, -1, SQLITE_STATIC); else sqlite3_bind_null(st, 26);
    if (r->record) sqlite3_bind_text(st, 27, r->record, -1, SQLITE_STATIC); else sqlite3_bind_null(st, 27);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
    if (rc) snprintf(err, errlen, "档案索引出错：%s", sqlite3_errmsg(a->db));
    sqlite3_finalize(st);
    free(tk);
    free(sk);
    return rc;
}

int db_insert_filing(archive *a, const char *filing, const char *time, const char *manifest, int passed,
                     char *err, size_t errlen)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(a->db, "INSERT INTO filing (filing, time, manifest, passed) VALUES (?,?,?,?)",
                                -1, &st, NULL) == SQLITE_OK ? 0 : -1;
    if (rc == 0) {
        sqlite3_bind_text(st, 1, filing, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, time, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, manifest, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 4, passed);
        rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
        sqlite3_finalize(st);
    }
    if (rc) snprintf(err, errlen, "档案索引出错：%s", sqlite3_errmsg(a->db));
    return rc;
}

int db_each_gap(archive *a, const char *prefix, long year, gap_fn gap, void *arg)
{
    sqlite3_stmt *st;
    const char *sql = prefix ? "SELECT DISTINCT prefix, year, seq FROM dossier WHERE prefix = ? AND year = ? ORDER BY 3"
                             : "SELECT DISTINCT prefix, year, seq FROM dossier ORDER BY 1, 2, 3";
    if (sqlite3_prepare_v2(a->db, sql, -1, &st, NULL) != SQLITE_OK) return -1;
    if (prefix) {
        sqlite3_bind_text(st, 1, prefix, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, year);
    }
    char *prev = NULL;
    long prev_year = 0, want = 1;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *p = (const char *)sqlite3_column_text(st, 0);
        long y = (long)sqlite3_column_int64(st, 1), seq = (long)sqlite3_column_int64(st, 2);
        if (!p) p = "";
        if (!prev || strcmp(prev, p) || y != prev_year) want = 1;
        if (seq > want) gap(arg, p, y, want, seq - 1);
        want = seq + 1;
        free(prev);
        prev = xstrdup(p);
        prev_year = y;
    }
    free(prev);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

static void first_gap(void *arg, const char *prefix, long year, long first, long last)
{
    (void)prefix, (void)year, (void)last;
    long *gap = arg;
    if (!*gap) *gap = first;
}

long db_first_gap(archive *a, long year)
{
    long gap = 0;
    return db_each_gap(a, a->prefix, year, first_gap, &gap) == 0 ? gap : -1;
}

char *fold_name(const char *s)
{
    static UTransliterator *tr;
    UErrorCode ec = U_ZERO_ERROR;
    if (!tr) {
        UChar id[96];
        u_strFromUTF8(id, 96, NULL, "Traditional-Simplified; Fullwidth-Halfwidth; Lower", -1, &ec);
        tr = utrans_openU(id, -1, UTRANS_FORWARD, NULL, 0, NULL, &ec);
        if (U_FAILURE(ec)) tr = NULL;
    }
    int32_t cap = (int32_t)strlen(s) * 2 + 16, len = 0;
    UChar *u = xmalloc((size_t)cap * sizeof *u);
    ec = U_ZERO_ERROR;
    u_strFromUTF8(u, cap, &len, s, -1, &ec);
    if (tr && U_SUCCESS(ec)) {
        int32_t limit = len;
        utrans_transUChars(tr, u, &len, cap, 0, &limit, &ec);
    }
    char *out = xmalloc((size_t)len * 4 + 1);
    int32_t n = 0;
    ec = U_ZERO_ERROR;
    u_strToUTF8(out, len * 4 + 1, &n, u, len, &ec);
    if (U_FAILURE(ec)) { free(out); out = xstrdup(s); }
    free(u);
    return out;
}
