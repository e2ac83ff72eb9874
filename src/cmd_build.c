/* cmd_build.c — `dangan build DIR -o FILE.pdf [--draft]`.
 * A submission with error findings is refused (exit 1, nothing written)
 * unless --draft, which prints the 草稿 watermark on every page. */
#include "typeset.h"
#include "cmd_cli.h"
#include "util_lang.h"
#include "check_report.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cmd_build(int argc, char **argv)
{
    int pre = cli_begin("build", &argc, argv);
    if (pre >= 0) return pre;
    const char *dir = NULL, *out = NULL;
    build_options bo = {0, 0, NULL};
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "-o") && i + 1 < argc) out = argv[++i];
        else if (!strcmp(argv[i], "--draft")) bo.draft = 1;
        else if (!strcmp(argv[i], "--school") && i + 1 < argc) bo.school = argv[++i];
        else if (argv[i][0] == '-') return cli_error("不认识的选项 %s（dangan build --help 列出全部选项）", "unknown option %s (dangan build --help lists them)", argv[i]);
        else if (!dir) dir = argv[i];
        else return cli_error("build 一次只处理一个文件夹（多个请用 bundle）", "build takes one folder (bundle takes many)");
    }
    if (!dir || !out) return cli_usage_error("build");
    if (bo.school && bo.draft) return cli_error("草稿不能盖章（--draft 与 --school 不能同用）", "a draft cannot be stamped (--draft and --school exclude each other)");
    int clock = cli_clock(&bo.when);
    if (clock >= 0) return clock;
    context ctx;
    char err[1024];
    if (context_open(&ctx, NEED_ALL, err, sizeof err) != 0) return cli_fail("%s", err);
    checked c;
    int status = EXIT_GOOD;
    if (check_submission(&ctx, dir, NULL, &c, err, sizeof err) != 0) {
        status = cli_fail("%s", err);
    } else if (!checked_ok(&c) && !bo.draft) {
        report_text(stderr, dir, &c, lang_en());
        cli_error("有错误，未生成档案（可加 --draft 生成草稿）", "not built: the submission has errors (--draft builds a draft)");
        status = EXIT_SHORT;
    } else if (!checked_typesettable(&c)) {
        report_text(stderr, dir, &c, lang_en());
        status = EXIT_SHORT;
        cli_error("文件、字符或图片有错误，无法排版，草稿也不能生成",
                  "files, characters or images that cannot be typeset: not even a draft can be built");
    } else if (build_pdf(&ctx, &c, &bo, out, err, sizeof err) != 0) {
        status = cli_fail(TR("%s（未生成档案%s）", "%s (not built%s)"), *err ? err : TR("排版失败", "typesetting failed"),
                          bo.draft ? TR("，草稿也不能生成", ", not even as a draft") : "");
    } else {
        printf(bo.school ? TR("已生成盖章并签名的档案 %s\n", "wrote %s (stamped and signed)\n")
               : bo.draft ? TR("已生成草稿 %s\n", "wrote %s (draft)\n") : TR("已生成档案 %s\n", "wrote %s\n"), out);
    }
    checked_free(&c);
    context_close(&ctx);
    return status;
}

/* `dangan letter LETTER.xml -o FILE.pdf`: the base school's covering
 * letter, typeset by GB/T 9704-2012 (templates/pages/letter.xml). */
int cmd_letter(int argc, char **argv)
{
    int pre = cli_begin("letter", &argc, argv);
    if (pre >= 0) return pre;
    const char *in = NULL, *out = NULL;
    build_options bo = {0, 0, NULL};
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "-o") && i + 1 < argc) out = argv[++i];
        else if (!strcmp(argv[i], "--draft")) bo.draft = 1;
        else if (argv[i][0] == '-') return cli_error("不认识的选项 %s（dangan letter --help 列出全部选项）", "unknown option %s (dangan letter --help lists them)", argv[i]);
        else if (!in) in = argv[i];
        else return cli_error("letter 一次只处理一份函", "letter takes one letter");
    }
    if (!in || !out) return cli_usage_error("letter");
    int clock = cli_clock(&bo.when);
    if (clock >= 0) return clock;
    context ctx;
    char err[1024];
    if (context_open(&ctx, NEED_SCHEMAS | NEED_FONTS, err, sizeof err) != 0) return cli_fail("%s", err);
    int status = EXIT_GOOD;
    if (build_letter_pdf(&ctx, in, &bo, out, err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        /* A letter that does not load or validate is the input's fault. */
        status = strstr(err, TR("无法写入", "cannot write")) ? EXIT_USAGE : EXIT_SHORT;
    } else {
        printf(TR("已生成 %s\n", "wrote %s\n"), out);
    }
    context_close(&ctx);
    return status;
}
