#!/bin/sh
# Mutation testing of the modules that decide figures (TESTING.md: what it does, how long it
# takes, the scores). Usage, from anywhere in the checkout:
#
#   scripts/mutation.sh weeks clock scoring      # the modules, by name under fanzha_cli/
#   scripts/mutation.sh                          # the list in TESTING.md, smallest first
#   MUTATION_TESTS="tests/test_weeks.py tests/test_mutants_a_clock.py" scripts/mutation.sh weeks clock
#                                                # only these tests (TESTING.md: why, and what it means)
#
# Runs mutmut (pip install -e '.[mutation]') at low priority with one child process, then
# prints each module's mutants, killed, survived and score. Survivors: .venv/bin/mutmut show NAME.
set -eu
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
MUTMUT=${MUTMUT:-.venv/bin/mutmut}
[ $# -gt 0 ] || set -- weeks clock money privacy scoring chain discipline commend rules audits cases
if [ -n "${MUTATION_TESTS:-}" ]; then
    # mutmut reads its test selection from pyproject.toml only: set it for this run, put it back after.
    mkdir -p mutants
    cp pyproject.toml mutants/pyproject.toml.saved
    trap 'mv mutants/pyproject.toml.saved pyproject.toml' EXIT INT TERM
    selection=$(printf '"%s", ' $MUTATION_TESTS)
    sed -i "s|^pytest_add_cli_args_test_selection = .*|pytest_add_cli_args_test_selection = [${selection%, }]|" pyproject.toml
fi
patterns=""
for m in "$@"; do patterns="$patterns fanzha_cli.$m.*"; done
# shellcheck disable=SC2086  # one pattern per module
nice -n 19 "$MUTMUT" run --max-children 1 $patterns || true
"$MUTMUT" results --all true >mutants/results.txt 2>/dev/null || "$MUTMUT" results >mutants/results.txt
"$PY" - "$@" <<'PY'
import re, sys, pathlib
lines = pathlib.Path("mutants/results.txt").read_text().splitlines()
print(f"{'module':<12} {'mutants':>7} {'killed':>6} {'survived':>8} {'other':>5} {'score':>6}  (other: not run, timeout, ...; score: killed of all)")
for module in sys.argv[1:]:
    rx = re.compile(rf"^\s*fanzha_cli\.{re.escape(module)}\.\S+: (.+)$")
    states = [m[1].strip() for m in map(rx.match, lines) if m]
    killed = sum(s == "killed" for s in states)
    survived = sum(s == "survived" for s in states)
    other = len(states) - killed - survived
    score = f"{100 * killed / len(states):.0f} %" if states else "-"
    print(f"{module:<12} {len(states):>7} {killed:>6} {survived:>8} {other:>5} {score:>6}")
PY
