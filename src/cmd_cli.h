/* cmd_cli.h — the commands of spec §4. Each takes argv after the command name
 * and returns the exit status: 0 all good, 1 judged and falls short,
 * 2 usage or I/O error. */
#ifndef DANGAN_CLI_H
#define DANGAN_CLI_H

#include <stdio.h>
#include <time.h>

enum { EXIT_GOOD = 0, EXIT_SHORT = 1, EXIT_USAGE = 2 };

int cmd_check(int argc, char **argv);
int cmd_profiles(int argc, char **argv);
int cmd_init(int argc, char **argv);
int cmd_build(int argc, char **argv);
int cmd_letter(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_bundle(int argc, char **argv);
int cmd_archive(int argc, char **argv);
int cmd_find(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_user(int argc, char **argv);

/* The shared options, first thing in every command: strips --lang zh|en
 * (setting the process language, util_lang.h) and -h/--help from argv. Returns
 * -1 to go on, or the exit status to return at once: 0 after printing the
 * command's usage for --help, 2 for a bad --lang. */
int cli_begin(const char *cmd, int *argc, char **argv);

/* The full usage of cmd (NULL: every command) in the process language. */
void cli_usage(FILE *out, const char *cmd);
/* The usage on stderr; returns EXIT_USAGE. */
int cli_usage_error(const char *cmd);

/* Prints "dangan: message" on stderr; returns EXIT_USAGE. cli_error takes
 * the message in Chinese and in English (same arguments, same order) and
 * prints the one of the process language. */
int cli_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int cli_error(const char *zh, const char *en, ...);

/* The time a command dates what it writes (PDF dates, signing times, the
 * 汇总表's 制表日期): SOURCE_DATE_EPOCH when set, so that a rebuild or a
 * sharded run gives the same bytes, else now. The one reader of that
 * variable: a command calls it once and hands *when to its stages. A
 * value that is not a plain count of seconds from 0 to
 * MAX_SOURCE_DATE_EPOCH (util_limits.h) is reported, naming the variable;
 * returns -1 to go on, or EXIT_USAGE then. */
int cli_clock(time_t *when);

#endif
