/* Unit tests: the 备案表's title names the school year (学年度) the
 * placements start in — September to August by templates/terms.xml's
 * <school-year>, not the calendar year. Run from the repository root. */
#include "test.h"
#include "load_calendar.h"
#include "layout_register.h"
#include <string.h>

static archive_row row(const char *start)
{
    archive_row r;
    memset(&r, 0, sizeof r);
    static char empty[] = "";
    for (int i = 0; i < AR_NCOL; i++) r.col[i] = empty;
    r.col[AR_START] = (char *)start;
    return r;
}

int main(void)
{
    char err[512] = "";
    calendar *c = calendar_load("templates/calendars", "templates/terms.xml", "templates/schemas", err, sizeof err);
    if (!c) { fprintf(stderr, "%s\n", err); return 1; }
    archive_row march[] = {row("2022-03-07")};
    char *t = register_title(c, "黟县", march, 1);
    CHECK(!strcmp(t, "2021至2022学年度黟县跟岗教师备案表"));
    free(t);
    archive_row sept[] = {row("2016-09-12"), row("2016-10-10")};
    t = register_title(c, "XX县", sept, 2);
    CHECK(!strcmp(t, "2016至2017学年度XX县跟岗教师备案表"));
    free(t);
    archive_row both[] = {row("2022-03-07"), row("2022-09-13")};
    t = register_title(c, "黟县", both, 2);
    CHECK(!strcmp(t, "2021至2023学年度黟县跟岗教师备案表"));
    free(t);
    t = register_title(c, "黟县", NULL, 0);
    CHECK(!strcmp(t, "黟县跟岗教师备案表"));
    free(t);
    calendar_free(c);
    return test_done("register");
}
