/* libFuzzer target: the loader, validator and rules. The input is written
 * as one more file of the reference submission (any root element), then
 * the submission is checked. Nothing may crash, hang or leak. */
#include "check_run.h"
#include "load_context.h"
#include "util.h"

#include <libxml/parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static context ctx;
static char dir[] = "/tmp/dangan-fuzz-check-XXXXXX";

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc; (void)argv;
    char err[512];
    xmlInitParser();
    setenv("DANGAN_HOME", ".", 0);
    if (context_open(&ctx, NEED_ALL, err, sizeof err) != 0) { fprintf(stderr, "%s\n", err); exit(1); }
    if (!mkdtemp(dir)) exit(1);
    static const char *const FILES[] = {"placement.xml", "journal.xml", "observations.xml", "lessons.xml",
                                        "reflections.xml", "assessment.xml"};
    for (size_t i = 0; i < 6; i++) {
        char *from = xasprintf("samples/li-chunyan/%s", FILES[i]), *to = path_join(dir, FILES[i]), *data;
        size_t len;
        if (read_file(from, 1u << 24, &data, &len) != 0 || write_file_atomic(to, data, len) != 0) exit(1);
        free(data); free(from); free(to);
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    char *path = path_join(dir, "fuzz.xml"), err[512];
    FILE *f = fopen(path, "wb");
    if (f) { fwrite(data, 1, size, f); fclose(f); }
    checked c;
    if (check_submission(&ctx, dir, NULL, &c, err, sizeof err) == 0) checked_free(&c);
    else checked_free(&c);
    unlink(path);
    free(path);
    return 0;
}
