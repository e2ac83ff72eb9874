/* Unit tests: the shipped font manifest and role fallback chains. Run
 * from the repository root (reads fonts/ and templates/schemas/). */
#include "test.h"
#include "font_set.h"
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

/* 1 when f(fs, i) dies of an assertion (SIGABRT) in a child process:
 * asserts are on in the normal build (NDEBUG unset). */
static int aborts(const font_set *fs, int i)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        close(2);   /* the assertion's message is expected */
        const char *id = fonts_id(fs, i);
        _exit(id ? 0 : 3);
    }
    int st;
    waitpid(pid, &st, 0);
    return WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT;
}

static const char *font_of(const font_set *fs, const char *role, uint32_t cp)
{
    int i = fonts_pick(fs, role, cp);
    return i < 0 ? "" : fonts_id(fs, i);
}

int main(void)
{
    char err[512] = "";
    font_set *fs = fonts_open("fonts/fonts.xml", "templates/schemas/fonts.xsd", err, sizeof err);
    if (!fs) { fprintf(stderr, "%s\n", err); return 1; }

    /* Common characters come from the first font of each chain. */
    CHECK(!strcmp(font_of(fs, "body", 0x4E2D), "song"));        /* 中 */
    CHECK(!strcmp(font_of(fs, "heading", 0x4E2D), "hei"));
    CHECK(!strcmp(font_of(fs, "kai", 0x4E2D), "kai"));
    /* Rare name characters must be drawable in every role. */
    const uint32_t rare[] = {0x5803 /* 堃 */, 0x5586 /* 喆 */, 0x36C3 /* 㛃 */, 0x20BB7 /* 𠮷 */};
    for (size_t i = 0; i < sizeof rare / sizeof rare[0]; i++) {
        CHECK(fonts_covers(fs, "body", rare[i]));
        CHECK(fonts_covers(fs, "heading", rare[i]));
        CHECK(fonts_covers(fs, "kai", rare[i]));
    }
    /* 𠮷 is outside GB 2312: it must fall back, not come from song. */
    CHECK(strcmp(font_of(fs, "body", 0x20BB7), "song") != 0);
    /* Private use and unassigned code points have no glyph anywhere. */
    CHECK(!fonts_covers(fs, "body", 0xE000));
    CHECK(!fonts_covers(fs, NULL, 0x2FFFF));
    CHECK(fonts_pick(fs, "body", 0x10FFFF) == -1);
    /* Layout-only characters count as covered. */
    CHECK(fonts_covers(fs, "body", '\n'));
    CHECK(fonts_covers(fs, "body", 0x3000));
    /* An unknown role covers nothing drawable. */
    CHECK(!fonts_covers(fs, "nosuchrole", 0x4E2D));
    CHECK(fonts_count(fs) == 5);
    /* An index the set did not give is a bug, caught where it is used
     * (text_shape.c indexes its tables by it unchecked). */
    CHECK(!aborts(fs, 0));
    CHECK(aborts(fs, fonts_count(fs)));
    CHECK(aborts(fs, -1));
    fonts_close(fs);

    /* A manifest naming a missing file names the package to install. */
    FILE *f = fopen("build/tests/bad-fonts.xml", "w");
    fputs("<fonts xmlns=\"urn:dangan:1\"><font id=\"x\" file=\"/nonexistent/x.ttf\" "
          "package=\"fonts-nothing\" family=\"X\"/><role name=\"body\" fonts=\"x\"/></fonts>", f);
    fclose(f);
    CHECK(fonts_open("build/tests/bad-fonts.xml", "templates/schemas/fonts.xsd", err, sizeof err) == NULL);
    CHECK(strstr(err, "fonts-nothing") != NULL);
    /* A role naming an undefined font is refused. */
    f = fopen("build/tests/bad-fonts.xml", "w");
    fputs("<fonts xmlns=\"urn:dangan:1\"><font id=\"song\" file=\"/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf\" "
          "package=\"p\" family=\"X\"/><role name=\"body\" fonts=\"song nope\"/></fonts>", f);
    fclose(f);
    CHECK(fonts_open("build/tests/bad-fonts.xml", "templates/schemas/fonts.xsd", err, sizeof err) == NULL);
    CHECK(strstr(err, "nope") != NULL);
    return test_done("fonts");
}
