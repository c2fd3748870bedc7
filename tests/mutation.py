"""`make mutation`'s second phase: which mutants still need their browser tests; and the score.

The first phase runs every unchecked mutant with the tests that start no Chromium (DECKBUILD_MUTATION_FAST=1,
see conftest.py), so a mutant that only a browser test can kill is left "survived" (or "no tests" when no fast
test covers its function). The second phase marks those "not checked" again and lets mutmut run them with all
their tests: a second phase that is stopped leaves the rest "not checked", and the next one goes on with them.

    python -m tests.mutation reopen [GLOB ...]  # mark the phase-1 leftovers (of mutants named like GLOB) unchecked
    python -m tests.mutation record             # after phase 2: remember its survivors as tried by all their tests
    python -m tests.mutation table              # the score per module, as docs/development.md shows it
    python -m tests.mutation survivors [GLOB]   # each survivor tried by all its tests, with its diff

A survivor is remembered with the hash mutmut keeps of its function, so editing the function (mutmut then
runs its mutants again) makes its survivors due for the second phase again.
"""

from __future__ import annotations

import fnmatch
import json
import sys
from pathlib import Path

MUTANTS = Path("mutants")
DONE = MUTANTS / "tried-by-all-tests.json"
REOPENED = MUTANTS / "reopened.json"  # what the last `reopen` handed to the second phase
LEFT = {0, 5, 33}  # mutmut's exit codes for "survived" and "no tests"
KILLED = {1, 3, 36, 24, -24, 152, 255}  # killed, or timed out (mutmut counts a timeout as caught)


def _metas() -> list[Path]:
    return sorted(MUTANTS.rglob("*.py.meta"))


def _codes() -> dict[str, int | None]:
    codes: dict[str, int | None] = {}
    for meta in _metas():
        codes.update(json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"])
    return codes


def _hashes() -> dict[str, str]:
    stats = MUTANTS / "mutmut-stats.json"
    return dict(json.loads(stats.read_text(encoding="utf-8")).get("function_hashes", {})) if stats.exists() else {}


def _hash_of(name: str, hashes: dict[str, str]) -> str:
    return hashes.get(name.partition("__mutmut_")[0], "")


def _done() -> dict[str, str]:
    return json.loads(DONE.read_text(encoding="utf-8")) if DONE.exists() else {}


def _matches(name: str, globs: list[str]) -> bool:
    return not globs or any(fnmatch.fnmatchcase(name, glob) for glob in globs)


def _reopen(globs: list[str]) -> int:
    hashes, done = _hashes(), _done()
    reopened = []
    for meta in _metas():
        data = json.loads(meta.read_text(encoding="utf-8"))
        codes = data["exit_code_by_key"]
        for name, code in codes.items():
            if code in LEFT and done.get(name) != _hash_of(name, hashes) and _matches(name, globs):
                codes[name] = None
                reopened.append(name)
        meta.write_text(json.dumps(data, indent=4), encoding="utf-8")
    REOPENED.write_text(json.dumps(sorted(set(reopened) | set(_reopened())), indent=1), encoding="utf-8")
    print(f"{len(reopened)} mutants left by the fast tests, for all their tests")
    return 0


def _reopened() -> list[str]:
    return list(json.loads(REOPENED.read_text(encoding="utf-8"))) if REOPENED.exists() else []


def _record() -> int:
    """The reopened mutants that the second phase left alive have had all their tests."""
    codes, hashes, done = _codes(), _hashes(), _done()
    reopened = _reopened()
    done.update({name: _hash_of(name, hashes) for name in reopened if codes.get(name) in LEFT})
    DONE.write_text(json.dumps(done, indent=1, sort_keys=True), encoding="utf-8")
    REOPENED.write_text(json.dumps([name for name in reopened if codes.get(name) is None], indent=1), encoding="utf-8")
    return 0


def _survivors() -> dict[str, int | None]:
    """Mutants not killed that every test of theirs has tried (the rest are not known yet)."""
    hashes, done = _hashes(), _done()
    return {n: c for n, c in _codes().items() if c in LEFT and done.get(n) == _hash_of(n, hashes)}


def _table() -> int:
    codes, survivors = _codes(), _survivors()
    rows: dict[str, list[int]] = {}
    for name, code in codes.items():
        module = name.partition(".x")[0].rsplit(".", 1)[-1] + ".py"
        row = rows.setdefault(module, [0, 0, 0, 0])
        row[0] += 1
        if code in KILLED:
            row[1] += 1
        elif name in survivors:
            row[2] += 1
        else:
            row[3] += 1
    rows["all"] = [sum(row[i] for row in rows.values()) for i in range(4)]
    print("| module | mutants | killed + timeout | survived all their tests | not yet known | score of known", end="")
    print(" | lower bound |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for module, (total, killed, survived, unknown) in rows.items():
        known = f"{100 * killed / (killed + survived):.1f}%" if killed + survived else "-"
        print(f"| `{module}` | {total} | {killed} | {survived} | {unknown} | {known} | {100 * killed / total:.1f}% |")
    return 0


def _show(globs: list[str]) -> int:
    from mutmut.mutation.diff_apply import get_diff_for_mutant

    for name in sorted(n for n in _survivors() if _matches(n, globs)):
        module = name.partition(".x")[0]
        print(f"# {name}")
        print(get_diff_for_mutant(name, path=Path(*module.split(".")).with_suffix(".py")))
    return 0


def main(argv: list[str]) -> int:
    if argv[:1] == ["reopen"]:
        return _reopen(argv[1:])
    if argv == ["record"]:
        return _record()
    if argv == ["table"]:
        return _table()
    if argv[:1] == ["survivors"]:
        return _show(argv[1:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
