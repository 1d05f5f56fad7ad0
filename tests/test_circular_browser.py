"""The demo's week-8 HTML circular in Chromium: on a 420 px phone the page never scrolls sideways
(wide tables scroll in their own box), at 1280 px no table is wider than the text column, and
printed to A4 no column is lost. Skipped where Chromium is not installed."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from fanzha_cli.render import circular_html

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
pytestmark = pytest.mark.skipif(not CHROMIUM, reason="Chromium is not installed")
HEADLESS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", "--allow-file-access-from-files"]

# Loads the circular in a frame `width` px wide (a headless window is at least 500 px wide) and
# writes what it measured into the page, for --dump-dom to return.
FRAME = """<!DOCTYPE html><html><body style="margin:0">
<iframe id="f" src="{src}" style="width:{width}px;height:3000px;border:0"></iframe>
<script>
document.getElementById('f').addEventListener('load', () => {{
  const w = document.getElementById('f').contentWindow, d = w.document;
  const tables = [...d.querySelectorAll('table')].map(t => [Math.round(t.getBoundingClientRect().width),
    t.parentElement.clientWidth, t.parentElement.className, d.body.clientWidth]);
  const small = [...d.querySelectorAll('svg text')].map(t => parseFloat(w.getComputedStyle(t).fontSize)
    * t.getScreenCTM().a).filter(px => px < 12);
  const out = {{page: d.documentElement.scrollWidth, view: w.innerWidth, tables, small}};
  const pre = document.createElement('pre'); pre.id = 'probe'; pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
}});
</script></body></html>"""


@pytest.fixture(scope="module")
def demo_html(tmp_path_factory) -> Path:
    from typer.testing import CliRunner

    from fanzha_cli.cli import app

    folder = tmp_path_factory.mktemp("browser")
    db, page = folder / "demo.db", folder / "week8.html"
    env = {"FANZHA_OPERATOR": "测试员", "FANZHA_DB": str(db)}
    runner = CliRunner()
    for args in (["demo"], *(["weekly-circular", "--week", "2022-W08", "--format", fmt, "-o", str(page.with_suffix(f".{fmt}"))]
                             for fmt in ("html", "json"))):
        result = runner.invoke(app, ["--db", str(db), *args], env=env)
        assert result.exit_code == 0, result.output
    return page


def _measure(page: Path, width: int, tmp_path: Path) -> dict:
    frame = tmp_path / f"frame-{width}.html"
    frame.write_text(FRAME.format(src=page.as_uri(), width=width), encoding="utf-8")
    dom = subprocess.run([CHROMIUM, *HEADLESS, f"--user-data-dir={tmp_path / 'profile'}",
                          f"--window-size={max(width, 500) + 40},1000", "--virtual-time-budget=5000", "--dump-dom",
                          frame.as_uri()], capture_output=True, text=True, timeout=120).stdout
    found = re.search(r'<pre id="probe">(.*?)</pre>', dom, re.S)
    assert found, dom[-500:]
    return json.loads(found.group(1).replace("&quot;", '"'))


def test_phone_never_scrolls_sideways_and_tables_scroll_in_their_box(demo_html, tmp_path):
    got = _measure(demo_html, 420, tmp_path)
    assert got["view"] == 420 and got["page"] <= 420, got
    assert got["tables"]
    for width, box, box_class, column in got["tables"]:
        assert box_class == "table-box" and box <= column  # a wider table scrolls inside its box
    assert not got["small"]  # chart text at least 12 px


def test_desktop_tables_fit_the_text_column(demo_html, tmp_path):
    got = _measure(demo_html, 1280, tmp_path)
    assert got["page"] <= 1280 and not got["small"]
    for width, box, _, column in got["tables"]:
        assert width <= box <= column, got["tables"]


def test_printed_to_a4_no_column_is_lost(demo_html, tmp_path):
    if not shutil.which("pdftotext"):
        pytest.skip("poppler (pdftotext) is not installed")
    pdf = tmp_path / "week8.pdf"
    subprocess.run([CHROMIUM, *HEADLESS, f"--user-data-dir={tmp_path / 'profile'}", "--no-pdf-header-footer",
                    f"--print-to-pdf={pdf}", demo_html.as_uri()], capture_output=True, timeout=120, check=True)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout.replace(" ", "")
    # Each ranking table's last columns (总分, 评价) and the attachments' last columns are on paper.
    assert text.count("评价") >= 2 and text.count("总分") >= 2
    assert "结对民辅警" in text and "事由" in text and "方案原文" in text
    c = json.loads((demo_html.parent / "week8.json").read_text(encoding="utf-8"))
    for r in c["deductions"]:  # a reason whole, not cut at the page edge
        assert r["reason"].replace(" ", "") in text.replace("\n", "")
    assert circular_html.CSS.count("@media print") >= 1
