"""The plan's rules and the bureau's local rules, as the figures the code works with.

The plan (兴公发〔2022〕6号) states only a few rules: reports every Friday, 2 cumulative
deductions -> warning talk, 3 -> accountability, commendation for zero-case pairings and for
dissuasions that avoided a major loss. Those stay under `rules:` in the plan file, each with a
`quote` of the plan's words. Every other number the tool needs (the 18:00 deadline, scoring
weights, how many are named, the 重大 amount, ...) is a local rule of the bureau: it lives
under `local_rules:`, each with a Chinese `label`, so that `plan show` and every circular can
say which rules are the plan's (方案规定) and which the bureau's (本局细则).

`of(settings)` gives the rules in force for a plan version's settings. A plan loaded before
local rules existed has none stored: its old numbers (deadline time, scoring, the discipline
window, the commendation limits it ran with) are read as its local rules, and the rest
take the shipped defaults (LOCAL_DEFAULTS).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Known tie-breaks, in the shipped order (after the total score).
TIE_BREAKS = {"coverage": "覆盖分", "activity": "宣传量分", "first_submitted": "最早报送时间", "plan_order": "计划中的顺序"}
DISCIPLINE_WINDOWS = {"routine_period": "全年常态化期", "concentrated_period": "集中宣传期"}

# The shipped local rules' values: what an old ledger's plan (stored before local rules
# existed) falls back to where it stored nothing of its own.
LOCAL_DEFAULTS: dict[str, Any] = {
    "deadline_time": "18:00",
    "late_if_any_line": True,
    "scoring": {
        "coverage": 40, "activity": 30, "timeliness": {"on_time": 15, "late": 6, "missing": 0},
        "photos": {"points": 15, "full_at_per_target": 2},
        "activity_weights": {"leaflets": 1, "notices": 1, "pledges": 2, "app_installs": 3, "group_pushes": 2,
                             "lectures": 10, "attendees": 0.5, "events": 10, "themes": 5},
        "activity_caps": {"leaflets": 200, "notices": 200, "pledges": 100, "app_installs": 100, "group_pushes": 7,
                          "lectures": 3, "attendees": 300, "events": 3, "themes": 2},
        "activity_full_at": 300,
    },
    "deduction_points": 10,
    "tie_breaks": ["coverage", "activity", "first_submitted", "plan_order"],
    "named": 3,
    "praise_one_in": 3,
    "praise_excludes_deducted": True,
    "criticise_missing": True,
    "major_loss": 10000,
    "commendation_max_deductions": None,
    "commendation_min_on_time_share": None,
    "discipline_window": "routine_period",
    "trend_weeks": 8,
}

# Labels for the fallback (an old ledger's plan has none stored).
LOCAL_LABELS: dict[str, str] = {
    "deadline_time": "每周报送截止时刻（报送日当天）",
    "late_if_any_line": "科所队任一条报送迟报，该周即算迟报",
    "scoring": "每周评分权重与封顶（满分 100）",
    "deduction_points": "每次通报扣分在当周得分中扣减的分数",
    "tie_breaks": "同分时依次比较",
    "named": "每类点名表扬、通报批评各至多几个科所队",
    "praise_one_in": "点名表扬不超过本类科所队数的几分之一",
    "praise_excludes_deducted": "当周有通报扣分的科所队不予点名表扬",
    "criticise_missing": "未报送的科所队一律通报批评",
    "major_loss": "劝阻避免的损失达到多少元算“重大损失”",
    "commendation_max_deductions": "表彰对象期间内通报扣分不超过几次（空为不限）",
    "commendation_min_on_time_share": "表彰对象（民辅警按所在单位）按时报送周数的最低比例（空为不限）",
    "discipline_window": "通报扣分累计期间",
    "trend_weeks": "通报中发案走势显示的周数",
}

PLAN_RULE_KEYS = ("weekly_report", "report_contents", "discipline", "commendation")


@dataclass(frozen=True)
class Rules:
    due_weekday: int
    due_time: str
    late_if_any_line: bool
    scoring: dict[str, Any]  # weights and caps, with `deduction` (points per deduction)
    tie_breaks: tuple[str, ...]
    named: int
    praise_one_in: int
    praise_excludes_deducted: bool
    criticise_missing: bool
    commend_zero_case: bool
    commend_dissuasion: bool
    major_loss_fen: int
    max_deductions: int | None
    min_on_time_share: float | None
    discipline_window: str
    trend_weeks: int
    notes: tuple[dict[str, Any], ...] = field(default=(), compare=False)

    @property
    def weekly_report(self) -> dict[str, Any]:
        """What weeks.deadline reads."""
        return {"due_weekday": self.due_weekday, "due_time": self.due_time}

    def praise_limit(self, category_size: int) -> int:
        """How many of a category may be praised: at most `named`, never more than
        1/`praise_one_in` of the category (rounded down)."""
        share = category_size // self.praise_one_in if self.praise_one_in else category_size
        return max(0, min(self.named, share))


def _value(local: dict[str, Any], key: str) -> Any:
    item = local.get(key)
    if isinstance(item, dict) and "value" in item:
        return item["value"]
    return LOCAL_DEFAULTS[key]


def _legacy_local(rules: dict[str, Any]) -> dict[str, Any]:
    """An old plan's numbers (stored under `rules` before local rules existed) as local rules."""
    out: dict[str, Any] = {}
    due_time = rules.get("weekly_report", {}).get("due_time")
    if due_time:
        out["deadline_time"] = due_time
    scoring = dict(rules.get("scoring") or {})
    if scoring:
        if "deduction" in scoring:
            out["deduction_points"] = scoring.pop("deduction")
        out["scoring"] = scoring
    window = rules.get("discipline", {}).get("window")
    if window:
        out["discipline_window"] = window
    old = rules.get("commendation") or {}
    # The limits an old plan ran with stay in force for it (its circulars read the same).
    if "max_deductions" in old:
        out["commendation_max_deductions"] = old["max_deductions"]
    if "min_on_time_share" in old:
        out["commendation_min_on_time_share"] = old["min_on_time_share"]
    return {k: {"label": LOCAL_LABELS[k], "value": v} for k, v in out.items()}


_CACHE: dict[int, tuple[dict, Rules]] = {}


def of(settings: dict[str, Any]) -> Rules:
    """The rules in force for a plan version's settings (kept per settings object: an index's
    settings are shared by every reader of that plan version)."""
    got = _CACHE.get(id(settings))
    if got is not None and got[0] is settings:
        return got[1]
    r = _build(settings)
    if len(_CACHE) > 16:
        _CACHE.clear()
    _CACHE[id(settings)] = (settings, r)
    return r


def _build(settings: dict[str, Any]) -> Rules:
    plan_rules = settings.get("rules", {}) or {}
    local = settings.get("local_rules")
    if local is None:
        local = _legacy_local(plan_rules)
    commendation = plan_rules.get("commendation", {}) or {}
    scoring = {**_value(local, "scoring"), "deduction": _value(local, "deduction_points")}
    max_ded = _value(local, "commendation_max_deductions")
    share = _value(local, "commendation_min_on_time_share")
    r = Rules(
        due_weekday=int(plan_rules.get("weekly_report", {}).get("due_weekday", 5)),
        due_time=str(_value(local, "deadline_time")),
        late_if_any_line=bool(_value(local, "late_if_any_line")),
        scoring=scoring,
        tie_breaks=tuple(_value(local, "tie_breaks")),
        named=int(_value(local, "named")),
        praise_one_in=int(_value(local, "praise_one_in")),
        praise_excludes_deducted=bool(_value(local, "praise_excludes_deducted")),
        criticise_missing=bool(_value(local, "criticise_missing")),
        commend_zero_case=bool(commendation.get("zero_case", True)),
        commend_dissuasion=bool(commendation.get("dissuasion", True)),
        major_loss_fen=round(float(_value(local, "major_loss")) * 100),
        max_deductions=None if max_ded is None else int(max_ded),
        min_on_time_share=None if share is None else float(share),
        discipline_window=str(_value(local, "discipline_window")),
        trend_weeks=int(_value(local, "trend_weeks")),
    )
    return Rules(**{**r.__dict__, "notes": tuple(_notes(settings, r))})


WEEKDAY_NAMES = "一二三四五六日"


def _notes(settings: dict[str, Any], r: Rules) -> list[dict[str, Any]]:
    """The rules note of a circular: the plan's rules with the plan's words, then the local
    rules the circular's figures depend on, each labelled."""
    plan_rules = settings.get("rules", {}) or {}

    def quote(key: str) -> str | None:
        return (plan_rules.get(key) or {}).get("quote")

    d = plan_rules.get("discipline", {}) or {}
    out = [
        {"text": f"各科所队每周星期{WEEKDAY_NAMES[r.due_weekday - 1]}报送本单位宣传情况，县局反诈中心汇总后每周通报",
         "source": "plan", "quote": quote("weekly_report")},
        {"text": f"累计通报扣分 {d.get('warning_talk_at', 2)} 次的民辅警及单位负责人约谈、责令落实再宣传措施，"
                 f"累计 {d.get('accountability_at', 3)} 次的严肃问责",
         "source": "plan", "quote": quote("discipline")},
    ]
    grounds = []
    if r.commend_zero_case:
        grounds.append("包联单位、包联网格“零发案”")
    if r.commend_dissuasion:
        grounds.append("劝阻、避免正在被骗群众造成重大损失")
    if grounds:
        out.append({"text": "拟表彰对象的依据：" + "，或".join(grounds), "source": "plan", "quote": quote("commendation")})

    def local_note(text: str) -> None:
        out.append({"text": text, "source": "local", "quote": None})

    s = r.scoring
    t = s.get("timeliness", {})
    local_note(f"报送截止时刻为报送日 {r.due_time}，晚于此时刻的报送为迟报")
    local_note("科所队任一条报送迟报，该周即算迟报" if r.late_if_any_line else "以科所队本周首次报送的时间判断是否迟报")
    local_note(f"每周得分满分 100：覆盖 {s.get('coverage', 0)} 分、宣传量 {s.get('activity', 0)} 分、报送时效 "
               f"{t.get('on_time', 0)} 分（迟报 {t.get('late', 0)} 分）、宣传图片 {s.get('photos', {}).get('points', 0)} 分；"
               f"每次通报扣分减 {s.get('deduction', 0)} 分")
    local_note("同分时依次比较" + "、".join(TIE_BREAKS.get(k, k) for k in r.tie_breaks))
    praise = f"每类点名表扬至多 {r.named} 个科所队，且不超过本类科所队数的{_fraction(r.praise_one_in)}"
    local_note(praise + ("；当周有通报扣分的不予表扬" if r.praise_excludes_deducted else ""))
    local_note(f"每类通报批评排名最后的 {r.named} 个已报送科所队" + ("，以及全部未报送的科所队" if r.criticise_missing else ""))
    local_note(f"一次劝阻避免损失 {_yuan(r.major_loss_fen)} 元以上为“重大损失”")
    limits = []
    if r.max_deductions is not None:
        limits.append(f"期间内通报扣分不超过 {r.max_deductions} 次")
    if r.min_on_time_share is not None:
        limits.append(f"所在单位按时报送周数不少于 {r.min_on_time_share:.0%}")
    local_note("表彰对象还须" + "，且".join(limits) if limits else "表彰不另设通报扣分次数和按时报送比例的限制")
    local_note(f"通报扣分在{DISCIPLINE_WINDOWS.get(r.discipline_window, r.discipline_window)}内累计")
    return out


def _fraction(n: int) -> str:
    return f"{'一二三四五六七八九十'[n - 1]}分之一" if 1 < n <= 10 else f"1/{n}"


def _yuan(fen: int) -> str:
    return f"{fen // 100:,}" if fen % 100 == 0 else f"{fen / 100:,.2f}"


def local_view(settings: dict[str, Any]) -> list[dict[str, Any]]:
    """`plan show`: each local rule in force, with its label and value (fallbacks included)."""
    local = settings.get("local_rules")
    if local is None:
        local = _legacy_local(settings.get("rules", {}) or {})
    out = []
    for key in LOCAL_DEFAULTS:
        item = local.get(key) if isinstance(local.get(key), dict) else None
        out.append({"key": key, "label": (item or {}).get("label") or LOCAL_LABELS[key],
                    "value": item["value"] if item and "value" in item else LOCAL_DEFAULTS[key],
                    "stated": item is not None})
    return out
