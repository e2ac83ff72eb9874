#!/usr/bin/env python3
"""Writes the running text of a submission (every heading and paragraph
of the dossier's journal, observations, lessons and reflections) as the
input of the tools a bureau would otherwise use, with dangan's geometry and
fonts (A4, text block 420 × 699 pt, 10.5 pt AR PL SungtiL GB, 18.9 pt lines,
2-em indent, justified; headings in WenQuanYi Zen Hei):

  export.py SUBMISSION OUT_DIR   →  OUT_DIR/doc.tex (XeLaTeX + ctex),
                                     OUT_DIR/doc.fo + fop.xconf (FOP),
                                     OUT_DIR/doc.html (WeasyPrint)"""
import html, os, sys, xml.etree.ElementTree as ET

NS = "{urn:dangan:1}"


def text(el):
    return "".join(el.itertext()).strip() if el is not None else ""


def blocks(folder):
    """(kind, text) in dossier order: ('h1'|'h2'|'p', text)."""
    files = {}
    for f in sorted(os.listdir(folder)):
        if f.endswith(".xml"):
            root = ET.parse(os.path.join(folder, f)).getroot()
            files.setdefault(root.tag[len(NS):], []).append(root)
    out = []

    def paras(el):
        for c in el:
            if c.tag in (NS + "p", NS + "item", NS + "activity"):
                out.append(("p", text(c)))
            elif c.tag == NS + "list":
                paras(c)

    out.append(("h1", "研修日志"))
    for root in files.get("journal", []):
        for day in root.iter(NS + "day"):
            out.append(("h2", day.get("date")))
            paras(day)
    out.append(("h1", "听课记录"))
    for root in files.get("observations", []):
        for i, ob in enumerate(root.iter(NS + "observation")):
            out.append(("h2", "听课记录%d　%s　%s" % (i + 1, ob.get("date"), text(ob.find(NS + "topic")))))
            paras(ob.find(NS + "notes"))
            if ob.find(NS + "comment") is not None:
                out.append(("h2", "评课"))
                paras(ob.find(NS + "comment"))
    out.append(("h1", "教案"))
    for root in files.get("lessons", []):
        for ls in root.iter(NS + "lesson"):
            out.append(("h2", text(ls.find(NS + "topic"))))
            for sec in ls:
                if sec.tag == NS + "process":
                    for st in sec:
                        out.append(("h2", st.get("title")))
                        paras(st)
                elif sec.tag not in (NS + "class", NS + "subject", NS + "topic"):
                    paras(sec)
    out.append(("h1", "反思与研修成果"))
    for root in files.get("reflections", []):
        for rf in root.iter(NS + "reflection"):
            out.append(("h2", text(rf.find(NS + "title"))))
            paras(rf)
    return out


def tex_escape(s):
    for a, b in (("\\", r"\textbackslash{}"), ("&", r"\&"), ("%", r"\%"), ("$", r"\$"), ("#", r"\#"),
                 ("_", r"\_"), ("{", r"\{"), ("}", r"\}"), ("~", r"\textasciitilde{}"), ("^", r"\^{}")):
        s = s.replace(a, b)
    return s


def write_tex(b, path):
    with open(path, "w") as f:
        f.write(r"""\documentclass[UTF8,zihao=5,fontset=none]{ctexart}
\usepackage[a4paper,left=87.64pt,right=87.64pt,top=71.3pt,bottom=71.3pt]{geometry}
\setCJKmainfont{AR PL SungtiL GB}
\setCJKsansfont{WenQuanYi Zen Hei}
\linespread{1.3}
\ctexset{section/format=\sffamily\Large\centering, subsection/format=\sffamily\normalsize}
\begin{document}
""")
        for kind, t in b:
            t = tex_escape(t)
            if kind == "h1":
                f.write("\\section*{%s}\n" % t)
            elif kind == "h2":
                f.write("\\subsection*{%s}\n" % t)
            else:
                f.write("%s\n\n" % t)
        f.write("\\end{document}\n")


def write_fo(b, path, conf):
    with open(conf, "w") as f:
        f.write('<fop version="1.0"><renderers><renderer mime="application/pdf"><fonts><auto-detect/></fonts>'
                '</renderer></renderers></fop>\n')
    with open(path, "w") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<fo:root xmlns:fo="http://www.w3.org/1999/XSL/Format">'
                '<fo:layout-master-set><fo:simple-page-master master-name="A4" page-width="595.28pt" '
                'page-height="841.89pt" margin="71.3pt 87.64pt"><fo:region-body/></fo:simple-page-master>'
                '</fo:layout-master-set><fo:page-sequence master-reference="A4"><fo:flow flow-name="xsl-region-body" '
                'font-family="AR PL SungtiL GB" font-size="10.5pt" line-height="18.9pt">\n')
        for kind, t in b:
            t = html.escape(t)
            if kind == "h1":
                f.write('<fo:block font-family="WenQuanYi Zen Hei" font-size="16pt" text-align="center" '
                        'space-before="12pt" space-after="12pt" keep-with-next="always">%s</fo:block>\n' % t)
            elif kind == "h2":
                f.write('<fo:block font-family="WenQuanYi Zen Hei" space-before="6pt" keep-with-next="always">%s</fo:block>\n' % t)
            else:
                f.write('<fo:block text-indent="21pt" text-align="justify">%s</fo:block>\n' % t)
        f.write("</fo:flow></fo:page-sequence></fo:root>\n")


def write_html(b, path):
    with open(path, "w") as f:
        f.write("""<!DOCTYPE html><html lang="zh"><head><meta charset="utf-8"><style>
@page { size: A4; margin: 71.3pt 87.64pt; }
body { font-family: "AR PL SungtiL GB"; font-size: 10.5pt; line-height: 18.9pt; }
p { text-indent: 2em; text-align: justify; margin: 0; }
h1 { font-family: "WenQuanYi Zen Hei"; font-size: 16pt; text-align: center; font-weight: normal; }
h2 { font-family: "WenQuanYi Zen Hei"; font-size: 12pt; font-weight: normal; margin: 6pt 0 0; }
</style></head><body>
""")
        for kind, t in b:
            t = html.escape(t)
            f.write("<%s>%s</%s>\n" % ("p" if kind == "p" else kind, t, "p" if kind == "p" else kind))
        f.write("</body></html>\n")


def main():
    folder, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    b = blocks(folder)
    write_tex(b, os.path.join(out, "doc.tex"))
    write_fo(b, os.path.join(out, "doc.fo"), os.path.join(out, "fop.xconf"))
    write_html(b, os.path.join(out, "doc.html"))


main()
