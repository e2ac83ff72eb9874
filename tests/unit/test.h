/* test.h — the smallest harness that does the job: count, report the
 * failing expression with its line, end with "N passed, N failed". */
#ifndef DANGAN_TEST_H
#define DANGAN_TEST_H

#include <stdio.h>
#include <stdlib.h>

static int test_passed, test_failed;

static void test_check(int ok, const char *expr, const char *file, int line)
{
    if (ok) { test_passed++; return; }
    test_failed++;
    fprintf(stderr, "%s:%d: FAILED: %s\n", file, line, expr);
}

#define CHECK(expr) test_check((expr) != 0, #expr, __FILE__, __LINE__)

static int test_done(const char *name)
{
    printf("%s: %d passed, %d failed\n", name, test_passed, test_failed);
    return test_failed ? 1 : 0;
}

#endif
