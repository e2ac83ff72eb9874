/* cmd_verify.c — `dangan verify FILE.pdf|BUNDLE_DIR [--ca CA.pem]...
 * [--trust DIR]... [--lang zh|en]`: is this exactly what a trusted key
 * signed? Exit 0 naming every signer in order; 1 naming what is wrong —
 * also when no trust anchor was given (integrity alone proves nothing
 * about who signed). */
#include "bundle.h"
#include "cmd_cli.h"
#include "util_lang.h"
#include "verify_trust.h"
#include "util.h"
#include "verify.h"
#include "util_limits.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define USAGE "用法：dangan verify FILE.pdf|BUNDLE_DIR [--ca CA.pem]... [--trust DIR]... [--lang zh|en]"

static int verify_bundle(const char *dir, const trust *t)
{
    char *signer = NULL, err[512] = "";
    bundle_check c = {t, time(NULL), NULL, NULL};
    int rc = bundle_verify(dir, &c, stdout, &signer, err, sizeof err);
    if (rc < 0) {
        free(signer);
        return cli_fail("%s", err);
    }
    if (rc == 1) printf(TR("%s: 验证包完好，签名者：%s\n", "%s: the bundle is intact, signed by %s\n"), dir, signer ? signer : "");
    else printf(TR("%s: 验证包不完好或签名者不受信任（见上）\n", "%s: the bundle is not intact or its signer is not trusted (see above)\n"), dir);
    free(signer);
    return rc == 1 ? EXIT_GOOD : EXIT_SHORT;
}

static int verify_pdf(const char *path, const trust *t)
{
    char *data;
    size_t len;
    if (read_file(path, MAX_BUNDLE_FILE, &data, &len) != 0)
        return cli_fail(TR("无法读取 %s：%s", "cannot read %s: %s"), path, strerror(errno));
    pdf_report r;
    int ok = pdf_check((unsigned char *)data, len, t, time(NULL), &r);
    free(data);
    char *who = pdf_report_signers(&r);
    if (ok) printf(TR("%s: 完好，签名者（按顺序）：%s\n", "%s: intact, signed (in order) by %s\n"), path, who);
    else if (r.intact) printf(TR("%s: 内容完好，但%s；签名者（按顺序）：%s\n", "%s: content intact, but %s; signed (in order) by %s\n"), path, r.problem, who);
    else printf(TR("%s: 不完好：%s\n", "%s: not intact: %s\n"), path, r.problem);
    free(who);
    pdf_report_free(&r);
    return ok ? EXIT_GOOD : EXIT_SHORT;
}

int cmd_verify(int argc, char **argv)
{
    int pre = cli_begin("verify", &argc, argv);
    if (pre >= 0) return pre;
    const char *path = NULL;
    trust *t = trust_new();
    char err[512];
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if ((!strcmp(a, "--ca") || !strcmp(a, "--trust")) && i + 1 < argc) {
            if (trust_add(t, argv[++i], err, sizeof err) != 0) { trust_free(t); return cli_fail("%s", err); }
        } else if (a[0] == '-' || path) {
            trust_free(t);
            return cli_fail(USAGE);
        } else {
            path = a;
        }
    }
    if (!path) { trust_free(t); return cli_fail(USAGE); }
    int rc = is_dir(path) ? verify_bundle(path, t) : verify_pdf(path, t);
    trust_free(t);
    return rc;
}
