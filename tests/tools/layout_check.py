#!/usr/bin/env python3
"""layout_check.py BLOCKS.jsonl FILE.pdf — the page breaks and line fill of
a dossier, read back from the PDF as a reader gets it (issue 14 item 8).

BLOCKS.jsonl is `build/bench SUB --blocks` for the same submission: it
names every heading and every label line (a record's meta line, a step's
label). Checks, printing one line per failure:
  - no page's last body line is a heading or a label (or a heading's first
    line): a record's heading block stays with what follows it;
  - pdftotext -raw of every paragraph line has no space between two Han
    characters (a line stretched so far that readers see words).
Ends with "layout: N pages, N failures"; exit 1 on any failure."""
import html
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

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
    print("layout: %d pages, %d failures" % (pages, failures))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
