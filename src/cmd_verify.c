/* cmd_verify.c — `dangan verify FILE.pdf`: is the dossier as its school
 * signed it? Exit 0 and the signer's name when intact; 1 naming what is
 * wrong. (Bundle folders: issue 4, next.) */
#include "cli.h"
#include "sign.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PDF (256u << 20)

int cmd_verify(int argc, char **argv)
{
    if (argc != 1 || argv[0][0] == '-') return cli_fail("用法：dangan verify FILE.pdf");
    const char *path = argv[0];
    if (is_dir(path)) return cli_fail("核验文件夹（验证包）尚未实现：请逐个核验 PDF");
    char *data;
    size_t len;
    if (read_file(path, MAX_PDF, &data, &len) != 0)
        return cli_fail("无法读取 %s：%s", path, strerror(errno));
    char *name = NULL, err[512] = "";
    int rc = pdf_verify((unsigned char *)data, len, &name, err, sizeof err);
    free(data);
    if (rc == 1) {
        printf("%s: 完好，签名者：%s\n", path, name ? name : "");
        free(name);
        return EXIT_GOOD;
    }
    printf("%s: 不完好：%s\n", path, err);
    free(name);
    return EXIT_SHORT;
}
