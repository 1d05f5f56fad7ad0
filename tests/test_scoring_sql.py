"""The circular sums a week's lines in SQL (queries.CIRCULAR_DEPARTMENTS_OF_WEEK); the score is
defined in Python (scoring.tally). Property: for any lines, the two agree on every department:
paired targets covered, each measure capped per target, photos on paired targets only."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from fanzha_cli import circular, reports, rules, scoring, weeks

from .casework import opened, scene_template  # noqa: F401
from .reliawork import examples, fresh_copy

WEEK = "2022-W05"
STATION = "蔚汾派出所"
STATION_TARGETS = ["蔚汾镇党政机关", "蔚汾镇各村（社区）", "蔚汾镇东关社区网格", "蔚汾镇北坡社区网格", "蔚汾镇西关社区网格"]
BUREAU = "信访科"
BUREAU_TARGETS = ["信访局", "退役军人事务局"]
CAPS = dict(zip(scoring.ACTIVITY_MEASURES, [200, 200, 100, 100, 7, 3, 300, 3, 2]))

# A line's figures: each measure around its cap (below, at, above), some left out; photos too.
FIGURES = st.fixed_dictionaries({}, optional={
    **{m: st.integers(0, 7 if m == "group_pushes" else 2 * cap) for m, cap in CAPS.items()},
    "photos": st.integers(0, 6),
})
LINES = st.tuples(st.dictionaries(st.sampled_from(STATION_TARGETS), FIGURES, max_size=len(STATION_TARGETS)),
                  st.dictionaries(st.sampled_from(BUREAU_TARGETS), FIGURES, max_size=2))


def _add(cli, dept: str, target: str, figures: dict[str, int]) -> None:
    kind = "--grid" if target.endswith("网格") else "--unit"
    args = ["report", "add", "--dept", dept, "--week", WEEK, kind, target, "--submitted-at", "2022-02-04 10:00"]
    for k, v in figures.items():
        args += [f"--{k.replace('_', '-')}", str(v)]
    cli.ok(*args)


@settings(max_examples=examples(8, long=300))
@given(lines=LINES)
def test_the_circulars_sql_sums_are_the_scores_python_sums(cli, scene_template, db_path, lines):  # noqa: F811
    fresh_copy(scene_template[0], db_path)
    for dept, by_target in zip((STATION, BUREAU), lines):
        for target, figures in by_target.items():
            _add(cli, dept, target, figures)
    with opened(db_path) as led:
        plan = reports.week_plan(led, weeks.resolve(WEEK))
        r = rules.of(plan.index.settings).scoring
        summed, _ = circular._week_lines(led, plan, r)
        for dept, by_target in zip((STATION, BUREAU), lines):
            if not by_target:
                assert dept not in summed
                continue
            expected = scoring.tally(by_target, list(circular._targets(plan.index, dept)), r)
            assert summed[dept].tally == expected, dept
            assert circular._tally_by_line(led, plan, dept, r) == expected, dept
