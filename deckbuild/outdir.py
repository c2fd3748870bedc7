"""Output folders: which ones deckbuild may write, which folders in them it may replace, and a lock.

deckbuild writes only inside the output folders it is given, and replaces or deletes only what it
wrote there.  A folder it wrote carries a stamp file; an output folder that is, or holds, the project's
sources (a deck's folder, the themes, the project root, the home folder, ``/``) is refused.
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from .errors import DeckError

STAMP = ".deckbuild"
_STAMP_TEXT = "This folder was written by deckbuild; the next build may replace it.\n"
_LOCK_INFO = ".deckbuild.lock"
_STAGING = re.compile(r"^\.deckbuild-[a-z0-9_]{8}$")
LOCK_TIMEOUT = 30.0  # seconds a run waits for another run on the same output folder


def check_output(out: Path, sources: list[Path], *, flag: str = "-o", within: Path | None = None) -> None:
    """Refuse an output folder that is or contains a source folder, the home folder or ``/``.

    ``sources`` are the folders holding what the run reads: the decks' folders, the themes folder,
    the working folder and the project root.  (Inside them is allowed; the writers never overwrite
    a file a deck reads.)  ``within``: a folder the output must stay in (for folders named in
    committed files, such as a deck's ``shots: out:``).  A symlink as the output folder is refused.
    """
    target = out.resolve()
    if out.is_symlink():
        raise DeckError("is a symlink; deckbuild does not write through links", path=out, hint=f"use {flag}")
    if within is not None and not target.is_relative_to(within.resolve()):
        raise DeckError(
            f"the output folder is outside the project ({within})",
            path=out,
            hint=f"keep {flag} inside the project folder",
        )
    forbidden = [(Path(target.anchor), "the file system's root"), (Path.home().resolve(), "your home folder")]
    forbidden += [(source.resolve(), f"{source}") for source in sources]
    for folder, what in forbidden:
        if target == folder or folder.is_relative_to(target):
            holds = "is" if target == folder else "contains"
            raise DeckError(
                f"the output folder {holds} {what}, which deckbuild reads from; it would be overwritten",
                path=out,
                hint=f"choose an output folder of its own with {flag}, such as site/",
            )


def stamp(folder: Path) -> None:
    """Mark ``folder`` (a staged folder: private, so written plainly; see files.py) as deckbuild's own."""
    (folder / STAMP).write_text(_STAMP_TEXT, encoding="utf-8")


def is_ours(folder: Path) -> bool:
    """True when ``folder`` is a real folder that deckbuild wrote (its stamp, or a deck from before stamps)."""
    if folder.is_symlink() or not folder.is_dir():
        return False
    if (folder / STAMP).is_file():
        return True
    index = folder / "index.html"  # decks built before stamps existed
    if index.is_file() and not index.is_symlink():
        with open(index, "rb") as handle:
            return b'<meta name="generator" content="deckbuild ' in handle.read(4096)
    return (folder / "reveal.js" / "reveal.js").is_file()  # the shared folder from before stamps


def check_replaceable(folder: Path) -> None:
    """Refuse to replace ``folder`` unless it is missing or deckbuild's own."""
    if folder.is_symlink() or (folder.exists() and not is_ours(folder)):
        raise DeckError(
            "exists and was not written by deckbuild; it will not be replaced",
            path=folder,
            hint="move it away, rename the deck, or choose another output folder with -o",
        )


def stale_deck_folders(out: Path, keep: set[str], shared: str) -> list[Path]:
    """Deck folders in the site ``out`` that deckbuild wrote for decks that are gone (renamed or deleted)."""
    try:
        entries = sorted(out.iterdir())
    except OSError:
        return []
    return [
        entry
        for entry in entries
        if entry.name not in keep
        and entry.name != shared
        and not entry.name.startswith(".")
        and is_ours(entry)
        and (entry / "index.html").is_file()
    ]


def remove_stale_staging(out: Path) -> None:
    """Remove staging folders that an earlier, killed run left in ``out`` (only ours, by name)."""
    try:
        entries = list(out.iterdir())
    except OSError:
        return
    for entry in entries:
        if _STAGING.match(entry.name) and entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)


_held: dict[Path, int] = {}


@contextmanager
def locked(out: Path, timeout: float | None = None) -> Iterator[None]:
    """Hold an exclusive lock on the output folder ``out`` (created if missing) while writing it.

    A second run on the same folder waits up to ``timeout`` seconds (``DECKBUILD_LOCK_TIMEOUT``,
    default 30), then says which process holds it.  Re-entrant within one process.
    """
    made = not out.exists()
    try:
        out.mkdir(parents=True, exist_ok=True)
        key = out.resolve()
    except OSError as exc:
        raise DeckError(
            f"cannot write the output folder: {exc.strerror}", path=out, hint="choose another with -o"
        ) from None
    if key in _held:
        _held[key] += 1
        try:
            yield
        finally:
            _held[key] -= 1
        return
    if timeout is None:
        timeout = float(os.environ.get("DECKBUILD_LOCK_TIMEOUT") or LOCK_TIMEOUT)
    fd = os.open(key, os.O_RDONLY | os.O_DIRECTORY)
    try:
        deadline = time.monotonic() + timeout
        delay = 0.01
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise DeckError(
                        f"another deckbuild run is writing this folder ({_holder(key)})",
                        path=out,
                        hint=f"wait for it to finish; waited {timeout:g} s (DECKBUILD_LOCK_TIMEOUT sets how long)",
                    ) from None
                time.sleep(delay)
                delay = min(delay * 2, 0.2)
        info = key / _LOCK_INFO
        try:
            info.unlink(missing_ok=True)  # never write through a planted symlink
            handle = os.open(info, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
            os.write(handle, f"pid {os.getpid()}\n".encode())
            os.close(handle)
        except OSError:
            pass
        _held[key] = 1
        try:
            yield
        finally:
            del _held[key]
            with suppress(OSError):  # e.g. a read-only folder: the error that ends the run is the one to say
                info.unlink(missing_ok=True)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
        if made:  # a run that wrote nothing leaves no empty folder behind
            with suppress(OSError):
                key.rmdir()


def _holder(folder: Path) -> str:
    try:
        return (folder / _LOCK_INFO).read_text(encoding="utf-8").strip() or "unknown process"
    except OSError:
        return "unknown process"
