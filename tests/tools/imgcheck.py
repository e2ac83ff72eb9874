#!/usr/bin/env python3
"""imgcheck.py FILE.ppm — is the test picture (tests/tools/mkimage.c,
pngmake.py: red band across the top quarter, blue band down the left
quarter below it, white elsewhere) there and upright? FILE is a P6 PPM: an
image pdfimages took out of a PDF, or a page pdftoppm rendered (the
picture is found as the bounding box of its red and blue pixels).
Exit 0 when upright, else 1 with what was seen."""
import sys


def read_ppm(path):
    data = open(path, "rb").read()
    fields, pos = [], 0
    while len(fields) < 4:
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos)
            continue
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    if fields[0] != b"P6":
        sys.exit("not a P6 PPM: %r" % fields[0])
    w, h = int(fields[1]), int(fields[2])
    return w, h, data[pos + 1:pos + 1 + w * h * 3]


def kind(p):
    r, g, b = p
    if r > 150 and g < 110 and b < 110:
        return "red"
    if b > 150 and r < 110 and g < 110:
        return "blue"
    if min(p) > 200:
        return "white"
    return "other(%d,%d,%d)" % p


def main():
    w, h, px = read_ppm(sys.argv[1])
    at = lambda x, y: tuple(px[(y * w + x) * 3:(y * w + x) * 3 + 3])
    xs, ys = [], []
    for y in range(h):
        for x in range(w):
            if kind(at(x, y)) in ("red", "blue"):
                xs.append(x)
                ys.append(y)
    if not xs:
        print("no red or blue pixels in %dx%d" % (w, h))
        return 1
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    bw, bh = x1 - x0 + 1, y1 - y0 + 1
    want = [(0.5, 0.1, "red"), (0.9, 0.1, "red"), (0.1, 0.1, "red"), (0.1, 0.6, "blue"),
            (0.1, 0.9, "blue"), (0.6, 0.6, "white"), (0.9, 0.9, "white")]
    seen = []
    for fx, fy, k in want:
        got = kind(at(x0 + int(fx * (bw - 1)), y0 + int(fy * (bh - 1))))
        seen.append("%s@%.1f,%.1f=%s" % (k, fx, fy, got))
        if got != k:
            print("not upright (%dx%d picture at %d,%d): %s" % (bw, bh, x0, y0, " ".join(seen)))
            return 1
    return 0


sys.exit(main())
