"""Offices and brigades may list their officers, so a unit case can be charged to them."""

from __future__ import annotations

from .conftest import PLAN

OFFICER = '    officers:\n      - {badge: "100101", name: 任国强, role: police}\n'


def test_a_unit_case_is_charged_to_the_paired_bureau_officer_and_department(cli, tmp_path):
    text = PLAN.read_text(encoding="utf-8").replace(
        "    kind: 科室\n    units:\n      - {name: 县人大各工作委员会",
        "    kind: 科室\n" + OFFICER + "    units:\n      - {name: 县人大各工作委员会", 1)
    assert OFFICER in text
    plan = tmp_path / "plan.yaml"
    plan.write_text(text, encoding="utf-8")
    cli.ok("plan", "load", plan)
    office = cli.json("plan", "show", "--dept", "办公室")["departments"][0]
    assert office["officers"] == [{"badge": "100101", "name": "任国强", "role": "police"}]
    cli.ok("case", "add", "--case-no", "U1", "--date", "2022-02-01", "--type", "other", "--unit", "财政局")
    cli.ok("audit", "record", "--case", "U1", "--date", "2022-02-02", "--publicity-received", "no",
           "--verified-negligent", "--officer", "100101", "--note", "未组织职工大会")
    cli.ok("case", "add", "--case-no", "U2", "--date", "2022-02-03", "--type", "other", "--unit", "审计局")
    cli.ok("audit", "record", "--case", "U2", "--date", "2022-02-04", "--publicity-received", "no",
           "--verified-negligent", "--officer", "100101", "--note", "未发放告知书")
    due = cli.json("discipline", "list")["items"]
    assert {(d["subject_kind"], d["subject"]) for d in due} == {("officer", "100101"), ("department", "办公室")}


def test_a_badge_used_by_a_bureau_and_a_station_is_refused(cli, tmp_path, db_path):
    text = PLAN.read_text(encoding="utf-8").replace(
        "    kind: 科室\n    units:\n      - {name: 县人大各工作委员会",
        "    kind: 科室\n" + OFFICER.replace("100101", "140101") + "    units:\n      - {name: 县人大各工作委员会", 1)
    plan = tmp_path / "plan.yaml"
    plan.write_text(text, encoding="utf-8")
    result = cli("plan", "load", plan)
    assert result.exit_code == 1 and "警号 140101 重复：已用于 办公室 任国强" in result.stderr
    assert not db_path.exists()
