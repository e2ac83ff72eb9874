/* cmd_cli.c — what every command shares (cmd_cli.h): -h/--help, --lang zh|en, the
 * usage texts, and errors in the user's language. */
#include "cmd_cli.h"
#include "util_lang.h"
#include "util_limits.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct usage {
    const char *cmd, *zh, *en;
} usage;

#define COMMON_ZH "  --lang zh|en   输出语言（默认中文）\n  -h, --help     显示本说明\n"
#define COMMON_EN "  --lang zh|en   language of everything printed (default Chinese)\n  -h, --help     show this help\n"
#define EXIT_ZH "退出码：0 完成且全部符合；1 有不符合要求之处；2 用法或读写错误。\n"
#define EXIT_EN "exit status: 0 done and all good; 1 the input falls short; 2 usage or I/O error.\n"

static const usage USAGES[] = {
    {"check",
     "用法：dangan check DIR... [--profile ID] [--json] [--lang zh|en]\n"
     "  按研修项目的要求检查提交文件夹：每个问题一行（文件:行：说明），然后是核对表和结论。\n"
     "  --profile ID   按这个项目检查（默认用 placement.xml 的 profile）\n"
     "  --json         每个文件夹输出一行 JSON\n" COMMON_ZH EXIT_ZH,
     "usage: dangan check DIR... [--profile ID] [--json] [--lang zh|en]\n"
     "  Checks submission folders against their program: one line per problem (file:line: message),\n"
     "  then the check-list and the verdict.\n"
     "  --profile ID   check against this program (default: placement.xml's profile)\n"
     "  --json         one JSON line per folder\n" COMMON_EN EXIT_EN},
    {"profiles",
     "用法：dangan profiles [--json]\n  列出已有的研修项目（id、名称、依据的文件）。\n"
     "  --json         每个项目一行 JSON\n" COMMON_ZH,
     "usage: dangan profiles [--json]\n  Lists the programs (id, title, the document they follow).\n"
     "  --json         one JSON line per program\n" COMMON_EN},
    {"init",
     "用法：dangan init DIR --profile ID\n  在新的（或空的）文件夹 DIR 中写入该项目的提交骨架，带注释，可直接填写。\n" COMMON_ZH,
     "usage: dangan init DIR --profile ID\n  Writes a commented submission skeleton for the program into a new (or empty) folder DIR.\n" COMMON_EN},
    {"build",
     "用法：dangan build DIR -o FILE.pdf [--draft] [--school SCHOOL.xml]\n"
     "  先检查，再把提交排成 PDF 档案；有错误时不生成（退出码 1）。\n"
     "  -o FILE.pdf           写到这里（先写临时文件再改名）\n"
     "  --draft               有不符合要求之处也生成，每页加“草稿”水印\n"
     "  --school SCHOOL.xml   盖章（公章、骑缝章、核验码）并签名\n"
     "  环境变量 SOURCE_DATE_EPOCH：固定日期，同样的输入得到同样的文件。\n" COMMON_ZH EXIT_ZH,
     "usage: dangan build DIR -o FILE.pdf [--draft] [--school SCHOOL.xml]\n"
     "  Checks the submission, then typesets it as a PDF dossier; nothing is written when it has errors (exit 1).\n"
     "  -o FILE.pdf           the file to write (a temporary file renamed into place)\n"
     "  --draft               build even when it falls short, with a draft watermark on every page\n"
     "  --school SCHOOL.xml   stamp (seal, seal across the page edges, verification codes) and sign\n"
     "  SOURCE_DATE_EPOCH in the environment fixes the date: same input, same bytes.\n" COMMON_EN EXIT_EN},
    {"letter",
     "用法：dangan letter LETTER.xml -o FILE.pdf [--draft]\n  按 GB/T 9704-2012 排印基地学校的报送函。\n"
     "  --draft        每页加“草稿”水印\n" COMMON_ZH EXIT_ZH,
     "usage: dangan letter LETTER.xml -o FILE.pdf [--draft]\n  Typesets the base school's covering letter by GB/T 9704-2012.\n"
     "  --draft        a draft watermark on every page\n" COMMON_EN EXIT_EN},
    {"bundle",
     "用法：dangan bundle DIR... --school SCHOOL.xml -o BUNDLE_DIR [-j N] [--shard K/N]\n"
     "      dangan bundle --merge PART... --school SCHOOL.xml -o BUNDLE_DIR\n"
     "  检查、排版、盖章、签名全部提交，生成签名的验证包（dossiers/、refused/、汇总表、manifest）。\n"
     "  -j N           同时处理 N 份（默认每个处理器核一份）\n"
     "  --shard K/N    只处理按名称排序的第 K、K+N、K+2N… 份\n"
     "  --merge        把几个分片验证包合并成一个\n" COMMON_ZH EXIT_ZH,
     "usage: dangan bundle DIR... --school SCHOOL.xml -o BUNDLE_DIR [-j N] [--shard K/N]\n"
     "       dangan bundle --merge PART... --school SCHOOL.xml -o BUNDLE_DIR\n"
     "  Checks, typesets, stamps and signs every submission into a signed bundle (dossiers/, refused/, summary, manifest).\n"
     "  -j N           N at a time (default one per core)\n"
     "  --shard K/N    only the K-th, K+N-th … submission in name order\n"
     "  --merge        join shard bundles into one\n" COMMON_EN EXIT_EN},
    {"verify",
     "用法：dangan verify FILE.pdf | BUNDLE_DIR [--ca CA.pem]... [--trust DIR]...\n"
     "  核对档案的每个签名（学校的、档案库的），或验证包的签名、每个文件的摘要和每份档案。\n"
     "  --ca CA.pem    受信任的证书（县级 CA、学校或档案库的证书；可给多个）\n"
     "  --trust DIR    文件夹中的每个证书和证书吊销列表（*.pem *.crt *.crl）\n"
     "  不给受信任的证书时，只能说内容是否完好，签名者身份未经核实（退出码 1）。\n" COMMON_ZH EXIT_ZH,
     "usage: dangan verify FILE.pdf | BUNDLE_DIR [--ca CA.pem]... [--trust DIR]...\n"
     "  Verifies every signature of a dossier (the school's, the archive's), or a bundle's signature, every file's digest and every dossier.\n"
     "  --ca CA.pem    a trusted certificate (county CA, school or archive; repeatable)\n"
     "  --trust DIR    every certificate and CRL in the folder (*.pem *.crt *.crl)\n"
     "  Without a trusted certificate only integrity is reported; the signer's identity is unverified (exit 1).\n" COMMON_EN EXIT_EN},
    {"archive",
     "用法：dangan archive BUNDLE_DIR --into ARCHIVE_DIR [--supersede --reason 原因]\n"
     "       dangan archive --recover ARCHIVE_DIR\n"
     "       dangan archive --export YEAR --from ARCHIVE_DIR -o DIR\n"
     "  验证后把验证包中的档案编号归档（加盖档案库签名的归档章，写入索引）。\n"
     "  --supersede --reason 原因  已归档的跟岗编号作为同一档号的新版本归档（旧版本保留）\n"
     "  --recover                  回滚中断的归档（新档案库：建立索引）\n"
     "  --export YEAR --from A -o DIR  把该年度的现行档案移交档案馆：PDF、签名的清单、受信任的证书、\n"
     "                             归档文件目录（CSV 与 PDF）和 MANIFEST.sha256（DIR 须不存在）\n" COMMON_ZH EXIT_ZH,
     "usage: dangan archive BUNDLE_DIR --into ARCHIVE_DIR [--supersede --reason TEXT]\n"
     "       dangan archive --recover ARCHIVE_DIR\n"
     "       dangan archive --export YEAR --from ARCHIVE_DIR -o DIR\n"
     "  Verifies a bundle and files its dossiers under archive numbers (archive stamp signed by the archive, index).\n"
     "  --supersede --reason TEXT  a placement on file is filed as the next version of its number (earlier kept)\n"
     "  --recover                  roll back an interrupted filing (a new archive: create its index)\n"
     "  --export YEAR --from A -o DIR  hand the year's current dossiers over: PDFs, signed manifests, trust anchors,\n"
     "                             the catalogue (CSV and PDF) and MANIFEST.sha256 (DIR must not exist)\n" COMMON_EN EXIT_EN},
    {"find",
     "用法：dangan find --archive ARCHIVE_DIR [--teacher NAME] [--school NAME] [--year YYYY] [--history] [--json]\n"
     "                  [--register -o FILE.pdf]\n"
     "  在档案库中查找档案（姓名、学校不分繁简和全半角）；找不到时退出码 1。\n"
     "  --history              也列出已被更正的旧版本\n"
     "  --json                 每份一行 JSON\n"
     "  --register -o FILE.pdf 打印跟岗教师备案表（同时写 FILE.csv）\n" COMMON_ZH,
     "usage: dangan find --archive ARCHIVE_DIR [--teacher NAME] [--school NAME] [--year YYYY] [--history] [--json]\n"
     "                   [--register -o FILE.pdf]\n"
     "  Finds dossiers in an archive (names match across traditional/simplified and full/half width); none: exit 1.\n"
     "  --history              earlier, corrected versions too\n"
     "  --json                 one JSON line per dossier\n"
     "  --register -o FILE.pdf the teachers' register of the matches (and FILE.csv)\n" COMMON_EN},
    {"audit",
     "用法：dangan audit ARCHIVE_DIR [--json] [--pdf FILE]\n"
     "  档案库的定期检查（长期保存）：每个文件都在、SHA-256 与索引和验证包清单相符、签名按归档时间成立、\n"
     "  档号连续、没有索引不知道的文件、索引完好。只读，不改动档案库。每个问题一行（文件：说明），最后是汇总。\n"
     "  --json         每个问题一行 JSON（kind、file、number、message），最后一行是汇总（summary、problems、ok…）\n"
     "  --pdf FILE     另写一份 PDF 检测报告（有档案库的签名密钥时签名），FILE 须在档案库之外\n"
     COMMON_ZH EXIT_ZH,
     "usage: dangan audit ARCHIVE_DIR [--json] [--pdf FILE]\n"
     "  The archive's periodic check (long-term preservation): every file there, its SHA-256 the index's and the\n"
     "  manifest's, signatures valid as of the filing, archive numbers without a gap, no file the index does not\n"
     "  know, the index intact. Read-only. One line per problem (file: message), then a summary.\n"
     "  --json         one JSON line per problem (kind, file, number, message), then a summary line (summary, problems, ok …)\n"
     "  --pdf FILE     also the audit as a PDF report (signed when the archive's key is there), FILE outside the archive\n"
     COMMON_EN EXIT_EN},
};
#define NUSAGES (sizeof USAGES / sizeof USAGES[0])

static const char TOP_ZH[] =
    "用法：dangan 命令 [选项]\n"
    "  dangan check    DIR... [--profile ID] [--json]          检查提交\n"
    "  dangan profiles [--json]                                列出研修项目\n"
    "  dangan init     DIR --profile ID                        生成提交骨架\n"
    "  dangan build    DIR -o FILE.pdf [--draft] [--school SCHOOL.xml]   排版档案\n"
    "  dangan letter   LETTER.xml -o FILE.pdf [--draft]        基地学校报送函（GB/T 9704）\n"
    "  dangan bundle   DIR... --school SCHOOL.xml -o BUNDLE_DIR [-j N] [--shard K/N]\n"
    "  dangan bundle   --merge PART... --school SCHOOL.xml -o BUNDLE_DIR\n"
    "  dangan verify   FILE.pdf | BUNDLE_DIR [--ca CA.pem]... [--trust DIR]...\n"
    "  dangan archive  BUNDLE_DIR --into ARCHIVE_DIR [--supersede --reason 原因] | --recover ARCHIVE_DIR\n"
    "  dangan archive  --export YEAR --from ARCHIVE_DIR -o DIR   向档案馆移交一个年度的档案\n"
    "  dangan audit    ARCHIVE_DIR [--json] [--pdf FILE]       档案库的定期检查（只读）\n"
    "  dangan find     --archive ARCHIVE_DIR [--teacher NAME] [--school NAME] [--year YYYY] [--history] [--json]\n"
    "                  [--register -o FILE.pdf]                跟岗教师备案表（PDF 与 CSV）\n"
    "  dangan serve    --data DIR [--listen 127.0.0.1:8080] [--school SCHOOL.xml] [--cert C --key K]   填写网页\n"
    "  dangan user add --data DIR --role teacher|clerk --login L [--placement ID --name 姓名 --profile P]\n"
    "每个命令都接受 --lang zh|en（输出语言）和 -h/--help（该命令的详细说明）；dangan --version 显示版本。\n"
    EXIT_ZH;

static const char TOP_EN[] =
    "usage: dangan COMMAND [OPTIONS]\n"
    "  dangan check    DIR... [--profile ID] [--json]          check submissions\n"
    "  dangan profiles [--json]                                list the programs\n"
    "  dangan init     DIR --profile ID                        write a submission skeleton\n"
    "  dangan build    DIR -o FILE.pdf [--draft] [--school SCHOOL.xml]   typeset a dossier\n"
    "  dangan letter   LETTER.xml -o FILE.pdf [--draft]        the base school's covering letter (GB/T 9704)\n"
    "  dangan bundle   DIR... --school SCHOOL.xml -o BUNDLE_DIR [-j N] [--shard K/N]\n"
    "  dangan bundle   --merge PART... --school SCHOOL.xml -o BUNDLE_DIR\n"
    "  dangan verify   FILE.pdf | BUNDLE_DIR [--ca CA.pem]... [--trust DIR]...\n"
    "  dangan archive  BUNDLE_DIR --into ARCHIVE_DIR [--supersede --reason TEXT] | --recover ARCHIVE_DIR\n"
    "  dangan archive  --export YEAR --from ARCHIVE_DIR -o DIR   hand a year's dossiers over to the records office\n"
    "  dangan audit    ARCHIVE_DIR [--json] [--pdf FILE]       the archive's periodic check (read-only)\n"
    "  dangan find     --archive ARCHIVE_DIR [--teacher NAME] [--school NAME] [--year YYYY] [--history] [--json]\n"
    "                  [--register -o FILE.pdf]                the teachers' register (PDF and CSV)\n"
    "  dangan serve    --data DIR [--listen 127.0.0.1:8080] [--school SCHOOL.xml] [--cert C --key K]   the web page\n"
    "  dangan user add --data DIR --role teacher|clerk --login L [--placement ID --name NAME --profile P]\n"
    "Every command takes --lang zh|en (language of its output) and -h/--help (its full usage);\n"
    "dangan --version prints the version.\n"
    EXIT_EN;

void cli_usage(FILE *out, const char *cmd)
{
    for (size_t i = 0; cmd && i < NUSAGES; i++)
        if (!strcmp(USAGES[i].cmd, cmd)) {
            fputs(TR(USAGES[i].zh, USAGES[i].en), out);
            return;
        }
    fputs(TR(TOP_ZH, TOP_EN), out);
}

int cli_usage_error(const char *cmd)
{
    cli_usage(stderr, cmd);
    return EXIT_USAGE;
}

static int set_lang(const char *v)
{
    if (!strcmp(v, "zh")) lang_set(0);
    else if (!strcmp(v, "en")) lang_set(1);
    else return -1;
    return 0;
}

int cli_begin(const char *cmd, int *argc, char **argv)
{
    int help = 0, n = 0, bad = 0;
    const char *badv = NULL;
    for (int i = 0; i < *argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) help = 1;
        else if (!strcmp(a, "--lang") && i + 1 < *argc) { if (set_lang(argv[++i])) { bad = 1; badv = argv[i]; } }
        else if (!strncmp(a, "--lang=", 7)) { if (set_lang(a + 7)) { bad = 1; badv = a + 7; } }
        else if (!strcmp(a, "--lang")) { bad = 1; badv = ""; }
        else argv[n++] = argv[i];
    }
    *argc = n;
    argv[n] = NULL;
    if (bad) return cli_error("--lang 只能是 zh 或 en（不是“%s”）", "--lang must be zh or en (not '%s')", badv);
    if (help) {
        cli_usage(stdout, cmd);
        return EXIT_GOOD;
    }
    return -1;
}

static void vfail(const char *fmt, va_list ap)
{
    fputs("dangan: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

int cli_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(fmt, ap);
    va_end(ap);
    return EXIT_USAGE;
}

int cli_error(const char *zh, const char *en, ...)
{
    va_list ap;
    va_start(ap, en);
    vfail(TR(zh, en), ap);
    va_end(ap);
    return EXIT_USAGE;
}

/* Digits only: strtoll would take a sign, leading blanks and "12x". */
static int parse_epoch(const char *s, long long *v)
{
    *v = 0;
    if (!*s) return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || *v > (MAX_SOURCE_DATE_EPOCH - (*s - '0')) / 10) return -1;
        *v = *v * 10 + (*s - '0');
    }
    return 0;
}

int cli_clock(time_t *when)
{
    const char *e = getenv("SOURCE_DATE_EPOCH");
    long long v;
    if (!e || !*e) {
        *when = time(NULL);
        return -1;
    }
    if (parse_epoch(e, &v) != 0)
        return cli_error("SOURCE_DATE_EPOCH 须为 0 到 %lld 之间的整数秒数（现在是“%.40s”）",
                         "SOURCE_DATE_EPOCH must be a whole number of seconds from 0 to %lld (it is '%.40s')",
                         MAX_SOURCE_DATE_EPOCH, e);
    *when = (time_t)v;
    return -1;
}
