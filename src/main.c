/* main.c — dispatch to the command named by argv[1]. */
#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <libxml/parser.h>

#define DANGAN_VERSION "0.1.0"

static const char USAGE[] =
    "用法 (usage):\n"
    "  dangan check   DIR... [--profile ID] [--json] [--lang zh|en]\n"
    "  dangan init    DIR --profile ID\n"
    "  dangan profiles [--json]\n"
    "  dangan build   DIR -o FILE.pdf [--draft] [--school SCHOOL.xml]\n"
    "  dangan letter  LETTER.xml -o FILE.pdf           基地学校报送函（GB/T 9704）\n"
    "  dangan bundle  DIR... --school SCHOOL.xml -o BUNDLE_DIR [-j N] [--shard K/N]\n"
    "  dangan bundle  --merge PART... --school SCHOOL.xml -o BUNDLE_DIR\n"
    "  dangan verify  FILE.pdf | BUNDLE_DIR [--ca CA.pem]\n"
    "  dangan archive BUNDLE_DIR --into ARCHIVE_DIR\n"
    "  dangan find    --archive ARCHIVE_DIR [--teacher NAME] [--school NAME] [--year YYYY] [--json]\n"
    "                 [--register -o FILE.pdf]            跟岗教师备案表（PDF 与 CSV）\n"
    "  dangan serve   --data DIR [--listen 127.0.0.1:8080] [--school SCHOOL.xml] [--cert C --key K]\n"
    "  dangan user add --data DIR --role teacher|clerk --login L [--placement ID --name 姓名 --profile P]\n"
    "退出码：0 通过；1 有不符合要求之处；2 用法或读写错误。\n";

int cli_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("dangan: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return EXIT_USAGE;
}

static const struct { const char *name; int (*run)(int, char **); } COMMANDS[] = {
    {"check", cmd_check}, {"profiles", cmd_profiles}, {"init", cmd_init}, {"build", cmd_build}, {"letter", cmd_letter}, {"verify", cmd_verify}, {"bundle", cmd_bundle},
    {"archive", cmd_archive}, {"find", cmd_find}, {"serve", cmd_serve}, {"user", cmd_user},
};


int main(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "help") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        fputs(USAGE, argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : EXIT_GOOD;
    }
    if (!strcmp(argv[1], "--version")) {
        puts("dangan " DANGAN_VERSION);
        return EXIT_GOOD;
    }
    xmlInitParser();
    for (size_t i = 0; i < sizeof COMMANDS / sizeof COMMANDS[0]; i++) {
        if (strcmp(argv[1], COMMANDS[i].name)) continue;
        int rc = COMMANDS[i].run(argc - 2, argv + 2);
        xmlCleanupParser();
        return rc;
    }
    fputs(USAGE, stderr);
    return cli_fail("未知命令 %s (unknown command)", argv[1]);
}
