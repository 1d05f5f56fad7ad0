"""The one Rich console per stream, created on first use."""

from __future__ import annotations

import functools
import sys


def note(text: str) -> None:
    """A message for the person at the terminal: plain text on stderr, never wrapped mid-word."""
    sys.stderr.write(text + "\n")


@functools.lru_cache(maxsize=None)
def console(stderr: bool = False):
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=False)
