#!/usr/bin/env python3
"""Reads a PDF through qpdf's JSON and prints what tests/unit/test_pdf.c
compares with the document it wrote, one fact per line:

  glyph PAGE X Y          every glyph's origin, by simulating the text
                          operators (Tf Tc Td Tm TJ Tj) with the fonts' /W
  font BASEFONT RAW LEN1  embedded font program: bytes in the file, bytes unpacked
  cmap BASEFONT CID HEX   each ToUnicode bfchar entry
  outline DEPTH PAGE TITLE
  intent S N              the output intent's subtype and profile components
  extgstate N             pages with an ExtGState resource
  date KEY VALUE          Info CreationDate/ModDate and XMP xmp:CreateDate

Usage: pdf_inspect.py FILE.pdf"""
import base64, json, re, subprocess, sys


def qpdf_json(path, decode, check=True):
    """qpdf's JSON of the file; check=False takes what qpdf could read of
    a damaged file (exit 3: warnings) instead of failing."""
    p = subprocess.run(["qpdf", "--json", "--json-stream-data=inline",
                        "--decode-level=" + decode, "--json-key=qpdf",
                        "--json-key=pages", "--json-key=outlines", path],
                       capture_output=True, check=check)
    return json.loads(p.stdout)


class Doc:
    def __init__(self, j):
        self.objs = j["qpdf"][1]
        self.pages = j["pages"]
        self.outlines = j["outlines"]

    def get(self, v):
        """Follows an indirect reference "N 0 R" to the object's value or stream."""
        while isinstance(v, str) and v.endswith(" R"):
            o = self.objs["obj:" + v]
            v = o.get("value", o.get("stream"))
        return v

    def data(self, ref):
        return base64.b64decode(self.get(ref)["data"])


TOKEN = re.compile(rb"\s*(?:(<[0-9A-Fa-f\s]*>)|(\[)|(\])|(/[^\s/\[\]<>()]+)|"
                   rb"([-+]?(?:\d+\.?\d*|\.\d+))|(\((?:\\.|[^\\)])*\))|([A-Za-z'\"*]+))")


ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def unescape(body):
    """The bytes of a literal string's body (PDF 32000 7.3.4.2)."""
    return re.sub(rb"\\([0-7]{1,3}|\r\n|[\s\S])",
                  lambda m: bytes([int(m.group(1), 8) & 255]) if m.group(1)[:1].isdigit()
                  else b"" if m.group(1) in (b"\r\n", b"\r", b"\n")
                  else ESCAPES.get(m.group(1), m.group(1)), body)


def tokens(data):
    pos = 0
    while pos < len(data):
        m = TOKEN.match(data, pos)
        if not m:
            if data[pos:].strip() == b"":
                return
            pos += 1
            continue
        pos = m.end()
        hexs, lb, rb_, name, num, lit, op = m.groups()
        if hexs is not None:
            yield ("str", bytes.fromhex(re.sub(rb"\s", b"", hexs[1:-1]).decode()))
        elif lb:
            yield ("[", None)
        elif rb_:
            yield ("]", None)
        elif name:
            yield ("name", name[1:].decode())
        elif num:
            yield ("num", float(num))
        elif lit:
            yield ("str", unescape(lit[1:-1]))
        else:
            yield ("op", op.decode())


def widths(doc, font):
    """CID → width (1/1000 em) from a Type0 font's descendant /W and /DW."""
    cid = doc.get(doc.get(font["/DescendantFonts"])[0])
    w, dw = {}, cid.get("/DW", 1000)
    arr = doc.get(cid.get("/W", []))
    i = 0
    while i < len(arr):
        first = arr[i]
        if isinstance(arr[i + 1], list):
            for k, x in enumerate(arr[i + 1]):
                w[first + k] = x
            i += 2
        else:
            for c in range(first, arr[i + 1] + 1):
                w[c] = arr[i + 2]
            i += 3
    return w, dw


def page_glyphs(doc, pno, page):
    for x, y, _adv, _size in glyphs(doc, page):
        print("glyph %d %.4f %.4f" % (pno, x, y))


def glyphs(doc, page):
    """Every glyph of a page as (x, y, advance, font size), in drawing order."""
    pobj = doc.get(page["object"])
    res = doc.get(pobj.get("/Resources", {}))
    fonts = doc.get(res.get("/Font", {}))
    data = b"".join(doc.data(c) for c in page["contents"])
    stack, arr, font, size, tc = [], None, None, 0, 0
    tm = tlm = (0.0, 0.0)
    for kind, v in tokens(data):
        if kind == "[":
            arr = []
        elif kind == "]":
            stack.append(("arr", arr))
            arr = None
        elif kind == "op":
            a = [x[1] for x in stack]
            stack = []
            if v == "BT":
                tm = tlm = (0.0, 0.0)
            elif v == "Tf":
                font, size = widths(doc, doc.get(fonts["/" + a[0]])), a[1]
            elif v == "Tc":
                tc = a[0]
            elif v == "Td":
                tm = tlm = (tlm[0] + a[0], tlm[1] + a[1])
            elif v == "Tm":
                tm = tlm = (a[4], a[5])
            elif v in ("TJ", "Tj"):
                items = a[0] if v == "TJ" else [a[0]]
                x, y = tm
                for it in items:
                    if isinstance(it, float):
                        x -= it / 1000 * size
                        continue
                    for k in range(0, len(it) - 1, 2):
                        cid = it[k] << 8 | it[k + 1]
                        adv = font[0].get(cid, font[1]) * size / 1000
                        yield x, y, adv, size
                        x += adv + tc
                tm = (x, y)
        elif arr is not None:
            arr.append(v)
        else:
            stack.append((kind, v))


def fonts(doc, raw):
    seen = set()
    for key, o in sorted(doc.objs.items()):
        v = o.get("value")
        if not isinstance(v, dict) or v.get("/Subtype") != "/Type0" or key in seen:
            continue
        seen.add(key)
        name = v["/BaseFont"][1:]
        desc = doc.get(doc.get(doc.get(v["/DescendantFonts"])[0])["/FontDescriptor"])
        ref = desc["/FontFile2"]
        print("font %s %d %d" % (name, len(raw.data(ref)), len(doc.data(ref))))
        cmap = doc.data(v["/ToUnicode"]).decode("latin-1")
        for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
            for cid, hexs in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
                print("cmap %s %d %s" % (name, int(cid, 16), hexs.upper()))


def outlines(items, depth):
    for o in items:
        print("outline %d %s %s" % (depth, o.get("destpageposfrom1"), o["title"]))
        outlines(o.get("kids", []), depth + 1)


def meta(doc):
    trailer = doc.get(doc.objs["trailer"]["value"] if "trailer" in doc.objs else {})
    cat = next(o["value"] for o in doc.objs.values()
               if isinstance(o.get("value"), dict) and o["value"].get("/Type") == "/Catalog")
    for oi in doc.get(cat.get("/OutputIntents", [])):
        oi = doc.get(oi)
        prof = doc.get(oi["/DestOutputProfile"])
        print("intent %s %s" % (oi["/S"][1:], prof["dict"].get("/N")))
    n = sum(1 for p in doc.pages
            if "/ExtGState" in doc.get(doc.get(p["object"]).get("/Resources", {})))
    print("extgstate %d" % n)
    info = doc.get(trailer.get("/Info", {})) if trailer else {}
    for k in ("/CreationDate", "/ModDate"):
        if k in info:
            print("date %s %s" % (k[1:], info[k][2:]))
    xmp = doc.data(cat["/Metadata"]).decode("utf-8")
    m = re.search(r"<xmp:CreateDate>(.*?)</xmp:CreateDate>", xmp)
    print("date xmp:CreateDate %s" % (m.group(1) if m else ""))


def main():
    path = sys.argv[1]
    doc, raw = Doc(qpdf_json(path, "generalized")), Doc(qpdf_json(path, "none"))
    for p in doc.pages:
        page_glyphs(doc, p["pageposfrom1"] - 1, p)
    fonts(doc, raw)
    outlines(doc.outlines, 0)
    meta(doc)


if __name__ == "__main__":   # pdfa.py imports the reader and tokenizer
    main()
