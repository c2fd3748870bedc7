"""The output store of ``shots`` and ``pdf``: manifests, freshness, ownership.

A folder of images (or PDFs) keeps manifests beside them, mapping each file name to the deck it is
of, its key (a hash of everything it depends on) and its bytes' hash.  The manifests are committed
with the files, so a pull request can change them: every entry is checked when read, and a file is
written over or deleted only when a manifest lists it and it still holds the bytes deckbuild wrote.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import DeckError
from .files import read_regular, refuse_link, write_if_changed
from .paths import is_plain_name

Entries = dict[str, dict[str, str]]  # file name -> {deck, key, sha256}
_FIELDS = ("deck", "key", "sha256")


@dataclass(frozen=True)
class Store:
    """One kind of output and how its manifests are named.

    ``single`` is the folder's one manifest; with ``per_deck`` (a prefix), each deck's entries are
    in a file of their own, ``<per_deck>.<deck>.json`` (shards write disjoint files, so their outputs
    merge by copying), and ``single`` is only read, as a manifest from before, and replaced.
    """

    single: str  # ".deckbuild-shots.json"
    listing: str  # the map of files in a manifest: "images"
    suffix: str  # the files it lists: ".png"
    plural: str  # how a message names them: "images"
    per_deck: str | None = None  # ".deckbuild-shots"

    def manifest_name(self, deck: str) -> str:
        """The file that holds one deck's entries."""
        return f"{self.per_deck or self.single.removesuffix('.json')}.{deck}.json"

    def _deck_of(self, name: str) -> str | None:
        """The deck whose manifest ``name`` is, or None when it is no deck's manifest."""
        if self.per_deck is None:
            return None
        match = re.fullmatch(re.escape(self.per_deck) + r"\.(?P<deck>[^/\\]+)\.json", name)
        return match["deck"] if match else None

    def _manifests(self, out: Path) -> list[Path]:
        """The per-deck manifests in ``out``, sorted."""
        if self.per_deck is None or not out.is_dir():
            return []
        return [out / name for name in sorted(p.name for p in out.iterdir()) if self._deck_of(name) is not None]

    def has_manifest(self, out: Path) -> bool:
        """True when ``out`` holds a manifest (the single one or a deck's)."""
        return (out / self.single).exists() or bool(self._manifests(out))

    def read(self, out: Path, *, force: bool = False) -> Entries:
        """The manifests of ``out``: file name -> {deck, key, sha256}; empty if there are none.

        Every entry must be a plain file name in ``out`` with this store's suffix and name a plain
        deck (the deck of its file, for a deck's manifest), and no file may be claimed twice.  Anything
        else is an error (``--force`` drops such entries), never a reason to touch a file.
        """
        entries: Entries = {}
        files = [(out / self.single, None), *((path, self._deck_of(path.name)) for path in self._manifests(out))]
        for path, deck in files:
            for name, entry in self._read_one(path, force).items():
                clash = name in entries
                if clash or (deck is not None and entry["deck"] != deck):
                    if force:
                        continue
                    why = "is in two manifests" if clash else f"is in the manifest of deck {deck!r}"
                    raise DeckError(
                        f"bad manifest entry {name!r}: it {why}",
                        path=path,
                        hint="nothing was deleted; restore the manifests from git, or run with --force to rewrite them",
                    )
                entries[name] = entry
        return entries

    def _read_one(self, path: Path, force: bool) -> Entries:
        # A manifest that cannot be read lists no file, and a file no manifest lists is never written over
        # (it may be the user's): --force alone cannot get past that, so the way out is git, or clearing them.
        unreadable = f"restore it from git, or delete it and the {self.plural} it listed and run again"
        if path.is_symlink():
            raise DeckError("the manifest is a symlink", path=path, hint=unreadable)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        except (OSError, UnicodeDecodeError) as exc:
            if force:
                return {}
            raise DeckError(f"cannot read the manifest ({exc})", path=path, hint=unreadable) from None
        try:
            data = json.loads(text)
        except (ValueError, RecursionError) as exc:
            if force:
                return {}
            raise DeckError(f"the manifest is not valid JSON ({exc})", path=path, hint=unreadable) from None
        listed = data.get(self.listing) if isinstance(data, dict) else None
        if not isinstance(listed, dict):
            if force:
                return {}
            raise DeckError(f"the manifest has no '{self.listing}' map", path=path, hint=unreadable)
        entries: Entries = {}
        for name, entry in listed.items():
            good = isinstance(entry, dict) and all(isinstance(entry.get(f), str) for f in _FIELDS)
            if not (is_plain_name(name) and name.endswith(self.suffix) and good and is_plain_name(entry["deck"])):
                if force:
                    continue
                raise DeckError(
                    f"bad manifest entry {name!r}: an entry must be a plain {self.suffix} file name in this folder "
                    "with deck, key and sha256",
                    path=path,
                    hint="nothing was deleted; restore the manifest from git, or run with --force to rewrite it",
                )
            entries[name] = {f: entry[f] for f in _FIELDS}
        return entries

    def write(self, out: Path, entries: Entries) -> None:
        """Write each manifest that changed; with ``per_deck``, remove those of decks with no entries and
        the single one from before.  A manifest that is a symlink is replaced by a file (its target is
        left alone)."""
        groups: dict[str, Entries] = {}
        for name, entry in entries.items():
            manifest = self.single if self.per_deck is None else self.manifest_name(entry["deck"])
            groups.setdefault(manifest, {})[name] = entry
        for manifest, listed in sorted(groups.items()):
            text = json.dumps({"version": 1, self.listing: dict(sorted(listed.items()))}, indent=1, sort_keys=True)
            path = out / manifest
            if path.is_symlink():
                path.unlink()
            write_if_changed(path, (text + "\n").encode())
        if self.per_deck is not None:
            for path in [out / self.single, *self._manifests(out)]:
                if path.name not in groups and (path.is_file() or path.is_symlink()):
                    path.unlink()


def is_ours(path: Path, entry: dict[str, str] | None) -> bool:
    """True when ``path`` is a regular file holding the bytes the manifest entry says deckbuild wrote."""
    if entry is None:
        return False
    data = read_regular(path)
    return data is not None and hashlib.sha256(data).hexdigest() == entry.get("sha256")


def is_fresh(path: Path, key: str, entry: dict[str, str] | None) -> bool:
    """True when ``path`` is ours (:func:`is_ours`) and was made from what now has ``key``."""
    return entry is not None and entry.get("key") == key and is_ours(path, entry)


def check_writable(path: Path, manifest: Entries, *, hint: str) -> None:
    """Refuse to write ``path`` when something is there that the manifest does not list (it may be the
    user's), or when it is a symlink (it would be written through): before any file is written."""
    if (path.exists() or path.is_symlink()) and path.name not in manifest:
        raise DeckError(
            "exists and was not written by deckbuild (its manifest does not list it); it will not be replaced",
            path=path,
            hint=hint,
        )
    refuse_link(path)
