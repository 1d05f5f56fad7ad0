"""Chinese text in a terminal: its width in cells, and lines broken where Chinese may break.

A Chinese line may break between any two characters, but never before closing punctuation
(，。、；：）」…) nor after an opening one (（「“), and an ASCII word (--leaflets, 2022-W05, a
path) stays whole: the rules a reader of Chinese expects (禁则). Pure functions, no imports
beyond the standard library: the help text uses them at start-up.
"""

from __future__ import annotations

import unicodedata


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


def cells(text: str) -> int:
    return sum(2 if _wide(ch) else 1 for ch in text)


# A line never starts with these (Chinese line-breaking rules): they stay with what precedes them.
_NO_START = set("，。、；：？！）》」』】”’%…·,.;:?!)]")


def _tokens(text: str) -> list[str]:
    """Break points: between any two Chinese characters, at spaces; ASCII words stay whole."""
    out: list[str] = []
    word = ""
    for ch in text:
        if ch == " ":
            if word:
                out.append(word)
            out.append(" ")
            word = ""
        elif _wide(ch) or ch in _NO_START:
            if ch in _NO_START and (word or out):
                # closing punctuation clings to what came before it
                if word:
                    word += ch
                else:
                    out[-1] += ch
                continue
            if word:
                out.append(word)
            word = ""
            out.append(ch)
        else:
            if word and _wide(word[-1]):
                out.append(word)
                word = ""
            word += ch
    if word:
        out.append(word)
    # an opening bracket or quote stays with what follows it
    merged: list[str] = []
    for tok in out:
        if merged and merged[-1] and merged[-1][-1] in "（《「『【“‘(" and tok != " ":
            merged[-1] += tok
        else:
            merged.append(tok)
    return merged


def wrap(text: str, limit: int) -> list[str]:
    """`text` in lines of at most `limit` cells, broken only where Chinese text may break."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for tok in _tokens(paragraph):
            if cells(line) + cells(tok) <= limit or not line.strip():
                if not (tok == " " and not line):
                    line += tok
            else:
                lines.append(line.rstrip())
                line = "" if tok == " " else tok
            # a token wider than the whole line (a long path): cut it, nothing else can
            while cells(line) > limit:
                cut = _cut(line, limit)
                lines.append(line[:cut])
                line = line[cut:]
        lines.append(line.rstrip())
    return lines


def _cut(text: str, limit: int) -> int:
    used = 0
    for i, ch in enumerate(text):
        used += 2 if _wide(ch) else 1
        if used > limit:
            return max(i, 1)
    return len(text)


