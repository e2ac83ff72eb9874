#!/usr/bin/env python3
"""layout_check.py BLOCKS.jsonl FILE.pdf — the page breaks and line fill of
a dossier, read back from the PDF as a reader gets it (issue 14 item 8).

BLOCKS.jsonl is `build/bench SUB --blocks` for the same submission: it
names every heading and every label line (a record's meta line, a step's
label). Checks, printing one line per failure:
  - no page's last body line is a heading or a label (or a heading's first
    line): a record's heading block stays with what follows it;
  - pdftotext -raw of every paragraph line has no space between two Han
    characters (a line stretched so far that readers see words);
  - no justified line of body text (10.5 pt, ending at the right margin)
    is stretched by more than MAX_STRETCH em per gap, measured from the
    glyph positions and widths (pdf_inspect.py). Prints the maximum.
Ends with "layout: N pages, N failures"; exit 1 on any failure."""
import html
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import pdf_inspect

MAX_STRETCH = 0.05   # em per gap, as src/text_shape.c's MAX_STRETCH_EM
BODY_SIZE = 10.5     # templates/pages/dossier.xml: body, comment, item

HAN = r"[\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0003ffff]"


def squash(s):
    return re.sub(r"\s+", "", s)


def labels(blocks_path):
    """The heading and label texts, and the justified paragraphs' texts."""
    heads, paras = [], []
    with open(blocks_path, encoding="utf-8") as f:
        for line in f:
            b = json.loads(line)
            t = squash(b.get("text", ""))
            if not t:
                continue
            if b.get("kind") == "heading" or (b.get("kind") == "para" and b.get("style") in ("meta", "step")):
                heads.append(t)
            elif b.get("kind") == "para" and b.get("style") in ("body", "comment", "item"):
                paras.append(t)
    return heads, "\n".join(paras)


def page_lines(pdf):
    """Per page: its lines (text, yMin) in reading order, from -bbox-layout."""
    out = subprocess.run(["pdftotext", "-bbox-layout", "-enc", "UTF-8", pdf, "-"],
                         capture_output=True, text=True, check=True).stdout
    root = ET.fromstring(re.sub(r"<!DOCTYPE[^>]*>", "", out))
    h = "{http://www.w3.org/1999/xhtml}"
    for page in root.iter(h + "page"):
        lines = []
        for line in page.iter(h + "line"):
            words = [html.unescape(w.text or "") for w in line.iter(h + "word")]
            if words:
                lines.append((" ".join(words), float(line.get("yMin")), float(line.get("yMax"))))
        yield lines


def max_stretch(pdf):
    """Largest extra advance between two glyphs of one justified body line,
    in em: per page, the lines of 10.5 pt glyphs that end at the page's
    right margin (the rightmost line end; a table cell ends short of it)
    and have no gap of an em (a table row, the TOC)."""
    doc = pdf_inspect.Doc(pdf_inspect.qpdf_json(pdf, "all"))
    worst, where = 0.0, ""
    for pno, page in enumerate(doc.pages, 1):
        lines = {}
        for x, y, adv, size in pdf_inspect.glyphs(doc, page):
            if abs(size - BODY_SIZE) < 0.01:
                lines.setdefault(round(y, 1), []).append((x, adv))
        if not lines:
            continue
        right = max(max(x + a for x, a in g) for g in lines.values())
        for y, g in lines.items():
            g.sort()
            if len(g) < 10 or abs(g[-1][0] + g[-1][1] - right) > 0.5:
                continue
            gaps = [(x1 - x0 - a0) / BODY_SIZE for (x0, a0), (x1, _a1) in zip(g, g[1:])]
            # A gap of an em or more is a table's column or the TOC's
            # leader, not the stretch of a paragraph line.
            if max(gaps) >= 1:
                continue
            if max(gaps) > worst:
                worst, where = max(gaps), "page %d y %.1f" % (pno, y)
    return worst, where


def main():
    heads, paras = labels(sys.argv[1])
    pdf = sys.argv[2]
    failures = 0
    pages = 0
    for pno, lines in enumerate(page_lines(pdf), 1):
        pages += 1
        body = [ln for ln in lines if not re.fullmatch(r"—\s*\d+\s*—", ln[0].strip())]
        # The cover, and the table of contents: its entries are headings,
        # each with its page number.
        numbers = sum(1 for ln in body if re.fullmatch(r"\d+", ln[0].strip()))
        if pno == 1 or len(body) < 2 or numbers >= 3:
            continue
        # The last visual line: every piece pdftotext found at its height.
        bottom = max(ln[2] for ln in body)
        last = squash("".join(ln[0] for ln in body if abs(ln[2] - bottom) < 1))
        if any(t == last or (len(last) >= 2 and t.startswith(last)) for t in heads):
            print("page %d ends with a heading or label line: %s" % (pno, last))
            failures += 1
    raw = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", pdf, "-"],
                         capture_output=True, text=True, check=True).stdout
    for line in raw.splitlines():
        m = re.search(HAN + r" +" + HAN, line)
        # Only justified paragraph lines: a table row or the running
        # header has its gaps by design.
        if m and squash(line) in paras:
            print("a space between Han characters (%r) in: %s" % (m.group(0), line[:80]))
            failures += 1
    worst, where = max_stretch(pdf)
    if worst > MAX_STRETCH + 1e-3:
        print("a justified line stretched %.3f em per gap (at most %.2f): %s" % (worst, MAX_STRETCH, where))
        failures += 1
    print("layout: %d pages, max stretch %.3f em per gap, %d failures" % (pages, worst, failures))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
