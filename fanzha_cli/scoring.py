"""The weekly score and ranking: pure functions over one week's figures.

The weights live in the plan (`local_rules.scoring`: the plan itself states none), so the center can change them without a
new release; this module only says how they combine:

- coverage   = coverage points × share of the department's paired targets (units, and grids
               for a station) with any activity reported that week;
- activity   = activity points × min(1, capped weighted activity per paired target / activity_full_at),
               each measure capped per target first, so one huge number cannot buy rank;
- timeliness = points for on time / late / missing (a report is late if any line came after
               the deadline);
- photos     = photo points × min(1, photos per paired target / full_at_per_target);
- deductions = minus deduction points for each deduction circulated against it that week.

Departments rank within their category; missing reports rank last in theirs; ties break by
total, then the plan's `local_rules.tie_breaks` (shipped: coverage, activity, earlier first
submission, plan order).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ACTIVITY_MEASURES = (
    "leaflets", "notices", "pledges", "app_installs", "group_pushes",
    "lectures", "attendees", "events", "themes",
)
STATUSES = ("on_time", "late", "missing")


@dataclass
class Tally:
    """A department's lines of one week on its paired targets, summed: all the score needs of
    them (lines on a target it is not paired with count for nothing)."""

    covered: int = 0  # paired targets with any activity or photo reported
    capped: tuple[int, ...] = (0,) * len(ACTIVITY_MEASURES)  # per measure: Σ min(value, cap)
    photos: int = 0


@dataclass
class DeptWeek:
    """What one department did in one week, judged against the plan in force that week."""

    dept: str
    category: str  # bureau | station
    order: int  # position in the plan, the last tie-break
    targets: int  # how many units (and, for a station, grids) it is paired with
    tally: Tally = field(default_factory=Tally)
    status: str = "missing"
    first_submitted: str | None = None
    deductions: int = 0


@dataclass
class Score:
    dept: str
    category: str
    status: str
    targets: int
    covered: int
    coverage: float
    activity: float
    timeliness: float
    photos: float
    deduction: float
    total: float
    activity_per_target: float
    photos_per_target: float
    first_submitted: str | None
    order: int
    rank: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "rank": self.rank, "department": self.dept, "category": self.category,
            "status": self.status, "targets": self.targets, "covered": self.covered,
            "score": self.total,
            "components": {
                "coverage": self.coverage, "activity": self.activity, "timeliness": self.timeliness,
                "photos": self.photos, "deduction": self.deduction,
            },
            "activity_per_target": self.activity_per_target,
            "photos_per_target": self.photos_per_target,
            "first_submitted": self.first_submitted,
        }


_COUNTED = ACTIVITY_MEASURES + ("photos",)
_NONE_COUNTED = (0,) * len(_COUNTED)


def caps(rules: dict[str, Any]) -> list[int | None]:
    """Each activity measure's cap per target (None: uncapped), in ACTIVITY_MEASURES order."""
    given = rules.get("activity_caps", {})
    return [given.get(m) for m in ACTIVITY_MEASURES]


def tally(lines: dict[str, dict[str, int]], targets: list[str], rules: dict[str, Any]) -> Tally:
    """Sum a department's lines (target -> figures, photos included) on its paired `targets`.
    The circular has SQL do the same sums (queries.CIRCULAR_DEPARTMENTS_OF_WEEK)."""
    limits = caps(rules)
    covered = photos = 0
    capped = [0] * len(ACTIVITY_MEASURES)
    for t in targets:
        m = lines.get(t)
        if m is None:
            continue
        if max(map(m.get, _COUNTED, _NONE_COUNTED)) > 0:
            covered += 1
        photos += m.get("photos", 0) or 0
        for i, (measure, cap) in enumerate(zip(ACTIVITY_MEASURES, limits)):
            value = m.get(measure, 0) or 0
            capped[i] += value if cap is None or value <= cap else cap
    return Tally(covered, tuple(capped), photos)


def weighted_activity(capped: tuple[int, ...] | list[int], rules: dict[str, Any]) -> float:
    """Capped figures weighed by the plan's activity weights."""
    weights = rules.get("activity_weights", {})
    return sum(weights.get(m, 0) * v for m, v in zip(ACTIVITY_MEASURES, capped))


def score(week: DeptWeek, rules: dict[str, Any]) -> Score:
    n = week.targets
    covered = week.tally.covered
    per_target = weighted_activity(week.tally.capped, rules) / n if n else 0.0
    photos_per_target = week.tally.photos / n if n else 0.0

    full_at = rules.get("activity_full_at") or 1
    photo_rules = rules.get("photos", {})
    photo_full = photo_rules.get("full_at_per_target") or 1
    coverage = rules.get("coverage", 0) * (covered / n if n else 0.0)
    activity = rules.get("activity", 0) * min(1.0, per_target / full_at)
    timeliness = rules.get("timeliness", {}).get(week.status, 0)
    photos = photo_rules.get("points", 0) * min(1.0, photos_per_target / photo_full)
    deduction = 0.0 - rules.get("deduction", 0) * week.deductions  # 0.0, never -0.0
    if week.status == "missing":
        coverage = activity = photos = 0.0
    total = coverage + activity + timeliness + photos + deduction
    return Score(
        dept=week.dept, category=week.category, status=week.status, targets=n, covered=covered,
        coverage=round(coverage, 2), activity=round(activity, 2), timeliness=round(float(timeliness), 2),
        photos=round(photos, 2), deduction=round(deduction, 2), total=round(total, 2),
        activity_per_target=round(per_target, 2), photos_per_target=round(photos_per_target, 2),
        first_submitted=week.first_submitted, order=week.order,
    )


_TIE_KEYS = {
    "coverage": lambda s: -s.coverage,
    "activity": lambda s: -s.activity,
    "first_submitted": lambda s: s.first_submitted or "9999",
    "plan_order": lambda s: s.order,
}
DEFAULT_TIE_BREAKS = ("coverage", "activity", "first_submitted", "plan_order")


def _sort_key(tie_breaks: tuple[str, ...] | list[str]):
    keys = [_TIE_KEYS[t] for t in tie_breaks]

    def key(s: Score):
        # missing reports rank last in their category; then the total; then the local tie-breaks
        return (s.status == "missing", -s.total, *(k(s) for k in keys), s.order, s.dept)

    return key


def rank(scores: list[Score], tie_breaks: tuple[str, ...] | list[str] = DEFAULT_TIE_BREAKS) -> list[Score]:
    """Rank within each category (bureau first, then stations); ranks start at 1 per category.
    Ties on the total break by the plan's local rule `tie_breaks`, in its order."""
    out: list[Score] = []
    for category in ("bureau", "station"):
        group = sorted((s for s in scores if s.category == category), key=_sort_key(tie_breaks))
        for i, s in enumerate(group, start=1):
            s.rank = i
        out.extend(group)
    return out
