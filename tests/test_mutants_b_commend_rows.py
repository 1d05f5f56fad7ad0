"""commend.candidates judged over the plan's rows (`rows=`, plan_rows.judge: the circular's
way) pinned down for mutation testing: reasons only, and an officer paired with no grid is
never commended for his grids' having no case, as on the index's way."""

from __future__ import annotations

import pytest

from fanzha_cli import commend, plan_rows

from .casework import opened, plan_variant

FEB = ("2022-02-01", "2022-02-28")


def test_rows_give_reasons_only(loaded, db_path):
    with opened(db_path) as led:
        rows = plan_rows.judge(led, *FEB)
        with pytest.raises(ValueError) as e:
            commend.candidates(led, *FEB, rows=rows)
    assert str(e.value) == "rows give reasons only"


def test_an_officer_paired_with_no_grid_is_not_commended_for_zero_case(cli, db_path, tmp_path):
    cli.ok("plan", "load", plan_variant(tmp_path, "ungridded.yaml", {'officers: ["140103", "FJ0103"]': 'officers: ["FJ0103"]'}))
    with opened(db_path) as led:
        by_rows = commend.candidates(led, *FEB, with_evidence=False, rows=plan_rows.judge(led, *FEB))
        by_index = commend.candidates(led, *FEB, with_evidence=False)
    officers = {c["badge"]: c["reasons"] for c in by_rows["candidates"] if c["subject_kind"] == "officer"}
    assert "140103" not in officers
    assert officers["140101"][0] == "结对网格零发案（2 个）"
    assert by_rows == by_index
