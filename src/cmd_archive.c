/* cmd_archive.c — `dangan archive BUNDLE_DIR --into ARCHIVE_DIR`,
 * `dangan archive --export YEAR --from ARCHIVE_DIR -o DIR`,
 * `dangan find --archive ARCHIVE_DIR [--teacher NAME] [--school NAME]
 * [--year YYYY] [--json]` and `dangan audit ARCHIVE_DIR [--json] [--pdf FILE]`. */
#include "archive.h"
#include "archive_audit.h"
#include "archive_export.h"
#include "cmd_cli.h"
#include "util_lang.h"
#include "load_context.h"
#include "layout_register.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define ARCHIVE_USAGE TR("用法：dangan archive BUNDLE_DIR --into ARCHIVE_DIR [--supersede --reason 原因]，或 dangan archive --recover ARCHIVE_DIR，或 dangan archive --export YEAR --from ARCHIVE_DIR -o DIR", \
    "usage: dangan archive BUNDLE_DIR --into ARCHIVE_DIR [--supersede --reason R], or dangan archive --recover ARCHIVE_DIR, or dangan archive --export YEAR --from ARCHIVE_DIR -o DIR")
#define FIND_USAGE TR("用法：dangan find --archive ARCHIVE_DIR [--teacher NAME] [--school NAME] [--year YYYY] [--history] [--json]", \
    "usage: dangan find --archive ARCHIVE_DIR [--teacher NAME] [--school NAME] [--year YYYY] [--history] [--json]")

/* `--export YEAR --from ARCHIVE -o DIR`: the year's current dossiers for
 * the 档案馆 (archive_export.h). */
static int export_year(const char *year_text, const char *from, const char *out)
{
    char *end;
    long year = strtol(year_text, &end, 10);
    if (*end || year < 1900 || year > 2999) return cli_error("--export 须为四位年份", "--export takes a four-digit year");
    struct stat st;
    if (lstat(out, &st) == 0) return cli_error("%s 已存在：导出只写入新的文件夹", "%s exists: an export goes into a new folder", out);
    time_t when = 0;
    int clock = cli_clock(&when);
    if (clock >= 0) return clock;
    context ctx;
    char err[1024] = "";
    if (context_open(&ctx, NEED_SCHEMAS | NEED_FONTS, err, sizeof err) != 0) return cli_fail("%s", err);
    archive *a = archive_open(from, ctx.schema_dir, err, sizeof err);
    long n = 0;
    int rc = a ? archive_export(&ctx, a, year, out, when, &n, err, sizeof err) : -1;
    archive_close(a);
    context_close(&ctx);
    if (rc == 1) {
        printf(TR("%s: 未导出：%s\n", "%s: not exported: %s\n"), out, err);
        return EXIT_SHORT;
    }
    if (rc != 0) return cli_fail("%s", err);
    printf(TR("%s: 导出 %ld 年度现行档案 %ld 份（核对：cd %s && sha256sum -c MANIFEST.sha256）\n",
              "%s: exported the current dossiers of %ld, %ld of them (check: cd %s && sha256sum -c MANIFEST.sha256)\n"),
           out, year, n, out);
    return EXIT_GOOD;
}

/* `--recover`: roll back an interrupted filing now, under the lock. */
static int recover_only(const char *dir)
{
    context ctx;
    char err[1024] = "";
    if (context_open(&ctx, NEED_SCHEMAS, err, sizeof err) != 0) return cli_fail("%s", err);
    archive *a = archive_open(dir, ctx.schema_dir, err, sizeof err);
    int rc = a ? archive_recover(a, err, sizeof err) : -1;
    archive_close(a);
    context_close(&ctx);
    if (rc != 0) return cli_fail("%s", err);
    printf(TR("%s: 档案库完好（中断的归档已回滚）\n", "%s: the archive is consistent (an interrupted filing was rolled back)\n"), dir);
    return EXIT_GOOD;
}

int cmd_archive(int argc, char **argv)
{
    int pre = cli_begin("archive", &argc, argv);
    if (pre >= 0) return pre;
    const char *bundle = NULL, *into = NULL, *rec = NULL, *reason = NULL, *exp = NULL, *from = NULL, *out = NULL;
    int supersede = 0;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--into") && i + 1 < argc) into = argv[++i];
        else if (!strcmp(argv[i], "--supersede")) supersede = 1;
        else if (!strcmp(argv[i], "--reason") && i + 1 < argc) reason = argv[++i];
        else if (!strcmp(argv[i], "--recover") && i + 1 < argc) rec = argv[++i];
        else if (!strcmp(argv[i], "--export") && i + 1 < argc) exp = argv[++i];
        else if (!strcmp(argv[i], "--from") && i + 1 < argc) from = argv[++i];
        else if (!strcmp(argv[i], "-o") && i + 1 < argc) out = argv[++i];
        else if (argv[i][0] == '-' || bundle) return cli_fail("%s", ARCHIVE_USAGE);
        else bundle = argv[i];
    }
    if (exp || from || out) {
        if (!exp || !from || !out || bundle || into || rec || supersede || reason) return cli_fail("%s", ARCHIVE_USAGE);
        return export_year(exp, from, out);
    }
    if (rec && !bundle && !into) return recover_only(rec);
    if (!bundle || !into || rec) return cli_fail("%s", ARCHIVE_USAGE);
    /* A new version of a filed record must say why (it is kept in the
     * index, beside the version it replaces). */
    if (supersede != (reason != NULL) || (reason && !*reason))
        return cli_error("--supersede 与 --reason 原因 须一起给出（说明为什么归档更正后的新版本）",
                         "--supersede and --reason TEXT go together (say why a corrected version is filed)");
    if (!is_dir(bundle)) return cli_error("找不到验证包 %s", "no bundle %s", bundle);
    context ctx;
    char err[1024] = "";
    if (context_open(&ctx, NEED_SCHEMAS | NEED_FONTS, err, sizeof err) != 0) return cli_fail("%s", err);
    archive *a = archive_open(into, ctx.schema_dir, err, sizeof err);
    if (!a) { context_close(&ctx); return cli_fail("%s", err); }
    archive_set_fonts(a, ctx.fonts);
    archive_set_templates(a, ctx.home);
    if (supersede) archive_set_supersede(a, reason);
    file_result r;
    int rc = archive_file(a, bundle, stdout, &r, err, sizeof err);
    archive_close(a);
    context_close(&ctx);
    if (rc == 1) {
        printf(TR("%s: 未归档：四性检测不通过（见上；档案库未作任何改动）\n",
                  "%s: not filed: the intake checks of DA/T 70-2018 (authenticity, integrity, usability, security) did not pass (see above; the archive is unchanged)\n"), bundle);
        return EXIT_SHORT;
    }
    if (rc != 0) return cli_error("%s（档案库未作改动）", "%s (the archive is unchanged)", err);
    if (r.filed == 0) printf(TR("%s: 已归档过，没有新的档案（%d 份已在档案库中）\n", "%s: filed before, nothing new (%d already in the archive)\n"), bundle, r.already);
    else printf(TR("%s: 归档 %d 份%s\n", "%s: filed %d%s\n"), bundle, r.filed,
                r.already ? TR("（另有已归档的跳过）", " (others filed before skipped)") : "");
    return EXIT_GOOD;
}

int cmd_find(int argc, char **argv)
{
    int pre = cli_begin("find", &argc, argv);
    if (pre >= 0) return pre;
    const char *dir = NULL;
    find_query q = {NULL, NULL, 0, 0};
    int json = 0, reg = 0;
    const char *out = NULL;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--archive") && i + 1 < argc) dir = argv[++i];
        else if (!strcmp(argv[i], "--teacher") && i + 1 < argc) q.teacher = argv[++i];
        else if (!strcmp(argv[i], "--school") && i + 1 < argc) q.school = argv[++i];
        else if (!strcmp(argv[i], "--year") && i + 1 < argc) {
            char *end;
            long y = strtol(argv[++i], &end, 10);
            if (*end || y < 1900 || y > 2999) return cli_fail(TR("--year 须为四位年份", "--year takes a four-digit year"));
            q.year = (int)y;
        } else if (!strcmp(argv[i], "--json")) json = 1;
        else if (!strcmp(argv[i], "--register")) reg = 1;
        else if (!strcmp(argv[i], "--history")) q.history = 1;
        else if (!strcmp(argv[i], "-o") && i + 1 < argc) out = argv[++i];
        else return cli_fail("%s", FIND_USAGE);
    }
    if (!dir) return cli_fail("%s", FIND_USAGE);
    if (reg != (out != NULL)) return cli_fail(TR("备案表：dangan find --archive ARCHIVE_DIR [...] --register -o FILE.pdf", "register: dangan find --archive ARCHIVE_DIR [...] --register -o FILE.pdf"));
    time_t when = 0;
    int clock = reg ? cli_clock(&when) : -1;   /* only the register is dated */
    if (clock >= 0) return clock;
    context ctx;
    char err[1024] = "";
    if (context_open(&ctx, reg ? NEED_SCHEMAS | NEED_FONTS : NEED_SCHEMAS, err, sizeof err) != 0) return cli_fail("%s", err);
    archive *a = archive_open(dir, ctx.schema_dir, err, sizeof err);
    if (!a) { context_close(&ctx); return cli_fail("%s", err); }
    /* Like grep: no match is "falls short" (1), not success. */
    int found = 1;
    int rc = reg ? register_write(&ctx, a, &q, out, when, err, sizeof err)
                 : (found = archive_find(a, &q, json, stdout, err, sizeof err)) < 0 ? -1 : 0;
    archive_close(a);
    context_close(&ctx);
    if (rc != 0) return cli_fail("%s", err);
    if (reg) printf(TR("已生成备案表 %s（及同名 .csv）\n", "wrote %s (and its .csv)\n"), out);
    return found ? EXIT_GOOD : EXIT_SHORT;
}

/* `--pdf FILE`: the audit's PDF 检测报告, outside the archive. */
static int audit_with_pdf(archive *a, context *ctx, const char *pdf, time_t when, const audit_result *r,
                          const strbuf *lines, char *err, size_t errlen)
{
    archive_set_fonts(a, ctx->fonts);
    archive_set_templates(a, ctx->home);
    return audit_pdf_write(a, r, lines, when, pdf, err, errlen);
}

int cmd_audit(int argc, char **argv)
{
    int pre = cli_begin("audit", &argc, argv);
    if (pre >= 0) return pre;
    const char *dir = NULL, *pdf = NULL;
    int json = 0;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--json")) json = 1;
        else if (!strcmp(argv[i], "--pdf") && i + 1 < argc) pdf = argv[++i];
        else if (argv[i][0] == '-' || dir) return cli_usage_error("audit");
        else dir = argv[i];
    }
    if (!dir) return cli_usage_error("audit");
    time_t when = 0;
    int clock = pdf ? cli_clock(&when) : -1;   /* only the PDF is dated */
    if (clock >= 0) return clock;
    context ctx;
    char err[1024] = "";
    if (context_open(&ctx, pdf ? NEED_SCHEMAS | NEED_FONTS : NEED_SCHEMAS, err, sizeof err) != 0) return cli_fail("%s", err);
    archive *a = archive_open(dir, ctx.schema_dir, err, sizeof err);
    if (!a) { context_close(&ctx); return cli_fail("%s", err); }
    if (pdf && audit_path_inside(a, pdf)) {
        archive_close(a);
        context_close(&ctx);
        return cli_error("%s 在档案库内：审计只读，报告须写到档案库之外", "%s lies inside the archive: the audit is read-only, write the report outside it", pdf);
    }
    audit_result r;
    strbuf lines;
    sb_init(&lines);
    /* A person watching a terminal sees it move; a log file gets none. */
    int rc = archive_audit(a, json, isatty(STDERR_FILENO), stdout, &r, pdf ? &lines : NULL, err, sizeof err);
    if (rc == 0 && pdf) rc = audit_with_pdf(a, &ctx, pdf, when, &r, &lines, err, sizeof err);
    sb_free(&lines);
    archive_close(a);
    context_close(&ctx);
    if (rc != 0) return cli_fail("%s", err);
    return r.problems ? EXIT_SHORT : EXIT_GOOD;
}
