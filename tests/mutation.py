"""`make mutation`'s second phase: which mutants still need their browser tests.

The first phase runs every unchecked mutant with the tests that start no Chromium (DECKBUILD_MUTATION_FAST=1,
see conftest.py), so a mutant that only a browser test can kill is left "survived" (or "no tests" when no fast
test covers its function). The second phase marks those "not checked" again and lets mutmut run them with all
their tests: a second phase that is stopped leaves the rest "not checked", and the next one goes on with them.

    python -m tests.mutation reopen    # mark the phase-1 leftovers not yet tried by all their tests unchecked
    python -m tests.mutation record    # after phase 2: remember its survivors as tried by all their tests

A survivor is remembered with the hash mutmut keeps of its function, so editing the function (mutmut then
runs its mutants again) makes its survivors due for the second phase again.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

MUTANTS = Path("mutants")
DONE = MUTANTS / "tried-by-all-tests.json"
LEFT = {0, 5, 33}  # mutmut's exit codes for "survived" and "no tests"


def _metas() -> list[Path]:
    return sorted(MUTANTS.rglob("*.py.meta"))


def _left() -> list[str]:
    names = []
    for meta in _metas():
        codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
        names += [name for name, code in codes.items() if code in LEFT]
    return sorted(names)


def _hashes() -> dict[str, str]:
    stats = json.loads((MUTANTS / "mutmut-stats.json").read_text(encoding="utf-8"))
    return dict(stats.get("function_hashes", {}))


def _hash_of(name: str, hashes: dict[str, str]) -> str:
    return hashes.get(name.partition("__mutmut_")[0], "")


def _done() -> dict[str, str]:
    return json.loads(DONE.read_text(encoding="utf-8")) if DONE.exists() else {}


def main(argv: list[str]) -> int:
    if argv == ["reopen"]:
        hashes, done = _hashes(), _done()
        count = 0
        for meta in _metas():
            data = json.loads(meta.read_text(encoding="utf-8"))
            codes = data["exit_code_by_key"]
            for name, code in codes.items():
                if code in LEFT and done.get(name) != _hash_of(name, hashes):
                    codes[name] = None
                    count += 1
            meta.write_text(json.dumps(data, indent=4), encoding="utf-8")
        print(f"{count} mutants left by the fast tests, for all their tests")
        return 0
    if argv == ["record"]:
        hashes = _hashes()
        DONE.write_text(json.dumps({name: _hash_of(name, hashes) for name in _left()}, indent=1), encoding="utf-8")
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
