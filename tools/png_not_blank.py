"""Fails unless every PNG given decodes and is not blank: several distinct colours, and no
colour covering more than 98 % of the pixels. Standard library only (zlib and the PNG
filters), for screenshots of 8-bit RGB or RGBA. Usage: png_not_blank.py FILE.png..."""
import struct
import sys
import zlib


def pixels(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path}: not a PNG")
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = header
    if depth != 8 or colour not in (2, 6) or interlace:
        raise ValueError(f"{path}: only 8-bit RGB(A), non-interlaced screenshots are read")
    bpp = 3 if colour == 2 else 4
    raw, stride = zlib.decompress(idat), width * bpp
    rows, previous = [], bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        row = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = row[i - bpp] if i >= bpp else 0
            b = previous[i]
            c = previous[i - bpp] if i >= bpp else 0
            if kind == 1:
                row[i] = (row[i] + a) & 255
            elif kind == 2:
                row[i] = (row[i] + b) & 255
            elif kind == 3:
                row[i] = (row[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                row[i] = (row[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(row))
        previous = row
    return width, height, [r[i:i + 3] for r in rows for i in range(0, stride, bpp)]


status = 0
for path in sys.argv[1:]:
    width, height, colours = pixels(path)
    counts = {}
    for c in colours:
        counts[c] = counts.get(c, 0) + 1
    top = max(counts.values()) / len(colours)
    ok = len(counts) >= 16 and top <= 0.98
    print(f"{path}: {width}x{height}, {len(counts)} colours, the commonest on {100 * top:.1f} % -> {'ok' if ok else 'BLANK'}")
    status |= not ok
sys.exit(status)
