/* serve_job.c — the clerk's bundle and anyone's verify, run as child
 * processes of this same binary (`dangan bundle`, `dangan verify`): the
 * command line's behaviour exactly, its memory and any failure kept out of
 * the server. One bundle runs at a time; its progress is the number of
 * dossiers and refusals already in its staging folder. The finished
 * bundle is zipped once (libzip) for download. */
#include "serve.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zip.h>

/* Runs self with argv, stdout and stderr to the file log (or a pipe read
 * into out when out is not NULL). Returns the child's pid, or -1. */
static pid_t spawn(const char *self, char **argv, const char *log, int *pipe_rd)
{
    int fds[2] = {-1, -1};
    if (pipe_rd && pipe(fds) != 0) return -1;
    pid_t pid = fork();
    if (pid < 0) { if (pipe_rd) { close(fds[0]); close(fds[1]); } return -1; }
    if (pid == 0) {
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        int fd = pipe_rd ? fds[1] : open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd >= 0) { dup2(fd, 1); dup2(fd, 2); }
        int nul = open("/dev/null", O_RDONLY);
        if (nul >= 0) dup2(nul, 0);
        /* Nothing of the server (sockets, database) leaks into the child. */
        for (int i = 3; i < 1024; i++) close(i);
        execv(self, argv);
        _exit(127);
    }
    if (pipe_rd) { close(fds[1]); *pipe_rd = fds[0]; }
    return pid;
}

static int count_in(const char *pattern)
{
    glob_t g;
    int n = glob(pattern, 0, NULL, &g) == 0 ? (int)g.gl_pathc : 0;
    globfree(&g);
    return n;
}

/* Statuses from the finished bundle: a dossier means 通过, a refusal 未通过. */
static void record_outcomes(serve *s)
{
    char **ids;
    int n = auth_with_status(s, "submitted", &ids);
    for (int i = 0; i < n; i++) {
        char *pdf = xasprintf("%s/dossiers/%s.pdf", s->job_dir, ids[i]);
        char *txt = xasprintf("%s/refused/%s.txt", s->job_dir, ids[i]);
        if (access(pdf, F_OK) == 0) auth_set_status(s, ids[i], "passed", "");
        else if (access(txt, F_OK) == 0) auth_set_status(s, ids[i], "failed", "未通过核对，见验证包 refused/ 中的说明");
        free(pdf);
        free(txt);
        free(ids[i]);
    }
    free(ids);
}

/* Collects a finished child; caller holds jobl. */
static void poll_job(serve *s)
{
    int st;
    if (s->job_pid <= 0 || waitpid(s->job_pid, &st, WNOHANG) != s->job_pid) return;
    s->job_pid = 0;
    /* bundle exits 1 when some submission was refused: still a bundle. */
    int ok = WIFEXITED(st) && (WEXITSTATUS(st) == 0 || WEXITSTATUS(st) == 1) && is_dir(s->job_dir);
    snprintf(s->job_state, sizeof s->job_state, "%s", ok ? "done" : "failed");
    if (ok) record_outcomes(s);
}

void job_bundle_start(serve *s, reply *r)
{
    pthread_mutex_lock(&s->jobl);
    poll_job(s);
    char **ids = NULL;
    int n = 0;
    if (!strcmp(s->job_state, "running")) reply_error(r, 409, "验证包正在生成，请等它完成");
    else if (!s->school) reply_error(r, 409, "服务器启动时没有给出 --school SCHOOL.xml，无法盖章签名");
    else if ((n = auth_with_status(s, "submitted", &ids)) == 0) reply_error(r, 409, "还没有已提交的材料");
    else {
        char *bdir = path_join(s->data, "bundles"), stamp[32];
        mkdir(bdir, 0755);
        time_t now = time(NULL);
        struct tm tm;
        strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", localtime_r(&now, &tm));
        free(s->job_dir);
        s->job_dir = xasprintf("%s/%s", bdir, stamp);
        for (int k = 2; access(s->job_dir, F_OK) == 0; k++) {
            free(s->job_dir);
            s->job_dir = xasprintf("%s/%s-%d", bdir, stamp, k);
        }
        char **argv = xcalloc((size_t)n + 8, sizeof *argv);
        int a = 0;
        argv[a++] = "dangan";
        argv[a++] = "bundle";
        for (int i = 0; i < n; i++) argv[a++] = xasprintf("%s/submissions/%s", s->data, ids[i]);
        argv[a++] = "--school";
        argv[a++] = s->school;
        argv[a++] = "-o";
        argv[a++] = s->job_dir;
        char *log = xasprintf("%s.log", s->job_dir);
        s->job_pid = spawn(s->self, argv, log, NULL);
        s->job_total = n;
        snprintf(s->job_state, sizeof s->job_state, "%s", s->job_pid > 0 ? "running" : "failed");
        r->status = s->job_pid > 0 ? 202 : 500;
        sb_printf(&r->body, "{\"state\":\"%s\",\"done\":0,\"total\":%d}", s->job_state, n);
        for (int i = 0; i < n; i++) free(argv[i + 2]);
        free(argv);
        free(log);
        free(bdir);
    }
    for (int i = 0; i < n; i++) free(ids[i]);
    free(ids);
    pthread_mutex_unlock(&s->jobl);
}

void job_bundle_status(serve *s, reply *r)
{
    pthread_mutex_lock(&s->jobl);
    poll_job(s);
    int done = 0;
    if (s->job_dir) {
        const char *dir = !strcmp(s->job_state, "running") ? "%s.tmp-*/%s/*" : "%s/%s/*";
        char *a = xasprintf(dir, s->job_dir, "dossiers"), *b = xasprintf(dir, s->job_dir, "refused");
        /* dossiers/ holds ID.pdf and ID.xml for each dossier. */
        done = count_in(a) / 2 + count_in(b);
        free(a);
        free(b);
        if (!strcmp(s->job_state, "done")) done = s->job_total;
    }
    r->status = 200;
    sb_printf(&r->body, "{\"state\":\"%s\",\"done\":%d,\"total\":%d}", s->job_state, done, s->job_total);
    pthread_mutex_unlock(&s->jobl);
}

static int zip_tree(zip_t *z, const char *root, const char *rel)
{
    char *dir = rel[0] ? path_join(root, rel) : xstrdup(root);
    DIR *d = opendir(dir);
    struct dirent *e;
    int rc = d ? 0 : -1;
    while (rc == 0 && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        char *r2 = rel[0] ? xasprintf("%s/%s", rel, e->d_name) : xstrdup(e->d_name);
        char *full = path_join(root, r2);
        if (is_dir(full)) rc = zip_tree(z, root, r2);
        else {
            zip_source_t *src = zip_source_file(z, full, 0, -1);
            if (!src || zip_file_add(z, r2, src, ZIP_FL_ENC_UTF_8) < 0) { zip_source_free(src); rc = -1; }
        }
        free(r2);
        free(full);
    }
    if (d) closedir(d);
    free(dir);
    return rc;
}

/* DIR/bundles/NAME.zip, made once (temporary name, then renamed). */
static char *bundle_zip(serve *s)
{
    char *zpath = xasprintf("%s.zip", s->job_dir), *tmp = xasprintf("%s.zip.tmp", s->job_dir);
    if (access(zpath, F_OK) == 0) { free(tmp); return zpath; }
    unlink(tmp);
    int zerr = 0;
    zip_t *z = zip_open(tmp, ZIP_CREATE | ZIP_EXCL, &zerr);
    int rc = z ? zip_tree(z, s->job_dir, "") : -1;
    if (z && rc == 0) rc = zip_close(z);
    else if (z) zip_discard(z);
    if (rc == 0) rc = rename(tmp, zpath);
    if (rc != 0) { unlink(tmp); free(zpath); zpath = NULL; }
    free(tmp);
    return zpath;
}

void job_bundle_zip(serve *s, reply *r)
{
    pthread_mutex_lock(&s->jobl);
    poll_job(s);
    if (strcmp(s->job_state, "done")) reply_error(r, 404, "还没有生成好的验证包");
    else if ((r->file = bundle_zip(s)) == NULL) reply_error(r, 500, "无法打包验证包");
    else {
        r->status = 200;
        r->type = "application/zip";
        r->disposition = "attachment; filename=\"bundle.zip\"";
    }
    pthread_mutex_unlock(&s->jobl);
}

void job_bundle_summary(serve *s, reply *r)
{
    pthread_mutex_lock(&s->jobl);
    poll_job(s);
    if (strcmp(s->job_state, "done")) reply_error(r, 404, "还没有生成好的验证包");
    else {
        r->status = 200;
        r->file = path_join(s->job_dir, "summary.pdf");
        r->type = "application/pdf";
        r->disposition = "inline; filename=\"summary.pdf\"";
    }
    pthread_mutex_unlock(&s->jobl);
}

void job_reap(serve *s)
{
    pthread_mutex_lock(&s->jobl);
    if (s->job_pid > 0) {
        /* A bundle builds in its own staging folder and renames at the
         * end: stopping it leaves nothing half-written in its place. */
        kill(s->job_pid, SIGTERM);
        waitpid(s->job_pid, NULL, 0);
        s->job_pid = 0;
    }
    free(s->job_dir);
    s->job_dir = NULL;
    pthread_mutex_unlock(&s->jobl);
}

/* Reads the child's output whole (verify prints a line or a few). */
static void read_all(int fd, strbuf *out)
{
    char buf[4096];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) != 0) {
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) break;
        if (out->len < (64u << 10)) sb_add(out, buf, (size_t)n);
    }
    close(fd);
}

void job_verify(serve *s, const char *pdf, size_t len, reply *r)
{
    if (len < 5 || memcmp(pdf, "%PDF-", 5)) { reply_error(r, 400, "请上传 PDF 文件（档案 PDF）"); return; }
    char *path = xasprintf("%s/.staging/verify-XXXXXX", s->data);
    int fd = mkstemp(path);
    if (fd < 0 || write(fd, pdf, len) != (ssize_t)len) {
        if (fd >= 0) { close(fd); unlink(path); }
        free(path);
        reply_error(r, 500, "服务器无法保存上传的文件");
        return;
    }
    close(fd);
    char *trust = path_join(s->data, "trust");
    char *argv[] = {"dangan", "verify", path, "--trust", trust, NULL};
    if (!is_dir(trust)) argv[3] = NULL;
    int rd = -1, st = 0;
    pid_t pid = spawn(s->self, argv, NULL, &rd);
    strbuf out;
    sb_init(&out);
    if (pid > 0) { read_all(rd, &out); waitpid(pid, &st, 0); }
    unlink(path);
    int intact = pid > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0;
    /* The tool names the file it read: the teacher sees only the verdict. */
    const char *msg = out.s ? out.s : "";
    const char *colon = strstr(msg, ": ");
    if (colon && !strncmp(msg, path, (size_t)(colon - msg))) msg = colon + 2;
    char *nl = strchr(msg, '\n');
    if (nl) *nl = 0;
    r->status = 200;
    sb_printf(&r->body, "{\"intact\":%s,\"signers\":[", intact ? "true" : "false");
    /* "完好，签名者（按顺序）：A（…）；B（…）": every signer, in order. */
    const char *who = intact ? strstr(msg, "签名者（按顺序）：") : NULL;
    for (int i = 0; who && *who; i++) {
        if (i == 0) who += strlen("签名者（按顺序）：");
        const char *stop = strstr(who, "；"), *paren = strstr(who, "（");
        const char *end = paren && (!stop || paren < stop) ? paren : stop ? stop : who + strlen(who);
        char *name = xstrndup(who, (size_t)(end - who));
        if (i) sb_puts(&r->body, ",");
        sb_json(&r->body, name);
        free(name);
        who = stop ? stop + strlen("；") : NULL;
    }
    sb_puts(&r->body, "],\"message\":");
    sb_json(&r->body, msg);
    sb_puts(&r->body, "}");
    sb_free(&out);
    free(trust);
    free(path);
}

/* After a restart the clerk still finds the last finished bundle: the
 * newest DIR/bundles/NAME that is a folder (a bundle is renamed into
 * place only when whole; staging folders are NAME.tmp-*). */
void job_recover(serve *s)
{
    char *pat = xasprintf("%s/bundles/*", s->data);
    glob_t g;
    if (glob(pat, 0, NULL, &g) == 0) {
        for (size_t i = g.gl_pathc; i-- > 0;) {   /* names are timestamps: sorted, newest last */
            const char *p = g.gl_pathv[i];
            if (strstr(p, ".tmp-") || !is_dir(p)) continue;
            free(s->job_dir);
            s->job_dir = xstrdup(p);
            snprintf(s->job_state, sizeof s->job_state, "done");
            char *a = xasprintf("%s/dossiers/*.pdf", p), *b = xasprintf("%s/refused/*.txt", p);
            s->job_total = count_in(a) + count_in(b);
            free(a);
            free(b);
            break;
        }
    }
    globfree(&g);
    free(pat);
}
