/* util_lang.h — the language every message of the process is printed in.
 * Takes: --lang zh|en (cmd_cli.c sets it once, before any work). Gives: TR()
 * to pick one of a message's two forms, and errno explained in that
 * language. Findings carry both languages and are printed by check_report.c;
 * this is for everything else a command prints (I/O and usage errors,
 * what a command wrote). Like a locale it is process-wide. */
#ifndef DANGAN_LANG_H
#define DANGAN_LANG_H

void lang_set(int en);
int lang_en(void);

/* Picks the message form for the process language; both forms are
 * printf formats taking the same arguments in the same order. */
#define TR(zh, en) (lang_en() ? (en) : (zh))

/* strerror(e) in the process language: Chinese for the errors a teacher
 * or clerk meets (ENOENT EACCES ENOSPC EEXIST ENOTDIR EROFS …), the C
 * library's English otherwise. */
const char *errno_text(int e);

#endif
