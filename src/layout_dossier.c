/* layout_dossier.c — see layout_dossier.h.
 *
 * Records are printed in date order (then period), whatever file they came
 * from: a teacher may split observations over several files, the dossier
 * reads as one diary. */
#include "layout_dossier.h"
#include "check_award.h"
#include "util_date.h"
#include "util.h"
#include "load_xml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const WEEKDAY[] = {"", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日"};

static const char *kind_label(const char *kind)
{
    static const char *const K[][2] = {
        {"regular", "常规课"}, {"report", "汇报课"}, {"open", "公开课"}, {"demo", "示范课"},
        {"teaching", "教学反思"}, {"summary", "跟岗心得"}, {"research", "研修报告"},
        {"development", "自我专业发展报告"}, {"duty", "述职报告"}, {"notes", "学习笔记"},
        {"survey", "调研报告"}, {"standard", "规范课"}, {"analysis", "学科现状分析与改进建议"},
        {"talk", "专题讲座讲稿"}, {"plan", "项目策划方案"}, {"case", "实践案例"},
    };
    for (size_t i = 0; i < sizeof K / sizeof K[0]; i++)
        if (!strcmp(K[i][0], kind)) return K[i][1];
    return kind;
}

static const char *activity_label(const char *kind)
{
    static const char *const K[][2] = {
        {"research", "教研活动"}, {"class", "班级活动"}, {"lecture", "讲座"},
        {"meeting", "会议"}, {"other", "其他活动"}, {"prep", "主持集体备课"}, {"talk", "业务讲座"},
        {"seminar", "专题研讨会"}, {"forum", "论坛"}, {"contest", "技能比赛指导"},
        {"training", "集中培训"}, {"joint", "联合教研"},
    };
    for (size_t i = 0; i < sizeof K / sizeof K[0]; i++)
        if (!strcmp(K[i][0], kind)) return K[i][1];
    return "活动";
}

/* "2016年9月12日" */
static void date_zh(long day, char *buf, size_t len)
{
    int y, m, d;
    date_to_ymd(day, &y, &m, &d);
    snprintf(buf, len, "%d年%d月%d日", y, m, d);
}

static char *node_text(xmlNodePtr n)
{
    xmlChar *t = n ? xmlNodeGetContent(n) : NULL;
    char *s = xstrdup(t ? (const char *)t : "");
    xmlFree(t);
    return s;
}

static void add_para(block_list *out, const char *style, const char *text)
{
    blocks_add(out, BLOCK_PARA, style, text);
}

/* A line that belongs to what follows it — a record's meta line, a step's
 * label — and so never ends a page (layout keeps it with the next lines). */
static void add_label(block_list *out, const char *style, const char *text)
{
    blocks_add(out, BLOCK_PARA, style, text)->keep_with_next = 1;
}

static void add_heading(block_list *out, int level, const char *text, int in_toc)
{
    /* Every chapter starts on a new page, as in a bound dossier. */
    if (level == 0 && in_toc) blocks_add(out, BLOCK_PAGE_BREAK, NULL, NULL);
    static const char *const H[] = {"h1", "h2", "h3"};
    block *b = blocks_add(out, BLOCK_HEADING, H[level > 2 ? 2 : level], text);
    b->level = level;
    b->keep_with_next = 1;
    b->in_toc = in_toc;
}

/* Rich text: <p>, <list><item>, <figure>. Bare text (an <item> list
 * directly under e.g. <objectives>) is handled the same way. */
static void add_rich(const checked *c, xmlNodePtr parent, const char *style, block_list *out)
{
    int item = 0;
    for (xmlNodePtr n = parent ? parent->children : NULL; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE) continue;
        if (xml_is(n, "p")) {
            char *t = node_text(n);
            add_para(out, style, t);
            free(t);
        } else if (xml_is(n, "item")) {
            char *t = node_text(n), *line = xasprintf("%d. %s", ++item, t);
            add_para(out, "item", line);
            free(t);
            free(line);
        } else if (xml_is(n, "list")) {
            add_rich(c, n, style, out);
        } else if (xml_is(n, "figure")) {
            char *src = xml_attr(n, "src");
            block *b = blocks_add(out, BLOCK_FIGURE, "caption", NULL);
            b->path = path_join(c->sub.dir, src ? src : "");
            b->text = node_text(xml_child(n, "caption"));
            xmlFree(src);
        }
    }
}

static void add_cover(const checked *c, block_list *out)
{
    const submission *s = &c->sub;
    char from[32], to[32];
    date_zh(s->start, from, sizeof from);
    date_zh(s->end, to, sizeof to);
    /* The top of the cover stays free: the bureau's 归档章 goes there. */
    blocks_add(out, BLOCK_SPACE, NULL, NULL)->space = 110;
    blocks_add(out, BLOCK_PARA, "cover-title", c->prof && c->prof->title ? c->prof->title : "跟岗研修");
    blocks_add(out, BLOCK_PARA, "cover-sub", "跟岗研修档案");
    const char *rows[][2] = {
        {"姓　　名", s->teacher.name}, {"工作单位", s->teacher.school},
        {"跟岗学校", s->host.school}, {"指导教师", s->host.mentor},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char *line = xasprintf("%s：%s", rows[i][0], rows[i][1] ? rows[i][1] : "");
        add_para(out, "cover-field", line);
        free(line);
    }
    char *line = xasprintf("跟岗时间：%s至%s", from, to);
    add_para(out, "cover-field", line);
    free(line);
    line = xasprintf("档案编号：%s", s->id ? s->id : "");
    add_para(out, "cover-field", line);
    free(line);
    blocks_add(out, BLOCK_PAGE_BREAK, NULL, NULL);
    add_heading(out, 0, "目　　录", 0);
    blocks_add(out, BLOCK_TOC, "toc", NULL);
    blocks_add(out, BLOCK_PAGE_BREAK, NULL, NULL);
}

static void cell_pair(block *t, const char *label, const char *value, int span)
{
    blocks_add_cell(t, label, 1, 1);
    blocks_add_cell(t, value ? value : "", span, 0);
}

static void month_zh(long month, char *buf, size_t len)
{
    if (month < 0) snprintf(buf, len, "—");
    else snprintf(buf, len, "%ld年%ld月", month / 12, month % 12 + 1);
}

static void add_form(const checked *c, block_list *out)
{
    const submission *s = &c->sub;
    const teacher_info *t = &s->teacher;
    char born[32], work[32], from[32], to[32], periods[32], hp[32];
    month_zh(t->born, born, sizeof born);
    month_zh(t->work_start, work, sizeof work);
    date_zh(s->start, from, sizeof from);
    date_zh(s->end, to, sizeof to);
    snprintf(periods, sizeof periods, "%ld", t->weekly_periods);
    snprintf(hp, sizeof hp, "%ld", s->host.class_periods);
    add_heading(out, 0, "跟岗研修登记表", 1);
    static const float W[] = {0.18f, 0.32f, 0.18f, 0.32f};
    block *tb = blocks_add_table(out, 4, W, 0);
    cell_pair(tb, "姓名", t->name, 1);
    cell_pair(tb, "性别", t->gender, 1);
    cell_pair(tb, "出生年月", born, 1);
    cell_pair(tb, "参加工作", work, 1);
    cell_pair(tb, "学历", t->education, 1);
    cell_pair(tb, "职称", t->rank, 1);
    cell_pair(tb, "任教学科", t->subject, 1);
    cell_pair(tb, "任教年级", t->grade, 1);
    cell_pair(tb, "工作单位", t->school, 3);
    /* 学段 and 乡镇 only when given: most programs ask for neither. */
    cell_pair(tb, "周课时数", t->weekly_periods >= 0 ? periods : "—", t->stage ? 1 : 3);
    if (t->stage) cell_pair(tb, "任教学段", t->stage, 1);
    cell_pair(tb, "跟岗学校", s->host.school, s->host.township ? 1 : 3);
    if (s->host.township) cell_pair(tb, "所在乡镇", s->host.township, 1);
    cell_pair(tb, "指导教师", s->host.mentor, 1);
    cell_pair(tb, "跟岗班级", s->host.klass, 1);
    cell_pair(tb, "跟岗学科", s->host.subject, 1);
    cell_pair(tb, "班级课时", s->host.class_periods >= 0 ? hp : "—", 1);
    char *period = xasprintf("%s至%s", from, to);
    cell_pair(tb, "跟岗时间", period, 3);
    free(period);
    cell_pair(tb, "研修项目", c->prof ? c->prof->title : c->profile_id, 3);
    /* Seed 000 附件2 (跟岗教师考核表): attendance, leave and absence. */
    char days[32], leave[32], away[64];
    snprintf(days, sizeof days, "%ld天", c->sub.attendance_days >= 0 ? c->sub.attendance_days : c->v.attended);
    snprintf(leave, sizeof leave, "%ld天", c->v.leave_days);
    if (c->v.unexcused_days) snprintf(away, sizeof away, "无故缺勤%ld天", c->v.unexcused_days);
    else snprintf(away, sizeof away, "无");
    cell_pair(tb, "出勤天数", days, 1);
    cell_pair(tb, "病事假天数", leave, 1);
    cell_pair(tb, "擅自离岗情况", away, 3);
    cell_pair(tb, "跟岗工作总结", "见本档案“反思与研修成果”", 3);
}

static void add_checklist(const checked *c, block_list *out)
{
    add_heading(out, 0, "研修任务核对表", 1);
    static const float W[] = {0.40f, 0.22f, 0.22f, 0.16f};
    block *tb = blocks_add_table(out, 4, W, 1);
    const char *head[] = {"要求", "应达", "实际", "是否达到"};
    for (int i = 0; i < 4; i++) blocks_add_cell(tb, head[i], 1, 1);
    for (int i = 0; i < c->v.nrows; i++) {
        const req_row *r = &c->v.rows[i];
        blocks_add_cell(tb, r->label, 1, 0);
        blocks_add_cell(tb, r->required, 1, 0);
        blocks_add_cell(tb, r->actual, 1, 0);
        blocks_add_cell(tb, r->met ? "达到" : "未达到", 1, 0);
    }
}

/* The profile's award tables (points and allowance share by score band,
 * the allowance's maximum by township) and what this teacher gets. */
static void add_awards(const checked *c, block_list *out)
{
    const profile *p = c->prof;
    award_row a[2];
    int n = c->rules_run ? award_rows(&c->sub, p, &c->v, a) : 0;
    if (!n) return;
    add_heading(out, 1, "考核结果与待遇", 0);
    static const float WB[] = {0.25f, 0.35f, 0.2f, 0.2f};
    block *tb = blocks_add_table(out, 4, WB, 1);
    const char *head[] = {"考核成绩", "等次", "加分", "津贴"};
    for (int i = 0; i < 4; i++) blocks_add_cell(tb, head[i], 1, 1);
    for (int i = 0; i < p->nbands; i++) {
        const band *b = &p->bands[i];
        char range[48], pts[24], share[24];
        award_band_range(p, i, range, sizeof range);
        snprintf(pts, sizeof pts, b->points > 0 ? "加%g分" : b->points == 0 ? "不加分" : "—", b->points);
        snprintf(share, sizeof share, b->share > 0 ? "最高额的%g%%" : b->share == 0 ? "无" : "—", b->share);
        const char *row[] = {range, b->outcome, pts, share};
        for (int k = 0; k < 4; k++) blocks_add_cell(tb, row[k], 1, 0);
    }
    if (p->nrates) {
        static const float WR[] = {0.7f, 0.3f};
        block *tr = blocks_add_table(out, 2, WR, 1);
        blocks_add_cell(tr, "所在乡镇", 1, 1);
        blocks_add_cell(tr, "津贴最高额", 1, 1);
        for (int i = 0; i < p->nrates; i++) {
            strbuf t;
            sb_init(&t);
            for (int k = 0; k < p->rates[i].ntownships; k++) sb_printf(&t, "%s%s", k ? "、" : "", p->rates[i].townships[k]);
            if (!p->rates[i].ntownships) sb_puts(&t, "其他乡镇");
            char max[32];
            snprintf(max, sizeof max, "%ld%s", p->rates[i].max, p->unit);
            blocks_add_cell(tr, t.s, 1, 0);
            blocks_add_cell(tr, max, 1, 0);
            sb_free(&t);
        }
    }
    strbuf b;
    sb_init(&b);
    sb_puts(&b, "本人：");
    for (int i = 0; i < n; i++) sb_printf(&b, "%s%s：%s", i ? "；" : "", a[i].label, a[i].actual);
    sb_puts(&b, "。");
    add_para(out, "body", b.s);
    sb_free(&b);
}

static int cmp_rec(const void *a, const void *b)
{
    const record *x = *(const record *const *)a, *y = *(const record *const *)b;
    if (x->date != y->date) return x->date < y->date ? -1 : 1;
    if (x->period != y->period) return x->period - y->period;
    if (x->file != y->file) return x->file - y->file;
    return x->line < y->line ? -1 : x->line > y->line;
}

/* Records of one type in date order; caller frees the array. */
static const record **sorted(const submission *s, rec_type t, int *n)
{
    const record **v = xmalloc((s->nrecs + 1) * sizeof *v);
    *n = 0;
    for (size_t i = 0; i < s->nrecs; i++)
        if (s->recs[i].type == t) v[(*n)++] = &s->recs[i];
    qsort(v, (size_t)*n, sizeof *v, cmp_rec);
    return v;
}

static void add_journal(const checked *c, block_list *out)
{
    int n;
    const record **v = sorted(&c->sub, REC_DAY, &n);
    if (n) add_heading(out, 0, "研修日志", 1);
    for (int i = 0; i < n; i++) {
        char d[32];
        date_zh(v[i]->date, d, sizeof d);
        char *h = xasprintf("%s　%s", d, WEEKDAY[date_weekday(v[i]->date)]);
        add_heading(out, 2, h, 0);
        free(h);
        for (xmlNodePtr a = v[i]->node->children; a; a = a->next) {
            if (!xml_is(a, "activity")) continue;
            char *k = xml_attr(a, "kind"), *t = node_text(a);
            char *line = xasprintf("【%s】%s", activity_label(k ? k : ""), t);
            add_para(out, "body", line);
            free(line); free(t); xmlFree(k);
        }
        add_rich(c, v[i]->node, "body", out);
    }
    free(v);
}

/* The duties a program counts one by one (主持集体备课, 业务讲座, 专题研讨会,
 * 论坛, 技能比赛指导, 集中培训, 联合教研) gathered from the journal, one
 * table per kind, so a reader checks a count without leafing through days.
 * The everyday kinds (教研活动, 讲座 …) stay in the journal only. */
static void add_activities(const checked *c, block_list *out)
{
    static const char *const DUTIES[] = {"prep", "talk", "seminar", "forum", "contest", "training", "joint"};
    int n, started = 0;
    const record **v = sorted(&c->sub, REC_ACTIVITY, &n);
    for (size_t k = 0; k < sizeof DUTIES / sizeof DUTIES[0]; k++) {
        int count = 0;
        for (int i = 0; i < n; i++) count += !strcmp(v[i]->kind, DUTIES[k]);
        if (!count) continue;
        if (!started++) add_heading(out, 0, "研修活动一览", 1);
        char *h = xasprintf("%s（%d次）", activity_label(DUTIES[k]), count);
        add_heading(out, 1, h, 0);
        free(h);
        static const float W[] = {0.22f, 0.78f};
        block *tb = blocks_add_table(out, 2, W, 1);
        blocks_add_cell(tb, "日期", 1, 1);
        blocks_add_cell(tb, "内容", 1, 1);
        for (int i = 0; i < n; i++) {
            if (strcmp(v[i]->kind, DUTIES[k])) continue;
            char d[32], *t = node_text(v[i]->node);
            date_zh(v[i]->date, d, sizeof d);
            blocks_add_cell(tb, d, 1, 0);
            blocks_add_cell(tb, t, 1, 0);
            free(t);
        }
    }
    free(v);
}

/* "班级：五年级(1)班　学科：语文　执教：王建国" from whichever are present. */
static void add_meta(xmlNodePtr node, const char *const (*fields)[2], size_t nf, block_list *out)
{
    strbuf b;
    sb_init(&b);
    for (size_t i = 0; i < nf; i++) {
        char *t = xml_child_text(node, fields[i][0]);
        if (t && *t) sb_printf(&b, "%s%s：%s", b.len ? "　" : "", fields[i][1], t);
        free(t);
    }
    if (b.len) add_label(out, "meta", b.s);
    sb_free(&b);
}

static void add_observations(const checked *c, block_list *out)
{
    static const char *const META[][2] = {{"class", "班级"}, {"subject", "学科"}, {"teacher", "执教"}};
    int n;
    const record **v = sorted(&c->sub, REC_OBSERVATION, &n);
    if (n) add_heading(out, 0, "听课记录", 1);
    for (int i = 0; i < n; i++) {
        char d[32];
        date_zh(v[i]->date, d, sizeof d);
        char *topic = xml_child_text(v[i]->node, "topic");
        char *h = xasprintf("听课记录%d　%s第%d节　%s", i + 1, d, v[i]->period, topic ? topic : "");
        add_heading(out, 1, h, 0);
        free(h);
        free(topic);
        add_meta(v[i]->node, META, 3, out);
        add_rich(c, xml_child(v[i]->node, "notes"), "body", out);
        xmlNodePtr com = xml_child(v[i]->node, "comment");
        if (com) {
            add_heading(out, 2, "评课", 0);
            add_rich(c, com, "comment", out);
        }
    }
    free(v);
}

static void add_section(const checked *c, xmlNodePtr node, const char *child, const char *title,
                        block_list *out)
{
    xmlNodePtr n = xml_child(node, child);
    if (!n) return;
    add_heading(out, 2, title, 0);
    add_rich(c, n, "body", out);
}

static void add_steps(const checked *c, xmlNodePtr process, block_list *out)
{
    static const char *const NUM[] = {"一", "二", "三", "四", "五", "六", "七", "八", "九", "十"};
    add_heading(out, 2, "教学过程", 0);
    int i = 0;
    for (xmlNodePtr st = process->children; st; st = st->next) {
        if (!xml_is(st, "step")) continue;
        char *title = xml_attr(st, "title"), *min = xml_attr(st, "minutes");
        const char *tt = title ? title : "";
        char *h = i < 10 ? xasprintf("%s、%s", NUM[i], tt) : xasprintf("%d. %s", i + 1, tt);
        if (min) {
            char *hm = xasprintf("%s（%s分钟）", h, min);
            free(h);
            h = hm;
        }
        add_label(out, "step", h);
        free(h); xmlFree(title); xmlFree(min);
        add_rich(c, st, "body", out);
        i++;
    }
}

static void add_lessons(const checked *c, block_list *out)
{
    static const char *const META[][2] = {{"class", "班级"}, {"subject", "学科"}};
    int n;
    const record **v = sorted(&c->sub, REC_LESSON, &n);
    if (n) add_heading(out, 0, "教案", 1);
    for (int i = 0; i < n; i++) {
        char d[32];
        date_zh(v[i]->date, d, sizeof d);
        char *topic = xml_child_text(v[i]->node, "topic");
        char *h = xasprintf("教案%d　%s（%s）", i + 1, topic ? topic : "", kind_label(v[i]->kind));
        add_heading(out, 1, h, 0);
        free(h);
        free(topic);
        char *school = xml_attr(v[i]->node, "school");
        char *when = school ? xasprintf("%s第%d节　上课学校：%s", d, v[i]->period, school)
                            : xasprintf("%s第%d节", d, v[i]->period);
        add_label(out, "meta", when);
        free(when);
        xmlFree(school);
        add_meta(v[i]->node, META, 2, out);
        add_section(c, v[i]->node, "objectives", "教学目标", out);
        add_section(c, v[i]->node, "key-points", "教学重点", out);
        add_section(c, v[i]->node, "difficulties", "教学难点", out);
        xmlNodePtr p = xml_child(v[i]->node, "process");
        if (p) add_steps(c, p, out);
        add_section(c, v[i]->node, "board", "板书设计", out);
        add_section(c, v[i]->node, "record", "课堂实录", out);
        add_section(c, v[i]->node, "afterthought", "教学后记", out);
    }
    free(v);
}

/* Lessons taught at another school (走教, 送教): the timetable a receiving
 * school signs for, before the plans themselves. */
static void add_away(const checked *c, block_list *out)
{
    int n, count = 0;
    const record **v = sorted(&c->sub, REC_LESSON, &n);
    for (int i = 0; i < n; i++) count += v[i]->away;
    if (count) {
        add_heading(out, 0, "走教（送教）课表", 1);
        char *line = xasprintf("在其他学校上课共 %d 节。", count);
        add_para(out, "body", line);
        free(line);
        static const float W[] = {0.2f, 0.08f, 0.26f, 0.16f, 0.3f};
        block *tb = blocks_add_table(out, 5, W, 1);
        const char *head[] = {"日期", "节次", "学校", "班级", "课题"};
        for (int i = 0; i < 5; i++) blocks_add_cell(tb, head[i], 1, 1);
        for (int i = 0; i < n; i++) {
            if (!v[i]->away) continue;
            char d[32], p[8];
            date_zh(v[i]->date, d, sizeof d);
            snprintf(p, sizeof p, "%d", v[i]->period);
            char *school = xml_attr(v[i]->node, "school"), *klass = xml_child_text(v[i]->node, "class"),
                 *topic = xml_child_text(v[i]->node, "topic");
            const char *row[] = {d, p, school ? school : "", klass ? klass : "", topic ? topic : ""};
            for (int k = 0; k < 5; k++) blocks_add_cell(tb, row[k], 1, 0);
            xmlFree(school);
            free(klass);
            free(topic);
        }
    }
    free(v);
}

/* 师徒结对: who, from when to when, and what was done. */
static void add_mentoring(const checked *c, block_list *out)
{
    int n;
    const record **v = sorted(&c->sub, REC_MENTEE, &n);
    if (n) add_heading(out, 0, "师徒结对", 1);
    for (int i = 0; i < n; i++) {
        char *name = xml_child_text(v[i]->node, "name"), *school = xml_child_text(v[i]->node, "school");
        int student = !strcmp(v[i]->kind, "student");
        char *h = school ? xasprintf("%s：%s（%s）", student ? "结对学生" : "徒弟", name ? name : "", school)
                         : xasprintf("%s：%s", student ? "结对学生" : "徒弟", name ? name : "");
        add_heading(out, 1, h, 0);
        char from[32], to[32] = "跟岗结束";
        date_zh(v[i]->date, from, sizeof from);
        if (v[i]->to >= 0) date_zh(v[i]->to, to, sizeof to);
        char *meta = xasprintf("结对时间：%s至%s", from, to);
        add_para(out, "meta", meta);
        add_rich(c, v[i]->node, "body", out);
        free(h); free(meta); free(name); free(school);
    }
    free(v);
}

/* 网络研修: the courses with their 学时 and certificates in one table (the
 * total is what a profile's hours minimum counts), then each course's notes. */
static void add_studies(const checked *c, block_list *out)
{
    int n;
    long total = 0;
    const record **v = sorted(&c->sub, REC_STUDY, &n);
    if (n) {
        add_heading(out, 0, "网络研修", 1);
        static const float W[] = {0.18f, 0.31f, 0.21f, 0.08f, 0.22f};
        block *tb = blocks_add_table(out, 5, W, 1);
        const char *head[] = {"完成日期", "课程", "平台", "学时", "证明编号"};
        for (int k = 0; k < 5; k++) blocks_add_cell(tb, head[k], 1, 1);
        for (int i = 0; i < n; i++) {
            char d[32], h[16];
            date_zh(v[i]->date, d, sizeof d);
            snprintf(h, sizeof h, "%ld", v[i]->hours);
            total += v[i]->hours;
            char *title = xml_child_text(v[i]->node, "title"), *pl = xml_attr(v[i]->node, "platform"),
                 *cert = xml_attr(v[i]->node, "certificate");
            const char *row[] = {d, title ? title : "", pl ? pl : "", h, cert ? cert : "—"};
            for (int k = 0; k < 5; k++) blocks_add_cell(tb, row[k], 1, 0);
            free(title); xmlFree(pl); xmlFree(cert);
        }
        char t[32];
        snprintf(t, sizeof t, "%ld", total);
        blocks_add_cell(tb, "合计", 3, 1);
        blocks_add_cell(tb, t, 1, 0);
        blocks_add_cell(tb, "", 1, 0);
    }
    for (int i = 0; i < n; i++) {
        char *title = xml_child_text(v[i]->node, "title");
        add_heading(out, 1, title ? title : "网络研修", 0);
        free(title);
        add_rich(c, v[i]->node, "body", out);
    }
    free(v);
}

static void add_reflections(const checked *c, block_list *out)
{
    int n;
    const record **v = sorted(&c->sub, REC_REFLECTION, &n);
    if (n) add_heading(out, 0, "反思与研修成果", 1);
    for (int i = 0; i < n; i++) {
        char d[32];
        date_zh(v[i]->date, d, sizeof d);
        char *title = xml_child_text(v[i]->node, "title");
        add_heading(out, 1, title ? title : kind_label(v[i]->kind), 0);
        free(title);
        char *meta = xasprintf("%s　%s", kind_label(v[i]->kind), d);
        add_label(out, "meta", meta);
        free(meta);
        add_rich(c, v[i]->node, "body", out);
    }
    free(v);
}

/* All paragraphs of an opinion as the text of one table cell. */
static char *opinion_text(xmlNodePtr n)
{
    strbuf b;
    sb_init(&b);
    for (xmlNodePtr p = n ? n->children : NULL; p; p = p->next) {
        if (!xml_is(p, "p") && !xml_is(p, "item")) continue;
        char *t = node_text(p);
        sb_puts(&b, t);
        free(t);
    }
    return sb_steal(&b);
}

static void opinion_row(block *tb, const char *label, xmlNodePtr n, float min_height)
{
    char *t = opinion_text(n);
    blocks_add_cell(tb, label, 1, 1);
    cell *c = blocks_add_cell(tb, t, 3, 0);
    c->style = "cell-kai";
    c->min_height = min_height;
    free(t);
}

/* Seed 001 附件2 (学员鉴定表) as a ruled grid: results, then the mentor's
 * and the base school's opinions with room below for the school's seal,
 * then who signed and when. */
static void add_assessment(const checked *c, block_list *out)
{
    const submission *s = &c->sub;
    if (s->assessment < 0 || !s->files[s->assessment].doc) return;
    xmlNodePtr root = xmlDocGetRootElement(s->files[s->assessment].doc);
    add_heading(out, 0, "鉴定意见", 1);
    static const float W[] = {0.18f, 0.32f, 0.18f, 0.32f};
    block *tb = blocks_add_table(out, 4, W, 0);
    char days[32], score[32], hours[32];
    snprintf(days, sizeof days, "%ld天", s->attendance_days >= 0 ? s->attendance_days : c->v.attended);
    snprintf(score, sizeof score, "%g", s->score);
    snprintf(hours, sizeof hours, "%ld", c->v.hours);
    cell_pair(tb, "出勤天数", days, 1);
    cell_pair(tb, "考核成绩", s->has_score ? score : "—", 1);
    cell_pair(tb, "考核等次", c->v.outcome ? c->v.outcome : "—", 1);
    cell_pair(tb, "认定学时", c->v.hours >= 0 ? hours : "—", 1);
    opinion_row(tb, "指导教师意见", xml_child(root, "mentor-opinion"), 60);
    opinion_row(tb, "基地学校意见", xml_child(root, "school-opinion"), 110);
    xmlNodePtr sg = xml_child(root, "signed");
    if (sg) {
        char *by = xml_attr(sg, "by"), *date = xml_attr(sg, "date");
        long day;
        char d[32] = "";
        if (date && date_parse(date, &day) == 0) date_zh(day, d, sizeof d);
        char *line = xasprintf("指导教师：%s　　基地学校（盖章）：%s", s->host.mentor ? s->host.mentor : "",
                               s->host.school ? s->host.school : "");
        add_para(out, "signature", line);
        free(line);
        line = xasprintf("签署：%s　　%s", by ? by : "", d);
        blocks_add(out, BLOCK_PARA, "signature", line)->anchor = "seal";
        free(line); xmlFree(by); xmlFree(date);
    }
}

void dossier_blocks(const checked *c, block_list *out)
{
    add_cover(c, out);
    add_form(c, out);
    add_checklist(c, out);
    add_awards(c, out);
    add_journal(c, out);
    add_activities(c, out);
    add_observations(c, out);
    add_away(c, out);
    add_lessons(c, out);
    add_mentoring(c, out);
    add_studies(c, out);
    add_reflections(c, out);
    add_assessment(c, out);
}

char *dossier_header(const checked *c)
{
    return xasprintf("%s　%s", c->prof && c->prof->title ? c->prof->title : "跟岗研修档案",
                     c->sub.teacher.name ? c->sub.teacher.name : "");
}

char *dossier_keywords(const char *id, const char *start, const char *end, const char *home,
                       int has_score, double score, const char *outcome, long hours)
{
    char sc[32] = "—", hr[32] = "—";
    if (has_score) snprintf(sc, sizeof sc, "%g", score);
    if (hours >= 0) snprintf(hr, sizeof hr, "%ld学时", hours);
    return xasprintf("%s | %s/%s | %s | %s %s %s", id ? id : "", start, end, home ? home : "", sc,
                     outcome && *outcome ? outcome : "—", hr);
}
