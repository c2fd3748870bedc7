"""A ``deckbuild serve`` subprocess for the bench scripts: started on a free port, its output read as it comes."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class Serve:
    """``deckbuild serve --port 0 ARGS`` in ``work``; ``lines`` holds what it printed on stdout."""

    def __init__(self, work: Path, *args: str) -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "deckbuild", "serve", "--port", "0", *args],
            cwd=work,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.lines: list[str] = []
        self._seen = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            with self._seen:
                self.lines.append(line.rstrip("\n"))
                self._seen.notify_all()

    def wait_for(self, pattern: str, count: int = 1, timeout: float = 120) -> re.Match[str]:
        """The ``count``-th line matching ``pattern``, waiting for it; exits the script if none comes."""
        with self._seen:
            while True:
                found = [m for m in map(re.compile(pattern).search, self.lines) if m]
                if len(found) >= count:
                    return found[count - 1]
                if not self._seen.wait(timeout=timeout):
                    raise SystemExit(f"serve said no {pattern!r}: {self.lines}")

    def stop(self) -> tuple[float, int]:
        """SIGTERM; how long it took to exit, and its exit code."""
        started = time.perf_counter()
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=30)
        return time.perf_counter() - started, code
