"""The weekly circular as one self-contained, printable HTML file with inline SVG charts.

Nothing is fetched: no script, no web font, no stylesheet or image from elsewhere, so the file
opens the same on an offline police intranet machine and prints on A4. Charts are drawn by
pygal as SVG whose labels stay <text> (searchable, sharp when printed); pygal's JavaScript,
its comments (which carry today's date) and its random ids are removed or fixed, so the same
circular gives the same file. All text from the circular is escaped.
"""

from __future__ import annotations

from html import escape
from typing import Callable

from fanzha_cli.render import layout
from fanzha_cli.render.layout import CATEGORY_LABELS, DATE, DATETIME, LONG, NONE_TEXT, NUMERIC, SECTIONS, TEXT

LABEL_PX = 13
WIDE_TABLE_COLUMNS = 8  # tables with more columns print in 五号 so that they fit the 156 mm block
CJK_SANS = '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", SimHei, sans-serif'
CSS = """
@page { size: A4; margin: 37mm 26mm 35mm 28mm; }
html { background: #fff; }
body { max-width: 156mm; margin: 0 auto; color: #000;
  font: 16pt/28.95pt "仿宋_GB2312", FangSong_GB2312, "仿宋", FangSong, STFangsong, "Noto Serif CJK SC", serif; }
@media screen { body { padding: 12mm 4mm 20mm; } }
.masthead .issue { text-align: center; }
.masthead .line { display: flex; justify-content: space-between; border-bottom: 2px solid #c00000; }
h1 { margin: 28.95pt 0; text-align: center; font-weight: normal; font-size: 22pt; line-height: 1.4;
  font-family: "方正小标宋简体", FZXiaoBiaoSong-B05S, STZhongsong, "华文中宋", SimSun, "Noto Serif CJK SC", serif; }
h2, h3 { margin: 0; font-size: 16pt; font-weight: normal; text-indent: 2em; break-after: avoid; }
h2 { font-family: "黑体", SimHei, "Noto Sans CJK SC", sans-serif; }
h3 { font-family: "楷体_GB2312", KaiTi_GB2312, "楷体", KaiTi, STKaiti, serif; }
p { margin: 0; text-indent: 2em; text-align: justify; }
p.addressee { text-indent: 0; }
table { width: 100%; margin: 4pt 0 10pt; border-collapse: collapse; font-size: 12pt; line-height: 1.4; }
th, td { border: 1px solid #000; padding: 2pt 4pt; text-align: center; }
th { font-family: "黑体", SimHei, "Noto Sans CJK SC", sans-serif; font-weight: normal; }
td.num { text-align: right; white-space: nowrap; }
td.name, td.date { white-space: nowrap; }
td.long { text-align: left; }
table.wide { font-size: 10.5pt; }
table.wide th, table.wide td { padding: 2pt 2pt; }
thead { display: table-header-group; }
tr, figure { break-inside: avoid; }
figure { margin: 4pt 0 12pt; }
figure svg { display: block; width: 100%; height: auto; }
figcaption { text-align: center; font-size: 12pt; line-height: 1.4; }
.sign-off { margin-top: 28.95pt; text-align: right; }
.sign-off p { text-indent: 0; text-align: right; padding-right: 4em; }
"""


# --- charts ---

def _without_scripts_and_comments(root):
    """pygal's xml filter: drop <script> (tooltips need a CDN script) and comments (today's date)."""
    for element in list(root.iter()):
        tag = element.tag
        if callable(tag) or (isinstance(tag, str) and tag.rsplit("}", 1)[-1] == "script"):
            element.getparent().remove(element)
    return root


def _label_room(labels: list[str]) -> int:
    """Left margin that keeps Chinese axis labels inside the picture: pygal sizes labels at
    0.6 em a character, right for Latin letters, but a Chinese character is a full em."""
    wide = max((sum(1 for ch in label if layout.is_wide(ch)) for label in labels), default=0)
    return 20 + round(0.4 * LABEL_PX * wide)


def _chart(kind: str, key: str, title: str, height: int = 360, **config):
    import pygal
    from pygal.style import Style

    style = Style(font_family=CJK_SANS, background="white", plot_background="white",
                  title_font_size=18, label_font_size=LABEL_PX, major_label_font_size=LABEL_PX,
                  legend_font_size=14, value_font_size=13, colors=("#c0392b", "#7f8c8d", "#2c6fbb"))
    chart = getattr(pygal, kind)(style=style, js=[], width=800, height=height, title=title,
                                 disable_xml_declaration=True, truncate_label=-1, truncate_legend=-1,
                                 print_values=True, **config)
    chart.uuid = key  # the id pygal prefixes its CSS with: fixed, not random, so files compare
    chart.add_xml_filter(_without_scripts_and_comments)
    return chart


def _ranking_chart(category: str) -> Callable[[dict], str]:
    def draw(c: dict) -> str:
        rows = layout.ranking(c, category)
        if not rows:
            return ""
        # A horizontal bar chart draws its first label at the bottom: feed it last place first.
        labels = [r["department"] for r in reversed(rows)]
        chart = _chart("HorizontalBar", f"ranking-{category}", f"{CATEGORY_LABELS[category]}得分",
                       show_legend=False, height=120 + 36 * len(rows), range=(0, 100),
                       margin_left=_label_room(labels), value_formatter=lambda v: f"{v:.2f}")
        chart.x_labels = labels
        chart.add("得分", [float(r.get("score") or 0) for r in reversed(rows)])
        return chart.render(is_unicode=True)
    return draw


def _cases_chart(c: dict) -> str:
    types = c["summary"].get("cases_by_type") or []
    if not types:
        return ""
    labels = [t["name"] for t in reversed(types)]
    most = max(max(t.get("cases") or 0, t.get("cases_previous") or 0) for t in types)
    ticks = {"y_labels": list(range(most + 1))} if most <= 10 else {}  # whole cases, not 0.2 steps
    chart = _chart("HorizontalBar", "cases-by-type", "各类诈骗发案（起）：本周与上周", height=140 + 60 * len(types),
                   legend_at_bottom=True, margin_left=_label_room(labels), value_formatter=lambda v: f"{v:g}",
                   **ticks)
    chart.x_labels = labels
    chart.add("本周", [t.get("cases") or 0 for t in reversed(types)])
    chart.add("上周", [t.get("cases_previous") or 0 for t in reversed(types)])
    return chart.render(is_unicode=True)


def _trend_chart(c: dict) -> str:
    trend = c["summary"].get("trend") or []
    if not trend:
        return ""
    # Cases and losses in 万元 are numbers of the same size, so they share one axis from zero.
    chart = _chart("Line", "trend", "近期发案走势", legend_at_bottom=True, include_x_axis=True,
                   value_formatter=lambda v: f"{v:g}")
    chart.x_labels = [layout.week_label(t["week"]) for t in trend]
    chart.add("发案（起）", [t.get("cases") for t in trend])
    chart.add("损失（万元）", [round(float(t["loss"]) / 10000, 2) if t.get("loss") is not None else None
                          for t in trend])
    return chart.render(is_unicode=True)


# Which table a chart follows; the layout stays the only list of sections and tables.
CHARTS: dict[str, Callable[[dict], str]] = {
    "cases_by_type": _cases_chart,
    "trend": _trend_chart,
    "ranking_bureau": _ranking_chart("bureau"),
    "ranking_station": _ranking_chart("station"),
}


# --- document ---

def _cell_class(kind: str) -> str:
    if kind in NUMERIC:
        return ' class="num"'
    return {TEXT: ' class="name"', LONG: ' class="long"', DATE: ' class="date"', DATETIME: ' class="date"'}.get(kind, "")


def _table(table: layout.Table, rows: list[dict]) -> list[str]:
    if not rows:
        return [f"<p>{NONE_TEXT}</p>"]
    wide = ' class="wide"' if len(table.columns) > WIDE_TABLE_COLUMNS else ""
    out = [f"<table{wide}>", "<thead><tr>" + "".join(f"<th>{escape(col.header)}</th>" for col in table.columns)
           + "</tr></thead>", "<tbody>"]
    for row in rows:
        out.append("<tr>" + "".join(
            f"<td{_cell_class(col.kind)}>{escape(layout.display(row.get(col.key), col.kind))}</td>"
            for col in table.columns) + "</tr>")
    out += ["</tbody>", "</table>"]
    return out


def _figure(svg: str, caption: str) -> list[str]:
    return [f'<figure>{svg}<figcaption>{escape(caption)}</figcaption></figure>'] if svg else []


def _header(c: dict) -> list[str]:
    issue = f'<div class="issue">{escape(layout.issue_line(c))}</div>' if layout.issue_line(c) else ""
    return [
        f'<header class="masthead">{issue}<div class="line"><span>{escape(layout.issuer(c))}</span>'
        f'<span>{escape(layout.cn_date(layout.issued_on(c)))}</span></div></header>',
        "<h1>" + "<br>".join(escape(line) for line in layout.title_lines(c)) + "</h1>",
        f'<p class="addressee">{escape(layout.ADDRESSEE)}</p>',
        f"<p>{escape(layout.opening(c))}</p>",
    ]


def _sections(c: dict) -> list[str]:
    out = []
    for section in SECTIONS:
        out += [f'<section id="{section.key}">', f"<h2>{escape(section.title)}</h2>",
                f"<p>{escape(section.lead(c))}</p>"]
        for table in section.tables:
            if table.title:
                out.append(f"<h3>{escape(table.title)}</h3>")
            out += _table(table, table.rows(c))
            if table.key in CHARTS:
                out += _figure(CHARTS[table.key](c), f"图：{table.title or section.title}")
        out.append("</section>")
    return out


def to_html(c: dict) -> str:
    """The whole circular as one HTML document (a str; write it as UTF-8)."""
    sign_off = "".join(f"<p>{escape(line)}</p>" for line in (layout.issuer(c), layout.cn_date(layout.issued_on(c))))
    if layout.anchor_line(c):  # ties the page to the ledger (fanzha db verify --anchor)
        sign_off += f'<p class="anchor">{escape(layout.anchor_line(c))}</p>'

    return "\n".join([
        "<!DOCTYPE html>", '<html lang="zh-CN">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(layout.title(c))}</title>", f"<style>{CSS}</style>", "</head>", "<body>",
        *_header(c), *_sections(c), f'<footer class="sign-off">{sign_off}</footer>', "</body>", "</html>", "",
    ])
