/* cmd_check.c — `dangan check DIR... [--profile ID] [--json] [--lang zh|en]`
 * (--lang and --help: cli_begin). */
#include "check_run.h"
#include "cmd_cli.h"
#include "util_lang.h"
#include "check_report.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct check_opts {
    const char *profile;
    int json, en;
    char **dirs;
    int ndirs;
} check_opts;

static int parse_check(int argc, char **argv, check_opts *o)
{
    memset(o, 0, sizeof *o);
    o->en = lang_en();
    o->dirs = xcalloc((size_t)argc + 1, sizeof *o->dirs);
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--json")) o->json = 1;
        else if (!strcmp(a, "--profile") && i + 1 < argc) o->profile = argv[++i];
        else if (!strncmp(a, "--profile=", 10)) o->profile = a + 10;
        else if (a[0] == '-' && a[1]) return cli_error("不认识的选项 %s（dangan check --help 列出全部选项）",
                                                       "unknown option %s (dangan check --help lists them)", a), -1;
        else o->dirs[o->ndirs++] = argv[i];
    }
    if (!o->ndirs) return cli_usage_error("check"), -1;
    return 0;
}

int cmd_check(int argc, char **argv)
{
    int pre = cli_begin("check", &argc, argv);
    if (pre >= 0) return pre;
    check_opts o;
    if (parse_check(argc, argv, &o) != 0) { free(o.dirs); return EXIT_USAGE; }
    context ctx;
    char err[1024];
    if (context_open(&ctx, NEED_ALL, err, sizeof err) != 0) {
        free(o.dirs);
        return cli_fail("%s", err);
    }
    ctx.en = o.en;
    int status = EXIT_GOOD;
    for (int i = 0; i < o.ndirs; i++) {
        checked c;
        if (check_submission(&ctx, o.dirs[i], o.profile, &c, err, sizeof err) != 0) {
            cli_fail("%s", err);
            status = EXIT_USAGE;
        } else {
            if (o.json) report_json(stdout, o.dirs[i], &c, o.en);
            else report_text(stdout, o.dirs[i], &c, o.en);
            if (!checked_ok(&c) && status == EXIT_GOOD) status = EXIT_SHORT;
        }
        checked_free(&c);
        if (!o.json && i + 1 < o.ndirs) fputc('\n', stdout);
    }
    fflush(stdout);
    context_close(&ctx);
    free(o.dirs);
    return status;
}
