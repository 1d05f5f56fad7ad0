"""The simplest Typer app with one command: what fanzha's start-up is measured against.

    python benchmarks/bare_app.py --help           # start-up, nothing else
    python benchmarks/bare_app.py --sqlite-utils   # the same, plus `import sqlite_utils` (a write's library)
"""

import typer

app = typer.Typer()


@app.command()
def add(sqlite_utils: bool = typer.Option(False, "--sqlite-utils", help="Also import sqlite_utils.")) -> None:
    """Do nothing, or import sqlite_utils."""
    if sqlite_utils:
        import sqlite_utils as _  # noqa: F401


if __name__ == "__main__":
    app()
