"""QR codes as PNG (segno: pure Python, no image library needed)."""

import io

import segno


def qr_png(content: str) -> bytes:
    """A QR code that phones read from a poster or a screen (medium error correction)."""
    image = io.BytesIO()
    segno.make(content, error="m").save(image, kind="png", scale=8, border=4)
    return image.getvalue()
