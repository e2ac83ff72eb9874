/* cmd_bundle.c — `dangan bundle DIR... --school SCHOOL.xml -o BUNDLE_DIR`.
 * Exit 0 all passed; 1 some refused (the bundle holds the rest); 2 usage
 * or I/O error (nothing written). */
#include "bundle.h"
#include "cmd_cli.h"
#include "util.h"
#include "util_lang.h"
#include "util_limits.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define USAGE_BUNDLE TR("用法：dangan bundle DIR... --school SCHOOL.xml -o BUNDLE_DIR [-j N] [--shard K/N]\n" \
                        "      dangan bundle --merge PART... --school SCHOOL.xml -o BUNDLE_DIR", \
                        "usage: dangan bundle DIR... --school SCHOOL.xml -o BUNDLE_DIR [-j N] [--shard K/N]\n" \
                        "       dangan bundle --merge PART... --school SCHOOL.xml -o BUNDLE_DIR")

static int parse_shard(const char *s, int *k, int *n)
{
    char *e;
    long a = strtol(s, &e, 10);
    if (*e != '/') return -1;
    long b = strtol(e + 1, &e, 10);
    if (*e || b < 1 || b > MAX_SHARDS || a < 1 || a > b) return -1;
    *k = (int)a;
    *n = (int)b;
    return 0;
}

int cmd_bundle(int argc, char **argv)
{
    int pre = cli_begin("bundle", &argc, argv);
    if (pre >= 0) return pre;
    const char *school = NULL, *out = NULL;
    char **dirs = xcalloc((size_t)argc + 1, sizeof *dirs);
    int ndirs = 0, merge = 0;
    bundle_options o = {0, 0, 0, 0};
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "-o") && i + 1 < argc) out = argv[++i];
        else if (!strcmp(argv[i], "--school") && i + 1 < argc) school = argv[++i];
        else if (!strcmp(argv[i], "--merge")) merge = 1;
        else if (!strcmp(argv[i], "-j") && i + 1 < argc) {
            o.jobs = atoi(argv[++i]);
            if (o.jobs < 1 || o.jobs > MAX_JOBS) { free(dirs); return cli_fail(TR("-j 须为 1 到 %d 之间的整数", "-j takes a whole number from 1 to %d"), MAX_JOBS); }
        } else if (!strcmp(argv[i], "--shard") && i + 1 < argc) {
            if (parse_shard(argv[++i], &o.shard, &o.shards)) { free(dirs); return cli_fail(TR("--shard 须为 K/N，1 ≤ K ≤ N", "--shard takes K/N, 1 ≤ K ≤ N")); }
        } else if (argv[i][0] == '-') { free(dirs); return cli_fail(TR("不认识的选项 %s\n%s", "unknown option %s\n%s"), argv[i], USAGE_BUNDLE); }
        else dirs[ndirs++] = argv[i];
    }
    if (merge && o.shards) { free(dirs); return cli_fail(TR("--merge 与 --shard 不能同用", "--merge and --shard cannot be used together")); }
    if (!ndirs || !school || !out) {
        free(dirs);
        return cli_fail("%s", USAGE_BUNDLE);
    }
    int clock = cli_clock(&o.when);
    if (clock >= 0) { free(dirs); return clock; }
    context ctx;
    char err[1024];
    if (context_open(&ctx, NEED_ALL, err, sizeof err) != 0) { free(dirs); return cli_fail("%s", err); }
    bundle_result r;
    int rc = merge ? bundle_merge(&ctx, dirs, ndirs, school, out, o.when, &r, err, sizeof err)
                   : bundle_make(&ctx, dirs, ndirs, school, out, &o, &r, err, sizeof err);
    context_close(&ctx);
    free(dirs);
    if (rc != 0) return cli_fail(TR("%s（未生成验证包）", "%s (no bundle made)"), err);
    printf("验证包 %s：通过 %d 份，退回 %d 份（见 refused/）\n", out, r.passed, r.refused);
    return r.refused ? EXIT_SHORT : EXIT_GOOD;
}
