/* util_date.c — proleptic Gregorian day numbers (H. Hinnant's civil algorithms). */
#include "util_date.h"

#include <string.h>

static int is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int y, int m)
{
    static const int len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : len[m - 1];
}

long date_from_ymd(int y, int m, int d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void date_to_ymd(long z, int *y, int *m, int *d)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

int date_weekday(long day)
{
    /* 1970-01-01 was a Thursday (4). */
    long w = (day % 7 + 7 + 3) % 7;
    return (int)w + 1;
}

static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

int date_parse(const char *s, long *day)
{
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-') return -1;
    int y = digits(s, 4), m = digits(s + 5, 2), d = digits(s + 8, 2);
    if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1) return -1;
    if (d > month_days(y, m)) return -1;
    *day = date_from_ymd(y, m, d);
    return 0;
}

int month_parse(const char *s, long *month)
{
    if (!s || strlen(s) != 7 || s[4] != '-') return -1;
    int y = digits(s, 4), m = digits(s + 5, 2);
    if (y < 1900 || y > 2999 || m < 1 || m > 12) return -1;
    *month = (long)y * 12 + (m - 1);
    return 0;
}

char *date_format(long day, char *buf)
{
    int y, m, d;
    date_to_ymd(day, &y, &m, &d);
    int v[3] = {y, m, d}, w[3] = {4, 2, 2};
    char *p = buf;
    for (int k = 0; k < 3; k++) {
        if (k) *p++ = '-';
        for (int j = w[k] - 1, x = v[k] < 0 ? 0 : v[k]; j >= 0; j--, x /= 10) p[j] = (char)('0' + x % 10);
        p += w[k];
    }
    *p = '\0';
    return buf;
}

int years_between(long from_month, long day)
{
    int y, m, d;
    date_to_ymd(day, &y, &m, &d);
    long now = (long)y * 12 + (m - 1);
    /* A birthday month counts as reached on its first day: we only know the month. */
    return (int)((now - from_month) / 12);
}
