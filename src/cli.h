/* cli.h — the commands of spec §4. Each takes argv after the command name
 * and returns the exit status: 0 all good, 1 judged and falls short,
 * 2 usage or I/O error. */
#ifndef DANGAN_CLI_H
#define DANGAN_CLI_H

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
int cmd_serve(int argc, char **argv);
int cmd_user(int argc, char **argv);

/* Prints "dangan: message" on stderr; returns EXIT_USAGE. */
int cli_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
