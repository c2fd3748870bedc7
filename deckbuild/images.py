"""Make the requested sizes from one capture (Pillow) and write PNGs atomically."""

from __future__ import annotations

import io
import os
from pathlib import Path

from PIL import Image


def resize(capture: Image.Image, size: tuple[int, int], fit: str) -> Image.Image:
    """``capture`` at ``size``: scaled, then padded ("pad") or cropped ("crop") to another aspect.

    Padding uses the colour of the capture's top-left pixel, which is the slide's background.
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
        canvas = Image.new("RGB", size, capture.getpixel((0, 0)))
        canvas.paste(scaled, ((width - scaled.width) // 2, (height - scaled.height) // 2))
        return canvas
    left, top = (scaled.width - width) // 2, (scaled.height - height) // 2
    return scaled.crop((left, top, left + width, top + height))


def encode_png(image: Image.Image) -> bytes:
    """PNG bytes with no metadata, so equal pixels give equal files."""
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def decode_capture(data: bytes) -> Image.Image:
    """A browser screenshot as an RGB image."""
    with Image.open(io.BytesIO(data)) as image:
        return image.convert("RGB")


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename.

    A killed run leaves the old file or the new one, never part of one.  (No fsync: a power cut is
    not what this guards against.)"""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(temporary, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    finally:
        if temporary.exists():
            temporary.unlink()
