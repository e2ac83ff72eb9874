/* main.c — dispatch to the command named by argv[1]. Options before the
 * command (--lang, -h/--help, --version) are the program's; the usage
 * texts and the shared options live in cmd_cli.c. */
#include "cmd_cli.h"
#include "util_lang.h"

#include <stdio.h>
#include <string.h>
#include <libxml/parser.h>

#define DANGAN_VERSION "0.1.0"

static const struct { const char *name; int (*run)(int, char **); } COMMANDS[] = {
    {"check", cmd_check}, {"profiles", cmd_profiles}, {"init", cmd_init}, {"build", cmd_build},
    {"letter", cmd_letter}, {"verify", cmd_verify}, {"bundle", cmd_bundle},
    {"archive", cmd_archive}, {"find", cmd_find}, {"audit", cmd_audit}, {"serve", cmd_serve}, {"user", cmd_user},
};

int main(int argc, char **argv)
{
    int i = 1, help = 0;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "--lang") && i + 1 < argc && (!strcmp(argv[i + 1], "en") || !strcmp(argv[i + 1], "zh")))
            lang_set(!strcmp(argv[++i], "en"));
        else if (!strncmp(argv[i], "--lang=", 7) && (!strcmp(argv[i] + 7, "en") || !strcmp(argv[i] + 7, "zh")))
            lang_set(!strcmp(argv[i] + 7, "en"));
        else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) help = 1;
        else if (!strcmp(argv[i], "--version")) { puts("dangan " DANGAN_VERSION); return EXIT_GOOD; }
        else {
            cli_usage(stderr, NULL);
            return cli_error("不认识的选项 %s", "unknown option %s", argv[i]);
        }
    }
    if (i < argc && !strcmp(argv[i], "help")) {
        cli_usage(stdout, i + 1 < argc ? argv[i + 1] : NULL);
        return EXIT_GOOD;
    }
    if (help || i == argc) {
        cli_usage(help ? stdout : stderr, NULL);
        return help ? EXIT_GOOD : EXIT_USAGE;
    }
    xmlInitParser();
    for (size_t k = 0; k < sizeof COMMANDS / sizeof COMMANDS[0]; k++) {
        if (strcmp(argv[i], COMMANDS[k].name)) continue;
        int rc = COMMANDS[k].run(argc - i - 1, argv + i + 1);
        xmlCleanupParser();
        return rc;
    }
    cli_usage(stderr, NULL);
    return cli_error("未知命令 %s", "unknown command %s", argv[i]);
}
