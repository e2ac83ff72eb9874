/* cmd_init.c — `dangan profiles` and `dangan init DIR --profile ID`. */
#include "cmd_cli.h"
#include "util_lang.h"
#include "load_context.h"
#include "check_leftovers.h"
#include "util_date.h"
#include "load_profile.h"
#include "check_report.h"
#include "check_rules.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <dirent.h>

int cmd_profiles(int argc, char **argv)
{
    int pre = cli_begin("profiles", &argc, argv);
    if (pre >= 0) return pre;
    int json = argc == 1 && !strcmp(argv[0], "--json");
    if (argc > 1 || (argc == 1 && !json)) return cli_usage_error("profiles");
    context ctx;
    char err[1024];
    if (context_open(&ctx, 0, err, sizeof err) != 0) return cli_fail("%s", err);
    char **ids;
    int n, status = EXIT_GOOD;
    if (profile_ids(ctx.profile_dir, &ids, &n) != 0) {
        context_close(&ctx);
        return cli_error("无法读取 %s", "cannot read %s", ctx.profile_dir);
    }
    for (int i = 0; i < n; i++) {
        int nf;
        profile *p = profile_load(ctx.profile_dir, ctx.schema_dir, ids[i], &nf, err, sizeof err);
        if (!p) {
            cli_fail("%s", err);
            status = EXIT_USAGE;
        } else if (json) {
            fputs("{\"id\":", stdout);
            json_string(stdout, p->id);
            fputs(",\"title\":", stdout);
            json_string(stdout, p->title ? p->title : "");
            fputs(",\"seed\":", stdout);
            json_string(stdout, p->seed);
            printf(",\"requirements\":%d}\n", p->nreqs + (p->nbands > 0));
        } else {
            fputs(p->id, stdout);
            for (int w = display_width(p->id); w < 26; w++) fputc(' ', stdout);
            printf(TR("%s（依据 %s）\n", "%s (seed %s)\n"), p->title ? p->title : "", p->seed);
        }
        profile_free(p);
        free(ids[i]);
    }
    free(ids);
    context_close(&ctx);
    return status;
}

/* One line per requirement for the skeleton's comment. */
static void describe(const requirement *r, strbuf *b)
{
    static const char *const PER[] = {"", "每工作日", "每周", "每学期", "每学年"};
    char lab[128];
    selector_label(&r->sel, lab, sizeof lab);
    sb_puts(b, "       - ");
    switch (r->type) {
    case REQ_WINDOW: sb_puts(b, "跟岗须在项目规定的研修时间内"); break;
    case REQ_PERIOD: sb_printf(b, "跟岗时长 %ld—%ld 天", r->from, r->to); break;
    case REQ_ATTENDED: sb_printf(b, "出勤工作日 ≥%g 天", r->min); break;
    case REQ_COUNT: sb_printf(b, "%s%s ≥%g", PER[r->per], r->label ? r->label : lab, r->min); break;
    case REQ_RATIO: sb_printf(b, "%s ≥ %s 的 %g 倍", lab, r->of, r->min); break;
    case REQ_LENGTH: sb_printf(b, "%s ≥%g 个汉字", r->label ? r->label : "文字", r->min); break;
    case REQ_COMMENT: sb_puts(b, "每条听课记录要有评课意见 <comment>"); break;
    case REQ_ELIGIBLE: sb_printf(b, "参加条件：%s", r->label ? r->label : r->field); break;
    case REQ_ABSENCE: sb_printf(b, "%s缺勤不超过 %g 天", r->kind, r->max); break;
    case REQ_HOURS: sb_printf(b, "网络研修 ≥%g 学时（studies.xml）", r->min); break;
    }
    if (r->label && r->type != REQ_COUNT && r->type != REQ_LENGTH && r->type != REQ_ELIGIBLE)
        sb_printf(b, "（%s）", r->label);
    sb_puts(b, "\n");
}

static char *fill(const char *tpl, const char *const keys[], const char *const vals[], int n)
{
    strbuf b;
    sb_init(&b);
    for (const char *p = tpl; *p;) {
        int hit = -1;
        for (int i = 0; i < n && hit < 0; i++)
            if (!strncmp(p, keys[i], strlen(keys[i]))) hit = i;
        if (hit < 0) { sb_add(&b, p++, 1); continue; }
        sb_puts(&b, vals[hit]);
        p += strlen(keys[hit]);
    }
    return sb_steal(&b);
}

/* Written under a temporary name and renamed, so an interrupted init
 * never leaves a half file a teacher would then edit. */
static int write_file(const char *path, const char *text)
{
    char *tmp = xasprintf("%s.tmp", path);
    FILE *fp = fopen(tmp, "wx");
    int rc = fp ? 0 : -1;
    if (fp && (fputs(text, fp) < 0 || fclose(fp) != 0)) rc = -1;
    if (rc == 0 && rename(tmp, path) != 0) rc = -1;
    if (rc != 0) remove(tmp);
    free(tmp);
    return rc;
}

static int dir_is_empty(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return 0;
    struct dirent *e;
    int empty = 1;
    while (empty && (e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) empty = 0;
    closedir(d);
    return empty;
}

/* Text that goes inside an XML comment may not contain "--" (a profile's
 * title or label could): it would end the comment and break the file. */
static char *comment_safe(const char *s)
{
    strbuf b;
    sb_init(&b);
    for (; *s; s++) {
        sb_add(&b, s, 1);
        if (s[0] == '-' && s[1] == '-') sb_puts(&b, " ");
    }
    return sb_steal(&b);
}

static int write_skeleton(const context *ctx, const profile *p, const char *dir)
{
    static const char *const FILES[] = {"placement.xml", "journal.xml", "observations.xml",
                                        "lessons.xml", "reflections.xml", "mentoring.xml", "studies.xml"};
    strbuf reqs;
    sb_init(&reqs);
    for (int i = 0; i < p->nreqs; i++) describe(&p->reqs[i], &reqs);
    if (p->nbands) sb_printf(&reqs, "       - 考核分数 ≥%g 为%s\n", p->bands[0].min, p->bands[0].outcome);
    long today = (long)(time(NULL) / 86400);
    char start[11], end[11];
    date_format(today, start);
    date_format(today + 13, end);
    const char *keys[] = {"@PROFILE@", "@TITLE@", "@REQUIREMENTS@", "@ID@", "@START@", "@END@"};
    char *title = comment_safe(p->title ? p->title : ""), *req_text = comment_safe(reqs.s ? reqs.s : "");
    const char *vals[] = {p->id, title, req_text, SKELETON_ID, start, end};
    char *sk = path_join(ctx->home, "templates/skeleton");
    int rc = 0;
    for (size_t i = 0; i < sizeof FILES / sizeof FILES[0] && rc == 0; i++) {
        char *src = path_join(sk, FILES[i]), *dst = path_join(dir, FILES[i]), *tpl;
        size_t len;
        if (read_file(src, 1 << 20, &tpl, &len) != 0) {
            rc = cli_error("无法读取模板 %s", "cannot read template %s", src);
        } else {
            char *text = fill(tpl, keys, vals, 6);
            if (write_file(dst, text) != 0) rc = cli_error("无法写入 %s：%s", "cannot write %s: %s", dst, errno_text(errno));
            free(text);
            free(tpl);
        }
        free(src);
        free(dst);
    }
    free(sk);
    sb_free(&reqs);
    free(title);
    free(req_text);
    return rc;
}

int cmd_init(int argc, char **argv)
{
    int pre = cli_begin("init", &argc, argv);
    if (pre >= 0) return pre;
    const char *dir = NULL, *id = NULL;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--profile") && i + 1 < argc) id = argv[++i];
        else if (!strncmp(argv[i], "--profile=", 10)) id = argv[i] + 10;
        else if (argv[i][0] == '-' || dir) return cli_usage_error("init");
        else dir = argv[i];
    }
    if (!dir || !id) return cli_usage_error("init");
    context ctx;
    char err[1024];
    if (context_open(&ctx, 0, err, sizeof err) != 0) return cli_fail("%s", err);
    int nf, rc = EXIT_GOOD;
    profile *p = profile_load(ctx.profile_dir, ctx.schema_dir, id, &nf, err, sizeof err);
    if (!p) rc = nf ? cli_error("未知的研修项目“%s”：可用 dangan profiles 查看", "unknown program profile '%s': dangan profiles lists them", id) : cli_fail("%s", err);
    else if (mkdir(dir, 0777) != 0 && !(errno == EEXIST && dir_is_empty(dir)))
        rc = cli_error("%s 已存在且不是空文件夹（不会覆盖已有文件）", "%s exists and is not empty (nothing is overwritten)", dir);
    else if (write_skeleton(&ctx, p, dir) != 0)
        rc = EXIT_USAGE;
    else
        printf(TR("已在 %s 生成项目 %s 的提交骨架；填写后运行：dangan check %s\n",
                  "wrote a submission skeleton for %2$s into %1$s; fill it in, then run: dangan check %3$s\n"), dir, p->id, dir);
    profile_free(p);
    context_close(&ctx);
    return rc;
}
