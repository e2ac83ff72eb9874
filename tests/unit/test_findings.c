/* Unit tests: findings. Both messages of a finding come from one argument
 * list, and the compiler checks the English format against it as well as
 * the Chinese one (a mismatch is a compile error under -Werror=format);
 * the list is capped with one marker; sorting is stable. */
#include "test.h"
#include "check_findings.h"
#include <stdio.h>
#include <string.h>

/* Compiles SRC (after the findings header) with the compiler the suite
 * was built with and the format warnings made errors; 1 when it compiles. */
static int compiles(const char *src)
{
    const char *cc = getenv("CC");
    char cmd[512];
    snprintf(cmd, sizeof cmd, "%s -std=c11 -Wformat -Werror=format -fsyntax-only -Isrc -x c - 2>/dev/null",
             cc && cc[0] ? cc : "cc");
    FILE *p = popen(cmd, "w");
    if (!p) return -1;
    fprintf(p, "#include \"check_findings.h\"\nvoid t(findings *f, const char *s, long n)\n{\n    %s;\n}\n", src);
    return pclose(p) == 0;
}

static void test_compiler_checks_both(void)
{
    CHECK(compiles("finding_add(f, SEV_ERROR, \"c\", \"\", 0, \"\", \"%s：%ld\", \"%s: %ld\", s, n)") == 1);
    /* The English format disagrees with the list: a wrong type, a missing
     * argument, an extra one. */
    CHECK(compiles("finding_add(f, SEV_ERROR, \"c\", \"\", 0, \"\", \"%s：%ld\", \"%ld: %s\", s, n)") == 0);
    CHECK(compiles("finding_add(f, SEV_ERROR, \"c\", \"\", 0, \"\", \"%s：%ld\", \"%s: %ld %s\", s, n)") == 0);
    CHECK(compiles("finding_add(f, SEV_ERROR, \"c\", \"\", 0, \"\", \"%s：%ld\", \"%s\", s, n)") == 0);
    /* And so does the Chinese one. */
    CHECK(compiles("finding_add(f, SEV_ERROR, \"c\", \"\", 0, \"\", \"%d：%ld\", \"%s: %ld\", s, n)") == 0);
}

static void test_one_list(void)
{
    findings f;
    findings_init(&f);
    /* A word only one language needs is skipped by the other with %.0s;
     * a different word order takes positions. */
    finding_add(&f, SEV_ERROR, "count.short", "a.xml", 3, "r", "%s%.0s共 %ld", "%.0s%s: %ld", "听课记录", "observation", 7L);
    finding_add(&f, SEV_WARNING, "rate.short", "a.xml", 2, "r", "%s 第%d节", "%2$d. period of %1$s", "2016-09-12", 4);
    CHECK(f.n == 2 && f.errors == 1 && f.warnings == 1);
    CHECK(strcmp(f.v[0].msg_zh, "听课记录共 7") == 0);
    CHECK(strcmp(f.v[0].msg_en, "observation: 7") == 0);
    CHECK(strcmp(f.v[1].msg_zh, "2016-09-12 第4节") == 0);
    CHECK(strcmp(f.v[1].msg_en, "4. period of 2016-09-12") == 0);
    CHECK(strcmp(f.v[0].file, "a.xml") == 0 && f.v[0].line == 3 && strcmp(f.v[0].rule, "r") == 0);
    findings_sort(&f);
    CHECK(f.v[0].line == 2 && f.v[1].line == 3);
    finding_add(&f, SEV_ERROR, "x", NULL, 0, NULL, "无", "none");
    CHECK(strcmp(f.v[2].file, "") == 0 && strcmp(f.v[2].rule, "") == 0 && strcmp(f.v[2].msg_en, "none") == 0);
    findings_free(&f);
}

static void test_cap(void)
{
    findings f;
    findings_init(&f);
    for (int i = 0; i < 2100; i++)
        finding_add(&f, SEV_ERROR, "c", "a.xml", i, "", "第 %d 条", "item %d", i);
    CHECK(f.n == 2001 && f.errors == 2100);
    CHECK(strcmp(f.v[2000].msg_en, "too many findings; only the first 2000 are listed") == 0);
    CHECK(strcmp(f.v[1999].msg_zh, "第 1999 条") == 0);
    findings_sort(&f);
    CHECK(strstr(f.v[2000].msg_zh, "问题过多") != NULL);
    findings_free(&f);
}

int main(void)
{
    test_compiler_checks_both();
    test_one_list();
    test_cap();
    return test_done("test_findings");
}
