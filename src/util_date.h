/* util_date.h — civil dates as day numbers (days since 1970-01-01), so that
 * ranges, weeks and differences are plain integer arithmetic. */
#ifndef DANGAN_DATE_H
#define DANGAN_DATE_H

/* Parses "YYYY-MM-DD" strictly (real month lengths, years 1900..2999).
 * Returns 0 and sets *day, or -1. */
int date_parse(const char *s, long *day);
/* Parses "YYYY-MM" into a month index y*12+(m-1). Returns 0 or -1. */
int month_parse(const char *s, long *month);
long date_from_ymd(int y, int m, int d);
void date_to_ymd(long day, int *y, int *m, int *d);
/* 1 = Monday … 7 = Sunday. */
int date_weekday(long day);
/* Writes "YYYY-MM-DD" into buf (at least 11 bytes); returns buf. */
char *date_format(long day, char *buf);
/* Full years from month index `from` to the date `day` (e.g. age). */
int years_between(long from_month, long day);

#endif
