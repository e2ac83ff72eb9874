/* archive_report_pdf.c — the 检测报告 for people (archive_report.h): one
 * page as a rule, more when many dossiers — the filing's particulars, a
 * row per dossier with its result in each of the four categories, then
 * the items checked with the DA/T 70-2018 item each stands for. Laid out
 * like every other document: blocks → pages → PDF, by
 * templates/pages/report.xml. */
#include "archive_report.h"
#include "archive_db.h"
#include "layout_blocks.h"
#include "load_context.h"
#include "typeset.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

/* "通过 4/4" of a dossier's items in category c. */
static void category_cell(const check_list *l, check_category c, char out[32])
{
    int all = 0, ok = 0;
    for (int k = 0; k < l->n; k++) {
        if (l->v[k].cat != c) continue;
        all++;
        ok += l->v[k].passed;
    }
    snprintf(out, 32, "%s %d/%d", ok == all ? "通过" : "不通过", ok, all);
}

static void dossier_table(block_list *bl, const intake *in)
{
    static const char *const HEAD[] = {"序号", "档号", "跟岗编号", "姓名", "真实性", "完整性", "可用性", "安全性"};
    static const float W[] = {0.07f, 0.19f, 0.15f, 0.11f, 0.12f, 0.12f, 0.12f, 0.12f};
    block *tb = blocks_add_table(bl, 8, W, 1);
    for (int k = 0; k < 8; k++) blocks_add_cell(tb, HEAD[k], 1, 1);
    int row = 0;
    for (int i = 1; i < in->n; i++) {
        const check_list *l = &in->lists[i];
        if (!l->filed) continue;
        char no[16], num[96], cats[4][32];
        snprintf(no, sizeof no, "%d", ++row);
        if (l->version > 1) snprintf(num, sizeof num, "%s（第%ld版）", l->number, l->version);
        else snprintf(num, sizeof num, "%s", l->number);
        for (int c = 0; c < 4; c++) category_cell(l, (check_category)c, cats[c]);
        const char *cells[] = {no, num, l->id, l->teacher, cats[0], cats[1], cats[2], cats[3]};
        for (int k = 0; k < 8; k++) blocks_add_cell(tb, cells[k], 1, 0);
    }
}

/* The items as the first filed dossier has them, then the bundle's; the
 * result over every dossier. */
static void item_table(block_list *bl, const intake *in)
{
    static const char *const HEAD[] = {"类别", "DA/T 70-2018", "检测项", "结果"};
    static const float W[] = {0.14f, 0.18f, 0.50f, 0.18f};
    block *tb = blocks_add_table(bl, 4, W, 1);
    for (int k = 0; k < 4; k++) blocks_add_cell(tb, HEAD[k], 1, 1);
    const check_list *first = NULL;
    for (int i = 1; i < in->n && !first; i++) if (in->lists[i].filed) first = &in->lists[i];
    const check_list *lists[2] = {&in->lists[0], first};
    for (int c = 0; c < 4; c++)
        for (int s = 1; s >= 0; s--) {
            const check_list *l = lists[s];
            for (int k = 0; l && k < l->n; k++) {
                const check_item *it = &l->v[k];
                int dup = 0;   /* the bundle's list has an item once per problem */
                for (int j = 0; j < k; j++) dup |= !strcmp(l->v[j].code, it->code);
                if (it->cat != (check_category)c || dup) continue;
                const char *cells[] = {check_category_name(it->cat), it->item, it->name,
                                       s ? "全部通过" : "通过（整包）"};
                for (int m = 0; m < 4; m++) blocks_add_cell(tb, cells[m], 1, 0);
            }
        }
}

static void build_blocks(const archive *a, const intake *in, const char *name, time_t when, const char *manifest,
                         block_list *bl)
{
    char t[32], *line;
    report_time_text(when, t);
    int n = 0;
    for (int i = 1; i < in->n; i++) n += in->lists[i].filed;
    blocks_add(bl, BLOCK_HEADING, "h1", "电子档案四性检测报告")->level = 0;
    line = *a->county ? xasprintf("归档批次：%s　　档案库：%s（%s）", name, a->prefix, a->county)
                      : xasprintf("归档批次：%s　　档案库：%s", name, a->prefix);
    blocks_add(bl, BLOCK_PARA, "meta", line);
    free(line);
    line = xasprintf("检测时间：%s（UTC）　　检测依据：DA/T 70-2018《文书类电子档案检测一般要求》归档环节", t);
    blocks_add(bl, BLOCK_PARA, "meta", line);
    free(line);
    line = xasprintf("验证包清单 SHA-256：%s", manifest);
    blocks_add(bl, BLOCK_PARA, "meta", line);
    free(line);
    line = xasprintf("结论：%s。本次归档 %d 份档案，每份逐项检测真实性、完整性、可用性、安全性。",
                     intake_passed(in) ? "通过" : "不通过", n);
    blocks_add(bl, BLOCK_PARA, "meta", line);
    free(line);
    blocks_add(bl, BLOCK_HEADING, "h2", "一、逐份结果")->level = 1;
    dossier_table(bl, in);
    blocks_add(bl, BLOCK_HEADING, "h2", "二、检测项目")->level = 1;
    item_table(bl, in);
    line = xasprintf("检测：dangan archive（自动检测）　　　　签章：%s（数字签名）", a->signer);
    blocks_add(bl, BLOCK_PARA, "signature", line);
    free(line);
}

int report_typeset(const archive *a, block_list *bl, const char *title, const char *subject, const char *keywords,
                   time_t when, unsigned char **out, size_t *out_len, char *err, size_t errlen)
{
    /* typeset() reads the data folder, the schemas and the fonts from a
     * process context; the archive holds exactly those three. */
    context ctx = {.home = a->home, .schema_dir = a->schema_dir, .fonts = (font_set *)a->fonts};
    typeset_input ti = {.pages = "report", .blocks = bl, .title = title, .author = a->signer,
                        .subject = subject, .keywords = keywords};
    document *d = NULL;
    int rc = typeset_layout(&ctx, &ti, &d, err, errlen);
    if (rc == 0) rc = typeset_emit(&ctx, d, when, out, out_len, err, errlen);
    if (d) document_free(d);
    return rc;
}

int report_pdf(const archive *a, const intake *in, const char *name, time_t when, const char *manifest_sha,
               unsigned char **out, size_t *out_len, char *err, size_t errlen)
{
    block_list bl = {0};
    build_blocks(a, in, name, when, manifest_sha, &bl);
    char *title = xasprintf("电子档案四性检测报告 %s", name);
    int rc = report_typeset(a, &bl, title, "DA/T 70-2018 电子档案四性检测报告", name, when, out, out_len, err, errlen);
    blocks_free(&bl);
    free(title);
    return rc;
}
