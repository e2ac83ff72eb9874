/* cmd_bundle.c — `dangan bundle DIR... --school SCHOOL.xml -o BUNDLE_DIR`.
 * Exit 0 all passed; 1 some refused (the bundle holds the rest); 2 usage
 * or I/O error (nothing written). */
#include "bundle.h"
#include "cli.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

long long source_date_epoch(void);

int cmd_bundle(int argc, char **argv)
{
    const char *school = NULL, *out = NULL;
    char **dirs = xcalloc((size_t)argc + 1, sizeof *dirs);
    int ndirs = 0;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "-o") && i + 1 < argc) out = argv[++i];
        else if (!strcmp(argv[i], "--school") && i + 1 < argc) school = argv[++i];
        else if (argv[i][0] == '-') { free(dirs); return cli_fail("不认识的选项 %s（bundle 接受 --school SCHOOL.xml、-o BUNDLE_DIR）", argv[i]); }
        else dirs[ndirs++] = argv[i];
    }
    if (!ndirs || !school || !out) {
        free(dirs);
        return cli_fail("用法：dangan bundle DIR... --school SCHOOL.xml -o BUNDLE_DIR");
    }
    long long epoch = source_date_epoch();
    if (epoch == -2) { free(dirs); return cli_fail("SOURCE_DATE_EPOCH 须为非负整数（秒）"); }
    context ctx;
    char err[1024];
    if (context_open(&ctx, NEED_ALL, err, sizeof err) != 0) { free(dirs); return cli_fail("%s", err); }
    bundle_result r;
    int rc = bundle_make(&ctx, dirs, ndirs, school, out, epoch, &r, err, sizeof err);
    context_close(&ctx);
    free(dirs);
    if (rc != 0) return cli_fail("%s（未生成验证包）", err);
    printf("验证包 %s：通过 %d 份，退回 %d 份（见 refused/）\n", out, r.passed, r.refused);
    return r.refused ? EXIT_SHORT : EXIT_GOOD;
}
