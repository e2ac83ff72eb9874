/* archive_check_pdf.c — the 可用性 items of the 四性检测 (archive_check.h):
 * the PDF/A-1b self-check that can be done from the structure (XMP
 * pdfaid, OutputIntent, fonts embedded, no encryption, no transparency;
 * tests/tools/pdfa.py is the full checker), and poppler run as a child
 * process: pdftoppm renders page 1 (the dossier opens in a reader),
 * pdftotext reads page 1's text (the cover says what the record says),
 * for many dossiers at once in a bounded pool (tool_pool) while the
 * in-process items are checked.
 * A child gets no input, a bounded CPU time and address space: a hostile
 * PDF may crash or stall the renderer, never the archive; on Linux it is
 * killed should the archive die first. */
#include "archive_check_int.h"
#include "util_lang.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#define CHILD_CPU 60                    /* seconds */
#define CHILD_MEM (2048ul << 20)        /* bytes of address space */
#define TEXT_MAX (1u << 20)
#define PPM_MAX (64ul << 20)            /* a 10 dpi page 1 larger than this is not an image we accept */

/* prog's full path on PATH, malloc'd, or NULL. */
static char *on_path(const char *prog)
{
    const char *path = getenv("PATH");
    char *dirs = xstrdup(path ? path : "/usr/bin:/bin"), *save = NULL, *found = NULL;
    for (char *d = strtok_r(dirs, ":", &save); d && !found; d = strtok_r(NULL, ":", &save)) {
        char *f = path_join(*d ? d : ".", prog);
        if (access(f, X_OK) == 0) found = f;
        else free(f);
    }
    free(dirs);
    return found;
}

int tools_find(tools *tl, char *err, size_t errlen)
{
    memset(tl, 0, sizeof *tl);
    tl->pdftoppm = on_path("pdftoppm");
    tl->pdftotext = on_path("pdftotext");
    if (tl->pdftoppm && tl->pdftotext) return 0;
    snprintf(err, errlen, TR("找不到 %s（poppler-utils）：无法做可用性检测（GD-3-4），未归档；请安装 poppler-utils（sh setup.sh）",
                             "%s (poppler-utils) not found: the usability check (GD-3-4) cannot run, nothing filed; install poppler-utils (sh setup.sh)"),
             tl->pdftoppm ? "pdftotext" : "pdftoppm");
    tools_free(tl);
    return -1;
}

void tools_free(tools *tl)
{
    free(tl->pdftoppm);
    free(tl->pdftotext);
    memset(tl, 0, sizeof *tl);
}

static void child(char *const argv[], int out_fd, pid_t parent)
{
#ifdef __linux__
    prctl(PR_SET_PDEATHSIG, SIGKILL);   /* none outlives an archive killed mid-intake */
#endif
    if (getppid() != parent) _exit(126);
    int nul = open("/dev/null", O_RDWR);
    if (nul < 0) _exit(126);
    dup2(nul, 0);
    dup2(nul, 2);
    dup2(out_fd, 1);
    struct rlimit cpu = {CHILD_CPU, CHILD_CPU}, mem = {CHILD_MEM, CHILD_MEM};
    setrlimit(RLIMIT_CPU, &cpu);
    setrlimit(RLIMIT_AS, &mem);
    execv(argv[0], argv);
    _exit(127);
}

/* Starts argv (argv[0] a full path), its stdout into a pipe (*out_fd).
 * The child's pid, or -1. The pipe's ends are close-on-exec: no other
 * child holds them. */
static pid_t spawn_tool(char *const argv[], int *out_fd)
{
    int fds[2];
    if (pipe(fds) != 0) return -1;
    fcntl(fds[0], F_SETFD, FD_CLOEXEC);
    fcntl(fds[1], F_SETFD, FD_CLOEXEC);
    fflush(NULL);
    pid_t parent = getpid(), pid = fork();
    if (pid == 0) {
        close(fds[0]);
        child(argv, fds[1], parent);
    }
    close(fds[1]);
    if (pid < 0) close(fds[0]);
    else *out_fd = fds[0];
    return pid;
}

/* A path a child cannot take for an option. */
static char *as_operand(const char *p)
{
    return p[0] == '-' ? xasprintf("./%s", p) : xstrdup(p);
}

/* s without white space, malloc'd: pdftotext breaks lines where the
 * layout did ("姓\n\n名：李春燕"). */
static char *squeezed(const char *s)
{
    char *r = xmalloc(strlen(s) + 1), *o = r;
    for (; *s; s++) if (!strchr(" \t\r\n\f", *s)) *o++ = *s;
    *o = '\0';
    return r;
}

/* ---- poppler for many dossiers at once ----
 * Each dossier is one job of two children, pdftotext and pdftoppm, both
 * writing to a pipe (nothing on disk). At most limit children run at a
 * time (2 × online CPUs: a child spends much of its short life starting —
 * exec, linking, lcms building its transforms for the PDF/A OutputIntent —
 * and the archive's own qpdf checks run beside them), and
 * no job starts more than limit dossiers ahead of the in-process checks,
 * so the texts waiting for their record stay few. Every child is read
 * through poll() and reaped as its pipe ends; pool_free kills and reaps
 * whatever still runs, so none outlives the intake. */

enum { TXT, PPM };

typedef struct run {
    pid_t pid;                  /* -1: not running (not started, failed to start, reaped) */
    int fd;                     /* its stdout; -1 once at its end */
    int status;                 /* exit status; -1 when killed or not started */
} run;

typedef struct job {
    char *pdf;
    int started;
    run r[2];
    strbuf text;                /* pdftotext's output, at most TEXT_MAX kept */
    size_t ppm_len;             /* pdftoppm's output: its length and first two bytes */
    char ppm_magic[2];
    char *name, *id;            /* what the cover must show (pool_expect), name squeezed */
    int cover;                  /* -1 not judged (yet), 0/1 */
    int want_render;
} job;

struct tool_pool {
    const tools *tl;
    job *v;
    int n, next, running, limit, cursor;
};

static int job_done(const job *j)
{
    return j->started && j->r[TXT].pid < 0 && j->r[PPM].pid < 0;
}

static int pool_limit(void)
{
    int l = 2 * cpu_count();
    return l > 64 ? 64 : l;
}

tool_pool *pool_new(const tools *tl, char *const *pdfs, int n)
{
    tool_pool *p = xcalloc(1, sizeof *p);
    p->tl = tl;
    p->n = n;
    p->limit = pool_limit();
    p->v = xcalloc((size_t)(n > 0 ? n : 1), sizeof *p->v);
    for (int i = 0; i < n; i++) {
        job *j = &p->v[i];
        j->pdf = as_operand(pdfs[i]);
        j->cover = -1;
        for (int k = 0; k < 2; k++) j->r[k] = (run){-1, -1, -1};
        sb_init(&j->text);
        sb_puts(&j->text, "");
    }
    return p;
}

static void start_run(tool_pool *p, run *r, char *const argv[])
{
    r->pid = spawn_tool(argv, &r->fd);
    if (r->pid < 0) { r->fd = -1; return; }
    fcntl(r->fd, F_SETFL, fcntl(r->fd, F_GETFL) | O_NONBLOCK);
    p->running++;
}

static void start_job(tool_pool *p, job *j)
{
    char *txt[] = {p->tl->pdftotext, "-q", "-f", "1", "-l", "1", "-enc", "UTF-8", j->pdf, "-", NULL};
    char *ppm[] = {p->tl->pdftoppm, "-q", "-r", "10", "-f", "1", "-l", "1", "-singlefile", j->pdf, NULL};
    j->started = 1;
    start_run(p, &j->r[TXT], txt);
    start_run(p, &j->r[PPM], ppm);
}

/* The cover shows the name and the placement id: judged once both the
 * text and the record's values are there; the text is then let go. */
static void judge_cover(job *j)
{
    if (!j->name || !job_done(j) || j->cover >= 0) return;
    char *text = squeezed(j->r[TXT].status == 0 ? j->text.s : "");
    j->cover = *j->name && strstr(text, j->name) && strstr(text, j->id);
    free(text);
    sb_free(&j->text);
    sb_init(&j->text);
}

static void reap(tool_pool *p, job *j, run *r)
{
    if (r->fd >= 0) close(r->fd);
    r->fd = -1;
    int st;
    pid_t w;
    while ((w = waitpid(r->pid, &st, 0)) < 0 && errno == EINTR) {}
    r->status = w == r->pid && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    r->pid = -1;
    p->running--;
    judge_cover(j);
}

/* What the child has written so far; at its end, the child reaped. */
static void drain(tool_pool *p, job *j, int k)
{
    run *r = &j->r[k];
    char buf[16384];
    for (;;) {
        ssize_t n = read(r->fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
        if (n <= 0) break;
        if (k == TXT && j->text.len + (size_t)n <= TEXT_MAX) sb_add(&j->text, buf, (size_t)n);
        if (k == PPM) {
            for (ssize_t i = 0; i < n && j->ppm_len + (size_t)i < 2; i++) j->ppm_magic[j->ppm_len + (size_t)i] = buf[i];
            j->ppm_len += (size_t)n;
        }
    }
    reap(p, j, r);
}

static void top_up(tool_pool *p)
{
    while (p->next < p->n && p->running + 2 <= p->limit && p->next < p->cursor + p->limit)
        start_job(p, &p->v[p->next++]);
}

/* One round: jobs started as room allows, then every pipe with something
 * to read (or at its end) read; block: wait for one. */
static void pool_round(tool_pool *p, int block)
{
    top_up(p);
    struct pollfd *fds = xcalloc((size_t)p->running + 1, sizeof *fds);
    int *who = xcalloc((size_t)p->running + 1, sizeof *who), nf = 0;
    for (int i = 0; i < p->next && nf < p->running; i++)
        for (int k = 0; k < 2; k++)
            if (p->v[i].r[k].fd >= 0) { fds[nf] = (struct pollfd){p->v[i].r[k].fd, POLLIN, 0}; who[nf++] = 2 * i + k; }
    int ready = nf ? poll(fds, (nfds_t)nf, block ? -1 : 0) : 0;
    for (int f = 0; ready > 0 && f < nf; f++)
        if (fds[f].revents) drain(p, &p->v[who[f] / 2], who[f] % 2);
    free(fds);
    free(who);
}

void pool_step(tool_pool *p, int cursor)
{
    p->cursor = cursor;
    pool_round(p, 0);
    top_up(p);
}

void pool_finish(tool_pool *p)
{
    p->cursor = p->n;
    while (p->next < p->n || p->running > 0) pool_round(p, 1);
}

void pool_expect(tool_pool *p, int i, const char *name, const char *id)
{
    job *j = &p->v[i];
    free(j->name);
    free(j->id);
    j->name = squeezed(name);
    j->id = xstrdup(id);
    judge_cover(j);
}

void pool_want_render(tool_pool *p, int i)
{
    p->v[i].want_render = 1;
}

void pool_items(tool_pool *p, int i, check_list *l)
{
    job *j = &p->v[i];
    if (j->cover == 1) list_set(l, "meta", 1, NULL);   /* not shown: the item stays as meta_item left it */
    if (!j->want_render) return;
    int rc = j->r[PPM].status;
    int ok = rc == 0 && j->ppm_len > 16 && j->ppm_len <= PPM_MAX && !memcmp(j->ppm_magic, "P6", 2);
    char d[128] = "";
    if (!ok) snprintf(d, sizeof d, rc == 0 ? TR("pdftoppm 未输出图像", "pdftoppm gave no image")
                                           : TR("pdftoppm 无法渲染第 1 页（退出码 %d）", "pdftoppm cannot render page 1 (exit %d)"), rc);
    list_set(l, "render", ok, d);
}

void pool_free(tool_pool *p)
{
    if (!p) return;
    for (int i = 0; i < p->next; i++)
        for (int k = 0; k < 2; k++)
            if (p->v[i].r[k].pid > 0) {
                kill(p->v[i].r[k].pid, SIGKILL);
                reap(p, &p->v[i], &p->v[i].r[k]);
            }
    for (int i = 0; i < p->n; i++) { free(p->v[i].pdf); free(p->v[i].name); free(p->v[i].id); sb_free(&p->v[i].text); }
    free(p->v);
    free(p);
}

#define PDFAID_NS "http://www.aiim.org/pdfa/ns/id/"

/* The value of pdfaid:NAME, as an element or an attribute, or NULL. */
static char *pdfaid(xmlNodePtr n, const char *name)
{
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE) continue;
        if (n->ns && !strcmp((const char *)n->ns->href, PDFAID_NS) && !strcmp((const char *)n->name, name)) {
            xmlChar *c = xmlNodeGetContent(n);
            char *r = xstrdup(c ? (const char *)c : "");
            xmlFree(c);
            return r;
        }
        for (xmlAttrPtr a = n->properties; a; a = a->next)
            if (a->ns && !strcmp((const char *)a->ns->href, PDFAID_NS) && !strcmp((const char *)a->name, name)) {
                xmlChar *v = xmlGetNsProp(n, a->name, a->ns->href);
                char *r = xstrdup(v ? (const char *)v : "");
                xmlFree(v);
                return r;
            }
        char *r = pdfaid(n->children, name);
        if (r) return r;
    }
    return NULL;
}

/* pdfaid:part 1 and conformance A or B in the catalog's XMP. */
static int xmp_says_pdfa1(pdf_in *p)
{
    pdf_base b;
    char err[256];
    if (pdf_in_base(p, &b, err, sizeof err) != 0) return 0;
    int ok = 0;
    xmlDocPtr doc = b.xmp ? xml_load_memory("XMP", (const char *)b.xmp, b.xmp_len, err, sizeof err) : NULL;
    if (doc) {
        char *part = pdfaid(xmlDocGetRootElement(doc), "part"), *conf = pdfaid(xmlDocGetRootElement(doc), "conformance");
        ok = part && conf && !strcmp(part, "1") && (!strcmp(conf, "A") || !strcmp(conf, "B"));
        free(part);
        free(conf);
        xmlFreeDoc(doc);
    }
    pdf_base_free(&b);
    return ok;
}

void pdfa_item(check_list *l, pdf_in *p, const pdf_scan *s)
{
    char d[256] = "";
    if (!xmp_says_pdfa1(p)) snprintf(d, sizeof d, TR("XMP 中没有 pdfaid:part 1 与 conformance", "no pdfaid:part 1 and conformance in the XMP"));
    else if (!s->output_intent) snprintf(d, sizeof d, TR("没有 GTS_PDFA1 输出意图（OutputIntent）", "no GTS_PDFA1 OutputIntent"));
    else if (*s->font) snprintf(d, sizeof d, TR("字体未按要求嵌入：%s", "a font not embedded as required: %s"), s->font);
    else if (s->encrypted) snprintf(d, sizeof d, TR("文件已加密", "the file is encrypted"));
    else if (*s->transparency) snprintf(d, sizeof d, TR("含透明效果：%s", "transparency: %s"), s->transparency);
    check_add(l, "pdfa", NULL, !*d, d);
}
