"""One module per command group; each builds its own Typer app.

These modules (and cli.py) do not use `from __future__ import annotations`: Typer reads every
command's parameters at each start, and string annotations would have it compile and evaluate
some four hundred of them first (some 45 ms of a 400 ms start).
"""
