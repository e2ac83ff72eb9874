#!/usr/bin/env python3
"""intake_forge.py — tests/archive_check.sh's maker of bundles that verify
but must not be filed: a dossier of a genuine bundle is given one thing
the archive's 四性检测 refuses, in an incremental update signed again by
the school's own key (so every signature is valid and trusted), and the
bundle's manifest is rewritten and re-signed by the same key.

    intake_forge.py KIND BUNDLE ID CERT KEY

KIND: js (document-level JavaScript), embedded (an embedded file), uri (a
link annotation with a URI action), notitle (the document information
without /Title). Test tool only: it reads our own files with regular
expressions (tests/tools/forge.py), as an attacker would."""
import hashlib
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import forge  # noqa: E402


def changed(d, kind):
    size, root, info, _, _ = forge.trailer(d)
    cat = forge.dict_of(d, root)
    if kind == "js":
        assert b"/Names" not in cat
        objs = {size: b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>",
                size + 1: b"<< /Names [(a) %d 0 R] >>" % size,
                root: cat[:-2] + b"/Names << /JavaScript %d 0 R >> >>" % (size + 1)}
    elif kind == "embedded":
        assert b"/Names" not in cat
        body = b"hello"
        objs = {size: b"<< /Type /EmbeddedFile /Length %d >>\nstream\n" % len(body) + body + b"\nendstream",
                size + 1: b"<< /Type /Filespec /F (a.txt) /EF << /F %d 0 R >> >>" % size,
                size + 2: b"<< /Names [(a.txt) %d 0 R] >>" % (size + 1),
                root: cat[:-2] + b"/Names << /EmbeddedFiles %d 0 R >> >>" % (size + 2)}
    elif kind == "uri":
        page = forge.first_page(d, root)
        pg = forge.dict_of(d, page)
        link = b"<< /Type /Annot /Subtype /Link /Rect [0 0 100 100] /F 4 /Border [0 0 0] /A << /S /URI /URI (http://example.com/) >> >>"
        pg = re.sub(rb"/Annots \[", b"/Annots [%d 0 R " % size, pg) if b"/Annots" in pg else pg[:-2] + b"/Annots [%d 0 R] >>" % size
        objs = {size: link, page: pg}
    elif kind == "notitle":
        num = int(info)
        objs = {num: re.sub(rb"/Title\s*(<[0-9a-fA-F]*>|\((?:\\.|[^\\)])*\))", b"", forge.dict_of(d, num))}
    else:
        raise SystemExit("unknown kind " + kind)
    return forge.update(d, objs)


def main():
    kind, bundle, ident, cert, key = sys.argv[1:6]
    rel = "dossiers/%s.pdf" % ident
    path = os.path.join(bundle, rel)
    d = forge.sign(changed(open(path, "rb").read(), kind), cert, key, name=b"XXSY")
    open(path, "wb").write(d)
    man = os.path.join(bundle, "manifest.xml")
    m = open(man, encoding="utf-8").read()
    entry = '<file path="%s" size="%d" sha256="%s"/>' % (rel, len(d), hashlib.sha256(d).hexdigest())
    m = re.sub(r'<file path="%s"[^>]*/>' % re.escape(rel), entry, m)
    open(man, "w", encoding="utf-8").write(m)
    subprocess.run(["openssl", "cms", "-sign", "-binary", "-outform", "DER", "-md", "sha256", "-signer", cert,
                    "-inkey", key, "-in", man, "-out", os.path.join(bundle, "manifest.p7s")], check=True)


if __name__ == "__main__":
    main()
