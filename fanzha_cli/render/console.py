"""The one Rich console per stream, created on first use, and how data becomes safe text.

Whatever a clerk or a department's file put in a name or a note is printed as plain text:
never read as Rich markup (`[/]` in a note would otherwise crash the table, `[link=…]`
would be obeyed) and never as emoji codes, and control characters (an ESC sequence hidden
in an Excel cell could repaint or retitle the clerk's terminal) are shown escaped.
"""

from __future__ import annotations

import functools
import re
import sys

# C0 controls except tab and newline, DEL, C1 controls, and the bidirectional overrides
# that make text display in a different order than it is stored.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def plain(text: str) -> str:
    """`text` with every unsafe character shown as an escape (ESC as \\x1b), visible, inert."""
    return _UNSAFE.sub(lambda m: f"\\x{ord(m[0]):02x}" if ord(m[0]) < 0x100 else f"\\u{ord(m[0]):04x}", text)


def note(text: str) -> None:
    """A message for the person at the terminal: plain text on stderr, never wrapped mid-word."""
    sys.stderr.write(plain(text) + "\n")


@functools.lru_cache(maxsize=None)
def console(stderr: bool = False):
    from rich.console import Console

    class PlainConsole(Console):
        """Every string printed is data: no markup, no emoji codes, control characters escaped."""

        def render_str(self, text, **kwargs):
            return super().render_str(plain(text), **kwargs)

    return PlainConsole(stderr=stderr, highlight=False, soft_wrap=False, markup=False, emoji=False)
