/* archive_check_pdf.c — the 可用性 items of the 四性检测 (archive_check.h):
 * the PDF/A-1b self-check that can be done from the structure (XMP
 * pdfaid, OutputIntent, fonts embedded, no encryption, no transparency;
 * tests/tools/pdfa.py is the full checker), and poppler run as a child
 * process: pdftoppm renders page 1 (the dossier opens in a reader),
 * pdftotext reads page 1's text (the cover says what the record says),
 * the two at once.
 * A child gets no input, a bounded CPU time and address space: a hostile
 * PDF may crash or stall the renderer, never the archive. */
#include "archive_check_int.h"
#include "util_lang.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHILD_CPU 60                    /* seconds */
#define CHILD_MEM (2048ul << 20)        /* bytes of address space */
#define TEXT_MAX (1u << 20)

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

int tools_find(tools *tl, const char *scratch, char *err, size_t errlen)
{
    memset(tl, 0, sizeof *tl);
    tl->pdftoppm = on_path("pdftoppm");
    tl->pdftotext = on_path("pdftotext");
    tl->scratch = xstrdup(scratch);
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
    free(tl->scratch);
    memset(tl, 0, sizeof *tl);
}

static void child(char *const argv[], int out_fd)
{
    int nul = open("/dev/null", O_RDWR);
    if (nul < 0) _exit(126);
    dup2(nul, 0);
    dup2(nul, 2);
    dup2(out_fd >= 0 ? out_fd : nul, 1);
    struct rlimit cpu = {CHILD_CPU, CHILD_CPU}, mem = {CHILD_MEM, CHILD_MEM};
    setrlimit(RLIMIT_CPU, &cpu);
    setrlimit(RLIMIT_AS, &mem);
    execv(argv[0], argv);
    _exit(127);
}

/* Starts argv (argv[0] a full path), its stdout into a pipe (*out_fd)
 * or /dev/null (out_fd NULL). The child's pid, or -1. */
static pid_t spawn_tool(char *const argv[], int *out_fd)
{
    int fds[2] = {-1, -1};
    if (out_fd && pipe(fds) != 0) return -1;
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        if (out_fd) close(fds[0]);
        child(argv, out_fd ? fds[1] : -1);
    }
    if (out_fd) {
        close(fds[1]);
        if (pid < 0) close(fds[0]);
        else *out_fd = fds[0];
    }
    return pid;
}

/* Reads the child's stdout into out (at most TEXT_MAX bytes kept) when
 * fd ≥ 0, then waits for it. Its exit status, or -1. */
static int finish_tool(pid_t pid, int fd, strbuf *out)
{
    if (pid < 0) return -1;
    char buf[8192];
    ssize_t n;
    while (fd >= 0 && ((n = read(fd, buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR)))
        if (n > 0 && out->len + (size_t)n <= TEXT_MAX) sb_add(out, buf, (size_t)n);
    if (fd >= 0) close(fd);
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR) return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* A path a child cannot take for an option. */
static char *as_operand(const char *p)
{
    return p[0] == '-' ? xasprintf("./%s", p) : xstrdup(p);
}

char *page_text(const tools *tl, const char *pdf)
{
    char *file = as_operand(pdf);
    char *argv[] = {tl->pdftotext, "-q", "-f", "1", "-l", "1", "-enc", "UTF-8", file, "-", NULL};
    strbuf out;
    sb_init(&out);
    sb_puts(&out, "");
    int fd = -1;
    pid_t pid = spawn_tool(argv, &fd);
    int rc = finish_tool(pid, fd, &out);
    free(file);
    if (rc == 0) return sb_steal(&out);
    sb_free(&out);
    return NULL;
}

static char *render_root(const tools *tl)
{
    return path_join(tl->scratch, "render");
}

int render_start(const tools *tl, const char *pdf)
{
    char *file = as_operand(pdf), *root = render_root(tl), *ppm = xasprintf("%s.ppm", root);
    char *argv[] = {tl->pdftoppm, "-q", "-r", "10", "-f", "1", "-l", "1", "-singlefile", file, root, NULL};
    unlink(ppm);
    pid_t pid = spawn_tool(argv, NULL);
    free(file);
    free(root);
    free(ppm);
    return (int)pid;
}

void render_item(check_list *l, const tools *tl, int pid)
{
    char *root = render_root(tl), *ppm = xasprintf("%s.ppm", root);
    int rc = finish_tool((pid_t)pid, -1, NULL);
    char *img = NULL;
    size_t len = 0;
    int ok = rc == 0 && read_file_nofollow(ppm, 64u << 20, &img, &len) == 0 && len > 16 && !memcmp(img, "P6", 2);
    char d[128] = "";
    if (!ok) snprintf(d, sizeof d, rc == 0 ? TR("pdftoppm 未输出图像", "pdftoppm gave no image")
                                           : TR("pdftoppm 无法渲染第 1 页（退出码 %d）", "pdftoppm cannot render page 1 (exit %d)"), rc);
    check_add(l, "render", NULL, ok, d);
    unlink(ppm);
    free(img);
    free(root);
    free(ppm);
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
