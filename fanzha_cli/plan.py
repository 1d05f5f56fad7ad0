"""The pairing plan: YAML -> validated plan objects.

Every problem in the file is collected, not only the first, and each names the file and
the key path (1-based list positions, with the item's name where it has one), so a clerk
can fix the whole file in one go.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fanzha_cli import rules as _rules_mod
from fanzha_cli.errors import FanzhaError, PlanError

SCHEMA_VERSION = 1
CATEGORIES = {"bureau": "科室、大队", "station": "基层派出所"}
ROLES = {"police": "民警", "auxiliary": "辅警"}
FRAUD_GROUPS = {"telecom", "epidemic", "other"}
DISCIPLINE_WINDOWS = {"routine_period", "concentrated_period"}
_CODE = re.compile(r"^[a-z][a-z0-9_]*$")
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


@dataclass(frozen=True)
class Unit:
    name: str
    collective: bool = False
    aliases: tuple[str, ...] = ()
    note: str | None = None
    written: str | None = None

    def attrs(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.collective:
            out["collective"] = True
        if self.aliases:
            out["aliases"] = list(self.aliases)
        if self.note:
            out["note"] = self.note
        if self.written:
            out["written"] = self.written
        return out


@dataclass
class Department:
    name: str
    category: str
    kind: str
    units: list[Unit]
    item: int | None = None
    jurisdiction: str | None = None
    sample: bool = False
    path: str = ""


@dataclass(frozen=True)
class Officer:
    badge: str
    name: str
    role: str
    station: str  # the department the officer belongs to: a police station, or an office or brigade


@dataclass(frozen=True)
class Grid:
    name: str
    station: str
    worker: str
    officers: tuple[str, ...]
    sample: bool = False


@dataclass
class Plan:
    source: str
    sha256: str
    settings: dict[str, Any]
    departments: list[Department] = field(default_factory=list)
    officers: list[Officer] = field(default_factory=list)
    grids: list[Grid] = field(default_factory=list)

    @property
    def routine_period(self) -> tuple[str, str]:
        p = self.settings["campaign"]["routine_period"]
        return p["start"], p["end"]


class _Validator:
    def __init__(self, source: str):
        self.source = source
        self.problems: list[str] = []

    def fail(self, path: str, message: str) -> None:
        self.problems.append(f"{path}：{message}" if path else message)

    def mapping(self, value: Any, path: str) -> dict | None:
        if not isinstance(value, dict):
            self.fail(path, f"应为键值表（mapping），实际是 {_describe(value)}")
            return None
        return value

    def seq(self, value: Any, path: str) -> list:
        if not isinstance(value, list):
            self.fail(path, f"应为列表，实际是 {_describe(value)}")
            return []
        return value

    def text(self, m: dict, key: str, path: str, required: bool = True) -> str | None:
        if key not in m or m[key] is None:
            if required:
                self.fail(_join(path, key), "缺少必填项")
            return None
        value = m[key]
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            self.fail(_join(path, key), f"应为文字，实际是 {_describe(value)}")
            return None
        if not value.strip():
            self.fail(_join(path, key), "不能为空")
            return None
        return value.strip()

    def date(self, m: dict, key: str, path: str) -> str | None:
        value = m.get(key)
        if value is None:
            self.fail(_join(path, key), "缺少必填项（日期，格式 YYYY-MM-DD）")
            return None
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            return value.isoformat()
        try:
            return dt.date.fromisoformat(str(value)).isoformat()
        except ValueError:
            self.fail(_join(path, key), f"日期格式不对：{value!r}，应为 YYYY-MM-DD")
            return None

    def integer(self, m: dict, key: str, path: str, minimum: int, maximum: int | None = None) -> int | None:
        value = m.get(key)
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(_join(path, key), f"应为整数，实际是 {_describe(value)}")
            return None
        if value < minimum or (maximum is not None and value > maximum):
            upper = f"至 {maximum}" if maximum is not None else "以上"
            self.fail(_join(path, key), f"应在 {minimum}{upper}，实际是 {value}")
            return None
        return value

    def boolean(self, m: dict, key: str, path: str) -> bool:
        value = m.get(key, False)
        if not isinstance(value, bool):
            self.fail(_join(path, key), f"应为 true 或 false，实际是 {_describe(value)}")
            return False
        return value

    def numbers(self, value: Any, path: str) -> Any:
        """Scoring and commendation settings: nested mappings whose leaves are numbers ≥ 0."""
        if isinstance(value, dict):
            return {str(k): self.numbers(v, _join(path, str(k))) for k, v in value.items()}
        if isinstance(value, bool):
            return value
        if isinstance(value, (int, float)):
            if value < 0:
                self.fail(path, f"不能为负数：{value}")
            # Stored as text in the ledger's JSON, so a float weight is hashed exactly.
            return value
        self.fail(path, f"应为数字，实际是 {_describe(value)}")
        return None


def _one_of(value: Any, allowed) -> bool:
    """`value in allowed`, for a value from YAML that may be a list or a mapping (unhashable)."""
    return isinstance(value, str) and value in allowed


def _describe(value: Any) -> str:
    if value is None:
        return "空值"
    if isinstance(value, bool):
        return f"布尔值 {value}"
    if isinstance(value, (int, float)):
        return f"数字 {value}"
    if isinstance(value, str):
        return f"文字 {value!r}"
    if isinstance(value, list):
        return "列表"
    if isinstance(value, dict):
        return "键值表"
    return type(value).__name__


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _at(path: str, index: int, name: Any = None) -> str:
    label = f"{path}[{index + 1}]"
    if isinstance(name, str) and name.strip():
        label += f"（{name.strip()}）"
    return label


# A county's plan is some 30 KB; a province's (5,000 departments, 60,000 officers, 100,000
# grids: benchmarks/generate.py --scale province) some 15 MB.
MAX_PLAN_BYTES = 64 * 1024 * 1024


def _load_plan_yaml(text: str) -> Any:
    """yaml.safe_load, stricter: no aliases (a few lines of `*a` can stand for billions of
    items), and a date or number that cannot exist is an error at its line. Uses libyaml
    when it is installed (some ten times faster), the pure-Python parser otherwise."""
    import yaml

    loader = _plan_loader()
    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, yaml.AliasEvent):
            raise yaml.composer.ComposerError(
                None, None, "计划文件不使用锚点和别名（& 与 *），请把内容直接写出", event.start_mark)
    return yaml.load(text, Loader=loader)  # noqa: S506 - a SafeLoader, stricter still


@functools.lru_cache(maxsize=None)
def _plan_loader():
    import yaml

    class PlanLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
        pass

    def checked(construct, what, why):
        def wrapper(loader, node):
            try:
                return construct(loader, node)
            except (ValueError, OverflowError) as exc:
                raise yaml.constructor.ConstructorError(
                    None, None, f"{what}“{str(node.value)[:40]}”{why}", node.start_mark) from exc
        return wrapper

    for tag, what, why in (("timestamp", "日期", "不存在（请核对年、月、日）"),
                           ("int", "数字", "无法读取（位数过多）"), ("float", "数字", "无法读取")):
        full = f"tag:yaml.org,2002:{tag}"
        PlanLoader.add_constructor(full, checked(yaml.SafeLoader.yaml_constructors[full], what, why))
    return PlanLoader


def read_yaml(path: Path) -> tuple[Any, str]:
    """Parse a YAML file safely; a syntax error names the file, line and column."""
    import yaml  # only plan commands pay for it

    try:
        if path.stat().st_size > MAX_PLAN_BYTES:
            raise FanzhaError(f"计划文件 {path} 有 {path.stat().st_size / 1024 / 1024:.0f} MB，不像是计划文件（上限 {MAX_PLAN_BYTES // 1024 // 1024} MB）",
                              hint="检查是否选错了文件；随工具提供的计划在 data/assignments.yaml。")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise FanzhaError(f"找不到计划文件：{path}", hint="检查路径；随工具提供的计划在 data/assignments.yaml。")
    except IsADirectoryError:
        raise FanzhaError(f"计划路径是文件夹，不是文件：{path}", hint="指定 .yaml 文件。")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FanzhaError(
            f"计划文件 {path} 不是 UTF-8 编码（可能是 Windows 下保存的 GBK 文件）",
            hint="用记事本或 WPS 另存为“UTF-8”编码后再试。",
        )
    try:
        data = _load_plan_yaml(text)
    except RecursionError:
        raise FanzhaError(f"计划文件 {path} 的列表或键值表嵌套层次过深，无法读取", hint="检查文件是否完整、括号是否配对。")
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第 {mark.line + 1} 行第 {mark.column + 1} 列" if mark else "某处"
        problem = getattr(exc, "problem", None) or str(exc)
        raise FanzhaError(
            f"计划文件 {path} 的 YAML 格式有误（{where}）：{problem}",
            hint="检查该行附近的缩进、冒号和引号；文字中含冒号时请加引号。",
        )
    return data, hashlib.sha256(raw).hexdigest()


def parse_plan(path: Path) -> Plan:
    data, digest = read_yaml(path)
    return build_plan(data, str(path), digest)


def _units(v: _Validator, raw: Any, path: str) -> list[Unit]:
    units: list[Unit] = []
    seen: set[str] = set()
    for i, item in enumerate(v.seq(raw, path)):
        here = _at(path, i, item if isinstance(item, str) else (item or {}).get("name") if isinstance(item, dict) else None)
        if isinstance(item, str):
            item = {"name": item}
        m = v.mapping(item, here)
        if m is None:
            continue
        unknown = set(m) - {"name", "collective", "aliases", "note", "written"}
        for key in sorted(unknown):
            v.fail(_join(here, key), "不认识的键；单位只可有 name、collective、aliases、note、written")
        name = v.text(m, "name", here)
        aliases = tuple(str(a).strip() for a in v.seq(m.get("aliases", []), _join(here, "aliases")) if str(a).strip())
        if name is None:
            continue
        if name in seen:
            v.fail(here, f"单位“{name}”在本单位的包联名单中重复出现，请删去重复项")
            continue
        seen.add(name)
        units.append(
            Unit(
                name=name,
                collective=v.boolean(m, "collective", here),
                aliases=aliases,
                note=v.text(m, "note", here, required=False),
                written=v.text(m, "written", here, required=False),
            )
        )
    return units


def build_plan(data: Any, source: str, digest: str) -> Plan:
    v = _Validator(source)
    top = v.mapping(data, "")
    if top is None:
        raise PlanError(v.problems or ["文件内容为空"], source)
    for key in ("schema", "campaign", "leadership", "fraud_types", "departments", "stations", "rules"):
        if key not in top:
            v.fail(key, "缺少必填项")
    if "schema" in top and top.get("schema") != SCHEMA_VERSION:
        v.fail("schema", f"本工具支持计划格式版本 {SCHEMA_VERSION}，文件写的是 {top.get('schema')!r}")

    settings: dict[str, Any] = {"schema": SCHEMA_VERSION}
    settings["campaign"] = _campaign(v, top.get("campaign", {}))
    settings["leadership"] = _leadership(v, top.get("leadership", {}))
    settings["fraud_types"] = _fraud_types(v, top.get("fraud_types", []))
    settings["focus_groups"] = [
        {"code": v.text(g, "code", _at("focus_groups", i)), "name": v.text(g, "name", _at("focus_groups", i))}
        for i, g in enumerate(v.seq(top.get("focus_groups", []), "focus_groups"))
        if v.mapping(g, _at("focus_groups", i)) is not None
    ]
    if top.get("focus_note") is not None:
        settings["focus_note"] = v.text(top, "focus_note", "")
    settings["rules"] = _rules(v, top.get("rules", {}))
    settings["local_rules"] = _local_rules(v, top.get("local_rules", {}))

    departments: list[Department] = []
    officers: list[Officer] = []
    badge_home: dict[str, str] = {}
    for i, raw in enumerate(v.seq(top.get("departments", []), "departments")):
        here = _at("departments", i, raw.get("name") if isinstance(raw, dict) else None)
        m = v.mapping(raw, here)
        if m is None:
            continue
        name = v.text(m, "name", here)
        category = m.get("category", "bureau")
        if category != "bureau":
            v.fail(_join(here, "category"), "departments 中只放科室、大队（bureau）；派出所请写在 stations 中")
        units = _units(v, m.get("units", []), _join(here, "units"))
        # Officers of an office or brigade: answerable for its paired units' cases.
        _officers(v, m.get("officers", []), here, name, badge_home, officers)
        if name:
            departments.append(
                Department(name=name, category="bureau", kind=v.text(m, "kind", here) or "", units=units,
                           item=m.get("item") if isinstance(m.get("item"), int) else None, path=here)
            )

    grids: list[Grid] = []
    grid_home: dict[str, str] = {}
    for i, raw in enumerate(v.seq(top.get("stations", []), "stations")):
        here = _at("stations", i, raw.get("name") if isinstance(raw, dict) else None)
        m = v.mapping(raw, here)
        if m is None:
            continue
        name = v.text(m, "name", here)
        sample = v.boolean(m, "sample", here)
        units = _units(v, m.get("units", []), _join(here, "units"))
        station_badges = _officers(v, m.get("officers", []), here, name, badge_home, officers)
        for j, g in enumerate(v.seq(m.get("grids", []), _join(here, "grids"))):
            gpath = _at(_join(here, "grids"), j, g.get("name") if isinstance(g, dict) else None)
            gm = v.mapping(g, gpath)
            if gm is None:
                continue
            gname, worker = v.text(gm, "name", gpath), v.text(gm, "worker", gpath)
            paired = []
            for k, b in enumerate(v.seq(gm.get("officers", []), _join(gpath, "officers"))):
                b = str(b).strip()
                if b not in station_badges:
                    elsewhere = f"（该警号属于 {badge_home[b]}，不是本所民辅警）" if b in badge_home else ""
                    v.fail(f"{_join(gpath, 'officers')}[{k + 1}]",
                           f"结对民辅警 {b} 不在本所 officers 名单中{elsewhere}；请先在 officers 中登记，或改正警号")
                else:
                    paired.append(b)
            if gname and gname in grid_home:
                v.fail(_join(gpath, "name"), f"网格名称“{gname}”重复：已属于 {grid_home[gname]}；网格名称须全县唯一")
            elif gname and worker and name:
                grid_home[gname] = name
                grids.append(Grid(name=gname, station=name, worker=worker, officers=tuple(paired), sample=sample))
        if name:
            departments.append(
                Department(name=name, category="station", kind="派出所", units=units,
                           jurisdiction=v.text(m, "jurisdiction", here, required=False), sample=sample, path=here)
            )

    seen_depts: dict[str, str] = {}
    for d in departments:
        if d.name in seen_depts:
            v.fail(d.path, f"单位名称“{d.name}”重复：{seen_depts[d.name]} 已使用；科所队名称须唯一")
        seen_depts.setdefault(d.name, d.path)

    settings["sector_duties"] = _sector_duties(v, top.get("sector_duties", []), departments)
    if v.problems:
        raise PlanError(v.problems, source)
    return Plan(source=source, sha256=digest, settings=settings, departments=departments,
                officers=officers, grids=grids)


def _officers(v: _Validator, raw: Any, here: str, dept: str | None, badge_home: dict[str, str],
              out: list[Officer]) -> set[str]:
    """A department's or station's officers; badges are unique across the whole plan."""
    badges: set[str] = set()
    for j, o in enumerate(v.seq(raw, _join(here, "officers"))):
        opath = _at(_join(here, "officers"), j, o.get("name") if isinstance(o, dict) else None)
        om = v.mapping(o, opath)
        if om is None:
            continue
        badge, oname = v.text(om, "badge", opath), v.text(om, "name", opath)
        role = om.get("role")
        if not _one_of(role, ROLES):
            v.fail(_join(opath, "role"), f"身份应为 police（民警）或 auxiliary（辅警），实际是 {role!r}")
        if badge and badge in badge_home:
            v.fail(_join(opath, "badge"), f"警号 {badge} 重复：已用于 {badge_home[badge]}")
        elif badge and oname and dept and _one_of(role, ROLES):
            badge_home[badge] = f"{dept} {oname}"
            badges.add(badge)
            out.append(Officer(badge=badge, name=oname, role=role, station=dept))
    return badges


def _campaign(v: _Validator, raw: Any) -> dict[str, Any]:
    m = v.mapping(raw, "campaign")
    if m is None:
        return {}
    out: dict[str, Any] = {}
    for key in ("name", "document_no", "issuer"):
        out[key] = v.text(m, key, "campaign")
    out["issued_on"] = v.date(m, "issued_on", "campaign")
    for key in ("concentrated_period", "routine_period"):
        pm = v.mapping(m.get(key), f"campaign.{key}")
        if pm is None:
            continue
        start, end = v.date(pm, "start", f"campaign.{key}"), v.date(pm, "end", f"campaign.{key}")
        if start and end and start > end:
            v.fail(f"campaign.{key}", f"开始日期 {start} 晚于结束日期 {end}")
        out[key] = {"start": start, "end": end}
    for key in ("guiding_principle", "sector_note"):
        if m.get(key) is not None:
            out[key] = v.text(m, key, "campaign")
    if m.get("measures") is not None:
        mm = v.mapping(m["measures"], "campaign.measures") or {}
        out["measures"] = {str(k): v.text(mm, k, "campaign.measures") for k in mm}
    if m.get("document") is not None:
        out["document"] = _document(v, m["document"])
    return out


def _document(v: _Validator, raw: Any) -> dict[str, Any]:
    """`campaign.document`: how the weekly circular is issued as a red-header document (GB/T 9704):
    the issuing mark printed in red at the top, the 抄送 recipients and the 印发 office of the 版记."""
    path = "campaign.document"
    m = v.mapping(raw, path)
    if m is None:
        return {}
    copy_to = v.seq(m.get("copy_to", []), f"{path}.copy_to")
    for i, name in enumerate(copy_to):
        if not isinstance(name, str) or not name.strip():
            v.fail(_at(f"{path}.copy_to", i), f"应为单位名称（文字），实际是 {_describe(name)}")
    return {"mark": v.text(m, "mark", path), "printed_by": v.text(m, "printed_by", path),
            "copy_to": [n.strip() for n in copy_to if isinstance(n, str) and n.strip()]}


def _leadership(v: _Validator, raw: Any) -> dict[str, Any]:
    m = v.mapping(raw, "leadership")
    if m is None:
        return {}
    out: dict[str, Any] = {"name": v.text(m, "name", "leadership", required=False)}
    leader = v.mapping(m.get("leader"), "leadership.leader") or {}
    out["leader"] = {"name": v.text(leader, "name", "leadership.leader"),
                     "title": v.text(leader, "title", "leadership.leader", required=False)}
    out["deputies"] = []
    for i, d in enumerate(v.seq(m.get("deputies", []), "leadership.deputies")):
        dm = v.mapping(d, _at("leadership.deputies", i))
        if dm is not None:
            out["deputies"].append({"name": v.text(dm, "name", _at("leadership.deputies", i)),
                                    "title": v.text(dm, "title", _at("leadership.deputies", i), required=False)})
    out["members"] = v.text(m, "members", "leadership", required=False)
    office = v.mapping(m.get("office"), "leadership.office") or {}
    out["office"] = {"name": v.text(office, "name", "leadership.office"),
                     "full_name": v.text(office, "full_name", "leadership.office", required=False),
                     "duties": [str(x) for x in v.seq(office.get("duties", []), "leadership.office.duties")]}
    return out


def _fraud_types(v: _Validator, raw: Any) -> list[dict[str, str]]:
    out = []
    codes: set[str] = set()
    names: set[str] = set()
    for i, t in enumerate(v.seq(raw, "fraud_types")):
        here = _at("fraud_types", i, t.get("name") if isinstance(t, dict) else None)
        m = v.mapping(t, here)
        if m is None:
            continue
        code, name = v.text(m, "code", here), v.text(m, "name", here)
        group = m.get("group")
        if not _one_of(group, FRAUD_GROUPS):
            v.fail(_join(here, "group"), f"类别应为 telecom、epidemic 或 other，实际是 {group!r}")
        if code and not _CODE.match(code):
            v.fail(_join(here, "code"), f"代码“{code}”只可用小写英文字母、数字和下划线")
        if code in codes:
            v.fail(_join(here, "code"), f"诈骗类型代码“{code}”重复")
        if name in names:
            v.fail(_join(here, "name"), f"诈骗类型名称“{name}”重复")
        if code and name:
            codes.add(code)
            names.add(name)
            out.append({"code": code, "name": name, "group": group})
    if "other" not in codes and not v.problems:
        v.fail("fraud_types", "缺少“其他”类型（code: other），无法登记不属于所列类型的案件")
    return out


# Keys of the first plan format that are local rules now (方案未规定的数字).
_MOVED = {
    "rules.weekly_report.due_time": "local_rules.deadline_time",
    "rules.scoring": "local_rules.scoring",
    "rules.discipline.window": "local_rules.discipline_window",
    "rules.commendation.max_deductions": "local_rules.commendation_max_deductions",
    "rules.commendation.min_on_time_share": "local_rules.commendation_min_on_time_share",
    "rules.commendation.min_dissuasions": "local_rules.major_loss",
}


def _unknown_keys(v: _Validator, m: dict, known, path: str) -> None:
    """Each key not in `known` is an error naming the closest known key."""
    import difflib

    known = list(known)
    for key in m:
        moved = _MOVED.get(_join(path, str(key)))
        if moved:
            v.fail(_join(path, str(key)), f"方案未规定此项，已改为本局细则：请移到 {moved}（写明 label 和 value）")
        elif key not in known:
            close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.4)
            fix = f"是不是 {close[0]}？" if close else f"可用的键：{'、'.join(known)}"
            v.fail(_join(path, str(key)), f"不认识的键；{fix}")


def _quote(v: _Validator, m: dict, path: str) -> str | None:
    """A plan rule's `quote`: the plan's own words, required."""
    return v.text(m, "quote", path)


def _rules(v: _Validator, raw: Any) -> dict[str, Any]:
    """The rules the plan itself states, each with a `quote` of the plan's words."""
    m = v.mapping(raw, "rules")
    if m is None:
        return {}
    _unknown_keys(v, m, _rules_mod.PLAN_RULE_KEYS, "rules")
    out: dict[str, Any] = {}
    wr = v.mapping(m.get("weekly_report"), "rules.weekly_report") or {}
    _unknown_keys(v, wr, ("due_weekday", "quote"), "rules.weekly_report")
    out["weekly_report"] = {"due_weekday": v.integer(wr, "due_weekday", "rules.weekly_report", 1, 7),
                            "quote": _quote(v, wr, "rules.weekly_report")}
    if m.get("report_contents") is not None:
        out["report_contents"] = [str(x) for x in v.seq(m["report_contents"], "rules.report_contents")]
    dm = v.mapping(m.get("discipline"), "rules.discipline") or {}
    _unknown_keys(v, dm, ("warning_talk_at", "accountability_at", "talk_steps", "accountability_steps", "quote"),
                  "rules.discipline")
    talk = v.integer(dm, "warning_talk_at", "rules.discipline", 1)
    acc = v.integer(dm, "accountability_at", "rules.discipline", 1)
    if talk is not None and acc is not None and acc <= talk:
        v.fail("rules.discipline.accountability_at", f"问责次数（{acc}）应大于约谈次数（{talk}）")
    out["discipline"] = {"warning_talk_at": talk, "accountability_at": acc}
    for key in ("talk_steps", "accountability_steps"):
        if dm.get(key) is not None:
            out["discipline"][key] = [str(x) for x in v.seq(dm[key], f"rules.discipline.{key}")]
    out["discipline"]["quote"] = _quote(v, dm, "rules.discipline")
    if "commendation" not in m:
        v.fail("rules.commendation", "缺少必填项")
    cm = v.mapping(m.get("commendation", {}), "rules.commendation") or {}
    _unknown_keys(v, cm, ("zero_case", "dissuasion", "quote"), "rules.commendation")
    out["commendation"] = {"zero_case": v.boolean(cm, "zero_case", "rules.commendation"),
                           "dissuasion": v.boolean(cm, "dissuasion", "rules.commendation"),
                           "quote": _quote(v, cm, "rules.commendation")}
    return out


def _local_rules(v: _Validator, raw: Any) -> dict[str, Any]:
    """The bureau's own rules (本局细则): every figure the plan does not state, each with a
    Chinese `label` and its `value`. A rule left out takes the shipped default."""
    m = v.mapping(raw, "local_rules")
    if m is None:
        return {}
    _unknown_keys(v, m, _rules_mod.LOCAL_DEFAULTS, "local_rules")
    out: dict[str, Any] = {}
    for key, item in m.items():
        if key not in _rules_mod.LOCAL_DEFAULTS:
            continue
        here = f"local_rules.{key}"
        im = v.mapping(item, here)
        if im is None:
            continue
        _unknown_keys(v, im, ("label", "value"), here)
        label = v.text(im, "label", here)
        if "value" not in im:
            v.fail(_join(here, "value"), "缺少必填项")
            continue
        value = _local_value(v, key, im["value"], _join(here, "value"))
        out[key] = {"label": label, "value": value}
    return out


def _local_value(v: _Validator, key: str, value: Any, path: str) -> Any:
    def positive_int(minimum: int) -> Any:
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            v.fail(path, f"应为不小于 {minimum} 的整数，实际是 {_describe(value)}")
        return value

    def flag() -> Any:
        if not isinstance(value, bool):
            v.fail(path, f"应为 true 或 false，实际是 {_describe(value)}")
        return value

    if key == "deadline_time":
        value = str(value) if isinstance(value, (str, int)) else value
        if not isinstance(value, str) or not _TIME.match(value):
            v.fail(path, f"时间格式应为 HH:MM（如 18:00），实际是 {value!r}")
        return value
    if key in ("late_if_any_line", "praise_excludes_deducted", "criticise_missing"):
        return flag()
    if key in ("named", "praise_one_in", "trend_weeks"):
        return positive_int(1)
    if key == "scoring":
        sm = v.mapping(value, path)
        if sm is None:
            return None
        _unknown_keys(v, sm, _rules_mod.LOCAL_DEFAULTS["scoring"], path)
        return v.numbers(sm, path)
    if key in ("deduction_points", "major_loss"):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            v.fail(path, f"应为不小于 0 的数字，实际是 {_describe(value)}")
        return value
    if key == "commendation_max_deductions":
        return None if value is None else positive_int(0)
    if key == "commendation_min_on_time_share":
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1):
            v.fail(path, f"应为 0 至 1 之间的比例（如 0.8），或留空表示不限，实际是 {_describe(value)}")
        return value
    if key == "discipline_window":
        if not _one_of(value, DISCIPLINE_WINDOWS):
            v.fail(path, f"应为 routine_period 或 concentrated_period，实际是 {value!r}")
        return value
    if key == "tie_breaks":
        items = v.seq(value, path)
        for i, t in enumerate(items):
            if not _one_of(t, _rules_mod.TIE_BREAKS):
                v.fail(f"{path}[{i + 1}]", f"应为 {'、'.join(_rules_mod.TIE_BREAKS)} 之一，实际是 {t!r}")
        if len(set(map(str, items))) != len(items):
            v.fail(path, "同一比较项写了两次")
        return items
    return value


def _sector_duties(v: _Validator, raw: Any, departments: list[Department]) -> list[dict[str, Any]]:
    known = {}
    for d in departments:
        for u in d.units:
            known[u.name] = u.name
            for a in u.aliases:
                known.setdefault(a, u.name)
    out = []
    for i, s in enumerate(v.seq(raw, "sector_duties")):
        here = _at("sector_duties", i, s.get("sector") if isinstance(s, dict) else None)
        m = v.mapping(s, here)
        if m is None:
            continue
        sector = v.text(m, "sector", here)
        units = []
        for k, u in enumerate(v.seq(m.get("units", []), _join(here, "units"))):
            u = str(u).strip()
            if u not in known:
                v.fail(f"{_join(here, 'units')}[{k + 1}]", f"单位“{u}”不在任何科所队的包联名单中；请改为名单中的名称")
            else:
                units.append(known[u])
        duties = [str(x).strip() for x in v.seq(m.get("duties", []), _join(here, "duties")) if str(x).strip()]
        if not duties:
            v.fail(_join(here, "duties"), "至少写一项职责")
        entry = {"sector": sector, "units": units, "duties": duties}
        if m.get("note") is not None:
            entry["note"] = v.text(m, "note", here)
        out.append(entry)
    return out


def counts(plan: Plan) -> dict[str, int]:
    bureau = [d for d in plan.departments if d.category == "bureau"]
    return {
        "departments": len(bureau),
        "units": len({u.name for d in bureau for u in d.units}),
        "stations": len(plan.departments) - len(bureau),
        "grids": len(plan.grids),
        "officers": len(plan.officers),
    }
