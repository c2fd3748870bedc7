"""Make the requested sizes from one capture (Pillow), as PNG bytes (``files.write_file`` writes them)."""

from __future__ import annotations

import io

from PIL import Image


def resize(capture: Image.Image, size: tuple[int, int], fit: str) -> Image.Image:
    """``capture`` at ``size``: scaled, then padded ("pad") or cropped ("crop") to another aspect.

    Padding extends the slide's own edge rows (or columns) outwards, so the band has exactly the
    colours the slide shows at that edge: no seam, whatever the theme paints there.
    """
    width, height = size
    if capture.size == size:
        return capture
    cw, ch = capture.size
    if abs(cw * height - ch * width) <= max(cw, ch):  # same aspect, give or take a pixel
        return capture.resize(size, Image.Resampling.LANCZOS)
    factor = min(width / cw, height / ch) if fit == "pad" else max(width / cw, height / ch)
    scaled = capture.resize((max(1, round(cw * factor)), max(1, round(ch * factor))), Image.Resampling.LANCZOS)
    if fit == "pad":
        return _pad(scaled, size)
    left, top = (scaled.width - width) // 2, (scaled.height - height) // 2
    return scaled.crop((left, top, left + width, top + height))


def _pad(scaled: Image.Image, size: tuple[int, int]) -> Image.Image:
    """``scaled`` centred on a ``size`` canvas whose bands repeat the nearest edge row or column."""
    width, height = size
    sw, sh = scaled.size
    left, top = (width - sw) // 2, (height - sh) // 2
    right, bottom = width - left - sw, height - top - sh
    nearest = Image.Resampling.NEAREST
    canvas = Image.new("RGB", size)
    canvas.paste(scaled, (left, top))
    if top > 0:
        canvas.paste(scaled.crop((0, 0, sw, 1)).resize((sw, top), nearest), (left, 0))
    if bottom > 0:
        canvas.paste(scaled.crop((0, sh - 1, sw, sh)).resize((sw, bottom), nearest), (left, top + sh))
    if left > 0:
        canvas.paste(canvas.crop((left, 0, left + 1, height)).resize((left, height), nearest), (0, 0))
    if right > 0:
        canvas.paste(
            canvas.crop((left + sw - 1, 0, left + sw, height)).resize((right, height), nearest), (left + sw, 0)
        )
    return canvas


def encode_png(image: Image.Image) -> bytes:
    """PNG bytes with no metadata, so equal pixels give equal files."""
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def decode_capture(data: bytes) -> Image.Image:
    """A browser screenshot as an RGB image."""
    with Image.open(io.BytesIO(data)) as image:
        return image.convert("RGB")
