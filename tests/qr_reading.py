"""Read QR codes the way a phone camera would: from pixels, not from our own markup.

A PDF page is rasterised with PDFium and the image scanned with zxing-cpp's reader, so a
test passes only if the printed symbol really decodes."""

import pypdfium2
import zxingcpp


def qr_texts_in_pdf(pdf: bytes, *, scale: float = 3) -> list[str]:
    """The text of every QR code on the PDF's pages."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        return [
            barcode.text
            for page in document
            for barcode in zxingcpp.read_barcodes(
                page.render(scale=scale).to_pil(), formats=zxingcpp.BarcodeFormat.QRCode
            )
        ]
    finally:
        document.close()


def qr_texts_in_markup(markup: str) -> list[str]:
    """The text of every QR code in a piece of served HTML, drawn on a page by WeasyPrint."""
    from certificates.rendering import html_to_pdf

    return qr_texts_in_pdf(
        html_to_pdf(
            '<!DOCTYPE html><html lang="en"><head><title>QR</title></head><body><main>'
            f'<div style="width: 2in">{markup}</div></main></body></html>'
        )
    )
