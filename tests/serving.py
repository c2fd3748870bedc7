"""A ``deckbuild serve`` subprocess for the tests: started on a free port, its output read as it comes."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

from .conftest import ROOT

WAIT = 30.0  # seconds: an upper bound for conditions on a loaded 2-core machine, never a sleep


class Served:
    """One running server; ``lines`` holds what it printed (stdout and stderr, in order)."""

    def __init__(self, cwd: Path, *args: str, tmp: Path | None = None) -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
        if tmp is not None:
            env["TMPDIR"] = str(tmp)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "deckbuild", "serve", "--port", "0", *args],
            cwd=cwd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.out: list[str] = []
        self.err: list[str] = []
        self._changed = threading.Condition()
        self._readers = [
            threading.Thread(target=self._read, args=(self.process.stdout, self.out), daemon=True),
            threading.Thread(target=self._read, args=(self.process.stderr, self.err), daemon=True),
        ]
        for reader in self._readers:
            reader.start()
        self.url = self.wait_for(r"serving .* at (http://\S+/)").group(1)
        self.site = Path(self.wait_for(r"building into (\S+)").group(1))

    def _read(self, stream: object, into: list[str]) -> None:
        for line in stream:  # type: ignore[attr-defined]
            with self._changed:
                into.append(line.rstrip("\n"))
                self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    def wait_for(self, pattern: str, *, err: bool = False, count: int = 1) -> re.Match[str]:
        """The ``count``-th line matching ``pattern`` (waiting for it); fails if the server exits first."""
        lines = self.err if err else self.out
        with self._changed:
            while True:
                found = [m for m in (re.search(pattern, line) for line in lines) if m]
                if len(found) >= count:
                    return found[count - 1]
                if self.process.poll() is not None and not any(r.is_alive() for r in self._readers):
                    raise AssertionError(f"serve exited {self.process.returncode}: {self.out} {self.err}")
                if not self._changed.wait(timeout=WAIT):
                    raise AssertionError(f"no line like {pattern!r} in {lines}")

    def count(self, pattern: str) -> int:
        with self._changed:
            return sum(1 for line in self.out if re.search(pattern, line))

    def stop(self, sig: int = signal.SIGTERM) -> int:
        """Send ``sig`` and wait for the process to end; its exit code."""
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            return self.process.wait(timeout=WAIT)
        finally:
            for reader in self._readers:
                reader.join(timeout=WAIT)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
