"""Where the ledger lives and who is writing: resolved once per invocation."""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass
from pathlib import Path

DB_ENV = "FANZHA_DB"
OPERATOR_ENV = "FANZHA_OPERATOR"
LEDGER_FILENAME = "ledger.db"


def resolve_db_path(cli_value: str | None) -> Path:
    """`--db` wins, then FANZHA_DB, then the user's app dir (as `fanzha db path` prints)."""
    if cli_value:
        return Path(cli_value).expanduser()
    env = os.environ.get(DB_ENV)
    if env:
        return Path(env).expanduser()
    # typer.get_app_dir knows each OS's convention; imported here so that
    # resolving a path given on the command line costs no import.
    import typer

    return Path(typer.get_app_dir("fanzha")) / LEDGER_FILENAME


def resolve_operator(cli_value: str | None) -> str:
    """`--operator` wins, then FANZHA_OPERATOR, then the OS login name."""
    for value in (cli_value, os.environ.get(OPERATOR_ENV)):
        if value and value.strip():
            return value.strip()
    try:
        return getpass.getuser()
    except Exception:  # no login name (some containers): still record something honest
        return "unknown"


@dataclass(frozen=True)
class Settings:
    db_path: Path
    operator: str
    db_given: bool = False  # --db was on the command line (the demo writes only to such a path)
