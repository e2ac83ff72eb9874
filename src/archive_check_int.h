/* archive_check_int.h — internal to the 四性检测 (archive_check.c, the
 * PDF items; archive_check_pdf.c, the PDF/A self-check and poppler's tools
 * run as child processes). */
#ifndef DANGAN_ARCHIVE_CHECK_INT_H
#define DANGAN_ARCHIVE_CHECK_INT_H

#include "archive_check.h"
#include "load_xml.h"
#include "verify_read.h"

/* Adds item code (archive_check.c's table) to l, about file (NULL: the
 * list's file). */
void check_add(check_list *l, const char *code, const char *file, int passed, const char *detail);
char *attr_of(xmlNodePtr n, const char *name);

typedef struct pdf_info3 {
    char *title, *author, *keywords;
} pdf_info3;

/* Sets item code of l (added when l lacks it). */
void list_set(check_list *l, const char *code, int passed, const char *detail);

/* poppler's pdftoppm and pdftotext, found on PATH before any check runs. */
typedef struct tools {
    char *pdftoppm, *pdftotext;
} tools;

/* 0, or -1 with err naming the missing program and its package. */
int tools_find(tools *tl, char *err, size_t errlen);
void tools_free(tools *tl);

/* poppler run for dossiers 0…n-1 (pdfs[i] the PDF's path) in a bounded
 * pool while the in-process items are checked: page 1 rendered at 10 dpi
 * (可用性) and its text read (真实性, the cover). pool_step(p, k) after
 * the in-process items of dossiers 0…k-1, never blocking; pool_expect:
 * dossier i's cover must show the teacher's name and placement id;
 * pool_want_render: dossier i's render item is to be judged (its PDF
 * opened); pool_finish waits for all; pool_items then sets l's "meta"
 * item passed when the cover shows what was expected, and its "render"
 * item when wanted; pool_free
 * kills and reaps any child still running — call it on every path. */
typedef struct tool_pool tool_pool;
tool_pool *pool_new(const tools *tl, char *const *pdfs, int n);
void pool_step(tool_pool *p, int cursor);
void pool_expect(tool_pool *p, int i, const char *name, const char *id);
void pool_want_render(tool_pool *p, int i);
void pool_finish(tool_pool *p);
void pool_items(tool_pool *p, int i, check_list *l);
void pool_free(tool_pool *p);

/* 可用性: the PDF/A-1b self-check. */
void pdfa_item(check_list *l, pdf_in *p, const pdf_scan *s);

#endif
