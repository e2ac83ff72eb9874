/* Unit tests: date arithmetic. */
#include "test.h"
#include "util_date.h"
#include <string.h>

int main(void)
{
    long d;
    char buf[11];
    CHECK(date_parse("2016-09-18", &d) == 0);
    CHECK(date_weekday(d) == 7);                       /* a Sunday */
    CHECK(strcmp(date_format(d, buf), "2016-09-18") == 0);
    CHECK(date_parse("1970-01-01", &d) == 0 && d == 0);
    CHECK(date_weekday(0) == 4);                       /* Thursday */
    CHECK(date_parse("2016-02-29", &d) == 0);          /* leap year */
    CHECK(date_parse("2015-02-29", &d) != 0);
    CHECK(date_parse("2100-02-29", &d) != 0);          /* century, not leap */
    CHECK(date_parse("2000-02-29", &d) == 0);          /* 400-year leap */
    CHECK(date_parse("2016-9-18", &d) != 0);
    CHECK(date_parse("2016-13-01", &d) != 0);
    CHECK(date_parse("2016-04-31", &d) != 0);
    CHECK(date_parse("２０16-01-01", &d) != 0);
    CHECK(date_parse(NULL, &d) != 0);
    long a, b;
    CHECK(date_parse("2016-12-31", &a) == 0 && date_parse("2017-01-01", &b) == 0 && b - a == 1);
    long m;
    CHECK(month_parse("1983-04", &m) == 0 && m == 1983 * 12 + 3);
    CHECK(month_parse("1983-13", &m) != 0);
    CHECK(date_parse("2016-09-12", &d) == 0);
    CHECK(years_between(1983 * 12 + 3, d) == 33);      /* 李春燕 at the placement start */
    CHECK(date_parse("2016-04-01", &d) == 0 && years_between(1983 * 12 + 3, d) == 33);
    CHECK(date_parse("2016-03-31", &d) == 0 && years_between(1983 * 12 + 3, d) == 32);
    /* Round trip over two centuries. */
    int bad = 0;
    for (long x = date_from_ymd(1950, 1, 1); x < date_from_ymd(2150, 1, 1); x++) {
        int y, mo, dd;
        date_to_ymd(x, &y, &mo, &dd);
        if (date_from_ymd(y, mo, dd) != x) bad++;
    }
    CHECK(bad == 0);
    return test_done("test_date");
}
