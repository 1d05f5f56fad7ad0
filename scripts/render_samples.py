"""Make the README's sample images from the demo ledger: page 1 of the Word circular and the top of
the HTML page, as small PNGs in docs/images/.

    python scripts/render_samples.py [--out docs/images]

Needs LibreOffice (soffice), poppler (pdftoppm) and Chromium; on Debian: libreoffice-writer-nogui,
poppler-utils, fonts-noto-cjk, chromium. Nothing outside a temporary folder and --out is touched.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WEEK, ISSUED_ON = "2022-W08", "2022-02-25"
DOCX_DPI = 70  # page 1 of the Word circular: 579 x 818 px
HTML_SIZE, HTML_SCALE = (1280, 1500), 0.6  # the page at 1280 px wide, saved at 60 %: 768 x 900 px


def _need(*programs: str) -> dict[str, str]:
    found = {p: shutil.which(p) for p in programs}
    missing = [p for p, path in found.items() if not path]
    if missing:
        sys.exit(f"缺少程序：{'、'.join(missing)}（Debian：libreoffice-writer-nogui poppler-utils fonts-noto-cjk chromium）")
    return found


def _fanzha(db: Path, *args: str) -> None:
    subprocess.run([sys.executable, "-m", "fanzha_cli", "--db", str(db), *args], check=True,
                   capture_output=True, cwd=ROOT)


def render(out: Path) -> list[Path]:
    tools = _need("soffice", "pdftoppm", "chromium")
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="fanzha-samples-") as tmp:
        tmp = Path(tmp)
        db = tmp / "demo.db"
        _fanzha(db, "demo")
        docx, html = tmp / "circular.docx", tmp / "circular.html"
        # Issued on the Friday after the week, so the images carry a fixed date and the ledger anchor.
        _fanzha(db, "weekly-circular", "--week", WEEK, "--issue", "--date", ISSUED_ON, "--format", "docx", "-o", str(docx))
        _fanzha(db, "weekly-circular", "--week", WEEK, "--format", "html", "-o", str(html))

        subprocess.run([tools["soffice"], f"-env:UserInstallation=file://{tmp / 'lo'}", "--headless",
                        "--convert-to", "pdf", "--outdir", str(tmp), str(docx)], check=True, capture_output=True)
        subprocess.run([tools["pdftoppm"], "-png", "-r", str(DOCX_DPI), "-f", "1", "-l", "1", "-singlefile",
                        str(tmp / "circular.pdf"), str(out / "circular-docx-page1")], check=True)

        width, height = HTML_SIZE
        subprocess.run([tools["chromium"], "--headless", "--no-sandbox", "--disable-gpu",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        "--no-first-run", f"--user-data-dir={tmp / 'chromium'}", "--hide-scrollbars",
                        f"--window-size={width},{height}", f"--force-device-scale-factor={HTML_SCALE}",
                        f"--screenshot={out / 'circular-html.png'}", html.as_uri()],
                       check=True, capture_output=True)
    return [out / "circular-docx-page1.png", out / "circular-html.png"]


def main() -> None:
    parser = argparse.ArgumentParser(description="生成 README 中的示例图片（演示账本第 8 周通报）")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images")
    for path in render(parser.parse_args().out):
        print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}  {path.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
