#!/usr/bin/env python3
"""Checks a dossier PDF the way a reader would, through poppler's tools.

  pdfcheck.py text    PDF SUBMISSION_DIR HEADER   every source paragraph verbatim in pdftotext
  pdfcheck.py breaks  PDF                          clreq line starts/ends on visual lines
  pdfcheck.py flush   PDF                          justified lines reach the right margin
  pdfcheck.py fonts   PDF                          every font embedded, subset, with ToUnicode
  pdfcheck.py ink     PDF CHARS                    each of CHARS is drawn (rendered pixels), not blank

Prints one line per problem and "N passed, N failed" at the end; exit 1 on
any failure. Used by tests/build.sh."""
import glob, html, os, re, subprocess, sys, xml.etree.ElementTree as ET

NS = "{urn:dangan:1}"
NO_START = set("，。、；：？！）》」』”’…—·")
NO_END = set("（《「『“‘")
passed = failed = 0



_SCRATCH = None


def scratch():
    """A fresh folder for rendered pages, inside one folder removed when
    the checker exits (rendered pages are megabytes: none may be left)."""
    global _SCRATCH
    import atexit, shutil, tempfile
    if _SCRATCH is None:
        _SCRATCH = tempfile.mkdtemp(prefix="pdfcheck-")
        atexit.register(shutil.rmtree, _SCRATCH, True)
    return tempfile.mkdtemp(dir=_SCRATCH)

def ok(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL:", what)


def run(*args):
    p = subprocess.run(args, capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def squash(s):
    return re.sub(r"\s+", "", s)


def source_paragraphs(folder):
    for f in sorted(glob.glob(folder + "/*.xml")):
        for el in ET.parse(f).iter():
            if el.tag in (NS + "p", NS + "item", NS + "activity", NS + "topic", NS + "title"):
                yield f, "".join(el.itertext())


def check_text(pdf, folder, header):
    rc, out, err = run("pdftotext", "-enc", "UTF-8", pdf, "-")
    ok(rc == 0, "pdftotext exit %d" % rc)
    ok(err.strip() == "", "pdftotext stderr: " + err.strip()[:200])
    # Running header and page numbers interrupt a paragraph that runs over
    # a page break; the reader skips them, so do we.
    lines = [l for l in out.split("\n")
             if l.strip() != header and not re.fullmatch(r"\s*— \d+ —\s*", l)]
    text = squash("".join(lines)).replace("\f", "")
    for f, para in source_paragraphs(folder):
        ok(squash(para) in text, "%s: paragraph not extracted verbatim: %s" % (f, para[:40]))


def bbox_lines(pdf):
    rc, out, err = run("pdftotext", "-bbox-layout", "-enc", "UTF-8", pdf, "-")
    ok(rc == 0 and err.strip() == "", "pdftotext -bbox-layout: " + err.strip()[:200])
    out = re.sub(r"<!DOCTYPE[^>]*>", "", out)
    root = ET.fromstring(out)
    h = "{http://www.w3.org/1999/xhtml}"
    for page in root.iter(h + "page"):
        for block in page.iter(h + "block"):
            lines = []
            for line in block.iter(h + "line"):
                words = list(line.iter(h + "word"))
                if not words:
                    continue
                text = "".join(html.unescape(w.text or "") for w in words)
                lines.append((text, float(line.get("xMin")), float(line.get("xMax")), float(line.get("yMin"))))
            yield page, lines


def check_breaks(pdf):
    n = 0
    for page, block in bbox_lines(pdf):
        for text, x0, x1, y in block:
            if not text or re.fullmatch(r"—\d+—", text):   # the page number
                continue
            n += 1
            ok(text[0] not in NO_START, "line starts with %s: %s" % (text[0], text[:30]))
            ok(text[-1] not in NO_END, "line ends with %s: %s" % (text[-1], text[-30:]))
    ok(n > 50, "too few lines found (%d)" % n)


def check_flush(pdf):
    """Justified text: every line that is not a paragraph's last reaches the
    right edge of the column. pdftotext does not know paragraphs, so this
    counts near misses: a line longer than 97% of the column that stops
    short of the edge. Ragged setting makes many; justified setting only
    the odd last line."""
    flush = short = 0
    pages = {}
    for page, block in bbox_lines(pdf):
        pages.setdefault(id(page), []).extend(block)
    for lines in pages.values():
        body = [l for l in lines if len(l[0]) >= 10]
        if len(body) < 5:
            continue
        left = min(l[1] for l in body)
        right = max(l[2] for l in body)
        for text, x0, x1, y in body:
            if right - x1 < 0.6:
                flush += 1
            elif x1 - left > 0.97 * (right - left):
                short += 1
                print("note: near-full line short of the edge by %.2f pt: %s" % (right - x1, text[:20]))
    ok(flush > 50, "too few flush lines (%d)" % flush)
    ok(short * 10 <= flush, "%d near-full lines stop short of the edge (flush: %d)" % (short, flush))


def check_fonts(pdf):
    rc, out, err = run("pdffonts", pdf)
    ok(rc == 0, "pdffonts exit %d" % rc)
    rows = out.strip().split("\n")[2:]
    ok(len(rows) >= 2, "fewer than two fonts")
    for r in rows:
        cols = r.split()
        ok("CID" in r and "TrueType" in r, "not a CID TrueType font: " + r)
        ok(cols[-5:-2] == ["yes", "yes", "yes"], "font not emb/sub/uni: " + r)


def check_ink(pdf, chars):
    """Every listed character is drawn with ink: no blank, no box-less gap.
    Renders each page in gray, finds each character's box from the bbox
    output (CJK words split evenly, one cell per character)."""
    import os, tempfile
    tmp = scratch()
    rc, _, _ = run("pdftoppm", "-r", "72", "-gray", pdf, tmp + "/p")
    ok(rc == 0, "pdftoppm failed")
    found = set()
    for pi, (page, block) in enumerate(bbox_lines_words(pdf)):
        pgm = sorted(glob.glob(tmp + "/p-*.pgm"))[page]
        w, h, px = read_pgm(pgm)
        for text, x0, y0, x1, y1 in block:
            n = len(text)
            for i, ch in enumerate(text):
                if ch not in chars:
                    continue
                found.add(ch)
                cx0 = x0 + (x1 - x0) * i / n
                cx1 = x0 + (x1 - x0) * (i + 1) / n
                ink = 0
                for y in range(int(y0), min(h, int(y1) + 1)):
                    for x in range(int(cx0), min(w, int(cx1) + 1)):
                        ink += px[y * w + x] < 128
                ok(ink >= 3, "character %s (U+%04X) drawn blank" % (ch, ord(ch)))
    for ch in chars:
        ok(ch in found, "character %s (U+%04X) not found in the text layer" % (ch, ord(ch)))


def read_pgm(path):
    data = open(path, "rb").read()
    parts = data.split(b"\n", 3)
    w, h = map(int, parts[1].split())
    return w, h, parts[3]


def bbox_lines_words(pdf):
    rc, out, err = run("pdftotext", "-bbox", "-enc", "UTF-8", pdf, "-")
    out = re.sub(r"<!DOCTYPE[^>]*>", "", out)
    root = ET.fromstring(out)
    h = "{http://www.w3.org/1999/xhtml}"
    for i, page in enumerate(root.iter(h + "page")):
        words = [(html.unescape(w.text or ""), float(w.get("xMin")), float(w.get("yMin")),
                  float(w.get("xMax")), float(w.get("yMax"))) for w in page.iter(h + "word")]
        yield i, words


def check_letter(pdf):
    """GB/T 9704-2012 on a letter of three or more pages: a full page holds
    22 lines of body text, a full line 28 characters; the page number sits
    one character in from the outer edge of the text block (recto right,
    verso left), 7 mm below it."""
    top, width, height, pitch = 104.88, 442.20, 637.80, 442.20 / 28   # margins mirror: the 28 mm 订口 is the binding edge
    pages = {}
    for page, block in bbox_lines(pdf):
        pages.setdefault(id(page), []).extend(block)
    pages = list(pages.values())
    ok(len(pages) >= 3, "letter should run to three pages, got %d" % len(pages))
    for i, lines in enumerate(pages):
        left = 79.37 if i % 2 == 0 else 595.28 - 79.37 - 442.20
        body = [l for l in lines if top - 2 <= l[3] <= top + height and not re.fullmatch(r"—\d+—", l[0])]
        num = [l for l in lines if re.fullmatch(r"—\d+—", l[0])]
        ok(len(num) == 1 and num[0][0] == "—%d—" % (i + 1), "page %d: page number %s" % (i + 1, [n[0] for n in num]))
        if num:
            n = num[0]
            if i % 2 == 0:
                ok(abs(n[2] - (left + width - 14)) < 1.5, "page %d: number should end 1 char left of the right edge, ends at %.1f" % (i + 1, n[2]))
            else:
                ok(abs(n[1] - (left + 14)) < 1.5, "page %d: number should start 1 char right of the left edge, starts at %.1f" % (i + 1, n[1]))
        if 0 < i < len(pages) - 1:
            ok(len(body) == 22, "page %d: %d lines, GB/T 9704 wants 22" % (i + 1, len(body)))
            full = [l for l in body if l[2] > left + width - 8]
            ok(len(full) >= 15, "page %d: only %d full lines" % (i + 1, len(full)))
            # 28 cells a line; one fewer where a mark that may not start a line
            # pulled the character before it over (clreq 推出).
            cells = [len(t) + round((x0 - left) / pitch) for t, x0, x1, y in full]
            ok(all(c <= 28 for c in cells), "a line of more than 28 cells: %s" % cells)
            ok(sum(c == 28 for c in cells) >= 0.75 * len(cells), "too few lines of 28 cells: %s" % cells)
            for text, x0, x1, y in full:
                ok(abs(x1 - (left + width)) < 1.0, "full line ends at %.2f, not at the text block's edge %.2f" % (x1, left + width))


def read_ppm(path):
    data = open(path, "rb").read()
    parts = data.split(b"\n", 3)
    w, h = map(int, parts[1].split())
    return w, h, parts[3]


def red_pixels(pdf, page, box, dpi=50):
    """Red pixels of page (1-based) inside box = (x0, y0, x1, y1) in points
    from the page's top-left."""
    import tempfile
    tmp = scratch()
    run("pdftoppm", "-r", str(dpi), "-f", str(page), "-l", str(page), pdf, tmp + "/p")
    f = sorted(glob.glob(tmp + "/p*.ppm"))[0]
    w, h, px = read_ppm(f)
    k = dpi / 72.0
    n = 0
    for y in range(max(0, int(box[1] * k)), min(h, int(box[3] * k))):
        for x in range(max(0, int(box[0] * k)), min(w, int(box[2] * k))):
            r, g, b = px[3 * (y * w + x)], px[3 * (y * w + x) + 1], px[3 * (y * w + x) + 2]
            n += r > 150 and g < 110 and b < 110
    return n


def check_stamp(pdf, folder, placement_id):
    """The seal on the cover and on the last (assessment) page, a 骑缝章
    strip at the right edge of every page, the verification code of every
    page in its text, the QR code on the cover (decoded with zbarimg)."""
    import hashlib, tempfile
    npages = int(re.search(r"Pages:\s+(\d+)", run("pdfinfo", pdf)[1]).group(1))
    ok(red_pixels(pdf, 1, (300, 430, 520, 620)) > 500, "no seal on the cover")
    ok(red_pixels(pdf, npages, (300, 200, 560, 700)) > 500, "no seal on the assessment page")
    ok(red_pixels(pdf, 1, (0, 0, 280, 400)) == 0, "red where no seal should be on the cover")
    for p in range(1, npages + 1):
        ok(red_pixels(pdf, p, (590, 300, 596, 560), dpi=100) > 0, "page %d: no 骑缝章 strip at the edge" % p)
    h = hashlib.sha256()
    for name in sorted(os.listdir(folder)):
        if name.endswith(".xml"):
            h.update(name.encode() + b"\0" + open(os.path.join(folder, name), "rb").read())
    digest = h.digest()
    for p in range(1, npages + 1):
        code = hashlib.sha256(digest + p.to_bytes(4, "big")).hexdigest()[:8].upper()
        want = "核验码 %s-%s" % (code[:4], code[4:])
        text = run("pdftotext", "-f", str(p), "-l", str(p), "-enc", "UTF-8", pdf, "-")[1]
        ok(want in text, "page %d: %s not found" % (p, want))
    tmp = scratch()
    run("pdftoppm", "-r", "100", "-png", "-f", "1", "-l", "1", pdf, tmp + "/c")
    rc, out, err = run("zbarimg", "-q", "--raw", glob.glob(tmp + "/c*.png")[0])
    ok(out.strip() == "%s\n%s" % (placement_id, h.hexdigest()), "QR code reads %r" % out.strip())


def main():
    cmd, pdf = sys.argv[1], sys.argv[2]
    if cmd == "text":
        check_text(pdf, sys.argv[3], sys.argv[4])
    elif cmd == "breaks":
        check_breaks(pdf)
    elif cmd == "flush":
        check_flush(pdf)
    elif cmd == "fonts":
        check_fonts(pdf)
    elif cmd == "stamp":
        check_stamp(pdf, sys.argv[3], sys.argv[4])
    elif cmd == "letter":
        check_letter(pdf)
    elif cmd == "ink":
        check_ink(pdf, sys.argv[3])
    print("%s: %d passed, %d failed" % (cmd, passed, failed))
    sys.exit(1 if failed else 0)


main()
