/* bundle_verify.c — `dangan verify BUNDLE_DIR`: see bundle.h. Checks
 * the manifest's signature, each listed file's SHA-256 and each dossier's
 * PDF signature, and that no file is missing or added. */
#include "bundle.h"
#include "sign.h"
#include "util.h"
#include "xmlload.h"

#include <stdlib.h>
#include <string.h>

#define MAX_BUNDLE_FILE (256u << 20)

typedef struct listed {
    char *path, *sha;
    int seen;
} listed;

/* The manifest's <file> entries. -1 when it is not a manifest. */
static int read_manifest(const char *path, listed **out, int *n, char *err, size_t errlen)
{
    xmlDocPtr doc = xml_load_data(path, err, errlen);
    if (!doc) return -1;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    if (!xml_is(root, "manifest")) {
        snprintf(err, errlen, "%s 不是验证包清单", path);
        xmlFreeDoc(doc);
        return -1;
    }
    int cap = 16;
    *out = xmalloc((size_t)cap * sizeof **out);
    *n = 0;
    for (xmlNodePtr f = root->children; f; f = f->next) {
        if (!xml_is(f, "file")) continue;
        char *p = xml_attr(f, "path"), *s = xml_attr(f, "sha256");
        if (*n == cap) *out = xrealloc(*out, (size_t)(cap *= 2) * sizeof **out);
        (*out)[(*n)++] = (listed){xstrdup(p ? p : ""), xstrdup(s ? s : ""), 0};
        xmlFree(p);
        xmlFree(s);
    }
    xmlFreeDoc(doc);
    return 0;
}

static int check_listed(const char *dir, listed *l, int n, FILE *out)
{
    int problems = 0;
    for (int i = 0; i < n; i++) {
        char *full = path_join(dir, l[i].path), hex[65];
        size_t size;
        /* A path out of the bundle is never followed. */
        if (strstr(l[i].path, "..") || l[i].path[0] == '/') {
            fprintf(out, "%s：清单中的路径无效\n", l[i].path);
            problems++;
        } else if (sha256_file(full, hex, &size) != 0) {
            fprintf(out, "%s：文件缺失\n", l[i].path);
            problems++;
        } else if (strcmp(hex, l[i].sha)) {
            fprintf(out, "%s：内容被改动（SHA-256 不符）\n", l[i].path);
            problems++;
        } else if (strncmp(l[i].path, "dossiers/", 9) == 0 && strlen(l[i].path) > 4 &&
                   !strcmp(l[i].path + strlen(l[i].path) - 4, ".pdf")) {
            char *data, *name = NULL, err[256];
            size_t len;
            if (read_file(full, MAX_BUNDLE_FILE, &data, &len) == 0) {
                if (pdf_verify((unsigned char *)data, len, &name, err, sizeof err) != 1) {
                    fprintf(out, "%s：%s\n", l[i].path, err);
                    problems++;
                }
                free(data);
                free(name);
            }
        }
        free(full);
    }
    return problems;
}

int bundle_verify(const char *dir, const char *ca_file, FILE *out, char **signer,
                  char *err, size_t errlen)
{
    *signer = NULL;
    char *mp = path_join(dir, "manifest.xml"), *sp = path_join(dir, "manifest.p7s");
    char *mdata = NULL, *sdata = NULL;
    size_t mlen, slen;
    int rc = -1;
    if (read_file(mp, 16u << 20, &mdata, &mlen) != 0 || read_file(sp, 1u << 20, &sdata, &slen) != 0) {
        snprintf(err, errlen, "%s 不是验证包：缺少 manifest.xml 或 manifest.p7s", dir);
        goto done;
    }
    rc = 1;
    if (!cms_verify((unsigned char *)sdata, slen, (unsigned char *)mdata, mlen, ca_file, signer, err, errlen)) {
        fprintf(out, "manifest.p7s：%s\n", err);
        rc = 0;
    }
    listed *l = NULL;
    int n = 0;
    if (read_manifest(mp, &l, &n, err, errlen) != 0) {
        rc = -1;
        goto done;
    }
    if (check_listed(dir, l, n, out)) rc = 0;
    int nf;
    char **files = bundle_files(dir, &nf);
    for (int i = 0; i < nf; i++) {
        int known = 0;
        for (int k = 0; k < n && !known; k++) known = !strcmp(files[i], l[k].path);
        if (!known) { fprintf(out, "%s：清单之外多出的文件\n", files[i]); rc = 0; }
        free(files[i]);
    }
    free(files);
    for (int i = 0; i < n; i++) { free(l[i].path); free(l[i].sha); }
    free(l);
done:
    free(mp); free(sp); free(mdata); free(sdata);
    return rc;
}
