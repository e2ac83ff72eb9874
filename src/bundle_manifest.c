/* bundle_manifest.c — the bundle's list of files, manifest.xml (every
 * file's size and SHA-256) and manifest.p7s, the school's detached CMS
 * signature over it: what `verify` and the bureau's archive check a bundle
 * against. See bundle.h. */
#include "bundle.h"
#include "load_school.h"
#include "load_xml.h"
#include "util_lang.h"
#include "sign.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int bundle_write_text(const char *path, const char *text, size_t len, char *err, size_t errlen)
{
    if (write_file_atomic(path, text, len) == 0) return 0;
    snprintf(err, errlen, "无法写入 %s：%s", path, strerror(errno));
    return -1;
}

/* Relative paths of the files under root (one level of folders), sorted,
 * the manifest and its signature left out. */
static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list_dir(const char *root, const char *sub, char ***v, int *n, int *cap)
{
    char *path = sub ? path_join(root, sub) : xstrdup(root);
    DIR *d = opendir(path);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        char *rel = sub ? path_join(sub, e->d_name) : xstrdup(e->d_name);
        char *full = path_join(root, rel);
        if (is_dir(full)) {
            if (!sub) list_dir(root, rel, v, n, cap);
            else { if (*n == *cap) *v = xrealloc(*v, (size_t)(*cap *= 2) * sizeof **v); (*v)[(*n)++] = xstrdup(rel); }
            free(rel);
        } else if (!sub && (!strcmp(rel, "manifest.xml") || !strcmp(rel, "manifest.p7s"))) {
            free(rel);
        } else {
            if (*n == *cap) *v = xrealloc(*v, (size_t)(*cap *= 2) * sizeof **v);
            (*v)[(*n)++] = rel;
        }
        free(full);
    }
    if (d) closedir(d);
    free(path);
}

char **bundle_files(const char *root, int *n)
{
    int cap = 16;
    char **v = xmalloc((size_t)cap * sizeof *v);
    *n = 0;
    list_dir(root, NULL, &v, n, &cap);
    qsort(v, (size_t)*n, sizeof *v, cmp_str);
    return v;
}

static void xml_text(strbuf *b, const char *s)
{
    for (; *s; s++) {
        if (*s == '&') sb_puts(b, "&amp;");
        else if (*s == '<') sb_puts(b, "&lt;");
        else if (*s == '"') sb_puts(b, "&quot;");
        else sb_add(b, s, 1);
    }
}

int bundle_write_manifest(const char *tmp, const school *sc, time_t when, char *err, size_t errlen)
{
    int n;
    char **files = bundle_files(tmp, &n);
    strbuf b;
    sb_init(&b);
    char date[32];
    struct tm tm;
    gmtime_r(&when, &tm);
    strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", &tm);
    sb_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<manifest xmlns=\"urn:dangan:1\" school=\"");
    xml_text(&b, sc->code);
    sb_puts(&b, "\" name=\"");
    xml_text(&b, sc->name);
    sb_printf(&b, "\" created=\"%s\">\n", date);
    int rc = 0;
    for (int i = 0; i < n && rc == 0; i++) {
        char *full = path_join(tmp, files[i]), hex[65];
        size_t size;
        if (sha256_file(full, hex, &size) != 0) {
            snprintf(err, errlen, "无法读取 %s", full);
            rc = -1;
        } else {
            sb_puts(&b, "  <file path=\"");
            xml_text(&b, files[i]);
            sb_printf(&b, "\" size=\"%zu\" sha256=\"%s\"/>\n", size, hex);
        }
        free(full);
    }
    for (int i = 0; i < n; i++) free(files[i]);
    free(files);
    sb_puts(&b, "</manifest>\n");
    char *mp = xasprintf("%s/manifest.xml", tmp);
    if (rc == 0) rc = bundle_write_text(mp, b.s, b.len, err, errlen);
    unsigned char *der = NULL;
    int der_len = 0;
    if (rc == 0) rc = cms_sign((unsigned char *)b.s, b.len, NULL, 0, sc->cert, sc->key, when, &der, &der_len, err, errlen);
    if (rc == 0) {
        char *sp = xasprintf("%s/manifest.p7s", tmp);
        rc = bundle_write_text(sp, (const char *)der, (size_t)der_len, err, errlen);
        free(sp);
    }
    OPENSSL_free(der);
    free(mp);
    sb_free(&b);
    return rc;
}

/* Removes a folder this run made, and everything in it. */
void bundle_remove_tree(const char *dir)
{
    int n;
    char **files = bundle_files(dir, &n);
    for (int i = 0; i < n; i++) {
        char *p = path_join(dir, files[i]);
        unlink(p);
        free(p);
        free(files[i]);
    }
    free(files);
    static const char *const KEEP[] = {"manifest.xml", "manifest.p7s", "dossiers", "refused"};
    for (size_t i = 0; i < 4; i++) {
        char *p = path_join(dir, KEEP[i]);
        if (i < 2) unlink(p); else rmdir(p);
        free(p);
    }
    rmdir(dir);
}


manifest_entry *manifest_read(const char *name, const char *data, size_t len, int *n, char *err, size_t errlen)
{
    *n = 0;
    xmlDocPtr doc = xml_load_memory(name, data, len, err, errlen);
    if (!doc) return NULL;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    if (!xml_is(root, "manifest")) {
        snprintf(err, errlen, TR("%s 不是验证包清单", "%s is not a bundle manifest"), name);
        xmlFreeDoc(doc);
        return NULL;
    }
    int cap = 16;
    manifest_entry *v = xmalloc((size_t)cap * sizeof *v);
    for (xmlNodePtr f = root->children; f; f = f->next) {
        if (!xml_is(f, "file")) continue;
        char *p = xml_attr(f, "path"), *s = xml_attr(f, "size"), *h = xml_attr(f, "sha256");
        if (*n == cap) v = xrealloc(v, (size_t)(cap *= 2) * sizeof *v);
        manifest_entry *e = &v[(*n)++];
        e->path = xstrdup(p ? p : "");
        e->size = s ? strtoll(s, NULL, 10) : -1;
        e->whole = p && s && h && strlen(h) == 64;
        snprintf(e->sha, sizeof e->sha, "%s", h && strlen(h) == 64 ? h : "");
        xmlFree(p);
        xmlFree(s);
        xmlFree(h);
    }
    xmlFreeDoc(doc);
    return v;
}

void manifest_entries_free(manifest_entry *e, int n)
{
    for (int i = 0; i < n; i++) free(e[i].path);
    free(e);
}
