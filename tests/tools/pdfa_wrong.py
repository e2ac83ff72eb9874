#!/usr/bin/env python3
"""The negative tests of pdfa.py: each rule broken on purpose in a copy of
a good PDF, and the checker must name that rule — which it must not name
for the good file (so no rule passes by failing everything).

  pdfa_wrong.py GOOD.pdf [STAMPED.pdf] TMPDIR

The copies are edited in qpdf's QDF form (uncompressed, one object per
block) and mended with fix-qdf, or, for the rules about the file's bytes,
edited after. STAMPED.pdf (a dossier with the seal's form XObject) serves
the rules about forms. Prints "pdfa-wrong: N passed, N failed"."""
import os, re, subprocess, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pdfa import RULES, Checker   # noqa: E402

CAT = b"/Type /Catalog\n"
PAGE1 = b"/Type /Page\n"


def cat(entry):
    return sub(CAT, entry + b"\n  /Type /Catalog\n")


def page1(entry):
    return sub(PAGE1, entry + b"\n  /Type /Page\n")


def sub(old, new):
    return ("sub", old, new)


def before(key, entry):
    """entry put before the first dictionary line key (/Subtype /Image …)."""
    return sub(key + b"\n", entry + b"\n  " + key + b"\n")


def gstate(entries):
    """An ExtGState with entries in page 1's resources."""
    return sub(b"/Resources <<\n", b"/Resources <<\n      /ExtGState << /G0 << /Type /ExtGState " + entries + b" >> >>\n")


IMAGE, FORM = b"/Subtype /Image", b"/Subtype /Form"


def content(ops):
    """ops put before page 1's first operator."""
    return ("re", rb"(%% Contents for page 1\n.*?\nstream\n)", lambda m: m.group(1) + ops)


def lzw(q):
    """Page 1's content replaced by an LZW stream (clear, end: an empty page)."""
    return re.sub(rb"(%% Contents for page 1\n.*?/Length \d+ 0 R\n)(>>\nstream\n).*?(\nendstream)",
                  lambda m: m.group(1) + b"  /Filter /LZWDecode\n" + m.group(2) + b"\x80\x40\x40" + m.group(3),
                  q, count=1, flags=re.S)


def hex_metadata(q):
    def enc(m):
        return m.group(1) + b"  /Filter /ASCIIHexDecode\n" + m.group(2) + m.group(3).hex().encode() + b">" + m.group(4)
    return re.sub(rb"(/Subtype /XML\n  /Type /Metadata\n  /Length \d+ 0 R\n)(>>\nstream\n)(.*?)(\nendstream)",
                  enc, q, count=1, flags=re.S)


def cidset_bit(q):
    """Clears the bit of CID 0 in the first /CIDSet."""
    m = re.search(rb"/CIDSet (\d+) 0 R", q)
    if not m:
        return q
    s = re.search(rb"\n%s 0 obj\n.*?\nstream\n" % m.group(1), q, re.S)
    i = s.end()
    return q[:i] + bytes([q[i] & 0x7F]) + q[i + 1:]


def bump_length(d):
    """The first stream's /Length, one more than its data."""
    m = re.search(rb"/Length (\d+) 0 R", d)
    return re.sub(rb"(\n%s 0 obj\s+)(\d+)" % m.group(1), lambda n: n.group(1) + b"%d" % (int(n.group(2)) + 1), d, count=1)


def append_update(d, says_so=False):
    """d with an incremental update appended that rewrites the catalog
    unchanged, and when says_so also Info and the XMP, with a new second
    /ID element: what the signature or the 归档章 must do to say when."""
    tr, prev = re.findall(rb"trailer\s*<<(.*?)>>\s*startxref\s+(\d+)", d, re.S)[-1]
    root = int(re.search(rb"/Root (\d+) 0 R", tr).group(1))
    nums = [root]
    if says_so:
        cat = re.search(rb"\n%d 0 obj\s(.*?)endobj" % root, d, re.S).group(1)
        nums += [int(re.search(rb"/Info (\d+) 0 R", tr).group(1)), int(re.search(rb"/Metadata (\d+) 0 R", cat).group(1))]
        ids = re.search(rb"/ID\s*\[\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*\]", tr)
        tr = tr.replace(ids.group(0), b"/ID [<%s> <%s>]" % (ids.group(1), b"0" * len(ids.group(2))))
    out = d if d.endswith(b"\n") else d + b"\n"
    xref = b"xref\n"
    for n in nums:
        body = re.search(rb"\n%d 0 obj\s(.*?)endobj" % n, d, re.S).group(1)
        xref += b"%d 1\n%010d 00000 n \n" % (n, len(out))
        out += b"%d 0 obj\n" % n + body + b"endobj\n"
    tr = re.sub(rb"/Prev \d+", b"", tr)
    return out + xref + b"trailer\n<<" + tr + b" /Prev %s >>\nstartxref\n%d\n%%%%EOF\n" % (prev, len(out))


def icc_v4(q):
    i = q.find(b"acsp") - 28
    return q[:i] + b"\x04" + q[i + 1:] if i > 0 else q


# (clause, what, edit, base): edit is ("sub", old, new) for the first
# occurrence, ("re", pattern, repl), a function of the QDF bytes,
# ("raw", function) of the good file's bytes (the rules about bytes,
# which qpdf's rewriting would mend), ("qdf", function) kept in QDF form,
# or ("qpdf", options).
WRONG = [
    ("6.1.2", "header comment without high bytes", ("raw", lambda d: d[:9] + b"%abcd" + d[14:]), "good"),
    ("6.1.3", "trailer without /ID", ("raw", lambda d: d[:d.rfind(b"/ID [")] + b"/XD [" + d[d.rfind(b"/ID [") + 5:]), "good"),
    ("6.1.3", "bytes after %%EOF", ("raw", lambda d: d + b"% more\n"), "good"),
    ("6.1.3", "encrypted", ("qpdf", ["--encrypt", "", "", "256", "--"]), "good"),
    ("6.1.4", "subsection header with two spaces", ("raw", lambda d: re.sub(rb"xref\n0 ", b"xref\n0  ", d)), "good"),
    ("6.1.4", "cross-reference stream", ("qpdf", ["--object-streams=generate"]), "good"),
    ("6.1.7", "stream /Length one byte long", ("raw", bump_length), "good"),
    ("6.1.7", "stream with /F", ("re", rb"(%% Contents for page 1\n.*?/Length \d+ 0 R\n)",
                                  lambda m: m.group(1) + b"  /F (x.dat)\n"), "good"),
    ("6.1.8", "'obj' not followed by an EOL", ("raw", lambda d: d.replace(b"\n1 0 obj\n", b"\n1 0 obj ", 1)), "good"),
    ("6.1.10", "LZW-compressed content", lzw, "good"),
    ("6.1.11", "embedded files", cat(b"/Names << /EmbeddedFiles << /Names [ ] >> >>"), "good"),
    ("6.1.12", "a name of 200 bytes", cat(b"/" + b"N" * 200 + b" 1"), "good"),
    ("6.1.12", "q nested 30 deep", content(b"q " * 30 + b"Q " * 30 + b"\n"), "good"),
    ("6.1.13", "optional content", cat(b"/OCProperties << /OCGs [ ] /D << >> >>"), "good"),
    ("6.2.2", "no output intent", sub(b"/OutputIntents [", b"/XutputIntents ["), "good"),
    ("6.2.2", "ICC version 4 profile", icc_v4, "good"),
    ("6.2.3", "DeviceCMYK with an RGB intent", content(b"0 0 0 1 k\n"), "good"),
    ("6.2.4", "image with /Interpolate true", before(IMAGE, b"/Interpolate true"), "good"),
    ("6.2.5", "form with /OPI", before(FORM, b"/OPI << /1.3 << >> >>"), "stamped"),
    ("6.2.6", "reference XObject", before(FORM, b"/Ref << /F (x.pdf) /Page 0 >>"), "stamped"),
    ("6.2.7", "PostScript XObject", sub(IMAGE, b"/Subtype /PS"), "good"),
    ("6.2.8", "ExtGState /TR", gstate(b"/TR /Identity"), "good"),
    ("6.2.9", "ri /Foo", content(b"/Foo ri\n"), "good"),
    ("6.2.10", "undefined operator", content(b"foo\n"), "good"),
    ("6.3.2", "Type0 font without /Encoding", sub(b"/Encoding /Identity-H\n", b""), "good"),
    ("6.3.3.2", "CIDFontType2 without /CIDToGIDMap", sub(b"/CIDToGIDMap /Identity\n", b""), "good"),
    ("6.3.3.3", "CMap not embedded", sub(b"/Encoding /Identity-H", b"/Encoding /UniGB-UCS2-H"), "good"),
    ("6.3.4", "font program not embedded", sub(b"/FontFile2 ", b"/FontFileX "), "good"),
    ("6.3.5", "subset font without /CIDSet", ("re", rb"\n *?/CIDSet \d+ 0 R", lambda m: b""), "good"),
    ("6.3.5", "/CIDSet without CID 0", cidset_bit, "good"),
    ("6.3.6", "/DW not the font's width", sub(b"/DW 1000", b"/DW 900"), "good"),
    ("6.4", "ExtGState /CA 0.5", gstate(b"/CA 0.5"), "good"),
    ("6.4", "blend mode Multiply", gstate(b"/BM /Multiply"), "good"),
    ("6.4", "soft mask", gstate(b"/SMask << /S /Luminosity >>"), "good"),
    ("6.4", "image with /SMask", before(IMAGE, b"/SMask 1 0 R"), "good"),
    ("6.4", "transparency group", page1(b"/Group << /S /Transparency /CS /DeviceRGB >>"), "good"),
    ("6.5.2", "file attachment annotation",
     page1(b"/Annots [ << /Type /Annot /Subtype /FileAttachment /Rect [ 0 0 9 9 ] /F 4 /AP << /N 1 0 R >> >> ]"), "good"),
    ("6.5.3", "annotation without /F", page1(b"/Annots [ << /Type /Annot /Subtype /Text /Rect [ 0 0 9 9 ] /AP << /N 1 0 R >> >> ]"), "good"),
    ("6.5.3", "annotation without appearance", page1(b"/Annots [ << /Type /Annot /Subtype /Text /Rect [ 0 0 9 9 ] /F 4 >> ]"), "good"),
    ("6.6.1", "JavaScript action", cat(b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>"), "good"),
    ("6.6.1", "Launch action", cat(b"/OpenAction << /Type /Action /S /Launch /F (cmd.exe) >>"), "good"),
    ("6.6.1", "URI action", cat(b"/OpenAction << /S /URI /URI (http://example.com/) >>"), "good"),
    ("6.6.1", "named action Print", cat(b"/OpenAction << /Type /Action /S /Named /N /Print >>"), "good"),
    ("6.6.2", "catalog /AA", cat(b"/AA << /WC << /S /GoTo /D [ 0 /Fit ] >> >>"), "good"),
    ("6.6.2", "JavaScript name tree", cat(b"/Names << /JavaScript << /Names [ ] >> >>"), "good"),
    ("6.7.2", "no /Metadata", ("re", rb"\n *?/Metadata \d+ 0 R", lambda m: b""), "good"),
    ("6.7.2", "filtered metadata", ("qdf", hex_metadata), "good"),
    ("6.7.3", "Info /Title not the XMP's", ("re", rb"/Title <[0-9a-f]+>", lambda m: b"/Title <feff0041>"), "good"),
    ("6.7.3", "Info /ModDate not the XMP's", ("re", rb"/ModDate \(D:\d{4}", lambda m: b"/ModDate (D:1999"), "good"),
    ("6.7.5", "xpacket with bytes=", ("sub", b'id="W5M0MpCehiHzreSzNTczkc9d"', b'bytes="9" id="W5M0MpCehiHzreSzNTczkc9d"'), "good"),
    ("6.7.8", "property outside the predefined schemas",
     ("sub", b"<pdf:Keywords>", b'<foo:bar xmlns:foo="http://example.com/foo/">x</foo:bar><pdf:Keywords>'), "good"),
    ("6.7.9", "XMP not well-formed", ("sub", b"</rdf:RDF>", b"</rdf:RDX>"), "good"),
    ("6.7.11", "pdfaid:part 2", ("sub", b"<pdfaid:part>1<", b"<pdfaid:part>2<"), "good"),
    ("6.9", "NeedAppearances true", cat(b"/AcroForm << /Fields [ ] /NeedAppearances true >>"), "good"),
    ("6.9", "XFA form", cat(b"/AcroForm << /Fields [ ] /XFA (x) >>"), "good"),
    ("14.4", "an update that keeps /ID, Info and XMP", ("raw", append_update), "good"),
]


def run(*args):
    return subprocess.run(args, capture_output=True)


def fix_qdf(qdf, out):
    """fix-qdf mends lengths and offsets of an edited QDF file; qpdf then
    writes it in ordinary form, streams as they are (QDF itself puts no
    EOL between a stream's data and endstream, which 6.1.7 wants)."""
    open(out + ".f", "wb").write(run("fix-qdf", qdf).stdout)
    run("qpdf", "--decode-level=none", "--compress-streams=n", "--object-streams=disable",
        "--newline-before-endstream", out + ".f", out)


def make(qdf, edit, good_pdf, out):
    """Writes the broken copy; False when the edit found nothing to change."""
    if isinstance(edit, tuple) and edit[0] == "qpdf":
        run("qpdf", *edit[1], good_pdf, out)
        return os.path.exists(out)
    if isinstance(edit, tuple) and edit[0] == "raw":
        d = open(good_pdf, "rb").read()
        e = edit[1](d)
        open(out, "wb").write(e)
        return e != d
    if isinstance(edit, tuple) and edit[0] == "qdf":   # kept as fix-qdf leaves it
        q2 = edit[1](qdf)
        open(out + ".q", "wb").write(q2)
        open(out, "wb").write(run("fix-qdf", out + ".q").stdout)
        return q2 != qdf
    if callable(edit):
        q2 = edit(qdf)
    elif edit[0] == "sub":
        q2 = qdf.replace(edit[1], edit[2], 1)
    else:
        q2 = re.sub(edit[1], edit[2], qdf, count=1, flags=re.S)
    open(out + ".q", "wb").write(q2)
    fix_qdf(out + ".q", out)
    return q2 != qdf and os.path.exists(out)


def main():
    args = sys.argv[1:]
    tmp = args[-1]
    bases = {"good": args[0], "stamped": args[1] if len(args) > 2 else None}
    qdfs, reports = {}, {}
    passed = failed = 0
    for name, path in bases.items():
        if path:
            run("qpdf", "--qdf", "--object-streams=disable", path, os.path.join(tmp, name + ".qdf"))
            qdfs[name] = open(os.path.join(tmp, name + ".qdf"), "rb").read()
            reports[name] = {c for c, _ in Checker(path).run()}
        if path:      # the mending itself breaks no rule
            out = os.path.join(tmp, name + "-mended.pdf")
            fix_qdf(os.path.join(tmp, name + ".qdf"), out)
            same = {c for c, _ in Checker(out).run()} == reports[name]
            passed, failed = passed + same, failed + (not same)
            if not same:
                print("FAIL %s: mended unedited copy reports %s" % (name, sorted({c for c, _ in Checker(out).run()})))
    for i, (clause, what, edit, base) in enumerate(WRONG):
        if base not in qdfs:
            print("FAIL %s %s: no %s PDF to break" % (clause, what, base))
            failed += 1
            continue
        out = os.path.join(tmp, "wrong-%02d.pdf" % i)
        if not make(qdfs[base], edit, bases[base], out):
            print("FAIL %s %s: the edit found nothing to break" % (clause, what))
            failed += 1
            continue
        found = {c for c, _ in Checker(out).run()}
        if clause in reports[base]:
            print("FAIL %s %s: the good file already fails %s" % (clause, what, clause))
            failed += 1
        elif clause not in found:
            print("FAIL %s %s: not caught (found %s)" % (clause, what, sorted(found)))
            failed += 1
        else:
            passed += 1
    # The same update done right passes, and breaks nothing else.
    out = os.path.join(tmp, "update-right.pdf")
    open(out, "wb").write(append_update(open(bases["good"], "rb").read(), says_so=True))
    right = {c for c, _ in Checker(out).run()}
    passed, failed = passed + (right == reports["good"]), failed + (right != reports["good"])
    if right != reports["good"]:
        print("FAIL an update done right reports %s" % sorted(right - reports["good"]))
    untested = sorted({c for c, _ in RULES} - {w[0] for w in WRONG})
    passed, failed = passed + (not untested), failed + bool(untested)
    if untested:
        print("FAIL rules without a negative test: %s" % untested)
    print("pdfa-wrong: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
