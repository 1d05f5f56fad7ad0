"""Where output goes: a file or folder that can be written, checked before any work, and said
in Chinese when it cannot (a cron job's likeliest failure is a folder that is not there).

Also `output_to`, behind every list command's `-o FILE`: the output is written whole to a
temporary file beside FILE and moved into place, so a reader never sees half of it; CSV gets
a UTF-8 byte-order mark so that Excel reads the Chinese."""

from __future__ import annotations

import contextlib
import errno
import os
import re
from pathlib import Path
from typing import Iterator

from fanzha_cli.errors import FanzhaError

_REASONS = {
    errno.ENOENT: "路径中的文件夹不存在", errno.ENOTDIR: "路径中有一段不是文件夹", errno.EACCES: "没有写入权限",
    errno.EPERM: "没有写入权限", errno.ENOSPC: "磁盘已满", errno.EROFS: "所在磁盘只读", errno.EISDIR: "这是一个文件夹",
    errno.EEXIST: "已有同名文件",
}


def reason(exc: OSError) -> str:
    return _REASONS.get(exc.errno, exc.strerror or str(exc))


def os_error(exc: OSError) -> FanzhaError:
    """An OSError about a named file, as the user's problem to fix (exit 1), naming the path."""
    return FanzhaError(f"无法读写 {exc.filename}：{reason(exc)}。", hint="检查路径是否写对、文件夹是否存在、是否有权限。")


def check_file(path: Path, *, may_create_folder: bool = False) -> None:
    """`path` can be written as a file: its folder exists (or, if `may_create_folder`, can be
    made inside the nearest folder that exists), is a folder, and is writable."""
    folder = path.parent
    if path.is_dir():
        raise FanzhaError(f"无法写入 {path}：这是一个文件夹，不是文件。", hint="在 -o 后写文件名，如 -o 通报.docx。")
    if may_create_folder:
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent
    if not folder.exists():
        raise FanzhaError(f"无法写入 {path}：文件夹 {folder} 不存在。", hint="先建好该文件夹，或换一个路径。")
    if not folder.is_dir():
        raise FanzhaError(f"无法写入 {path}：{folder} 不是文件夹。", hint="检查路径是否写对。")
    if not os.access(folder, os.W_OK | os.X_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise FanzhaError(f"无法写入 {path}：没有写入权限。", hint="换一个有写权限的文件夹，或请管理员开通权限。")


def make_folder(folder: Path) -> None:
    """Create `folder` (and its parents) if need be, and check it can be written."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FanzhaError(f"无法建立输出文件夹 {folder}：{reason(exc)}。",
                          hint="检查路径是否写对、上一级文件夹是否存在、是否有权限。") from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise FanzhaError(f"无法写入输出文件夹 {folder}：没有写入权限。", hint="换一个有写权限的文件夹，或请管理员开通权限。")


_WEEK_IN_TITLE = re.compile(r"关于(\d{4})年第(\d{1,2})周")


def circular_week(path: Path) -> str | None:
    """The week of the circular already in `path` (any format fanzha writes), or None if the
    file is not recognisably one."""
    import json
    import zipfile

    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as z:
                text = "".join(re.sub(r"<[^>]+>", "", z.read(n).decode("utf-8", "replace"))
                               for n in z.namelist() if n.endswith(".xml") and z.getinfo(n).file_size < 20_000_000)
        else:
            raw = path.read_bytes()[:5_000_000].decode("utf-8-sig", "replace")
            if path.suffix.lower() == ".json":
                with contextlib.suppress(ValueError):
                    week = json.loads(raw).get("week")
                    if isinstance(week, str):
                        return week
            text = raw
    except (OSError, zipfile.BadZipFile):
        return None
    found = _WEEK_IN_TITLE.search(text)
    return f"{found[1]}-W{int(found[2]):02d}" if found else None


def refuse_other_week(path: Path, week: str, force: bool) -> None:
    """`weekly-circular -o FILE` replaces the same week's circular, never another file, unless --force."""
    if force or not path.exists():
        return
    found = circular_week(path)
    if found == week:
        return
    what = f"是 {found} 的每周通报" if found else "不是本周的每周通报"
    raise FanzhaError(f"文件已存在：{path}（{what}），未覆盖。", hint="换一个文件名，或加 --force 覆盖。")


@contextlib.contextmanager
def output_to(path: Path | None, fmt) -> Iterator:
    """Send what the body prints to stdout into `path` instead (if given); yields the format to
    use: `-o x.csv` or `-o x.json` without --format means that format."""
    if path is None:
        yield fmt
        return
    kind = type(fmt)
    suffix = path.suffix.lower().lstrip(".")
    if fmt.value == "table" and suffix in ("csv", "json"):
        fmt = kind(suffix)
    check_file(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8-sig" if fmt.value == "csv" else "utf-8", newline="") as fh:
            with contextlib.redirect_stdout(fh):
                yield fmt
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    from fanzha_cli.render.console import note

    note(f"已写入 {path}")
