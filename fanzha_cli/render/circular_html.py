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
from fanzha_cli.render.layout import ATTACHMENTS, DATE, DATETIME, LONG, NONE_TEXT, NUMERIC, TEXT

WIDE_TABLE_COLUMNS = 8  # tables with more columns print smaller so that they fit the 156 mm block
CJK_SANS = '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", SimHei, sans-serif'
CHART_PX = 18  # chart text in SVG units; a chart is drawn CHART_W wide and never shown wider
CHART_W, CHART_H = 480, 300
MIN_PHONE_W = 396  # a 420 px phone less the page's padding: 18 x 396 / 480 = 14.9 px text at the least
CSS = """
@page { size: A4; margin: 37mm 26mm 35mm 28mm; }
html { background: #fff; -webkit-text-size-adjust: 100%; }
body { max-width: 56em; margin: 0 auto; color: #000;
  font: 16pt/1.8 "仿宋_GB2312", FangSong_GB2312, "仿宋", FangSong, STFangsong, "Noto Serif CJK SC", serif; }
@media screen { body { padding: 12mm 4mm 20mm; } }
@media print { body { max-width: none; font-size: 16pt; line-height: 28.95pt; } .table-box { overflow: visible; } }
.masthead { text-align: center; }
.mark { color: #e00; font: 36pt/1.4 "方正小标宋简体", FZXiaoBiaoSong-B05S, STZhongsong, "华文中宋", SimSun, "Noto Serif CJK SC", serif;
  letter-spacing: 0.05em; }
.masthead .line { display: flex; flex-wrap: wrap; justify-content: space-between; gap: 0 1em;
  border-bottom: 3px solid #e00; text-align: left; }
h1 { margin: 1em 0; text-align: center; font-weight: normal; font-size: 22pt; line-height: 1.4;
  font-family: "方正小标宋简体", FZXiaoBiaoSong-B05S, STZhongsong, "华文中宋", SimSun, "Noto Serif CJK SC", serif; }
h2, h3 { margin: 0; font-size: 1em; font-weight: normal; text-indent: 2em; break-after: avoid; }
h2 { font-family: "黑体", SimHei, "Noto Sans CJK SC", sans-serif; }
h3 { font-family: "楷体_GB2312", KaiTi_GB2312, "楷体", KaiTi, STKaiti, serif; }
p { margin: 0; text-indent: 2em; text-align: justify; overflow-wrap: anywhere; }
p.addressee, p.attachment-label { text-indent: 0; }
p.attachment-label { font-family: "黑体", SimHei, "Noto Sans CJK SC", sans-serif; break-before: page; margin-top: 2em; }
.table-box { max-width: 100%; overflow-x: auto; margin: 4pt 0 10pt; }
table { width: 100%; border-collapse: collapse; font-size: 12pt; line-height: 1.4; }
th, td { border: 1px solid #000; padding: 2pt 4pt; text-align: center; }
th { font-family: "黑体", SimHei, "Noto Sans CJK SC", sans-serif; font-weight: normal; }
td.num { text-align: right; white-space: nowrap; }
td.name, td.date { white-space: nowrap; }
td.long { text-align: left; min-width: 9em; }
table.wide { font-size: 10.5pt; }
table.wide th, table.wide td { padding: 2pt 2pt; }
@media print { table { font-size: 10.5pt; } table.wide { font-size: 8.5pt; } td.name { white-space: normal; }
  td.long { min-width: 6em; } }
thead { display: table-header-group; }
tr, figure { break-inside: avoid; }
figure { margin: 4pt 0 12pt; }
figure svg { display: block; width: 100%; max-width: 480px; height: auto; margin: 0 auto; }
figcaption { text-align: center; font-size: 12pt; line-height: 1.4; }
.bars { display: grid; grid-template-columns: minmax(4em, max-content) minmax(50%, 1fr); gap: 2px 8px; font-size: 12pt;
  line-height: 1.4; font-family: "Noto Sans CJK SC", "Microsoft YaHei", SimHei, sans-serif; }
.bars .label { text-align: right; }
.bars .track { display: flex; flex-direction: column; justify-content: center; gap: 1px; }
.bars .bar { display: flex; align-items: center; gap: 4px; white-space: nowrap; }
.bars .bar i { display: inline-block; height: 0.9em; background: #c0392b; print-color-adjust: exact;
  -webkit-print-color-adjust: exact; }
.bars .bar.previous i { background: #95a5a6; }
.legend { text-align: center; font-size: 12pt; }
.legend i { display: inline-block; width: 1em; height: 0.8em; background: #c0392b; margin: 0 4px 0 12px; }
.legend i.previous { background: #95a5a6; }
.sign-off { margin-top: 1.8em; text-align: right; }
.sign-off p { text-indent: 0; text-align: right; padding-right: 4em; }
.imprint { margin-top: 3em; border-top: 2px solid #000; border-bottom: 2px solid #000; font-size: 14pt; }
.imprint p { text-indent: 0; padding: 0 1em; }
.imprint p + p { border-top: 1px solid #000; }
.imprint .printed { display: flex; flex-wrap: wrap; justify-content: space-between; }
.anchor { font-size: 10.5pt; color: #555; text-indent: 0; overflow-wrap: anywhere; }
@media screen and (max-width: 600px) {
  body { font-size: 17px; padding: 4mm 12px 12mm; } h1 { font-size: 22px; } .mark { font-size: 30px; letter-spacing: 0; }
  table, .bars, .legend, figcaption { font-size: 14px; } table.wide { font-size: 13px; } .imprint { font-size: 15px; } }
"""


# --- charts ---

def _without_scripts_and_comments(root):
    """pygal's xml filter: drop <script> (tooltips need a CDN script) and comments (today's date)."""
    for element in list(root.iter()):
        tag = element.tag
        if callable(tag) or (isinstance(tag, str) and tag.rsplit("}", 1)[-1] == "script"):
            element.getparent().remove(element)
    return root


def _chart(kind: str, key: str, title: str, **config):
    import pygal
    from pygal.style import Style

    style = Style(font_family=CJK_SANS, background="white", plot_background="white",
                  title_font_size=CHART_PX, label_font_size=CHART_PX, major_label_font_size=CHART_PX,
                  legend_font_size=CHART_PX, value_font_size=CHART_PX, colors=("#c0392b", "#7f8c8d", "#2c6fbb"))
    chart = getattr(pygal, kind)(style=style, js=[], width=CHART_W, height=CHART_H, title=title,
                                 disable_xml_declaration=True, truncate_label=-1, truncate_legend=-1,
                                 print_values=True, print_zeroes=False, show_legend=False,
                                 margin_top=12, margin_right=24, **config)
    chart.uuid = key  # the id pygal prefixes its CSS with: fixed, not random, so files compare
    chart.add_xml_filter(_without_scripts_and_comments)
    return chart


def _bars(rows: list[tuple[str, list[float]]], unit: str, fmt, legend: tuple[str, ...] = ()) -> str:
    """A horizontal bar chart in HTML: each label a text cell that wraps, each bar a block as long
    as its share of the largest value, its value written after it. Text stays text at the page's
    size on a phone and on paper; a zero draws no bar and no stray 「0」 on an axis."""
    most = max((v for _, values in rows for v in values), default=0) or 1
    out = ['<div class="bars">']
    for label, values in rows:
        bars = "".join(
            f'<span class="bar{" previous" if i else ""}"><i style="width:{max(v, 0) / most * 85:.1f}%"></i>'
            f'{escape(fmt(v)) if v else ""}</span>' for i, v in enumerate(values))
        out.append(f'<span class="label">{escape(label)}</span><span class="track">{bars}</span>')
    out.append("</div>")
    if legend:
        out.append('<div class="legend">' + "".join(
            f'<i{" class=previous" if i else ""}></i>{escape(name)}' for i, name in enumerate(legend)) + f"（{unit}）</div>")
    return "".join(out)


def _ranking_chart(category: str) -> Callable[[dict], str]:
    def draw(c: dict) -> str:
        rows = layout.ranking(c, category)
        return _bars([(r["department"], [float(r.get("score") or 0)]) for r in rows], "分",
                     lambda v: f"{v:.2f}") if rows else ""
    return draw


def _cases_chart(c: dict) -> str:
    types = c["summary"].get("cases_by_type") or []
    if not types:
        return ""
    return _bars([(t["name"], [t.get("cases") or 0, t.get("cases_previous") or 0]) for t in types], "起",
                 lambda v: f"{v:g}", legend=("本周", "上周"))


def _step(top: float) -> float:
    """A round tick step giving four to eight ticks up to `top` (1, 2, 5, 10, 20, 50 …)."""
    step = 1.0
    while top / step > 8:
        step *= 2.5 if str(step)[0] == "2" else 2
    return step


def _trend_chart(c: dict) -> str:
    """Cases (起) and losses (万元) are different quantities: one chart each, bars with their values.
    A zero is formatted "0", which pygal then leaves undrawn (print_zeroes=False compares the text)."""
    trend = c["summary"].get("trend") or []
    if not trend:
        return ""
    numbers = [layout.week_numbers({"week": t["week"]}) for t in trend]
    labels = [str(week) for _, week in numbers]  # short enough for eight bars on a phone
    years = sorted({year for year, _ in numbers})
    axis = f"{'—'.join(map(str, years))}年周次"
    cases = [t.get("cases") for t in trend]
    losses = [round(float(t["loss"]) / 10000, 2) if t.get("loss") is not None else None for t in trend]
    out = []
    for key, title, values, fmt in (("trend-cases", "发案（起）", cases, lambda v: f"{v:g}"),
                                    ("trend-loss", "损失（万元）", losses, lambda v: f"{v:.2f}" if v else "0")):
        top = max((v for v in values if v is not None), default=0) or 1
        step = _step(top)
        ticks = [i * step for i in range(int(top * 1.2 / step) + 2)]
        chart = _chart("Bar", key, title, range=(0, ticks[-1]), y_labels=ticks, value_formatter=fmt, x_title=axis,
                       print_values_position="top")
        chart.x_labels = labels
        chart.add(title, values)
        out.append(chart.render(is_unicode=True))
    return "".join(out)


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
    """A table in its own box: on a narrow screen the box scrolls sideways, never the page."""
    if not rows:
        return [f"<p>{NONE_TEXT}</p>"]
    table = table.for_rows(rows)
    wide = ' class="wide"' if len(table.columns) > WIDE_TABLE_COLUMNS else ""
    out = [f'<div class="table-box"><table{wide}>',
           "<thead><tr>" + "".join(f"<th>{escape(col.header)}</th>" for col in table.columns) + "</tr></thead>",
           "<tbody>"]
    for row in rows:
        out.append("<tr>" + "".join(
            f"<td{_cell_class(col.kind)}>{escape(layout.display(row.get(col.key), col.kind))}</td>"
            for col in table.columns) + "</tr>")
    out += ["</tbody>", "</table></div>"]
    return out


def _figure(chart: str, caption: str) -> list[str]:
    return [f'<figure>{chart}<figcaption>{escape(caption)}</figcaption></figure>'] if chart else []


def _header(c: dict) -> list[str]:
    """The red header: the issuing mark, 第N期, the issuer and the date over a red rule."""
    doc = layout.document(c)
    issue = layout.issue_line(c) + ("（预览稿）" if layout.is_preview(c) else "")
    mark = f'<div class="mark">{escape(doc["mark"])}</div>' if doc["mark"] else ""
    issue = f'<div class="issue">{escape(issue)}</div>' if issue else ""
    return [
        f'<header class="masthead">{mark}{issue}<div class="line"><span>{escape(layout.issuer(c))}</span>'
        f'<span>{escape(layout.cn_date(layout.issued_on(c)))}</span></div></header>',
        "<h1>" + "<br>".join(escape(line) for line in layout.title_lines(c)) + "</h1>",
        f'<p class="addressee">{escape(layout.ADDRESSEE)}</p>',
        f"<p>{escape(layout.opening(c))}</p>",
    ]


def _parts(c: dict, tables, caption: str) -> list[str]:
    out = []
    for table in tables:
        if table.title:
            out.append(f"<h3>{escape(table.title)}</h3>")
        out += _table(table, table.rows(c))
        if table.key in CHARTS:
            out += _figure(CHARTS[table.key](c), f"图：{table.title or caption}")
    return out


def _sections(c: dict) -> list[str]:
    out = []
    for section in layout.sections(c):
        out += [f'<section id="{section.key}">', f"<h2>{escape(section.title)}</h2>",
                f"<p>{escape(section.lead(c))}</p>", *_parts(c, section.tables, section.title), "</section>"]
    notes = "".join(f'<p class="attachment-note">{"附件：" if i == 0 else "　　　"}{a.number}.{escape(a.title)}</p>'
                    for i, a in enumerate(ATTACHMENTS))
    return out + [f'<div class="attachments-note">{notes}</div>']


def _attachments(c: dict) -> list[str]:
    out = []
    for a in ATTACHMENTS:
        out += [f'<section id="attachment-{a.number}">', f'<p class="attachment-label">{escape(a.label)}</p>',
                f"<h1>{escape(a.title)}</h1>", *_parts(c, a.tables, a.title), "</section>"]
    return out


def _imprint(c: dict) -> list[str]:
    """版记: 抄送 and 印发 between rules."""
    doc = layout.document(c)
    copy_to = f'<p>抄送：{escape("，".join(doc["copy_to"]))}。</p>' if doc["copy_to"] else ""
    out = [f'<footer class="imprint">{copy_to}<p class="printed"><span>{escape(doc["printed_by"])}</span>'
           f'<span>{escape(layout.cn_date(doc["printed_on"]))}印发</span></p></footer>']
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
        *_header(c), *_sections(c), f'<div class="sign-off">{sign_off}</div>', *_attachments(c), *_imprint(c),
        "</body>", "</html>", "",
    ])
