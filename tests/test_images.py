"""images.py without a browser: where things land after pad, crop and resize; PNG bytes; atomic writes."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

import deckbuild.browser.images
from deckbuild.browser.images import decode_capture, encode_png, resize
from deckbuild.errors import DeckError
from deckbuild.files import write_file, write_if_changed

BACKGROUND = (30, 60, 90)  # uniform, so that any way of choosing the pad colour gives this one
RED, GREEN, BLUE = (255, 0, 0), (0, 255, 0), (0, 0, 255)
# A 320x200 "capture" with boxes (left, top, right, bottom): two near corners, one in the middle that
# every crop keeps.
BOXES = {RED: (20, 30, 80, 70), GREEN: (140, 80, 180, 120), BLUE: (200, 120, 280, 170)}


def slide(width: int = 320, height: int = 200) -> Image.Image:
    """The capture: BOXES scaled to ``width`` x ``height`` (which keep 320x200's aspect)."""
    image = Image.new("RGB", (width, height), BACKGROUND)
    draw = ImageDraw.Draw(image)
    f = width / 320
    for colour, (left, top, right, bottom) in BOXES.items():
        draw.rectangle((left * f, top * f, right * f - 1, bottom * f - 1), fill=colour)
    return image


def box_of(image: Image.Image, colour: tuple[int, int, int]) -> tuple[int, int, int, int]:
    """The bounding box (left, top, right, bottom) of ``colour``, its edges where the colour is half on.

    Measured in the one channel where ``colour`` differs most from the background (red for RED, ...), so
    the other boxes do not count."""
    channel = max(range(3), key=lambda c: abs(colour[c] - BACKGROUND[c]))
    middle = (colour[channel] + BACKGROUND[channel]) / 2
    high = colour[channel] > BACKGROUND[channel]
    box = image.getchannel(channel).point(lambda v: 255 if (v > middle) == high else 0).getbbox()
    assert box is not None, f"no {colour} box in the image"
    return box


def expected(size: tuple[int, int], fit: str, capture: tuple[int, int] = (320, 200)) -> dict[tuple[int, ...], tuple]:
    """Where each box must be: scaled by the fit's factor, centred, in output pixels."""
    (width, height), (cw, ch) = size, capture
    factor = (min if fit == "pad" else max)(width / cw, height / ch)
    dx, dy = (width - cw * factor) / 2, (height - ch * factor) / 2
    f = cw / 320
    return {
        colour: (left * f * factor + dx, top * f * factor + dy, right * f * factor + dx, bottom * f * factor + dy)
        for colour, (left, top, right, bottom) in BOXES.items()
    }


@pytest.mark.parametrize(
    ("size", "fit"),
    [
        ((160, 100), "pad"),  # the same aspect: scaled down, nothing padded or cut
        ((640, 400), "crop"),  # the same aspect: scaled up
        ((161, 100), "pad"),  # a pixel off the aspect still counts as the same aspect
        ((640, 200), "pad"),  # wider: bars left and right
        ((320, 400), "pad"),  # taller: bars above and below
        ((640, 200), "crop"),  # wider: cut at the top and bottom
        ((320, 400), "crop"),  # taller: cut left and right
        ((600, 390), "pad"),
        ((1200, 630), "crop"),
        ((100, 300), "pad"),
    ],
)
def test_each_box_is_where_it_must_be_within_a_pixel(size: tuple[int, int], fit: str) -> None:
    out = resize(slide(), size, fit)
    assert out.size == size
    for colour, box in expected(size, fit).items():
        if box[0] < 0 or box[1] < 0 or box[2] > size[0] or box[3] > size[1]:
            continue  # cut off by the crop
        found = box_of(out, colour)
        assert all(abs(a - b) <= 1 for a, b in zip(found, box, strict=True)), (colour, found, box)


def test_a_crop_cuts_evenly_and_a_pad_fills_with_the_background() -> None:
    crop = resize(slide(), (640, 200), "crop")  # scaled to 640x400, 100 rows cut at top and bottom
    assert box_of(crop, BLUE) == (400, 140, 560, 200)  # the blue box runs off the bottom edge
    assert box_of(crop, RED) == (40, 0, 160, 40)  # and the red one off the top
    pad = resize(slide(), (640, 200), "pad")  # scaled to 320x200 and centred: 160 columns each side
    for x in (0, 159, 480, 639):
        assert {pad.getpixel((x, y)) for y in range(200)} == {BACKGROUND}
    assert pad.getpixel((160 + 20, 30)) == RED
    tall = resize(slide(), (320, 400), "crop")  # scaled to 640x400, 160 columns cut at each side
    assert box_of(tall, GREEN) == (120, 160, 200, 240)
    assert box_of(tall, BLUE) == (240, 240, 320, 340)  # runs off the right edge


def test_a_capture_at_twice_the_size_is_scaled_down_not_cut() -> None:
    """What --scale 2 hands over: a 640x400 capture, made into the slide's own 320x200."""
    out = resize(slide(640, 400), (320, 200), "crop")
    for colour, box in BOXES.items():
        assert all(abs(a - b) <= 1 for a, b in zip(box_of(out, colour), box, strict=True))


@pytest.mark.parametrize("fit", ["pad", "crop"])
@pytest.mark.parametrize("size", [(161, 100), (160, 101), (159, 100), (320, 199)])
def test_a_size_a_pixel_off_the_aspect_is_stretched_with_no_one_pixel_bar(fit: str, size: tuple[int, int]) -> None:
    image = slide()
    ImageDraw.Draw(image).rectangle((0, 0, 319, 199), outline=RED)  # the slide's own edge, all round
    out = resize(image, size, fit)
    right, bottom = size[0] - 1, size[1] - 1
    edges = [out.getpixel((right, 50)), out.getpixel((0, 50)), out.getpixel((80, 0)), out.getpixel((80, bottom))]
    assert all(pixel[0] > 120 for pixel in edges), edges  # the red edge, neither background nor cut off


def test_the_capture_at_its_own_size_is_returned_as_it_is() -> None:
    image = slide()
    assert resize(image, (320, 200), "pad") is image


def test_equal_pixels_give_equal_bytes_and_no_metadata() -> None:
    first, second = encode_png(slide()), encode_png(slide())
    assert first == second
    chunks = []
    at = 8
    while at < len(first):
        length = int.from_bytes(first[at : at + 4], "big")
        chunks.append(first[at + 4 : at + 8])
        at += 12 + length
    assert set(chunks) <= {b"IHDR", b"IDAT", b"IEND"}, chunks  # no time stamp, text or colour profile
    with Image.open(io.BytesIO(first)) as again:
        assert again.convert("RGB").tobytes() == slide().tobytes()


def test_a_capture_with_alpha_is_decoded_as_rgb() -> None:
    buffer = io.BytesIO()
    Image.new("RGBA", (4, 4), (10, 20, 30, 255)).save(buffer, "PNG")
    image = decode_capture(buffer.getvalue())
    assert image.mode == "RGB" and image.getpixel((0, 0)) == (10, 20, 30)


def test_a_write_replaces_the_file_rather_than_writing_into_it(tmp_path: Path) -> None:
    """Seen from outside: a hard link to the old file keeps the old bytes, the path gets a new file."""
    path = tmp_path / "deep" / "er" / "a.png"  # folders are made as needed
    write_file(path, b"old")
    link = tmp_path / "link.png"
    os.link(path, link)
    write_file(path, b"new")
    assert path.read_bytes() == b"new"
    assert link.read_bytes() == b"old"  # written in place, the link would show the new bytes
    assert os.stat(path).st_ino != os.stat(link).st_ino
    assert sorted(p.name for p in path.parent.iterdir()) == ["a.png"]  # no temporary file left


def test_a_failed_rename_leaves_the_old_file_and_no_temporary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "a.png"
    write_file(path, b"old")
    renames: list[tuple[str, str]] = []

    def fails(source: str, target: str) -> None:
        renames.append((str(source), str(target)))
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(deckbuild.files.os, "replace", fails)
    with pytest.raises(DeckError, match="a.png: cannot write this file: No space left on device"):
        write_file(path, b"new")
    assert path.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.png"]
    [(source, target)] = renames
    assert Path(source).parent == tmp_path and Path(source).name.startswith(".")  # same folder: a rename, not a copy
    assert target == str(path)


def numbered(width: int = 320, height: int = 200) -> Image.Image:
    """A capture whose every pixel differs from its neighbours: red counts columns, green rows."""
    image = Image.new("RGB", (width, height))
    image.putdata([(x % 256, y % 256, (x * 7 + y * 13) % 256) for y in range(height) for x in range(width)])
    return image


@pytest.mark.parametrize(
    ("size", "bands"),
    [
        ((320, 261), (0, 30, 0, 31)),  # taller, factor 1: 30 rows above, 31 below
        ((401, 200), (40, 0, 41, 0)),  # wider, factor 1: 40 columns left, 41 right
        ((322, 200), (1, 0, 1, 0)),  # one column each side
        ((320, 202), (0, 1, 0, 1)),  # one row above and below
        ((320, 203), (0, 1, 0, 2)),
    ],
)
def test_a_pad_band_repeats_the_slide_s_own_edge_row_or_column(size: tuple[int, int], bands: tuple[int, ...]) -> None:
    """Every band pixel is the nearest edge pixel of the slide, and the slide sits unchanged between."""
    capture = numbered()
    out = resize(capture, size, "pad")
    left, top, right, bottom = bands
    width, height = size
    assert (width - left - right, height - top - bottom) == capture.size
    assert out.crop((left, top, left + 320, top + 200)).tobytes() == capture.tobytes()
    for y in range(height):
        for x in range(width):
            nearest = (min(max(x - left, 0), 319), min(max(y - top, 0), 199))
            assert out.getpixel((x, y)) == capture.getpixel(nearest), ((x, y), nearest)


def test_a_size_a_pixel_off_the_aspect_shows_the_same_slide_pixels_as_the_exact_size() -> None:
    """160x100 (same aspect, resized directly) and 160x102 (scaled, then a row padded above and
    below) show the slide resampled alike: the one filter on both paths."""
    exact = resize(slide(), (160, 100), "pad")
    padded = resize(slide(), (160, 102), "pad")
    assert padded.crop((0, 1, 160, 101)).tobytes() == exact.tobytes()


@pytest.mark.parametrize(("size", "kept"), [((320, 197), (0, 1, 320, 198)), ((317, 200), (1, 0, 318, 200))])
def test_an_odd_crop_cuts_the_odd_pixel_at_the_right_or_bottom(
    size: tuple[int, int], kept: tuple[int, int, int, int]
) -> None:
    """Like a pad's odd band, which goes to the right or bottom: whole pixels, never shifted by rounding."""
    capture = numbered()
    assert resize(capture, size, "crop").tobytes() == capture.crop(kept).tobytes()


def test_a_failed_write_is_a_deck_error_naming_the_file_the_reason_and_what_to_check(tmp_path: Path) -> None:
    (tmp_path / "shots").write_text("a file where the folder should be")
    path = tmp_path / "shots" / "talk" / "a.png"
    with pytest.raises(DeckError) as caught:
        write_if_changed(path, b"png")
    assert str(caught.value) == f"{path}: cannot write this file: Not a directory (check free space and permissions)"


def test_an_image_is_written_when_missing_or_different_and_left_alone_when_it_holds_the_bytes(tmp_path: Path) -> None:
    path = tmp_path / "a.png"
    assert write_if_changed(path, b"first") is True
    assert path.read_bytes() == b"first"
    inode = path.stat().st_ino
    assert write_if_changed(path, b"first") is False
    assert path.stat().st_ino == inode  # not replaced: a write goes through a new file renamed over it
    assert write_if_changed(path, b"second") is True
    assert path.read_bytes() == b"second"
    assert path.stat().st_ino != inode
