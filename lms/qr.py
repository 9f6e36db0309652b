"""QR codes as inline SVG: the verification code on every certificate, and the check-in code
a facilitator shows on a slide.

The symbol comes from zxing-cpp's writer, which encodes in C++ (Zint inside) and, as
ISO/IEC 18004 asks, tries all eight masks and keeps the one with the lowest penalty, in about
0.4 ms. The same search in pure Python (segno) took 3–5 ms a code, 4–7 % of a
certificate's render, in a worker that renders certificates all day (docs/benchmarks.md).
"""

import re

import zxingcpp

_COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")
_DARK_RUN = re.compile(rb"\x00+")  # the writer's image: 0 for a dark module, 255 for a light one


def qr_modules(text: str) -> list[bytes]:
    """The symbol's rows, one byte per module (0 dark, 255 light), error correction level M:
    a code printed on paper or shown on a projector still reads with 15 % of it damaged."""
    barcode = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    image = barcode.to_image(scale=1, add_quiet_zones=False)
    size = image.shape[1]
    data = memoryview(image).tobytes()
    return [data[start : start + size] for start in range(0, len(data), size)]


def qr_svg(text: str, *, module_px: int = 3, quiet_zone: int = 0, colour: str = "#1d2433") -> str:
    """An inline SVG of `text` as a QR code: one path of horizontal strokes, in a viewBox of
    one unit per module so that CSS can size it without blurring or clipping a module.

    `quiet_zone` is the light margin in modules; the certificate's own whitespace provides it
    there, a web page needs it drawn. The text is encoded, never written into the markup, and
    the colour must be #rrggbb, so the result is safe to mark as such.
    """
    if not _COLOUR.fullmatch(colour):
        raise ValueError(f"A QR colour must be #rrggbb, not {colour[:20]!r}.")
    rows = qr_modules(text)
    strokes = "".join(
        f"M{run.start() + quiet_zone} {y + quiet_zone}.5h{run.end() - run.start()}"
        for y, row in enumerate(rows)
        for run in _DARK_RUN.finditer(row)
    )
    side = len(rows) + 2 * quiet_zone
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{side * module_px}" height="{side * module_px}" '
        f'viewBox="0 0 {side} {side}"><path stroke="{colour}" d="{strokes}"/></svg>'
    )
