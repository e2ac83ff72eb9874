/* libFuzzer target: `verify`. The input as a PDF (pdf_check), then split
 * at its first NUL into manifest.xml and manifest.p7s of a bundle folder
 * (bundle_verify). Nothing may crash, hang or leak. */
#include "bundle.h"
#include "verify_trust.h"
#include "verify.h"
#include "util.h"

#include <libxml/parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[] = "/tmp/dangan-fuzz-verify-XXXXXX";
/* An empty store: the structure and CMS paths run; trust is judged
 * nowhere but in trust_check, which the suite tests. */
static trust *trust_anchor;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc; (void)argv;
    xmlInitParser();
    if (!mkdtemp(dir)) exit(1);
    trust_anchor = trust_new();
    return 0;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    char err[512];
    pdf_report r;
    pdf_check(data, size, trust_anchor, 0, &r);
    pdf_report_free(&r);
    const unsigned char *nul = memchr(data, 0, size);
    size_t a = nul ? (size_t)(nul - data) : size;
    char *m = path_join(dir, "manifest.xml"), *p = path_join(dir, "manifest.p7s");
    write_file_atomic(m, data, a);
    write_file_atomic(p, nul ? nul + 1 : data, nul ? size - a - 1 : 0);
    FILE *out = fopen("/dev/null", "w");
    char *signer = NULL;
    bundle_check c = {.trust = trust_anchor, .now = 0};
    bundle_verify(dir, &c, out, &signer, err, sizeof err);
    fclose(out);
    free(signer);
    unlink(m);
    unlink(p);
    free(m);
    free(p);
    return 0;
}
