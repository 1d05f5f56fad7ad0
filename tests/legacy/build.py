"""Make the legacy ledgers in this folder: each written by fanzha as it was at one commit.

A migration test needs ledgers written through the *old* schema by the *old* code, not a new
ledger with tables dropped. This script checks out a commit of this repository into a
temporary work tree, runs that commit's own CLI on the same short week of records
(`STEPS`, as far as that commit has the commands), and keeps the ledger file here as
`ledger-<commit>.db`. The ledgers are committed; the test never runs old code.

    python tests/legacy/build.py 23d95d9 c7d1462 764f018

Run it with a Python that has fanzha's dependencies (the project's venv).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent

# The same records for every version: a plan, reports of one week (a unit and a grid), a
# grid case with a verified negligent call-back, a unit case, a dissuasion. Dates lie in
# 2022-W05 (2022-01-31 .. 02-06), so their week lies in every version's campaign.
STEPS: list[list[str]] = [
    ["plan", "load", "{plan}"],
    ["report", "add", "--dept", "宣传科", "--week", "2022-W05", "--unit", "宣传部", "--leaflets", "120",
     "--photos", "3", "--progress", "40", "--submitted-at", "2022-02-04 10:00"],
    ["report", "add", "--dept", "蔚汾派出所", "--week", "2022-W05", "--grid", "蔚汾镇东关社区网格",
     "--leaflets", "80", "--app-installs", "15", "--photos", "2", "--submitted-at", "2022-02-04 19:30"],
    ["case", "add", "--case-no", "XG2022001", "--date", "2022-02-02", "--type", "online_loan",
     "--grid", "蔚汾镇西关社区网格", "--loss", "12000.50", "--victim", "张小三", "--phone", "13812345678",
     "--id-number", "140123199001011234"],
    ["audit", "record", "--case", "XG2022001", "--date", "2022-02-05", "--publicity-received", "no",
     "--verified-negligent"],
    ["case", "add", "--case-no", "XG2022002", "--date", "2022-02-03", "--type", "brushing",
     "--unit", "财政局", "--loss", "3000"],
    ["dissuasion", "add", "--officer", "140101", "--date", "2022-02-03", "--amount-saved", "20000"],
]


def _has(tree: Path, group: str) -> bool:
    return (tree / "fanzha_cli" / "commands" / f"{group}.py").exists()


def build(commit: str) -> tuple[Path, list[int]]:
    """The ledger written by `commit`, and which of STEPS it ran (those its CLI had)."""
    out = HERE / f"ledger-{commit}.db"
    ran: list[int] = []
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "tree"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "-q", "--detach", str(tree), commit], check=True)
        try:
            db = Path(tmp) / "ledger.db"
            env = {**os.environ, "PYTHONPATH": str(tree), "FANZHA_DB": str(db), "FANZHA_OPERATOR": "旧版录入员"}
            for i, step in enumerate(STEPS):
                if not _has(tree, step[0]):
                    continue
                ran.append(i)
                args = [a.replace("{plan}", str(tree / "data" / "assignments.yaml")) for a in step]
                subprocess.run([sys.executable, "-m", "fanzha_cli", *args], env=env, check=True, cwd=tmp,
                               capture_output=True)
            # One file: fold the WAL in, as a backup would.
            subprocess.run([sys.executable, "-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]);"
                            "c.execute('PRAGMA wal_checkpoint(TRUNCATE)'); c.execute('PRAGMA journal_mode=DELETE'); c.close()",
                            str(db)], check=True)
            shutil.copyfile(db, out)
            # The plan it loaded: replaying the records today loads this same file.
            shutil.copyfile(tree / "data" / "assignments.yaml", HERE / f"plan-{commit}.yaml")
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=True)
    return out, ran


if __name__ == "__main__":
    manifest_path = HERE / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8")) if manifest_path.exists() else {}
    for c in sys.argv[1:]:
        out, ran = build(c)
        manifest[out.name] = {"commit": c, "plan": f"plan-{c}.yaml", "steps": ran}
        print(out, ran)
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
