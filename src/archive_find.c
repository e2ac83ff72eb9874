/* archive_find.c — `dangan find`: see archive.h. Names are matched
 * folded (traditional/simplified, full/half width, case), rows sorted by
 * teacher in pinyin order (ICU's zh collation), then by number. */
#include "archive_db.h"
#include "check_report.h"
#include "util_lang.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <unicode/ucol.h>
#include <unicode/ustring.h>

enum { C_NUMBER = AR_NUMBER, C_TEACHER = AR_TEACHER, C_GENDER = AR_GENDER, C_HOME = AR_HOME,
       C_START = AR_START, C_END = AR_END, C_COUNTS = AR_COUNTS, C_SCORE = AR_SCORE,
       C_OUTCOME = AR_OUTCOME, C_HOURS = AR_HOURS, C_YEAR = AR_YEAR, C_VERSION = AR_VERSION,
       C_CURRENT = AR_CURRENT, NCOL = AR_NCOL };

static const char *const KEYS[NCOL] = {
    "number", "placement_id", "teacher", "gender", "home_school", "base_school", "profile", "start",
    "end", "counts", "score", "outcome", "hours", "sha256", "signer", "filed_at", "path", "year",
    "version", "current", "reason", "manifest", "filing"};

typedef struct found {
    archive_row r;
    UChar key[64];
} found;

static UCollator *coll;

static int cmp_found(const void *x, const void *y)
{
    const found *a = x, *b = y;
    UCollationResult r = ucol_strcoll(coll, a->key, -1, b->key, -1);
    if (r != UCOL_EQUAL) return r == UCOL_LESS ? -1 : 1;
    int c = strcmp(a->r.col[C_NUMBER], b->r.col[C_NUMBER]);
    return c ? c : atoi(a->r.col[C_VERSION]) - atoi(b->r.col[C_VERSION]);
}

static void print_json(FILE *out, const archive_row *f)
{
    fputc('{', out);
    for (int i = 0; i < NCOL; i++) {
        if (i) fputc(',', out);
        json_string(out, KEYS[i]);
        fputc(':', out);
        int numeric = i == C_SCORE || i == C_HOURS || i == C_YEAR || i == C_COUNTS || i == C_VERSION;
        if (i == C_CURRENT) { fputs(strcmp(f->col[i], "1") ? "false" : "true", out); continue; }
        if (f->null[i]) fputs("null", out);
        else if (numeric) fputs(f->col[i], out);
        else json_string(out, f->col[i]);
    }
    /* The 检测报告 a clerk opens (archive_report.h); null before reports. */
    fputs(",\"report\":", out);
    if (f->null[AR_FILING]) {
        fputs("null", out);
    } else {
        char *r = xasprintf("reports/%s.pdf", f->col[AR_FILING]);
        json_string(out, r);
        free(r);
    }
    fputs("}\n", out);
}

static void print_text(FILE *out, const archive_row *f)
{
    fprintf(out, "%s  %s  %s  %s  %s—%s  %s  %s  %s学时", f->col[C_NUMBER], f->col[C_TEACHER],
            f->col[C_GENDER], f->col[C_HOME], f->col[C_START], f->col[C_END],
            f->null[C_SCORE] ? "—" : f->col[C_SCORE], f->col[C_OUTCOME], f->null[C_HOURS] ? "—" : f->col[C_HOURS]);
    if (strcmp(f->col[C_VERSION], "1") || strcmp(f->col[C_CURRENT], "1"))
        fprintf(out, "  第%s版%s%s%s", f->col[C_VERSION], strcmp(f->col[C_CURRENT], "1") ? "（已被更正）" : "（现行）",
                *f->col[AR_REASON] ? "：" : "", f->col[AR_REASON]);
    if (!f->null[AR_FILING]) fprintf(out, TR("  检测报告 reports/%s.pdf", "  report reports/%s.pdf"), f->col[AR_FILING]);
    fputc('\n', out);
}

int archive_query(archive *a, const find_query *q, archive_row **out, char *err, size_t errlen)
{
    int o = a->db ? 0 : db_open_readonly(a, err, errlen);
    if (o < 0) return -1;
    if (o == 1) { *out = NULL; return 0; }
    /* Names are matched as substrings, which no index orders: they are
     * scanned in the narrow dossier_names index (over 100,000 rows a
     * third of the time of a table scan: bench/archive.sh), and only the
     * matching rows read whole. A year alone goes
     * by dossier_year. (A condition "?3 = 0 OR year = ?3" would keep
     * SQLite from using either.) */
    static const char COLS[] =
        "SELECT number, placement_id, teacher, gender, home_school, base_school, profile, start, end,"
        " counts, score, outcome, hours, sha256, signer, filed_at, path, year, version, current, reason,"
        " manifest, filing FROM dossier WHERE ";
    static const char NAMES[] =
        "rowid IN (SELECT rowid FROM dossier WHERE (?1 IS NULL OR instr(teacher_key, ?1) > 0)"
        " AND (?2 IS NULL OR instr(school_key, ?2) > 0 OR instr(base_school, ?2) > 0)"
        " AND (?4 OR current = 1)";
    const char *year = q->year ? " AND year = ?3" : "";
    char *sql = q->teacher || q->school ? xasprintf("%s%s%s)", COLS, NAMES, year)
                                        : xasprintf("%s(?4 OR current = 1)%s", COLS, year);
    sqlite3_stmt *st;
    int prepared = sqlite3_prepare_v2(a->db, sql, -1, &st, NULL);
    free(sql);
    if (prepared != SQLITE_OK) {
        snprintf(err, errlen, "档案索引出错：%s", sqlite3_errmsg(a->db));
        return -1;
    }
    char *tk = q->teacher ? fold_name(q->teacher) : NULL, *sk = q->school ? fold_name(q->school) : NULL;
    if (tk) sqlite3_bind_text(st, 1, tk, -1, SQLITE_STATIC); else sqlite3_bind_null(st, 1);
    if (sk) sqlite3_bind_text(st, 2, sk, -1, SQLITE_STATIC); else sqlite3_bind_null(st, 2);
    sqlite3_bind_int(st, 3, q->year);
    sqlite3_bind_int(st, 4, q->history);
    found *rows = NULL;
    int n = 0, cap = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (n == cap) rows = xrealloc(rows, (size_t)(cap = cap ? cap * 2 : 64) * sizeof *rows);
        found *f = &rows[n++];
        for (int i = 0; i < NCOL; i++) {
            const unsigned char *v = sqlite3_column_text(st, i);
            f->r.null[i] = v == NULL;
            f->r.col[i] = xstrdup(v ? (const char *)v : "");
        }
        UErrorCode ec = U_ZERO_ERROR;
        u_strFromUTF8(f->key, 63, NULL, f->r.col[C_TEACHER], -1, &ec);
    }
    sqlite3_finalize(st);
    UErrorCode ec = U_ZERO_ERROR;
    coll = ucol_open("zh", &ec);
    if (coll && n > 0) qsort(rows, (size_t)n, sizeof *rows, cmp_found);
    ucol_close(coll);
    coll = NULL;
    *out = xcalloc((size_t)n + 1, sizeof **out);
    for (int i = 0; i < n; i++) (*out)[i] = rows[i].r;
    free(rows);
    free(tk);
    free(sk);
    return n;
}

void archive_rows_free(archive_row *rows, int n)
{
    for (int i = 0; i < n; i++)
        for (int k = 0; k < NCOL; k++) free(rows[i].col[k]);
    free(rows);
}

int archive_find(archive *a, const find_query *q, int json, FILE *out, char *err, size_t errlen)
{
    archive_row *rows;
    int n = archive_query(a, q, &rows, err, errlen);
    for (int i = 0; i < n; i++) {
        if (json) print_json(out, &rows[i]);
        else print_text(out, &rows[i]);
    }
    /* Like grep: nothing on stdout, so a script reading it sees no rows,
     * and a word on stderr, so a clerk does not take silence for a hang. */
    if (n == 0) fputs("未找到\n", stderr);
    if (n >= 0) archive_rows_free(rows, n);
    return n;
}
