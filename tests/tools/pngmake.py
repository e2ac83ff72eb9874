#!/usr/bin/env python3
"""pngmake.py OUT KIND W H — a PNG written by hand (zlib + struct), for the
image tests. The picture is the one tests/tools/mkimage.c draws: a red band
across the top quarter, a blue band down the left quarter below it; the
rest is white, or (for the kinds with transparency) fully transparent, so
a reader that does not flatten on white shows it black or grey.

KIND: rgb, interlaced (Adam7), rgb16 (16 bits per sample), rgba,
palette-trns (palette with a tRNS chunk), gray16, truncated (IDAT cut in
the middle), badcrc (one IDAT byte flipped), shortdata (IDAT holding
half the rows)."""
import struct
import sys
import zlib


def chunk(t, d):
    return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)


def colour(x, y, w, h):
    if y < h // 4:
        return (230, 20, 20, 255)
    if x < w // 4:
        return (20, 20, 230, 255)
    return (255, 255, 255, 0)


def sample_bytes(kind, px):
    r, g, b, a = px
    if kind == "rgb16":
        return struct.pack(">HHH", r * 257, g * 257, b * 257)
    if kind == "gray16":
        return struct.pack(">H", (r * 30 + g * 59 + b * 11) // 100 * 257)
    if kind == "rgba":
        return bytes((r, g, b, a)) if a else bytes((0, 0, 0, 0))
    if kind == "palette-trns":
        return bytes((0 if y_band(px) == "red" else 1 if y_band(px) == "blue" else 2,))
    return bytes((r, g, b))


def y_band(px):
    return "red" if px[0] == 230 else "blue" if px[2] == 230 else "white"


def rows(kind, w, h, xs, ys):
    out = b""
    for y in ys:
        out += b"\0" + b"".join(sample_bytes(kind, colour(x, y, w, h)) for x in xs)
    return out


ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def main():
    out, kind, w, h = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    depth, ctype = 8, 2
    if kind == "rgb16":
        depth = 16
    elif kind == "gray16":
        depth, ctype = 16, 0
    elif kind == "rgba":
        ctype = 6
    elif kind == "palette-trns":
        ctype = 3
    interlace = 1 if kind == "interlaced" else 0
    if interlace:
        raw = b""
        for x0, y0, dx, dy in ADAM7:
            xs, ys = range(x0, w, dx), range(y0, h, dy)
            if len(xs) and len(ys):
                raw += rows(kind, w, h, xs, ys)
    else:
        raw = rows(kind, w, h, range(w), range(h if kind != "shortdata" else h // 2))
    data = zlib.compress(raw, 9)
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, depth, ctype, 0, 0, interlace))
    if ctype == 3:
        png += chunk(b"PLTE", bytes((230, 20, 20, 20, 20, 230, 255, 255, 255)))
        png += chunk(b"tRNS", bytes((255, 255, 0)))
    if kind == "truncated":
        png += chunk(b"IDAT", data)
        png = png[: len(png) - len(data) // 2]
    elif kind == "badcrc":
        idat = chunk(b"IDAT", data)
        idat = idat[:20] + bytes((idat[20] ^ 0x55,)) + idat[21:]
        png += idat + chunk(b"IEND", b"")
    else:
        png += chunk(b"IDAT", data) + chunk(b"IEND", b"")
    open(out, "wb").write(png)


main()
