/* verify_bundle.c — `dangan verify BUNDLE_DIR`: see bundle.h.
 *
 * Order matters for a bureau's machine handling an attacker's folder:
 * the manifest's signature is judged first, and when it is not valid and
 * trusted no other file is opened — so a planted symlink cannot tell
 * "exists" from "missing" about the bureau's own files. Files are then
 * read once each without following links; anything that is not a plain
 * file or folder (links, devices, FIFOs, dotfiles too) is "not in the
 * manifest". */
#include "bundle.h"
#include "util_lang.h"
#include "util.h"
#include "verify.h"
#include "util_limits.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void add_entry(bundle_entry **v, int *n, int *cap, char *rel, int regular)
{
    if (*n == *cap) *v = xrealloc(*v, (size_t)(*cap = *cap ? *cap * 2 : 64) * sizeof **v);
    (*v)[(*n)++] = (bundle_entry){rel, regular};
}

static void walk(const char *root, const char *sub, int depth, bundle_entry **v, int *n, int *cap)
{
    char *path = sub ? path_join(root, sub) : xstrdup(root);
    DIR *d = opendir(path);
    struct dirent *e;
    while (d && (e = readdir(d)) && *n < MAX_TREE) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        char *rel = sub ? path_join(sub, e->d_name) : xstrdup(e->d_name), *full = path_join(root, rel);
        struct stat st;
        int ok = lstat(full, &st) == 0;
        if (ok && S_ISDIR(st.st_mode) && depth < 4) {
            walk(root, rel, depth + 1, v, n, cap);
            free(rel);
        } else {
            add_entry(v, n, cap, rel, ok && S_ISREG(st.st_mode) && e->d_name[0] != '.');
        }
        free(full);
    }
    if (d) closedir(d);
    free(path);
}

static int cmp_entry(const void *a, const void *b)
{
    return strcmp(((const bundle_entry *)a)->rel, ((const bundle_entry *)b)->rel);
}

bundle_entry *bundle_walk(const char *root, int *n)
{
    bundle_entry *v = NULL;
    int cap = 0;
    *n = 0;
    walk(root, NULL, 0, &v, n, &cap);
    if (*n) qsort(v, (size_t)*n, sizeof *v, cmp_entry);
    return v;
}

void bundle_walk_free(bundle_entry *v, int n)
{
    for (int i = 0; i < n; i++) free(v[i].rel);
    free(v);
}

/* A manifest path we will open: relative, inside, plain characters. */
static int safe_path(const char *p)
{
    if (!*p || p[0] == '/' || strstr(p, "//")) return 0;
    for (const char *s = p; *s; s++) if ((unsigned char)*s < 0x20 || *s == '\\') return 0;
    for (const char *c = p; c; c = strchr(c, '/')) {
        if (*c == '/') c++;
        if (c[0] == '.') return 0;   /* ".", "..", dotfiles */
    }
    return 1;
}

static int is_dossier(const char *p)
{
    size_t l = strlen(p);
    return !strncmp(p, "dossiers/", 9) && l > 13 && !strcmp(p + l - 4, ".pdf");
}

/* A problem, to the caller's hook when there is one. */
static void tell(const bundle_check *c, const char *path, bundle_problem kind, const char *reason)
{
    if (c->problem) c->problem(c->arg, path, kind, reason);
}

static int check_file(const char *dir, const manifest_entry *l, const bundle_entry *e, const bundle_check *c, FILE *out)
{
    if (!safe_path(l->path)) {
        fprintf(out, TR("%s：清单中的路径无效\n", "%s: invalid path in the manifest\n"), l->path);
        tell(c, l->path, BP_PATH, TR("清单中的路径无效", "invalid path in the manifest"));
        return 1;
    }
    if (!e || !e->regular) {
        fprintf(out, TR("%s：文件缺失\n", "%s: file missing\n"), l->path);
        tell(c, l->path, BP_MISSING, TR("文件缺失", "file missing"));
        return 1;
    }
    char *full = path_join(dir, l->path), *data = NULL, hex[65];
    size_t len;
    int bad = 0;
    if (read_file_nofollow(full, MAX_BUNDLE_FILE, &data, &len) != 0) {
        fprintf(out, TR("%s：文件无法读取\n", "%s: file cannot be read\n"), l->path);
        tell(c, l->path, BP_MISSING, TR("文件无法读取", "file cannot be read"));
        bad = 1;
    } else if (sha256_hex(data, len, hex), strcmp(hex, l->sha)) {
        fprintf(out, TR("%s：内容被改动（SHA-256 不符）\n", "%s: content changed (SHA-256 differs)\n"), l->path);
        tell(c, l->path, BP_DIGEST, TR("内容被改动（SHA-256 不符）", "content changed (SHA-256 differs)"));
        bad = 1;
    } else if (is_dossier(l->path)) {
        pdf_report r;
        if (!pdf_check((unsigned char *)data, len, c->trust, c->now, &r) && !(r.intact && !trust_anchors(c->trust))) {
            fprintf(out, "%s：%s\n", l->path, r.problem);
            tell(c, l->path, BP_SIGNATURE, r.problem);
            bad = 1;
        }
        pdf_report_free(&r);
    }
    free(data);
    free(full);
    return bad;
}

static const bundle_entry *find_entry(const bundle_entry *v, int n, const char *rel)
{
    bundle_entry key = {(char *)rel, 0};
    return n ? bsearch(&key, v, (size_t)n, sizeof *v, cmp_entry) : NULL;
}

/* Every listed file against the tree, then the tree against the list. */
static int check_tree(const char *dir, const manifest_entry *l, int n, const bundle_check *c, FILE *out)
{
    int ne, problems = 0;
    bundle_entry *v = bundle_walk(dir, &ne);
    char *seen = xcalloc((size_t)ne + 1, 1);
    for (int i = 0; i < n; i++) {
        const bundle_entry *e = find_entry(v, ne, l[i].path);
        if (e) seen[e - v] = 1;
        problems += check_file(dir, &l[i], e, c, out);
    }
    for (int i = 0; i < ne; i++) {
        if (seen[i] || !strcmp(v[i].rel, "manifest.xml") || !strcmp(v[i].rel, "manifest.p7s")) continue;
        fprintf(out, v[i].regular ? TR("%s：清单之外多出的文件\n", "%s: a file not in the manifest\n")
                                  : TR("%s：清单之外的链接、特殊文件或隐藏文件\n", "%s: a link, special or hidden file not in the manifest\n"),
                v[i].rel);
        tell(c, v[i].rel, BP_EXTRA, v[i].regular ? TR("清单之外多出的文件", "a file not in the manifest")
                                                 : TR("清单之外的链接、特殊文件或隐藏文件", "a link, special or hidden file not in the manifest"));
        problems++;
    }
    free(seen);
    bundle_walk_free(v, ne);
    return problems;
}

int bundle_verify(const char *dir, const bundle_check *c, FILE *out, char **signer, char *err, size_t errlen)
{
    *signer = NULL;
    char *mp = path_join(dir, "manifest.xml"), *sp = path_join(dir, "manifest.p7s");
    char *mdata = NULL, *sdata = NULL;
    size_t mlen, slen;
    int rc = -1;
    manifest_entry *l = NULL;
    int n = 0;
    if (read_file_nofollow(mp, MAX_MANIFEST, &mdata, &mlen) != 0 || read_file_nofollow(sp, MAX_MANIFEST_SIG, &sdata, &slen) != 0) {
        snprintf(err, errlen, TR("%s 不是验证包：缺少 manifest.xml 或 manifest.p7s", "%s is not a bundle: manifest.xml or manifest.p7s missing"), dir);
        goto done;
    }
    int s = cms_check((unsigned char *)sdata, slen, (unsigned char *)mdata, mlen, c->trust, c->now, signer, err, errlen);
    if (s == 0) {
        fprintf(out, "manifest.p7s：%s\n", err);
        tell(c, "manifest.p7s", BP_MANIFEST, err);
        rc = 0;
        goto done;   /* nothing else is opened: see the top */
    }
    if (!(l = manifest_read("manifest.xml", mdata, mlen, &n, err, errlen))) goto done;
    rc = check_tree(dir, l, n, c, out) ? 0 : 1;
    if (s == 2) {
        fprintf(out, "manifest.p7s：%s\n", err);
        tell(c, "manifest.p7s", BP_MANIFEST, err);
        rc = 0;
    }
done:
    if (l) manifest_entries_free(l, n);
    free(mp); free(sp); free(mdata); free(sdata);
    return rc;
}
