#!/usr/bin/env python3
"""Writes the dossier dangan sets for a submission as the input of the tools
a bureau would otherwise use, so that they typeset the same content:

  build/bench SUBMISSION --blocks > BLOCKS.jsonl
  export.py BLOCKS.jsonl OUT_DIR  →  OUT_DIR/doc.tex (XeLaTeX + ctex),
                                     OUT_DIR/doc.fo + fop.xconf (FOP),
                                     OUT_DIR/doc.html (WeasyPrint)

BLOCKS.jsonl is layout_dossier.c's block list: the cover, the table of contents,
the registration form and check-list as ruled tables, every heading and
paragraph with its style, the 鉴定意见 grid with the opinions in Kai.
Geometry, sizes, leading and fonts are read from the same data files
dangan uses (templates/pages/dossier.xml, fonts/fonts.xml): A4, the text
block, each style's size, leading, alignment, indent and font role, the
running header and the "— N —" footer. Seals, QR codes and signatures are
dangan's own stamping stage and are left out here as in the timing."""
import html
import json
import os
import sys
import xml.etree.ElementTree as ET

NS = "{urn:dangan:1}"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def load_template():
    t = ET.parse(os.path.join(ROOT, "templates/pages/dossier.xml")).getroot()
    page = t.find(NS + "page").attrib
    styles = {s.get("name"): s.attrib for s in t.iter(NS + "style")}
    f = ET.parse(os.path.join(ROOT, "fonts/fonts.xml")).getroot()
    family = {x.get("id"): x.get("family") for x in f.iter(NS + "font")}
    roles = {r.get("name"): family[r.get("fonts").split()[0]] for r in f.iter(NS + "role")}
    return page, styles, roles


PAGE, STYLES, ROLES = load_template()


def style(name):
    s = STYLES.get(name) or STYLES["body"]
    return {
        "font": ROLES[s.get("role", "body")],
        "role": s.get("role", "body"),
        "size": float(s.get("size", 10.5)),
        "leading": float(s.get("leading", 18.9)),
        "indent": float(s.get("indent", 0)),
        "align": "justify" if s.get("justify") == "true" else s.get("align", "left"),
        "before": float(s.get("before", 0)),
        "after": float(s.get("after", 0)),
    }


def space_pt(b):
    return b["space"] if b["space"] >= 0 else -b["space"] * style("body")["leading"]


# ---------------------------------------------------------------- XeLaTeX

def tex_escape(s):
    for a, b in (("\\", r"\textbackslash{}"), ("&", r"\&"), ("%", r"\%"), ("$", r"\$"), ("#", r"\#"),
                 ("_", r"\_"), ("{", r"\{"), ("}", r"\}"), ("~", r"\textasciitilde{}"), ("^", r"\^{}")):
        s = s.replace(a, b)
    return s


TEX_FAMILY = {"body": r"\songti", "heading": r"\heiti", "kai": r"\kaiti"}
TEX_ALIGN = {"justify": "", "left": r"\raggedright", "center": r"\centering", "right": r"\raggedleft"}


def tex_text(st, t):
    return r"{%s\fontsize{%g}{%g}\selectfont%s\setlength{\parindent}{%gem}%s %s\par}" % (
        TEX_FAMILY[st["role"]], st["size"], st["leading"],
        "" if st["align"] == "justify" else TEX_ALIGN[st["align"]], st["indent"], "", tex_escape(t))


def tex_table(b):
    w = b["widths"]
    cols = "|".join(r"p{%.4f\linewidth}" % (x * 0.94) for x in w)
    out = [r"\begin{longtable}{|%s|}\hline" % cols]
    for i, row in enumerate(b["rows"]):
        cells, col = [], 0
        for c in row:
            st = style(c["style"])
            width = sum(w[col:col + c["span"]]) * 0.94
            body = r"%s\fontsize{%g}{%g}\selectfont %s%s" % (
                TEX_FAMILY[st["role"]], st["size"], st["leading"],
                r"\centering " if c["head"] else "", tex_escape(c["text"]))
            if c["min_height"]:
                body += r"\rule{0pt}{%gpt}" % c["min_height"]
            shade = r"\cellcolor[gray]{0.92}" if c["head"] else ""
            cells.append(r"\multicolumn{%d}{|p{%.4f\linewidth}|}{%s%s}" % (c["span"], width, shade, body))
            col += c["span"]
        out.append(" & ".join(cells) + r" \\ \hline")
        if i + 1 == b["header_rows"]:
            out.append(r"\endhead")
    out.append(r"\end{longtable}")
    return "\n".join(out)


def write_tex(blocks, header, path):
    body = style("body")
    p = PAGE
    out = [r"""\documentclass[UTF8,zihao=5,fontset=none]{ctexart}
\usepackage[a4paper,left=%spt,right=%spt,top=%spt,bottom=%spt]{geometry}
\usepackage{longtable,fancyhdr}
\usepackage[hidelinks,bookmarks=true,bookmarksopen=false]{hyperref}
\usepackage[table]{xcolor}
\setCJKmainfont{%s}
\setCJKfamilyfont{song}{%s}\newcommand{\songti}{\CJKfamily{song}}
\setCJKfamilyfont{hei}{%s}\providecommand{\heiti}{}\renewcommand{\heiti}{\CJKfamily{hei}}
\setCJKfamilyfont{kai}{%s}\providecommand{\kaiti}{}\renewcommand{\kaiti}{\CJKfamily{kai}}
\pagestyle{fancy}\fancyhf{}\renewcommand{\headrulewidth}{0.5pt}
\fancyhead[C]{\songti\fontsize{9}{12}\selectfont %s}
\fancyfoot[C]{\songti — \thepage{} —}
\setlength{\parskip}{0pt}
\linespread{1}
\begin{document}
""" % (p["inner"], p["outer"], p["top"], p["bottom"], ROLES["body"], ROLES["body"], ROLES["heading"],
       ROLES["kai"], tex_escape(header))]
    for b in blocks:
        k = b["kind"]
        if k == "heading":
            st = style(b["style"])
            out.append(r"\vspace{%gpt}%s" % (st["before"], tex_text(st, b["text"])))
            # dangan's bookmarks (pdf_write.c outline): hyperref makes those of the
            # TOC lines from \addcontentsline, the others are added here.
            if not b["in_toc"] and b["level"] <= 1:
                out.append(r"\pdfbookmark[%d]{%s}{b%d}" % (b["level"], tex_escape(b["text"]), len(out)))
            if b["in_toc"]:
                out.append(r"\addcontentsline{toc}{%s}{%s}" % ("section" if b["level"] == 0 else "subsection",
                                                               tex_escape(b["text"])))
            out.append(r"\nopagebreak\vspace{%gpt}" % st["after"])
        elif k == "para":
            st = style(b["style"])
            out.append(r"\vspace{%gpt}%s\vspace{%gpt}" % (st["before"], tex_text(st, b["text"]), st["after"]))
        elif k == "table":
            out.append(tex_table(b))
        elif k == "page-break":
            out.append(r"\clearpage")
        elif k == "toc":
            out.append(r"{\songti\makeatletter\@starttoc{toc}\makeatother}")
        elif k == "space":
            out.append(r"\vspace*{%gpt}" % space_pt(b))
    out.append(r"\end{document}")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")
    del body


# ---------------------------------------------------------------- FOP

FO_ALIGN = {"justify": "justify", "left": "start", "center": "center", "right": "end"}


def fo_attrs(st):
    return ('font-family="%s" font-size="%gpt" line-height="%gpt" text-align="%s" text-indent="%gem" '
            'space-before="%gpt" space-after="%gpt"' % (st["font"], st["size"], st["leading"],
                                                        FO_ALIGN[st["align"]], st["indent"], st["before"],
                                                        st["after"]))


def fo_table(b):
    out = ['<fo:table table-layout="fixed" width="100%" border-collapse="collapse">']
    for x in b["widths"]:
        out.append('<fo:table-column column-width="proportional-column-width(%g)"/>' % (x * 1000))
    rows = b["rows"]
    h = b["header_rows"]
    for part, rs in (("fo:table-header", rows[:h]), ("fo:table-body", rows[h:])):
        if not rs:
            continue
        out.append("<%s>" % part)
        for row in rs:
            out.append("<fo:table-row>")
            for c in row:
                st = style(c["style"])
                shade = ' background-color="#EBEBEB"' if c["head"] else ""
                height = ' height="%gpt"' % c["min_height"] if c["min_height"] else ""
                out.append('<fo:table-cell number-columns-spanned="%d" border="0.6pt solid black" padding="4pt"%s%s>'
                           '<fo:block font-family="%s" font-size="%gpt" line-height="%gpt" text-align="%s">%s'
                           '</fo:block></fo:table-cell>' % (c["span"], shade, height, st["font"], st["size"],
                                                             st["leading"], "center" if c["head"] else "justify",
                                                             html.escape(c["text"])))
            out.append("</fo:table-row>")
        out.append("</%s>" % part)
    out.append("</fo:table>")
    return "\n".join(out)


def write_fo(blocks, header, path, conf):
    with open(conf, "w") as f:
        f.write('<fop version="1.0"><renderers><renderer mime="application/pdf"><fonts><auto-detect/></fonts>'
                '</renderer></renderers></fop>\n')
    p = PAGE
    toc = [b for b in blocks if b["kind"] == "heading" and b["in_toc"]]
    marks = [b for b in blocks if b["kind"] == "heading" and (b["in_toc"] or b["level"] <= 1)]
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n<fo:root xmlns:fo="http://www.w3.org/1999/XSL/Format">'
           '<fo:layout-master-set><fo:simple-page-master master-name="A4" page-width="%spt" page-height="%spt" '
           'margin="0"><fo:region-body margin="%spt %spt %spt %spt"/>'
           '<fo:region-before extent="%spt"/><fo:region-after extent="%spt"/></fo:simple-page-master>'
           '</fo:layout-master-set><fo:page-sequence master-reference="A4">'
           '<fo:static-content flow-name="xsl-region-before"><fo:block font-family="%s" font-size="9pt" '
           'text-align="center" padding-top="36pt" border-bottom="0.5pt solid black" margin="0 %spt">%s</fo:block>'
           '</fo:static-content><fo:static-content flow-name="xsl-region-after"><fo:block font-family="%s" '
           'font-size="10.5pt" text-align="center">— <fo:page-number/> —</fo:block></fo:static-content>'
           '<fo:flow flow-name="xsl-region-body">'
           % (p["width"], p["height"], p["top"], p["outer"], p["bottom"], p["inner"], p["top"], p["bottom"],
              ROLES["body"], p["inner"], html.escape(header), ROLES["body"])]
    n = 0
    for b in blocks:
        k = b["kind"]
        if k in ("heading", "para"):
            st = style(b["style"])
            ident = ' id="m%d"' % marks.index(b) if b in marks else ""
            keep = ' keep-with-next="always"' if k == "heading" else ""
            out.append('<fo:block%s%s %s>%s</fo:block>' % (ident, keep, fo_attrs(st), html.escape(b["text"])))
        elif k == "table":
            out.append(fo_table(b))
        elif k == "page-break":
            out.append('<fo:block break-after="page"/>')
        elif k == "toc":
            st = style("toc")
            for i, h in enumerate(toc):
                out.append('<fo:block %s text-align-last="justify">%s<fo:leader leader-pattern="dots"/>'
                           '<fo:page-number-citation ref-id="m%d"/></fo:block>'
                           % (fo_attrs(st), html.escape(h["text"]), marks.index(h)))
        elif k == "space":
            out.append('<fo:block space-before="%gpt" space-before.conditionality="retain"/>' % space_pt(b))
        n += 1
    out.append("</fo:flow></fo:page-sequence></fo:root>")
    marks = [b for b in blocks if b["kind"] == "heading" and (b["in_toc"] or b["level"] <= 1)]
    if marks:
        tree = ["<fo:bookmark-tree>"]
        depth = -1
        for b in marks:
            lv = min(b["level"], depth + 1)
            while depth >= lv:
                tree.append("</fo:bookmark>")
                depth -= 1
            tree.append('<fo:bookmark internal-destination="m%d"><fo:bookmark-title>%s</fo:bookmark-title>'
                        % (marks.index(b), html.escape(b["text"])))
            depth = lv
        tree += ["</fo:bookmark>"] * (depth + 1) + ["</fo:bookmark-tree>"]
        out[0] = out[0].replace("</fo:layout-master-set>", "</fo:layout-master-set>" + "\n".join(tree), 1)
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


# ---------------------------------------------------------------- WeasyPrint

def css_style(st):
    return ("font-family:'%s';font-size:%gpt;line-height:%gpt;text-align:%s;text-indent:%gem;"
            "margin:%gpt 0 %gpt 0" % (st["font"], st["size"], st["leading"], st["align"], st["indent"],
                                      st["before"], st["after"]))


def html_table(b):
    out = ['<table><colgroup>' + "".join('<col style="width:%g%%">' % (x * 100) for x in b["widths"]) +
           "</colgroup>"]
    for i, row in enumerate(b["rows"]):
        if i == 0 and b["header_rows"]:
            out.append("<thead>")
        out.append("<tr>")
        for c in row:
            st = style(c["style"])
            tag = "th" if c["head"] else "td"
            h = "height:%gpt;" % c["min_height"] if c["min_height"] else ""
            out.append('<%s colspan="%d" style="font-family:\'%s\';font-size:%gpt;line-height:%gpt;%s">%s</%s>'
                       % (tag, c["span"], st["font"], st["size"], st["leading"], h, html.escape(c["text"]), tag))
        out.append("</tr>")
        if i + 1 == b["header_rows"]:
            out.append("</thead>")
    out.append("</table>")
    return "\n".join(out)


def write_html(blocks, header, path):
    p = PAGE
    toc = [b for b in blocks if b["kind"] == "heading" and b["in_toc"]]
    out = ["""<!DOCTYPE html><html lang="zh"><head><meta charset="utf-8"><style>
@page { size: A4; margin: %spt %spt %spt %spt;
  @top-center { content: "%s"; font-family: '%s'; font-size: 9pt; border-bottom: 0.5pt solid black; }
  @bottom-center { content: "— " counter(page) " —"; font-family: '%s'; font-size: 10.5pt; } }
body { margin: 0; }
p, h1, h2, h3 { font-weight: normal; }
table { border-collapse: collapse; width: 100%%; table-layout: fixed; margin: 6pt 0; }
td, th { border: 0.6pt solid black; padding: 4pt; vertical-align: top; text-align: justify; }
th { background: #EBEBEB; text-align: center; }
.toc a { color: black; text-decoration: none; }
.toc a::after { content: leader('.') target-counter(attr(href), page); }
.break { break-after: page; }
</style></head><body>
""" % (p["top"], p["outer"], p["bottom"], p["inner"], html.escape(header), ROLES["body"], ROLES["body"])]
    for b in blocks:
        k = b["kind"]
        if k in ("heading", "para"):
            st = style(b["style"])
            tag = "h%d" % (b["level"] + 1) if k == "heading" else "p"
            ident = ' id="h%d"' % toc.index(b) if k == "heading" and b["in_toc"] else ""
            out.append('<%s%s style="%s">%s</%s>' % (tag, ident, css_style(st), html.escape(b["text"]), tag))
        elif k == "table":
            out.append(html_table(b))
        elif k == "page-break":
            out.append('<div class="break"></div>')
        elif k == "toc":
            st = style("toc")
            for i, h in enumerate(toc):
                out.append('<p class="toc" style="%s"><a href="#h%d">%s</a></p>'
                           % (css_style(st), i, html.escape(h["text"])))
        elif k == "space":
            out.append('<div style="height:%gpt"></div>' % space_pt(b))
    out.append("</body></html>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def main():
    src, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    with open(src) as f:
        blocks = [json.loads(line) for line in f if line.strip()]
    header = next(b["text"] for b in blocks if b["kind"] == "header")
    blocks = [b for b in blocks if b["kind"] != "header"]
    write_tex(blocks, header, os.path.join(out, "doc.tex"))
    write_fo(blocks, header, os.path.join(out, "doc.fo"), os.path.join(out, "fop.xconf"))
    write_html(blocks, header, os.path.join(out, "doc.html"))


main()
