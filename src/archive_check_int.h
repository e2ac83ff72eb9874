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

/* poppler's pdftoppm and pdftotext, found on PATH before any check runs. */
typedef struct tools {
    char *pdftoppm, *pdftotext, *scratch;
} tools;

/* 0, or -1 with err naming the missing program and its package. */
int tools_find(tools *tl, const char *scratch, char *err, size_t errlen);
void tools_free(tools *tl);
/* Page 1's text (pdftotext), malloc'd; NULL when it cannot be had. */
char *page_text(const tools *tl, const char *pdf);
/* 可用性: page 1 rendered at 10 dpi (started, then judged: it runs while
 * the rest is checked); the PDF/A-1b self-check. */
int render_start(const tools *tl, const char *pdf);
void render_item(check_list *l, const tools *tl, int pid);
void pdfa_item(check_list *l, pdf_in *p, const pdf_scan *s);

#endif
