/* archive_audit_pdf.c — `dangan audit ARCHIVE --pdf FILE` (archive_audit.h):
 * the audit as a PDF 检测报告 — the archive, the time, the verdict and
 * counts, then a row per problem — laid out by the filing's report
 * machinery (report_typeset, templates/pages/report.xml) and signed like
 * the filing's report, so the two read and verify alike. */
#include "archive_audit.h"
#include "archive_db.h"
#include "archive_report.h"
#include "layout_blocks.h"
#include "sign.h"
#include "util_lang.h"
#include "util.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The folder path would go in, resolved (FILE itself need not exist). */
static char *resolved_parent(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash ? xstrndup(path, slash == path ? 1 : (size_t)(slash - path)) : xstrdup(".");
    char *real = realpath(dir, NULL);
    free(dir);
    return real;
}

int audit_path_inside(const archive *a, const char *path)
{
    char *dir = resolved_parent(path), *arch = realpath(a->dir, NULL);
    size_t n = arch ? strlen(arch) : 0;
    int inside = dir && arch && !strncmp(dir, arch, n) && (dir[n] == '/' || !dir[n]);
    free(dir);
    free(arch);
    return inside;
}

static void problem_table(block_list *bl, const strbuf *lines)
{
    static const char *const HEAD[] = {"序号", "文件", "问题"};
    static const float W[] = {0.08f, 0.42f, 0.50f};
    block *tb = blocks_add_table(bl, 3, W, 1);
    for (int k = 0; k < 3; k++) blocks_add_cell(tb, HEAD[k], 1, 1);
    int row = 0;
    for (size_t at = 0; at < lines->len;) {
        const char *file = lines->s + at, *msg = file + strlen(file) + 1;
        char no[16];
        snprintf(no, sizeof no, "%d", ++row);
        const char *cells[] = {no, file, msg};
        for (int k = 0; k < 3; k++) blocks_add_cell(tb, cells[k], 1, 0);
        at = (size_t)(msg + strlen(msg) + 1 - lines->s);
    }
}

static void build_blocks(const archive *a, const audit_result *r, const strbuf *lines, time_t when, int signed_pdf,
                         block_list *bl)
{
    char t[32], *line;
    report_time_text(when, t);
    blocks_add(bl, BLOCK_HEADING, "h1", "电子档案长期保存审计检测报告")->level = 0;
    line = *a->county ? xasprintf("档案库：%s（%s）　　%s", a->prefix, a->county, a->dir)
                      : xasprintf("档案库：%s　　%s", a->prefix, a->dir);
    blocks_add(bl, BLOCK_PARA, "meta", line);
    free(line);
    line = xasprintf("审计时间：%s（UTC）　　依据：DA/T 70-2018《文书类电子档案检测一般要求》长期保存环节", t);
    blocks_add(bl, BLOCK_PARA, "meta", line);
    free(line);
    line = xasprintf("结论：%s。检查 %ld 份档案（%ld 个文件，%ld 份验证包清单），发现 %ld 个问题。",
                     r->problems ? "不通过" : "通过", r->dossiers, r->files, r->manifests, r->problems);
    blocks_add(bl, BLOCK_PARA, "meta", line);
    free(line);
    blocks_add(bl, BLOCK_HEADING, "h2", "发现的问题")->level = 1;
    if (lines->len) problem_table(bl, lines);
    else blocks_add(bl, BLOCK_PARA, "body", "未发现问题。");
    line = signed_pdf ? xasprintf("审计：dangan audit（自动检查，只读）　　　　签章：%s（数字签名）", a->signer)
                      : xstrdup("审计：dangan audit（自动检查，只读）　　　　未签名：无法读取档案库的签名密钥");
    blocks_add(bl, BLOCK_PARA, "signature", line);
    free(line);
}

int audit_pdf_write(const archive *a, const audit_result *r, const strbuf *lines, time_t when, const char *file,
              char *err, size_t errlen)
{
    int can_sign = access(a->cert, R_OK) == 0 && access(a->key, R_OK) == 0;
    block_list bl = {0};
    build_blocks(a, r, lines, when, can_sign, &bl);
    char t[32];
    report_time_text(when, t);
    char *title = xasprintf("电子档案长期保存审计检测报告 %s %s", a->prefix, t);
    unsigned char *pdf = NULL, *signed_pdf = NULL;
    size_t len = 0, signed_len = 0;
    int rc = report_typeset(a, &bl, title, "DA/T 70-2018 电子档案长期保存审计检测报告", a->prefix, when, &pdf, &len,
                            err, errlen);
    if (rc == 0 && can_sign)
        rc = pdf_sign(pdf, len, a->cert, a->key, a->signer, when, &signed_pdf, &signed_len, err, errlen);
    if (rc == 0 && write_file_atomic(file, signed_pdf ? signed_pdf : pdf, signed_pdf ? signed_len : len) != 0) {
        snprintf(err, errlen, TR("无法写入 %s：%s", "cannot write %s: %s"), file, errno_text(errno));
        rc = -1;
    }
    free(pdf);
    free(signed_pdf);
    free(title);
    blocks_free(&bl);
    return rc;
}
