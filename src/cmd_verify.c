/* cmd_verify.c — `dangan verify FILE.pdf`: is the dossier as its school
 * signed it? Exit 0 and the signer's name when intact; 1 naming what is
 * wrong. A bundle folder: its manifest signature (against --ca when
 * given), every file's hash, no file missing or added, every dossier's
 * signature. */
#include "bundle.h"
#include "cli.h"
#include "sign.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PDF (256u << 20)

static int verify_bundle(const char *dir, const char *ca)
{
    char *signer = NULL, err[512] = "";
    int rc = bundle_verify(dir, ca, stdout, &signer, err, sizeof err);
    if (rc < 0) {
        free(signer);
        return cli_fail("%s", err);
    }
    if (rc == 1) printf("%s: 验证包完好，签名者：%s\n", dir, signer ? signer : "");
    else printf("%s: 验证包不完好（见上）\n", dir);
    free(signer);
    return rc == 1 ? EXIT_GOOD : EXIT_SHORT;
}

int cmd_verify(int argc, char **argv)
{
    int pre = cli_begin("verify", &argc, argv);
    if (pre >= 0) return pre;
    const char *ca = NULL, *path = NULL;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--ca") && i + 1 < argc) ca = argv[++i];
        else if (argv[i][0] == '-' || path) return cli_fail("用法：dangan verify FILE.pdf|BUNDLE_DIR [--ca CA.pem]");
        else path = argv[i];
    }
    if (!path) return cli_fail("用法：dangan verify FILE.pdf|BUNDLE_DIR [--ca CA.pem]");
    if (is_dir(path)) return verify_bundle(path, ca);
    char *data;
    size_t len;
    if (read_file(path, MAX_PDF, &data, &len) != 0)
        return cli_fail("无法读取 %s：%s", path, strerror(errno));
    char *name = NULL, err[512] = "";
    int stamped = 0;
    int rc = pdf_verify_stamped((unsigned char *)data, len, &name, &stamped, err, sizeof err);
    free(data);
    if (rc == 1) {
        printf("%s: 完好，签名者：%s%s\n", path, name ? name : "",
               stamped ? "；签名的版本之后由档案库加盖了归档章（增量更新，签名的版本未变）" : "");
        free(name);
        return EXIT_GOOD;
    }
    printf("%s: 不完好：%s\n", path, err);
    free(name);
    return EXIT_SHORT;
}
