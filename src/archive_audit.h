/* archive_audit.h — `dangan audit ARCHIVE`: the periodic 长期保存 check
 * of an archive (issue 16). Takes: an open archive (archive.h). Gives:
 * one line (or JSON object) per problem, naming the file, then a summary.
 *
 * Checked: every indexed file is there, the school's signed revision of
 * each hashes to its index row and to its kept manifest's entry, and so
 * does each dossier's kept record (NUMBER[.vN].xml, the bundle's
 * dossiers/ID.xml; rows filed before records were kept name none); each
 * kept manifest hashes to its name and its signature verifies; every
 * filed dossier's signatures (school, archive) verify against trust/ as
 * of its filing; archive numbers run without a gap per prefix and year,
 * each number's versions 1…n with one current; each filing's 检测报告
 * (reports/F.xml under its detached signature F.xml.p7s, and the signed
 * F.pdf) there and verifying against trust/ as of the filing's time; no
 * file the index does not know (in reports/ too); the index passes PRAGMA integrity_check. Read-only: the
 * filing lock is taken shared and the index opened read-only (immutable
 * when no write-ahead log holds anything), so not one byte changes.
 * Memory stays flat: rows are read in manifest order, one manifest and
 * one PDF in memory at a time; the file walk is matched against the
 * index in SQLite's temporary store, not in a list. */
#ifndef DANGAN_ARCHIVE_AUDIT_H
#define DANGAN_ARCHIVE_AUDIT_H

#include <stdio.h>
#include <time.h>
#include "archive.h"
#include "util.h"

typedef struct audit_result {
    long dossiers;    /* index rows (every version) */
    long files;       /* files walked, lock/index/archive.xml/trust aside */
    long manifests;   /* kept manifests read */
    long problems;
} audit_result;

/* Problems on out, as text lines "FILE：MESSAGE" or JSON objects
 * {"kind","file","number","message"} (kinds: missing, hash, signature,
 * manifest, gap, version, stray, index, staging, report), then the
 * summary (text line, or {"summary":true,"archive","dossiers","files",
 * "manifests","problems","ok"}). progress: a progress line on stderr.
 * lines: NULL, or it gets every problem as "FILE\0MESSAGE\0" (for
 * audit_pdf_write). 0 when it ran (r->problems says what it found), -1 with err. */
int archive_audit(archive *a, int json, int progress, FILE *out, audit_result *r, strbuf *lines,
                  char *err, size_t errlen);

/* `audit --pdf FILE` (archive_audit_pdf.c): the audit as a PDF 检测报告
 * (templates/pages/report.xml) — the verdict, the counts, every problem
 * of lines — signed by the archive's key when it can be read (an auditor
 * without it gets the PDF unsigned, said so on it), written to FILE
 * (temp + rename), which must lie outside the archive: the audit changes
 * nothing in it. Needs the archive's fonts and templates set. 0, or -1. */
int audit_pdf_write(const archive *a, const audit_result *r, const strbuf *lines, time_t when, const char *file,
              char *err, size_t errlen);
/* 1 when path (a file to be written) would lie inside the archive. */
int audit_path_inside(const archive *a, const char *path);

#endif
