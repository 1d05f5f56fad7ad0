"""The demo's week-8 circular as LibreOffice prints it: 28 characters a line, the body in 6 pages.

Converted with `soffice --headless --convert-to pdf` and read back with `pdftotext`. Skipped only
where LibreOffice or poppler is not installed (Debian: libreoffice-writer-nogui, poppler-utils,
fonts-noto-cjk). Each full line of Chinese body text must hold 27–29 characters (a digit or Latin letter
is drawn narrower, so lines with numbers are not counted): with a character grid narrower than
the 16 pt text, LibreOffice gives every character two cells and a line holds about 14.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from fanzha_cli.render import layout

pytestmark = pytest.mark.skipif(not (shutil.which("soffice") and shutil.which("pdftotext")),
                                reason="LibreOffice (soffice) or poppler (pdftotext) is not installed")


def _convert(docx: Path, out: Path) -> Path:
    profile = out / "lo-profile"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(out), str(docx)], check=True, capture_output=True, timeout=240,
                   env={**os.environ, "HOME": str(out)})
    return out / f"{docx.stem}.pdf"


def _pages(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    return text.split("\f")


OPENING = "（“〔《‘"  # never ends a line: a line before one may be short by a character


def _chinese(text: str) -> bool:
    return all(layout.is_wide(ch) for ch in text)


@pytest.fixture(scope="module")
def demo_pdf(tmp_path_factory):
    from typer.testing import CliRunner

    from fanzha_cli.cli import app

    folder = tmp_path_factory.mktemp("lo")
    db = folder / "demo.db"
    runner = CliRunner()
    env = {"FANZHA_OPERATOR": "测试员", "FANZHA_DB": str(db)}
    result = runner.invoke(app, ["--db", str(db), "demo"], env=env)
    assert result.exit_code == 0, result.output
    for fmt in ("docx", "json"):
        result = runner.invoke(app, ["--db", str(db), "weekly-circular", "--week", "2022-W08", "--format", fmt,
                                     "-o", str(folder / f"week8.{fmt}")], env=env)
        assert result.exit_code == 0, result.output
    c = json.loads((folder / "week8.json").read_text(encoding="utf-8"))
    pdf = _convert(folder / "week8.docx", folder)
    return c, _pages(pdf), pdf


def test_full_body_lines_hold_28_characters(demo_pdf):
    c, pages, _ = demo_pdf
    paragraphs = [layout.opening(c)] + [s.lead(c) for s in layout.sections(c)]
    checked = []
    for line in "\n".join(pages).splitlines():
        line = line.replace(" ", "")
        host = next((p for p in paragraphs if len(line) >= 8 and line in p), None)
        if host is None or not _chinese(line) or host.endswith(line):
            continue  # not body text, a line with numbers (drawn narrower), or a paragraph's last line
        after = host[host.index(line) + len(line):][:1]
        if not after or not layout.is_wide(after) or after in OPENING:
            continue  # a paragraph's last line, or one ended early so as not to split a number
        indent = 2 if host.startswith(line) else 0  # the first line starts two characters in
        checked.append((line, len(line) + indent))
    assert len(checked) >= 8, checked
    wrong = [(line, n) for line, n in checked if not 27 <= n <= 29]
    assert not wrong, wrong


def test_body_fits_six_pages_and_attachments_follow(demo_pdf):
    c, pages, _ = demo_pdf
    sign_off = layout.cn_date(layout.issued_on(c)).replace(" ", "")
    body_end = next(i for i, page in enumerate(pages) if "附件：1." in page.replace(" ", ""))
    assert body_end < 6  # the 附件说明 and sign-off are on page 6 at the latest
    assert sign_off in pages[body_end].replace(" ", "")
    later = "".join(pages[body_end + 1:]).replace(" ", "")
    assert later.index("附件1") < later.index("附件2") < later.index("抄送")
    # Every zero-case unit is listed in 附件1, none in the body.
    body = "".join(pages[:body_end + 1]).replace(" ", "")
    unit = c["zero_case_units"][-1]["unit"]
    assert unit in later and unit not in body


def test_body_lines_are_22_to_the_page_and_fill_the_block(demo_pdf):
    """Consecutive lines of a paragraph are 225 mm / 22 apart (28.95 pt), and a full line of
    Chinese text runs from the left edge of the 156 mm block to its right edge."""
    c, _, pdf = demo_pdf
    xml = subprocess.run(["pdftotext", "-enc", "UTF-8", "-bbox-layout", str(pdf), "-"], check=True,
                         capture_output=True, text=True).stdout
    paragraphs = [layout.opening(c)] + [s.lead(c) for s in layout.sections(c)]
    right = (28 + 156) * 72 / 25.4  # the left margin and the block's width
    pitches, edges = [], []
    line = re.compile(r'<line xMin="[\d.]+" yMin="([\d.]+)" xMax="([\d.]+)"[^>]*>(.*?)</line>', re.S)
    for page in xml.split("<page ")[1:]:
        previous = None
        for y_min, x_max, words in line.findall(page):
            y_min, x_max = float(y_min), float(x_max)
            text = "".join(re.findall(r">([^<]*)</word>", words))
            host = next((p for p in paragraphs if len(text) >= 8 and text in p), None)
            if host is None:
                previous = None
                continue
            if previous is not None and previous[1] is host:
                pitches.append(y_min - previous[0])
            if _chinese(text) and not host.endswith(text):
                after = host[host.index(text) + len(text):][:1]
                if layout.is_wide(after) and after not in OPENING:
                    edges.append(x_max)
            previous = (y_min, host)
    assert len(pitches) >= 10 and len(edges) >= 8
    assert all(abs(p - 225 / 22 * 72 / 25.4) < 0.6 for p in pitches), pitches
    assert all(abs(x - right) < 2.5 for x in edges), (right, edges)
