"""The one writer of files: whole, never through a symlink, keeping the mode of the file it replaces.

Every file deckbuild writes into a folder that already existed (images, manifests, PDFs, posts, the
gallery, the workflow) goes through :func:`write_file`.  The data goes to a temporary file that this
call creates beside the target with ``O_CREAT|O_EXCL|O_NOFOLLOW`` under a random name (so a link
planted at a predictable name is never followed), then is renamed over the target (or linked to
it, when the target must not exist yet).  A target that is a symlink is refused.

Folders deckbuild has just made for itself with ``mkdtemp`` (the build's staging folder, the
gallery's sample site, the npm install folder) are private and hold only what deckbuild put there:
they are written plainly.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
from contextlib import suppress
from pathlib import Path

from .errors import DeckError

_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
_HINT = "check free space and permissions"


def write_file(path: Path, data: bytes, *, replace: bool = True) -> None:
    """Write ``data`` to ``path`` as one whole new file; raise DeckError (at ``path``) if it cannot.

    ``replace``: an existing file is replaced (its mode kept); when False, an existing file is an
    error and nothing is written, even if one appears while this runs.  A new file gets the mode
    ``open()`` gives (0666 less the umask).  Missing folders above ``path`` are made.  The temporary
    file is removed on any failure.  (No fsync: a power cut is not what this guards against.)
    """
    refuse_link(path)
    taken = DeckError(
        "exists; deckbuild does not write over it", path=path, hint="delete or rename it first to get a new one"
    )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        old = _mode(path)
        if old is not None and not replace:
            raise taken
        temporary, fd = _create_beside(path)
        try:
            with os.fdopen(fd, "wb") as handle:
                if old is not None:
                    os.fchmod(handle.fileno(), old)
                handle.write(data)
            if replace:
                os.replace(temporary, path)
            else:
                try:
                    os.link(temporary, path, follow_symlinks=False)  # fails if the name is taken, even in a race
                except FileExistsError:
                    raise taken from None
        except BaseException:
            with suppress(OSError):
                os.unlink(temporary)
            raise
        if not replace:
            with suppress(OSError):
                os.unlink(temporary)  # the file is in place under its name; this was a second name for it
    except (OSError, ValueError) as exc:  # ValueError: a NUL byte in the name
        raise DeckError(
            f"cannot write this file: {getattr(exc, 'strerror', None) or exc}", path=path, hint=_HINT
        ) from None


def write_if_changed(path: Path, data: bytes) -> bool:
    """:func:`write_file` unless ``path`` is a regular file that already holds ``data``; True if written."""
    if read_regular(path) == data:
        return False
    write_file(path, data)
    return True


def read_regular(path: Path) -> bytes | None:
    """The bytes of ``path`` when it is a regular file (not a symlink, a pipe or a device), else None."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except (OSError, ValueError):
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read()
    except OSError:
        return None
    finally:
        os.close(fd)


def refuse_link(path: Path) -> None:
    """A DeckError when ``path`` is a symlink: deckbuild never writes through one, nor replaces it."""
    if path.is_symlink():
        raise DeckError(
            "is a symlink; deckbuild does not write through links",
            path=path,
            hint="remove the link, or choose another output folder",
        )


def _mode(path: Path) -> int | None:
    """The permission bits of the file at ``path``, None when there is none."""
    try:
        return os.lstat(path).st_mode & 0o777
    except FileNotFoundError:
        return None


def _create_beside(path: Path) -> tuple[Path, int]:
    """A new, empty temporary file in ``path``'s folder, open for writing, made by this call alone."""
    for _ in range(100):
        temporary = path.with_name(f".deckbuild-{secrets.token_hex(8)}.tmp")
        try:
            return temporary, os.open(temporary, _FLAGS, 0o666)
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary name", str(path.parent))
