/* cmd_archive.c — `dangan archive BUNDLE_DIR --into ARCHIVE_DIR` and
 * `dangan find --archive ARCHIVE_DIR [--teacher NAME] [--school NAME]
 * [--year YYYY] [--json]`. */
#include "archive.h"
#include "cli.h"
#include "context.h"
#include "register.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

long long source_date_epoch(void);

int cmd_archive(int argc, char **argv)
{
    int pre = cli_begin("archive", &argc, argv);
    if (pre >= 0) return pre;
    const char *bundle = NULL, *into = NULL;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--into") && i + 1 < argc) into = argv[++i];
        else if (argv[i][0] == '-' || bundle) return cli_fail("用法：dangan archive BUNDLE_DIR --into ARCHIVE_DIR");
        else bundle = argv[i];
    }
    if (!bundle || !into) return cli_fail("用法：dangan archive BUNDLE_DIR --into ARCHIVE_DIR");
    if (!is_dir(bundle)) return cli_fail("找不到验证包 %s", bundle);
    context ctx;
    char err[1024] = "";
    if (context_open(&ctx, NEED_SCHEMAS | NEED_FONTS, err, sizeof err) != 0) return cli_fail("%s", err);
    archive *a = archive_open(into, ctx.schema_dir, err, sizeof err);
    if (!a) { context_close(&ctx); return cli_fail("%s", err); }
    archive_set_fonts(a, ctx.fonts);
    file_result r;
    int rc = archive_file(a, bundle, stdout, &r, err, sizeof err);
    archive_close(a);
    context_close(&ctx);
    if (rc == 1) {
        printf("%s: 未归档：验证包不完好或签名者不受信任（档案库未作任何改动）\n", bundle);
        return EXIT_SHORT;
    }
    if (rc != 0) return cli_fail("%s（档案库未作改动）", err);
    if (r.filed == 0) printf("%s: 已归档过，没有新的档案（%d 份已在档案库中）\n", bundle, r.already);
    else printf("%s: 归档 %d 份%s\n", bundle, r.filed, r.already ? "（另有已归档的跳过）" : "");
    return EXIT_GOOD;
}

int cmd_find(int argc, char **argv)
{
    int pre = cli_begin("find", &argc, argv);
    if (pre >= 0) return pre;
    const char *dir = NULL;
    find_query q = {NULL, NULL, 0};
    int json = 0, reg = 0;
    const char *out = NULL;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--archive") && i + 1 < argc) dir = argv[++i];
        else if (!strcmp(argv[i], "--teacher") && i + 1 < argc) q.teacher = argv[++i];
        else if (!strcmp(argv[i], "--school") && i + 1 < argc) q.school = argv[++i];
        else if (!strcmp(argv[i], "--year") && i + 1 < argc) {
            char *end;
            long y = strtol(argv[++i], &end, 10);
            if (*end || y < 1900 || y > 2999) return cli_fail("--year 须为四位年份");
            q.year = (int)y;
        } else if (!strcmp(argv[i], "--json")) json = 1;
        else if (!strcmp(argv[i], "--register")) reg = 1;
        else if (!strcmp(argv[i], "-o") && i + 1 < argc) out = argv[++i];
        else return cli_fail("用法：dangan find --archive ARCHIVE_DIR [--teacher NAME] [--school NAME] [--year YYYY] [--json]");
    }
    if (!dir) return cli_fail("用法：dangan find --archive ARCHIVE_DIR [--teacher NAME] [--school NAME] [--year YYYY] [--json]");
    if (reg != (out != NULL)) return cli_fail("备案表：dangan find --archive ARCHIVE_DIR [...] --register -o FILE.pdf");
    context ctx;
    char err[1024] = "";
    if (context_open(&ctx, reg ? NEED_SCHEMAS | NEED_FONTS : NEED_SCHEMAS, err, sizeof err) != 0) return cli_fail("%s", err);
    archive *a = archive_open(dir, ctx.schema_dir, err, sizeof err);
    if (!a) { context_close(&ctx); return cli_fail("%s", err); }
    int rc = reg ? register_write(&ctx, a, &q, out, source_date_epoch(), err, sizeof err)
                 : archive_find(a, &q, json, stdout, err, sizeof err) < 0 ? -1 : 0;
    archive_close(a);
    context_close(&ctx);
    if (rc != 0) return cli_fail("%s", err);
    return EXIT_GOOD;
}
