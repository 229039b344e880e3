"""Progress on stderr for long reads: a ticking line, only when stderr is a terminal."""
from __future__ import annotations

import sys
import threading
import time
from contextlib import contextmanager
from typing import Iterator

DELAY = 2.0  # say nothing for reads shorter than this


@contextmanager
def ticking(label: str, enabled: bool = True) -> Iterator[None]:
    """Show ``label … 12 s`` on stderr, refreshed twice a second, while the block runs.

    Readers whose library gives no progress callback (pyarrow's CSV reader, calamine) get this
    instead of a bar: the user sees that work goes on and for how long. Nothing is shown when
    stderr is not a terminal, or for blocks shorter than two seconds.
    """
    if not enabled or not sys.stderr.isatty():
        yield
        return
    done = threading.Event()
    started = time.monotonic()

    def tick() -> None:
        shown = False
        while not done.wait(0.5):
            elapsed = time.monotonic() - started
            if elapsed >= DELAY:
                sys.stderr.write(f"\r{label} … {elapsed:.0f} s ")
                sys.stderr.flush()
                shown = True
        if shown:
            sys.stderr.write("\r" + " " * (len(label) + 12) + "\r")
            sys.stderr.flush()

    thread = threading.Thread(target=tick, daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()
