"""Commands that read or write a whole province's worth of rows at once.

Such a command builds hundreds of thousands of plain dicts, lists and strings, none of them
in a reference cycle. Python's cyclic garbage collector would walk all of them again each
time it runs a full collection, several times per command: measured, a quarter of a
province's weekly circular. Reference counting still frees everything as usual.
"""

from __future__ import annotations

import contextlib
import gc
from typing import Iterator


@contextlib.contextmanager
def no_cycle_collection() -> Iterator[None]:
    """Pause the cyclic garbage collector for the duration (restored afterwards)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
