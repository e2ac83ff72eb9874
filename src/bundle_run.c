/* bundle_run.c — a bundle run and a merge: the staging folder, the
 * submissions checked and built on worker processes (one per core; fonts
 * and schemas loaded once before the fork and shared copy-on-write), each
 * ending as a dossier or a refusal, then the 汇总表 and the signed
 * manifest (bundle_summary.c, bundle_manifest.c) and the rename into
 * place. What befalls one submission — it falls short, it cannot be
 * built, its id is another's — refuses that one only; only what concerns
 * the bundle itself (a folder missing, the disk full, the school file)
 * stops the run. See bundle.h. */
#include "bundle.h"
#include "verify_trust.h"
#include "typeset.h"
#include "check_run.h"
#include "check_report.h"
#include "load_school.h"
#include "util.h"
#include "load_xml.h"
#include "util_limits.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>


static const char *base_name(const char *dir)
{
    size_t l = strlen(dir);
    while (l > 1 && dir[l - 1] == '/') l--;
    const char *b = dir + l;
    while (b > dir && b[-1] != '/') b--;
    return b;
}

/* The base name of a folder without trailing slashes, owned. */
static char *folder_of(const char *dir)
{
    const char *b = base_name(dir);
    size_t l = strlen(b);
    while (l > 1 && b[l - 1] == '/') l--;
    return xstrndup(b, l);
}

/* s with every occurrence of the submission's path replaced by its
 * folder's base name: a refusal goes to the teacher, and the clerk's
 * folder layout is nobody else's business. */
static char *without_path(const char *s, const char *dir, const char *folder)
{
    strbuf b;
    sb_init(&b);
    size_t dl = strlen(dir);
    while (dl > 1 && dir[dl - 1] == '/') dl--;
    for (const char *p = s; *p;) {
        if (dl && !strncmp(p, dir, dl)) { sb_puts(&b, folder); p += dl; }
        else sb_add(&b, p++, 1);
    }
    return sb_steal(&b);
}

/* The first two errors, for the 汇总表's refused table. */
static char *first_reasons(const checked *c)
{
    strbuf b;
    sb_init(&b);
    int k = 0;
    for (size_t i = 0; i < c->f.n && k < 2; i++) {
        const finding *f = &c->f.v[i];
        if (f->sev != SEV_ERROR) continue;
        if (k++) sb_puts(&b, "；");
        if (*f->file) sb_printf(&b, f->line ? "%s:%ld: " : "%s: ", f->file, f->line);
        sb_puts(&b, f->msg_zh);
    }
    if (c->f.errors > 2) sb_printf(&b, "（另有 %zu 个错误）", c->f.errors - 2);
    return sb_steal(&b);
}

/* refused/ID.txt (what the teacher gets: the check report, and why no
 * dossier could be made when the check passed) and refused/ID.xml.
 * ours: the fault is the program's (a crash), not the submission's. */
static int refuse(const char *tmp, const char *id, const char *dir, const checked *c, const char *why,
                  int ours, char *err, size_t errlen)
{
    char *folder = folder_of(dir), *buf = NULL, *reason;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (c) report_text(f, folder, c, 0);
    if (why) {
        char *w = without_path(why, dir, folder);
        fprintf(f, "%s未能生成档案：%s\n%s\n", c ? "\n" : "", w,
                ours ? "这不是提交的问题：请把这份提交和本说明交给技术支持。" : "请改正后重新提交。");
        reason = xasprintf("未能生成档案：%s", w);
        free(w);
    } else {
        reason = first_reasons(c);
    }
    fclose(f);
    char *path = xasprintf("%s/refused/%s.txt", tmp, id);
    int rc = bundle_write_text(path, buf, len, err, errlen);
    if (rc == 0) rc = bundle_write_refusal_record(tmp, id, c, folder, 1, reason, err, errlen);
    free(path);
    free(buf);
    free(reason);
    free(folder);
    return rc;
}

/* The base school signs for the submissions it hosted, no others: a
 * submission naming another host is refused, with both names. */
static void check_host(checked *c, const school *sc)
{
    const char *host = c->sub.host.school;
    if (!host || !c->rules_run || !strcmp(host, sc->name)) return;
    finding_add(&c->f, SEV_ERROR, "host.mismatch", "placement.xml", 0, "host/school=SCHOOL.xml",
                "基地学校写的是“%s”，而本校（SCHOOL.xml）是“%s”：本校只能为在本校跟岗的教师盖章签名",
                "the host school is \"%s\", but this school (SCHOOL.xml) is \"%s\": a school signs only for "
                "teachers placed with it", host, sc->name);
}

/* One submission: its dossier and record, or its refusal. -1 only when
 * the bundle itself cannot be written (err says why). */
static int bundle_one(context *ctx, const school *sc, const char *tmp, const char *dir, const char *id,
                      time_t when, char *err, size_t errlen)
{
    checked c;
    char why[1024];
    if (check_submission(ctx, dir, NULL, &c, why, sizeof why) != 0)
        return refuse(tmp, id, dir, NULL, why, 0, err, errlen);
    check_host(&c, sc);
    int rc;
    if (checked_ok(&c) && c.rules_run) {
        build_options bo = {0, when, NULL};
        unsigned char *data = NULL;
        size_t len = 0;
        if (build_dossier_bytes(ctx, &c, &bo, sc, &data, &len, why, sizeof why) != 0) {
            rc = refuse(tmp, id, dir, &c, why, 0, err, errlen);
        } else {
            char *pdf = xasprintf("%s/dossiers/%s.pdf", tmp, id), *folder = folder_of(dir);
            rc = bundle_write_text(pdf, (const char *)data, len, err, errlen);
            if (rc == 0) rc = bundle_write_record(tmp, id, folder, &c, err, errlen);
            free(pdf);
            free(folder);
        }
        free(data);
    } else {
        rc = refuse(tmp, id, dir, &c, NULL, 0, err, errlen);
    }
    checked_free(&c);
    return rc;
}

/* Worker k of n: every n-th submission from k. Any error that stopped it
 * goes to tmp/.worker-K; exit status 0 or 1. Its results are the files it
 * wrote, read back by the parent like any bundle's (bundle_read_rows). */
static void worker(context *ctx, const school *sc, const char *tmp, char **dirs, char **ids, int ndirs,
                   time_t when, int k, int n)
{
    char err[1024] = "";
    int rc = 0;
    for (int i = k; i < ndirs && rc == 0; i += n)
        if (ids[i]) rc = bundle_one(ctx, sc, tmp, dirs[i], ids[i], when, err, sizeof err);
    if (rc != 0) {
        char *path = xasprintf("%s/.worker-%d", tmp, k);
        write_file_atomic(path, err, strlen(err));
        free(path);
    }
    _exit(rc ? 1 : 0);
}

/* What worker k left: nothing, or why it stopped. */
static int collect(const char *tmp, int k, char *err, size_t errlen)
{
    char *path = xasprintf("%s/.worker-%d", tmp, k), *data;
    size_t len;
    int rc = 0;
    if (read_file(path, 4096, &data, &len) == 0) {
        snprintf(err, errlen, "%.*s", (int)len, data);
        free(data);
        rc = -1;
    }
    unlink(path);
    free(path);
    return rc;
}

/* Files done so far (dossiers and refusals), for the progress line. */
static int done_count(const char *tmp)
{
    int n = 0;
    static const char *const SUB[] = {"dossiers", "refused"};
    for (int i = 0; i < 2; i++) {
        char *d = path_join(tmp, SUB[i]);
        DIR *dir = opendir(d);
        struct dirent *e;
        while (dir && (e = readdir(dir))) {
            size_t l = strlen(e->d_name);
            n += l > 4 && (!strcmp(e->d_name + l - 4, ".pdf") || !strcmp(e->d_name + l - 4, ".txt"));
        }
        if (dir) closedir(dir);
        free(d);
    }
    return n;
}

/* Waits for the workers; on a terminal, one line of progress: done/total,
 * rate and time left. 0, or -1 when a worker died. */
static int wait_workers(const char *tmp, int n, int total)
{
    int tty = isatty(2), left = n, died = 0;
    struct timespec t0, now;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    while (left > 0) {
        int st;
        pid_t p = tty ? waitpid(-1, &st, WNOHANG) : wait(&st);
        if (p > 0) {
            left--;
            died |= !WIFEXITED(st);
            continue;
        }
        if (p < 0) break;
        clock_gettime(CLOCK_MONOTONIC, &now);
        double s = (double)(now.tv_sec - t0.tv_sec) + (double)(now.tv_nsec - t0.tv_nsec) / 1e9;
        int done = done_count(tmp);
        double rate = s > 0 ? done / s : 0;
        fprintf(stderr, "\r%d/%d  %.1f 份/秒  剩余约 %.0f 秒   ", done, total, rate,
                rate > 0 ? (total - done) / rate : 0.0);
        struct timespec nap = {0, 200000000};
        nanosleep(&nap, NULL);
    }
    if (tty) fprintf(stderr, "\r%d/%d 完成%30s\n", total, total, "");
    return died ? -1 : 0;
}

/* 1 when submission id has its record, i.e. it is finished. */
static int finished(const char *tmp, const char *id)
{
    char *d = xasprintf("%s/dossiers/%s.xml", tmp, id), *r = xasprintf("%s/refused/%s.xml", tmp, id);
    int done = access(d, F_OK) == 0 || access(r, F_OK) == 0;
    free(d);
    free(r);
    return done;
}

/* The files a submission id may have in a bundle. */
static const char *const ID_FILES[] = {"dossiers/%s.pdf", "dossiers/%s.xml", "refused/%s.txt", "refused/%s.xml"};
#define NID_FILES 4

/* Leaves nothing of submission id in dir: its dossier, refusal and
 * records, and the temporary files of a write cut short (ID.pdf.tmp.XXXXXX:
 * any stray file would be signed into the manifest). Other ids' files
 * ("ID.1.pdf") are left alone. */
static void clear_id(const char *dir, const char *id)
{
    for (int k = 0; k < NID_FILES; k++) {
        char *rel = xasprintf(ID_FILES[k], id), *path = path_join(dir, rel);
        unlink(path);
        char *slash = strrchr(path, '/'), *stem = xasprintf("%s.tmp.", slash + 1);
        *slash = '\0';
        DIR *d = opendir(path);
        struct dirent *e;
        while (d && (e = readdir(d))) {
            if (strncmp(e->d_name, stem, strlen(stem))) continue;
            char *p = path_join(path, e->d_name);
            unlink(p);
            free(p);
        }
        if (d) closedir(d);
        free(stem); free(path); free(rel);
    }
}

/* 1 when dir holds any file of submission id. */
static int has_id(const char *dir, const char *id)
{
    int any = 0;
    for (int k = 0; k < NID_FILES && !any; k++) {
        char *rel = xasprintf(ID_FILES[k], id), *path = path_join(dir, rel);
        any = access(path, F_OK) == 0;
        free(rel);
        free(path);
    }
    return any;
}

/* After a worker crashed: every submission without a record is done
 * again, each in a process of its own, so that a crash refuses the one
 * submission that causes it and no other. 0, or -1 when the bundle
 * cannot be written. */
static int redo_unfinished(context *ctx, const school *sc, const char *tmp, char **dirs, char **ids, int ndirs,
                           time_t when, char *err, size_t errlen)
{
    int rc = 0;
    for (int i = 0; i < ndirs && rc == 0; i++) {
        if (!ids[i] || finished(tmp, ids[i])) continue;
        clear_id(tmp, ids[i]);
        fflush(NULL);
        pid_t pid = fork();
        if (pid == 0) {
            int r = bundle_one(ctx, sc, tmp, dirs[i], ids[i], when, err, errlen);
            _exit(r ? 1 : 0);
        }
        int st = 0;
        if (pid < 0 || waitpid(pid, &st, 0) != pid) {
            snprintf(err, errlen, "无法创建工作进程：%s", strerror(errno));
            return -1;
        }
        if (WIFEXITED(st) && WEXITSTATUS(st) != 0) {
            snprintf(err, errlen, "无法写入验证包 %s", tmp);
            rc = -1;
        } else if (!WIFEXITED(st)) {
            clear_id(tmp, ids[i]);
            char *why = xasprintf("处理这份提交时程序异常终止（信号 %d）", WTERMSIG(st));
            rc = refuse(tmp, ids[i], dirs[i], NULL, why, 1, err, errlen);
            free(why);
        }
    }
    return rc;
}

static int run_workers(context *ctx, const school *sc, const char *tmp, char **dirs, char **ids, int ndirs,
                       time_t when, int jobs, char *err, size_t errlen)
{
    int cores = jobs > 0 ? jobs : cpu_count();
    int n = cores > 64 ? 64 : cores;
    if (n > ndirs) n = ndirs;
    fflush(NULL);
    int rc = 0;
    for (int k = 0; k < n; k++) {
        pid_t pid = fork();
        if (pid == 0) worker(ctx, sc, tmp, dirs, ids, ndirs, when, k, n);
        if (pid < 0) {
            snprintf(err, errlen, "无法创建工作进程：%s", strerror(errno));
            n = k;
            rc = -1;
            break;
        }
    }
    int died = wait_workers(tmp, n, ndirs) != 0;
    for (int k = 0; k < n; k++)
        if (collect(tmp, k, err, errlen) != 0) rc = -1;
    if (rc == 0 && died) rc = redo_unfinished(ctx, sc, tmp, dirs, ids, ndirs, when, err, errlen);
    return rc;
}

/* ---- placement ids, before any work: duplicates refused up front ---- */

/* Names of refused/ID.txt and dossiers/ID.pdf come from the submission,
 * so they are held to placement/@id's pattern (common.xsd: a letter or
 * digit, then at most 63 of letters, digits, "_", "." and "-"): no path,
 * no hidden file, never too long for the file system. */
static int safe_id(const char *s)
{
    size_t n = strlen(s);
    if (n < 1 || n > 64 || !((*s >= '0' && *s <= '9') || (*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z')))
        return 0;
    for (; *s; s++)
        if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-", *s)) return 0;
    return 1;
}

/* The submission's placement id; when placement.xml cannot be read or
 * its id is not one (the worker then refuses it for that), the folder's
 * base name, or "submission-N" when even that will not do. Read with the
 * same guarded parser as every submission file; a symbolic link is not
 * followed (check refuses it). */
static char *placement_id(const char *dir, int index)
{
    char *path = path_join(dir, "placement.xml"), msg[256], *id = NULL;
    struct stat st;
    xmlDocPtr doc = lstat(path, &st) == 0 && S_ISREG(st.st_mode) ? xml_load_data(path, msg, sizeof msg) : NULL;
    free(path);
    char *v = doc ? xml_attr(xmlDocGetRootElement(doc), "id") : NULL;
    if (v && safe_id(v)) id = xstrdup(v);
    xmlFree(v);
    if (doc) xmlFreeDoc(doc);
    if (!id) {
        char *f = folder_of(dir);
        id = f[0] && strlen(f) <= 64 && f[0] != '.' && !strchr(f, '\\') ? xstrdup(f) : xasprintf("submission-%d", index + 1);
        free(f);
    }
    return id;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The one refusal of n submissions (folders: their base names) that share
 * one id. */
static int refuse_shared_id(const char *tmp, const char *id, const char *folders, int n, char *err, size_t errlen)
{
    char *why = xasprintf("跟岗编号 %s 同时用于 %d 份提交（%s）：一个编号只能对应一份档案，这 %d 份都未打包。"
                          "请核对各份 placement.xml 的 placement/@id，改正后重新打包。", id, n, folders, n);
    char *txt = xasprintf("%s\n", why), *path = xasprintf("%s/refused/%s.txt", tmp, id);
    int rc = bundle_write_text(path, txt, strlen(txt), err, errlen);
    if (rc == 0) rc = bundle_write_refusal_record(tmp, id, NULL, folders, n, why, err, errlen);
    free(path);
    free(txt);
    free(why);
    return rc;
}

/* Every group of submissions sharing one id is refused as a whole (one
 * refusal naming the id and every folder: which of them is right, only
 * the teachers can say), and its ids[] cleared so no worker builds it. */
static int refuse_duplicates(const char *tmp, char **dirs, char **ids, int n, char *err, size_t errlen)
{
    char **sorted = xmalloc(((size_t)n + 1) * sizeof *sorted);
    memcpy(sorted, ids, (size_t)n * sizeof *sorted);
    qsort(sorted, (size_t)n, sizeof *sorted, cmp_str);
    int rc = 0;
    for (int i = 0; i < n && rc == 0;) {
        int j = i + 1;
        while (j < n && !strcmp(sorted[j], sorted[i])) j++;
        if (j - i > 1) {
            char *id = xstrdup(sorted[i]);
            strbuf folders;
            sb_init(&folders);
            for (int k = 0; k < n; k++) {
                if (!ids[k] || strcmp(ids[k], id)) continue;
                char *f = folder_of(dirs[k]);
                sb_printf(&folders, "%s%s", folders.len ? "、" : "", f);
                free(f);
                free(ids[k]);
                ids[k] = NULL;
            }
            rc = refuse_shared_id(tmp, id, folders.s, j - i, err, errlen);
            free(id);
            sb_free(&folders);
        }
        i = j;
    }
    free(sorted);
    return rc;
}

/* ---- the staging folder and the end of a run ---- */

static int load_signing_school(context *ctx, const char *file, school *sc, char *err, size_t errlen)
{
    char *xsd = path_join(ctx->schema_dir, "school.xsd");
    int rc = school_load(file, xsd, sc, err, errlen);
    free(xsd);
    if (rc == 0 && !sc->cert) {
        snprintf(err, errlen, "%s 没有 <signer>：验证包必须由学校签名", file);
        school_free(sc);
        rc = -1;
    }
    return rc;
}

/* A staging folder beside out (out.tmp-XXXXXX, with dossiers/ and
 * refused/), renamed into place only when the bundle is whole. mkdtemp
 * makes it private; it gets the mode of any new folder under the user's
 * umask, as the rest of the bundle does. NULL with err on failure,
 * nothing left behind. */
static char *open_staging(const char *out, char *err, size_t errlen)
{
    char *tmp = xasprintf("%s.tmp-XXXXXX", out);
    if (!mkdtemp(tmp)) {
        snprintf(err, errlen, "无法创建 %s：%s", tmp, strerror(errno));
        free(tmp);
        return NULL;
    }
    char *dd = path_join(tmp, "dossiers"), *rd = path_join(tmp, "refused");
    int bad = chmod(tmp, dir_mode()) || mkdir(dd, 0777) || mkdir(rd, 0777);
    if (bad) snprintf(err, errlen, "无法在 %s 中建立文件夹：%s", tmp, strerror(errno));
    free(dd);
    free(rd);
    if (bad) {
        bundle_remove_tree(tmp);
        free(tmp);
        return NULL;
    }
    return tmp;
}

static int refuse_overwrite(const char *out, char *err, size_t errlen)
{
    if (access(out, F_OK) != 0) return 0;
    snprintf(err, errlen, "%s 已存在：验证包不会覆盖已有的文件夹", out);
    return 1;
}

/* What a run and a merge begin alike with: the signing school loaded and
 * the staging folder made. The staging folder, or NULL (err says why;
 * nothing to free). */
static char *begin(context *ctx, const char *school_file, const char *out, school *sc, char *err, size_t errlen)
{
    if (load_signing_school(ctx, school_file, sc, err, errlen) != 0) return NULL;
    char *tmp = open_staging(out, err, errlen);
    if (!tmp) school_free(sc);
    return tmp;
}

/* What a run and a merge end alike with: the rows read back from the
 * records, the 汇总表 as CSV and PDF, the signed manifest, then the
 * staging folder renamed to out. expected: how many submissions went in
 * (-1: not known, a merge). On failure the staging folder is removed. */
static int finish_bundle(context *ctx, const school *sc, char *tmp, const char *out, time_t when,
                         int expected, bundle_result *r, char *err, size_t errlen)
{
    int n, rc = 0;
    bundle_row *rows = bundle_read_rows(tmp, &n);
    for (int i = 0; i < n; i++) {
        if (rows[i].refused) r->refused += rows[i].nsubs;
        else r->passed++;
    }
    if (expected >= 0 && r->passed + r->refused != expected) {
        /* Cannot happen while every submission ends as a record; said
         * rather than signed over if it ever does. */
        snprintf(err, errlen, "%d 份提交中只有 %d 份有结果", expected, r->passed + r->refused);
        rc = -1;
    }
    if (rc == 0) rc = bundle_write_summary(ctx, sc, tmp, rows, n, when, err, errlen);
    bundle_free_rows(rows, n);
    if (rc == 0) rc = bundle_write_manifest(tmp, sc, when, err, errlen);
    if (rc == 0 && rename(tmp, out) != 0) {
        snprintf(err, errlen, "无法把 %s 改名为 %s：%s", tmp, out, strerror(errno));
        rc = -1;
    }
    if (rc != 0) bundle_remove_tree(tmp);
    return rc;
}

/* The submissions of shard k of n: every n-th in name order, from the
 * k-th, so that n machines given the same list cover it exactly once. */
static char **shard_of(char **dirs, int ndirs, int k, int n, int *out_n)
{
    char **v = xmalloc(((size_t)ndirs + 1) * sizeof *v);
    memcpy(v, dirs, (size_t)ndirs * sizeof *v);
    qsort(v, (size_t)ndirs, sizeof *v, cmp_str);
    int m = 0;
    for (int i = 0; i < ndirs; i++)
        if (n <= 0 || i % n == k - 1) v[m++] = v[i];
    *out_n = m;
    return v;
}

static int bundle_build(context *ctx, char **dirs, int ndirs, const char *school_file, const char *out,
                        time_t when, int jobs, bundle_result *r, char *err, size_t errlen)
{
    if (refuse_overwrite(out, err, errlen)) return -1;
    for (int i = 0; i < ndirs; i++)
        if (!is_dir(dirs[i])) { snprintf(err, errlen, "找不到提交文件夹 %s", dirs[i]); return -1; }
    school sc;
    char *tmp = begin(ctx, school_file, out, &sc, err, errlen);
    if (!tmp) return -1;
    char **ids = xcalloc((size_t)ndirs + 1, sizeof *ids);
    for (int i = 0; i < ndirs; i++) ids[i] = placement_id(dirs[i], i);
    int rc = refuse_duplicates(tmp, dirs, ids, ndirs, err, errlen);
    if (rc == 0 && ndirs > 0) rc = run_workers(ctx, &sc, tmp, dirs, ids, ndirs, when, jobs, err, errlen);
    if (rc == 0) rc = finish_bundle(ctx, &sc, tmp, out, when, ndirs, r, err, errlen);
    else bundle_remove_tree(tmp);
    for (int i = 0; i < ndirs; i++) free(ids[i]);
    free(ids);
    free(tmp);
    school_free(&sc);
    return rc;
}

int bundle_make(context *ctx, char **all, int nall, const char *school_file, const char *out,
                const bundle_options *o, bundle_result *r, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    int ndirs;
    char **dirs = shard_of(all, nall, o->shard, o->shards, &ndirs);
    int rc = bundle_build(ctx, dirs, ndirs, school_file, out, o->when, o->jobs, r, err, errlen);
    free(dirs);
    return rc;
}

/* ---- merge ---- */

/* The submission id a bundle file belongs to ("dossiers/X.1.pdf" → X.1),
 * or NULL. */
static char *id_of(const char *rel)
{
    const char *s = !strncmp(rel, "dossiers/", 9) ? rel + 9 : !strncmp(rel, "refused/", 8) ? rel + 8 : NULL;
    const char *dot = s ? strrchr(s, '.') : NULL;
    return dot && dot > s ? xstrndup(s, (size_t)(dot - s)) : NULL;
}

/* For each of id's files in a and b: -1 neither has it, 0 both have it
 * with the same bytes, 1 otherwise. Returns the largest. */
static int compare_id(const char *a, const char *b, const char *id)
{
    int worst = -1;
    for (int k = 0; k < NID_FILES; k++) {
        char *rel = xasprintf(ID_FILES[k], id), *pa = path_join(a, rel), *pb = path_join(b, rel), *da, *db;
        size_t la, lb;
        int ha = read_file(pa, MAX_BUNDLE_FILE, &da, &la) == 0, hb = read_file(pb, MAX_BUNDLE_FILE, &db, &lb) == 0;
        int v = !ha && !hb ? -1 : ha && hb && la == lb && !memcmp(da, db, la) ? 0 : 1;
        if (v > worst) worst = v;
        if (ha) free(da);
        if (hb) free(db);
        free(rel); free(pa); free(pb);
    }
    return worst;
}

static int copy_id(const char *part, const char *tmp, const char *id, char *err, size_t errlen)
{
    int rc = 0;
    for (int k = 0; k < NID_FILES && rc == 0; k++) {
        char *rel = xasprintf(ID_FILES[k], id), *from = path_join(part, rel), *to = path_join(tmp, rel), *data;
        size_t len;
        if (access(from, F_OK) == 0) {
            if (read_file(from, MAX_BUNDLE_FILE, &data, &len) != 0) {
                snprintf(err, errlen, "无法读取 %s", from);
                rc = -1;
            } else {
                rc = bundle_write_text(to, data, len, err, errlen);
                free(data);
            }
        }
        free(rel); free(from); free(to);
    }
    return rc;
}

/* Ids met in two shards: the folders of each (joined by "、") and how
 * many submissions they are. */
typedef struct clash { char *id; strbuf folders; int n; } clash;
typedef struct clashes { clash *v; int n; } clashes;

static void add_clash(clashes *cs, const char *dir, const char *id)
{
    clash *c = NULL;
    for (int i = 0; i < cs->n && !c; i++)
        if (!strcmp(cs->v[i].id, id)) c = &cs->v[i];
    if (!c) {
        cs->v = xrealloc(cs->v, (size_t)(cs->n + 1) * sizeof *cs->v);
        c = &cs->v[cs->n++];
        c->id = xstrdup(id);
        sb_init(&c->folders);
        c->n = 0;
    }
    bundle_row r;
    if (bundle_read_row(dir, id, &r) != 0) return;
    sb_printf(&c->folders, "%s%s", c->folders.len ? "、" : "", *r.folders ? r.folders : "?");
    c->n += r.nsubs > 0 ? r.nsubs : 1;
    bundle_free_row(&r);
}

/* Copies a shard's dossiers, refusals and their records into tmp, id by
 * id. An id already there with the same files is the same submission
 * given to two shards (an error: the lists overlapped); with other files,
 * two submissions share the id, and the clash is noted. */
static int merge_part(const char *part, const char *tmp, clashes *cs, char *err, size_t errlen)
{
    int nf, rc = 0, nids = 0;
    char **files = bundle_files(part, &nf), **ids = xmalloc(((size_t)nf + 1) * sizeof *ids);
    for (int i = 0; i < nf; i++) {
        char *id = id_of(files[i]);
        if (id) ids[nids++] = id;
        free(files[i]);
    }
    free(files);
    qsort(ids, (size_t)nids, sizeof *ids, cmp_str);
    for (int i = 0; i < nids; i++) {
        if (rc != 0 || (i > 0 && !strcmp(ids[i], ids[i - 1]))) continue;
        int c = compare_id(part, tmp, ids[i]);
        int there = 0;
        for (int k = 0; k < cs->n; k++) there |= !strcmp(cs->v[k].id, ids[i]);
        if (there) {
            add_clash(cs, part, ids[i]);
        } else if (c == 0) {
            snprintf(err, errlen, "跟岗编号 %s 出现在两个分片中：同一份提交被处理了两次", ids[i]);
            rc = -1;
        } else if (!has_id(tmp, ids[i])) {
            rc = copy_id(part, tmp, ids[i], err, errlen);
        } else {
            add_clash(cs, tmp, ids[i]);
            add_clash(cs, part, ids[i]);
        }
    }
    for (int i = 0; i < nids; i++) free(ids[i]);
    free(ids);
    return rc;
}

/* Each id two shards gave: what the first shard's files said is
 * replaced by one refusal naming every folder. */
static int refuse_clashes(const char *tmp, clashes *cs, char *err, size_t errlen)
{
    int rc = 0;
    for (int i = 0; i < cs->n; i++) {
        clear_id(tmp, cs->v[i].id);
        if (rc == 0) rc = refuse_shared_id(tmp, cs->v[i].id, cs->v[i].folders.s, cs->v[i].n, err, errlen);
        free(cs->v[i].id);
        sb_free(&cs->v[i].folders);
    }
    free(cs->v);
    return rc;
}

/* Every shard must be signed by this school's own certificate: a merge
 * re-signs with the school's key, so a shard from anyone else would be
 * laundered into a genuine-looking bundle. */
static int verify_parts(char **parts, int nparts, const school *sc, char *err, size_t errlen)
{
    trust *t = trust_new();
    int rc = trust_add(t, sc->cert, err, errlen);
    bundle_check c = {t, time(NULL), NULL, NULL};
    for (int i = 0; i < nparts && rc == 0; i++) {
        char *signer = NULL;
        int v = bundle_verify(parts[i], &c, stderr, &signer, err, errlen);
        free(signer);
        if (v != 1) {
            if (v == 0) snprintf(err, errlen, "分片 %s 不完好，或不是本校（%s）的证书签名的（见上）", parts[i], sc->name);
            rc = -1;
        }
    }
    trust_free(t);
    return rc;
}

int bundle_merge(context *ctx, char **parts, int nparts, const char *school_file, const char *out,
                 time_t when, bundle_result *r, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    if (refuse_overwrite(out, err, errlen)) return -1;
    school sc;
    char *tmp = begin(ctx, school_file, out, &sc, err, errlen);
    if (!tmp) return -1;
    int rc = verify_parts(parts, nparts, &sc, err, errlen);
    clashes cs = {NULL, 0};
    for (int i = 0; i < nparts && rc == 0; i++) rc = merge_part(parts[i], tmp, &cs, err, errlen);
    int rc2 = refuse_clashes(tmp, &cs, err, errlen);
    if (rc == 0) rc = rc2;
    if (rc == 0) rc = finish_bundle(ctx, &sc, tmp, out, when, -1, r, err, errlen);
    else bundle_remove_tree(tmp);
    free(tmp);
    school_free(&sc);
    return rc;
}
