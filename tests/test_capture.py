"""What the browser captures, told by pixels: fragments, boxes after pad/crop/scale, slow images, two pages.

Small slides (320x200) and one take_shots run per fixture keep this fast.
"""

from __future__ import annotations

import http.server
import io
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

import deckbuild.browser.capture
from deckbuild.browser.shots import Report, ShotOptions, take_shots
from deckbuild.errors import DeckError

pytestmark = pytest.mark.browser

RED, BLUE, GREEN, MAGENTA = (255, 0, 0), (0, 0, 255), (0, 255, 0), (255, 0, 255)
WHITE = (255, 255, 255)
BOXES = {RED: (20, 30, 80, 70), BLUE: (200, 120, 280, 170)}  # left, top, right, bottom on a 320x200 slide
SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="320" height="200" viewBox="0 0 320 200">'
    '<rect width="320" height="200" fill="#fff"/>'
    '<rect x="20" y="30" width="60" height="40" fill="#f00"/><rect x="200" y="120" width="80" height="50" fill="#00f"/>'
    "</svg>\n"
)
FRONT = "---\ntitle_slide: false\ntheme: white\nwidth: 320\nheight: 200\ncss: small.css\n{extra}---\n"
BOXES_SLIDE = (
    '# Boxes\n<!-- .slide: class="boxes" data-background-image="boxes.svg" data-background-size="100% 100%" -->\n'
)
SMALL_CSS = ".reveal h1 { font-size: 16px; margin: 0; }\n.reveal section.boxes h1 { visibility: hidden; }\n"


def _write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder / name


def _box(image: Image.Image, colour: tuple[int, int, int]) -> tuple[int, int, int, int]:
    """Bounding box of the pixels nearer ``colour`` than white, in the channel that tells them apart."""
    channel = 0 if colour == RED else 2 if colour == BLUE else 1
    other = 1  # red and blue both have no green; white has
    plane = image.convert("RGB")
    mask = Image.eval(plane.getchannel(other), lambda v: 255 if v < 128 else 0)
    mask = Image.composite(mask, Image.new("L", plane.size), plane.getchannel(channel).point(lambda v: 255 * (v > 128)))
    box = mask.getbbox()
    assert box is not None, f"no {colour} box"
    return box


def _near(found: tuple[int, ...], want: tuple[float, ...]) -> bool:
    return all(abs(a - b) <= 1 for a, b in zip(found, want, strict=True))


def _count(path: Path, colour: tuple[int, int, int]) -> int:
    with Image.open(path) as image:
        pixels = image.convert("RGB").get_flattened_data()
    return sum(1 for c in pixels if all(abs(a - b) < 40 for a, b in zip(c, colour, strict=True)))


# --- boxes: one run of three decks (pad by default, crop and --scale 2 from their front matter) -------------


@pytest.fixture(scope="module")
def boxes(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Report]:
    folder = tmp_path_factory.mktemp("boxes")
    (folder / "boxes.svg").write_text(SVG)
    (folder / "small.css").write_text(SMALL_CSS)
    sizes = "sizes: [320x200, 640x400, 160x100, 640x200, 320x400]\n"
    _write(folder, "pad.md", FRONT.format(extra=f"shots:\n  {sizes}") + BOXES_SLIDE)
    _write(folder, "crop.md", FRONT.format(extra=f"shots:\n  fit: crop\n  {sizes}") + BOXES_SLIDE)
    _write(folder, "sharp.md", FRONT.format(extra="shots:\n  scale: 2\n  sizes: [640x400, 320x200]\n") + BOXES_SLIDE)
    report = take_shots(
        [folder / "pad.md", folder / "crop.md", folder / "sharp.md"],
        ShotOptions(out=folder / "shots", site=folder / "site"),
    )
    return folder / "shots", report


def _where(size: tuple[int, int], fit: str) -> dict[tuple[int, int, int], tuple[float, ...]]:
    """Where the boxes must be in an image of ``size`` made from the 320x200 slide."""
    width, height = size
    factor = (min if fit == "pad" else max)(width / 320, height / 200)
    dx, dy = (width - 320 * factor) / 2, (height - 200 * factor) / 2
    return {
        c: (left * factor + dx, top * factor + dy, right * factor + dx, bottom * factor + dy)
        for c, (left, top, right, bottom) in BOXES.items()
    }


@pytest.mark.parametrize("fit", ["pad", "crop"])
@pytest.mark.parametrize("size", [(320, 200), (640, 400), (160, 100), (640, 200), (320, 400)])
def test_each_box_is_where_it_must_be_in_every_size(
    boxes: tuple[Path, Report], fit: str, size: tuple[int, int]
) -> None:
    shots, _ = boxes
    with Image.open(shots / f"{fit}_{size[0]}x{size[1]}.png") as image:
        assert image.size == size
        for colour, want in _where(size, fit).items():
            if want[0] < 0 or want[1] < 0 or want[2] > size[0] or want[3] > size[1]:
                continue  # cut off by the crop
            found = _box(image, colour)
            assert _near(found, want), (colour, found, want)


def test_scale_2_captures_twice_the_pixels(boxes: tuple[Path, Report]) -> None:
    """At --scale 2 a 640x400 image is the browser's own pixels: every box edge is sharp.  The same size
    made from a capture at scale 1 is scaled up, so its edges are blurred (and that tells them apart)."""
    shots, _ = boxes

    def colours_across_the_red_box(path: Path) -> set[tuple[int, int, int]]:
        with Image.open(path) as image:
            rgb = image.convert("RGB")
        return {rgb.getpixel((x, 100)) for x in range(0, 200)}  # row 100 crosses the red box (x 40-160)

    assert colours_across_the_red_box(shots / "sharp_640x400.png") == {WHITE, RED}
    assert len(colours_across_the_red_box(shots / "pad_640x400.png")) > 2
    with Image.open(shots / "sharp_640x400.png") as image:
        assert _near(_box(image, RED), (40, 60, 160, 140)) and _near(_box(image, BLUE), (400, 240, 560, 340))
    with Image.open(shots / "sharp_320x200.png") as image:  # and scaled down again to the slide's size
        assert _near(_box(image, RED), BOXES[RED])


# --- fragments ----------------------------------------------------------------------------------------------

FRAGMENTS = (
    "# Fragments\n\n"
    '<div class="fragment" style="background:#0f0;width:60px;height:30px"></div>\n'
    '<div class="fragment fade-out" style="background:#f0f;width:60px;height:30px"></div>\n'
    '<div class="fragment" style="background:#0f0;width:30px;height:30px"></div>\n'
)


@pytest.fixture(scope="module")
def fragments(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("fragments")
    (folder / "small.css").write_text(SMALL_CSS)
    _write(folder, "final.md", FRONT.format(extra="") + "# Zero\n\n" + FRAGMENTS)
    _write(folder, "initial.md", FRONT.format(extra="shots:\n  fragments: initial\n") + "# Zero\n\n" + FRAGMENTS)
    take_shots([folder / "final.md", folder / "initial.md"], ShotOptions(out=folder / "shots", site=folder / "site"))
    return folder / "shots"


def test_final_shows_every_fragment_and_initial_none(fragments: Path) -> None:
    """A fade-in (green, two of them) and a fade-out (magenta) fragment tell the two modes apart."""
    assert _count(fragments / "final_1_320x200.png", GREEN) == 60 * 30 + 30 * 30
    assert _count(fragments / "final_1_320x200.png", MAGENTA) == 0
    assert _count(fragments / "initial_1_320x200.png", GREEN) == 0
    assert _count(fragments / "initial_1_320x200.png", MAGENTA) == 60 * 30
    assert _count(fragments / "final_320x200.png", GREEN) == 0  # the slide before is itself, not the next one


# --- a slow image, loaded only when its slide comes near ----------------------------------------------------


@pytest.fixture
def slow_server() -> Iterator[str]:
    """An HTTP server whose red image takes a second to arrive (far longer than a capture takes), and
    whose /never.png never arrives while the test runs."""
    buffer = io.BytesIO()
    Image.new("RGB", (100, 50), RED).save(buffer, "PNG")
    data = buffer.getvalue()
    release = threading.Event()

    class Slow(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            release.wait(60.0 if self.path == "/never.png" else 1.0)  # set at teardown: no test waits for it
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    release.set()
    server.shutdown()
    server.server_close()


def test_a_lazily_loaded_slow_image_is_waited_for(tmp_path: Path, slow_server: str) -> None:
    """reveal.js sets a data-src image's src only when its slide comes near: slide 5 is beyond its view."""
    (tmp_path / "small.css").write_text(SMALL_CSS)
    filler = "".join(f"# {n}\n\n" for n in range(5))
    deck = _write(
        tmp_path, "slow.md", FRONT.format(extra="") + filler + f'# 5\n\n<img data-src="{slow_server}/red.png">\n'
    )
    report = take_shots([deck], ShotOptions(out=tmp_path / "shots", site=tmp_path / "site", slides="5"))
    assert report.warnings == []
    assert _count(tmp_path / "shots" / "slow_5_320x200.png", RED) == 100 * 50


@pytest.mark.parametrize(
    ("body", "slide", "message"),
    [
        (
            '# 0\n\n<img src="{url}/never.png">\n',
            "0",
            "loading the deck slow did not finish in 2 s; still waiting for {url}/never.png "
            "(a file or server the deck uses does not answer; fix the link, or raise --timeout)",
        ),
        (
            "".join(f"# {n}\n\n" for n in range(5)) + '# 5\n\n<img data-src="{url}/never.png">\n',
            "5",
            "slide #/5/0 of slow did not finish rendering in 2 s (waiting for images); still waiting for "
            "{url}/never.png (check the slide's images and fonts, or raise --timeout)",
        ),
    ],
    ids=["loading", "slide"],
)
def test_a_timeout_names_what_is_still_pending(
    tmp_path: Path, slow_server: str, body: str, slide: str, message: str
) -> None:
    (tmp_path / "small.css").write_text(SMALL_CSS)
    deck = _write(tmp_path, "slow.md", FRONT.format(extra="") + body.format(url=slow_server))
    with pytest.raises(DeckError) as caught:
        take_shots([deck], ShotOptions(out=tmp_path / "shots", site=tmp_path / "site", slides=slide, timeout=2))
    assert str(caught.value) == message.format(url=slow_server)
    assert not (tmp_path / "shots").exists() or not list((tmp_path / "shots").glob("*.png"))


def test_a_slide_that_hangs_the_page_is_named(tmp_path: Path) -> None:
    """A script that never returns once its slide is shown: the page cannot even say what it waits for."""
    (tmp_path / "small.css").write_text(SMALL_CSS)
    hang = (
        "<script>document.querySelector('.reveal').addEventListener('slidechanged', "
        "e => { if (Reveal.getIndices().h === 1) for (;;) {} });</script>\n"
    )
    deck = _write(tmp_path, "hang.md", FRONT.format(extra="") + f"# 0\n\n{hang}\n# 1\n\n")
    with pytest.raises(DeckError) as caught:
        take_shots([deck], ShotOptions(out=tmp_path / "shots", site=tmp_path / "site", slides="1", timeout=2))
    assert str(caught.value) == (
        "slide #/1/0 of hang did not finish rendering in 2 s (waiting for the page to respond) "
        "(check the slide's images and fonts, or raise --timeout)"
    )


def test_a_slide_reveal_js_does_not_show_is_a_clear_error(tmp_path: Path) -> None:
    """reveal.js drops a slide marked hidden, so the slide deckbuild built is not there to capture."""
    (tmp_path / "small.css").write_text(SMALL_CSS)
    hidden = '# 0\n\n# 1\n<!-- .slide: data-visibility="hidden" -->\n'
    deck = _write(tmp_path, "gone.md", FRONT.format(extra="") + hidden)
    with pytest.raises(DeckError) as caught:
        take_shots([deck], ShotOptions(out=tmp_path / "shots", site=tmp_path / "site", slides="1"))
    assert str(caught.value) == "gone has no slide #/1/0 (see the deck's slide numbers in its URL)"


# --- a few slides of a deck: only they are loaded, with the pixels of a whole load ---------------------------

PARTS = (
    "# Zero\n\n- one\n- two {.fragment}\n\n"
    "# One\n\n```python\nprint('a')\n```\n\n## One below\n"
    '<!-- .slide: data-background-color="rgb(0, 0, 255)" -->\n\n![boxes](boxes.svg)\n\n'
    "# Two\n\n<style>.reveal h1 { color: rgb(0, 160, 0); }</style>\n\n"
)


def test_capturing_some_slides_gives_the_pixels_of_capturing_all(tmp_path: Path) -> None:
    """Slides not asked for are emptied before reveal.js starts; a style on one of them still reaches the rest."""
    (tmp_path / "small.css").write_text(SMALL_CSS)
    (tmp_path / "boxes.svg").write_text(SVG)
    deck = _write(tmp_path, "parts.md", FRONT.format(extra="") + PARTS)
    take_shots([deck], ShotOptions(out=tmp_path / "all", site=tmp_path / "site", slides="*"))
    for slide, name in (("0", "parts_320x200.png"), ("1/1", "parts_1-1_320x200.png")):
        take_shots([deck], ShotOptions(out=tmp_path / "some", site=tmp_path / "site", slides=slide))
        assert (tmp_path / "some" / name).read_bytes() == (tmp_path / "all" / name).read_bytes(), slide
    # what the comparison stands on: the style from slide 2 colours slide 0's heading, slide 1/1 is blue
    assert _count(tmp_path / "all" / "parts_320x200.png", (0, 160, 0)) > 50
    assert _count(tmp_path / "all" / "parts_1-1_320x200.png", BLUE) > 320 * 100


def test_slides_not_asked_for_are_emptied_before_reveal_js_starts(tmp_path: Path) -> None:
    """What makes a 5,000-slide deck cheap to open for one image; reveal.js still counts every slide."""
    from deckbuild.browser.capture import DeckJob, _open_page
    from deckbuild.browser.session import open_browser_async, run_sync

    (tmp_path / "small.css").write_text(SMALL_CSS)
    (tmp_path / "boxes.svg").write_text(SVG)
    deck = _write(tmp_path, "parts.md", FRONT.format(extra="") + PARTS)
    take_shots([deck], ShotOptions(out=tmp_path / "shots", site=tmp_path / "site", slides="0"))
    url = (tmp_path / "site" / "parts" / "index.html").as_uri()

    async def look(measure_all: bool) -> list[object]:
        job = DeckJob("parts", url, 320, 200, 1.0, "final", ((1, 1),), measure_all=measure_all)
        async with open_browser_async() as browser:
            context = await browser.new_context(viewport={"width": 320, "height": 200})
            page, _, _ = await _open_page(context, job, 30)
            return list(
                await page.evaluate(
                    "[Reveal.getTotalSlides(), Reveal.getConfig().transition, "
                    "...[[0, 0], [1, 0], [1, 1], [2, 0]].map(([h, v]) => Reveal.getSlide(h, v).children.length > 0)]"
                )
            )

    # slide 2 holds a style sheet, so it stays whole; the capture options went into Reveal.initialize
    assert run_sync(lambda: look(False)) == [4, "none", False, False, True, True]
    assert run_sync(lambda: look(True)) == [4, "none", True, True, True, True]  # --strict measures every slide


# --- two pages at once ---------------------------------------------------------------------------------------


def test_two_pages_give_the_same_bytes_as_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each slide its own background colour, so an image handed to the wrong slide shows."""
    colours = [(40 * n, 255 - 40 * n, 128) for n in range(6)]
    (tmp_path / "small.css").write_text(SMALL_CSS)
    body = "".join(f'# S{n}\n<!-- .slide: data-background-color="rgb{c}" -->\n\n' for n, c in enumerate(colours))
    deck = _write(tmp_path, "many.md", FRONT.format(extra="") + body)
    monkeypatch.setattr(deckbuild.browser.capture, "_SLIDES_PER_EXTRA_PAGE", 2)  # two pages for six slides
    real, workers = deckbuild.browser.capture._worker, []

    def counted(*args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        workers.append(args[0])
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(deckbuild.browser.capture, "_worker", counted)
    take_shots([deck], ShotOptions(out=tmp_path / "one", site=tmp_path / "site", jobs=1))
    assert len(workers) == 1
    take_shots([deck], ShotOptions(out=tmp_path / "two", site=tmp_path / "site", jobs=2))
    assert len(workers) == 3
    one = {p.name: p.read_bytes() for p in (tmp_path / "one").glob("*.png")}
    two = {p.name: p.read_bytes() for p in (tmp_path / "two").glob("*.png")}
    assert len(one) == 6 and one == two
    for n, colour in enumerate(colours):
        name = f"many_{n}_320x200.png" if n else "many_320x200.png"
        with Image.open(tmp_path / "two" / name) as image:
            assert image.convert("RGB").getpixel((300, 190)) == colour, name
