"""Photo evidence for weekly reports: fingerprinted, checked to be an image, kept beside the ledger.

The ledger records each photo's SHA-256, size and original name; the file itself is copied
into `<ledger name>-evidence/` next to the ledger, named by its hash (so the same photo is
stored once, and a copy can be checked against the ledger at any time). The folder and its
files are readable by the owner only, like the ledger.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from fanzha_cli.errors import FanzhaError

# Leading bytes of the image formats phones and cameras produce.
_MAGIC = (
    (b"\xff\xd8\xff", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", ".png"),
    (b"GIF87a", ".gif"),
    (b"GIF89a", ".gif"),
    (b"BM", ".bmp"),
)
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1", b"avif"}


@dataclass(frozen=True)
class Photo:
    path: Path
    name: str
    sha256: str
    size: int
    suffix: str

    @property
    def stored(self) -> str:
        """Where the copy lives, relative to the evidence folder."""
        return f"{self.sha256[:2]}/{self.sha256}{self.suffix}"


def folder(db_path: Path) -> Path:
    return db_path.parent / f"{db_path.stem}-evidence"


def _image_suffix(head: bytes) -> str | None:
    for magic, suffix in _MAGIC:
        if head.startswith(magic):
            return suffix
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return ".webp"
    if head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        return ".heic"
    return None


def inspect(path: Path) -> Photo:
    """Fingerprint a photo file; refuse what is missing, empty or not an image."""
    path = Path(path).expanduser()
    if not path.is_file():
        raise FanzhaError(f"找不到照片文件：{path}", hint="检查 --photo 后的文件路径。")
    digest = hashlib.sha256()
    size = 0
    head = b""
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(1 << 20):
                if not head:
                    head = chunk[:16]
                digest.update(chunk)
                size += len(chunk)
    except OSError as exc:
        raise FanzhaError(f"无法读取照片文件 {path}：{exc.strerror}", hint="检查文件权限。") from exc
    suffix = _image_suffix(head)
    if size == 0 or suffix is None:
        raise FanzhaError(
            f"{path.name} 不是照片（不是 JPEG、PNG、HEIC、WEBP、GIF 或 BMP 图片）。",
            hint="--photo 只接受照片文件；照片数量也可以只用 --photos N 填写。",
        )
    return Photo(path=path, name=path.name, sha256=digest.hexdigest(), size=size, suffix=suffix)


def store(photo: Photo, evidence_dir: Path) -> Path:
    """Copy a photo into the evidence folder (once per content), owner-only permissions."""
    target = evidence_dir / photo.stored
    if target.exists():
        return target
    for d in (evidence_dir, target.parent):
        d.mkdir(mode=0o700, exist_ok=True)
        os.chmod(d, 0o700)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    try:
        digest = hashlib.sha256()
        with os.fdopen(fd, "wb") as out, open(photo.path, "rb") as src:
            while chunk := src.read(1 << 20):
                digest.update(chunk)
                out.write(chunk)
        if digest.hexdigest() != photo.sha256:
            raise FanzhaError(f"照片 {photo.path} 在登记过程中被改动。", hint="确认照片没有被其他程序修改后重试。")
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target


# --- checking, backing up and restoring the evidence folder ---

_PHOTOS = "SELECT sha256, stored, min(name) AS name, min(line_id) AS line_id FROM report_photos GROUP BY sha256, stored ORDER BY stored"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def problems(conn, evidence_dir: Path) -> list[str]:
    """Every evidence file the ledger names (report photos) checked against its SHA-256:
    a Chinese sentence per missing or changed file; empty when all are intact."""
    found = []
    for sha256, stored, name, line_id in conn.execute(_PHOTOS):
        path = evidence_dir / stored
        where = f"（报送 #{line_id} 的照片“{name}”）"
        if not path.is_file():
            found.append(f"证据文件缺失：{path}{where}")
            continue
        try:
            actual = _sha256(path)
        except OSError as exc:
            found.append(f"证据文件无法读取：{path}{where}：{exc.strerror}")
            continue
        if actual != sha256:
            found.append(f"证据文件已被改动：{path}{where}，与账本记录的 SHA-256 不符")
    return found


def _copy_verified(src: Path, dest: Path, sha256: str) -> None:
    """Copy one file, owner-only, written atomically; refuse it if its content is not `sha256`."""
    for d in (dest.parent.parent, dest.parent):
        d.mkdir(mode=0o700, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    try:
        digest = hashlib.sha256()
        with os.fdopen(fd, "wb") as out, open(src, "rb") as fh:
            while chunk := fh.read(1 << 20):
                digest.update(chunk)
                out.write(chunk)
        if digest.hexdigest() != sha256:
            raise FanzhaError(f"证据文件 {src} 在复制过程中被改动。", hint="重试。")
        os.replace(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def copy_all(conn, source_dir: Path, dest_dir: Path) -> tuple[int, list[str]]:
    """Copy every evidence file the ledger names from one folder to another, each checked
    against its SHA-256 (a file already in place with the right content is kept). Returns
    the number copied or kept, and the problems with files that could not be copied."""
    bad = problems(conn, source_dir)
    skip = {line.split("：", 1)[1].split("（", 1)[0] for line in bad}
    n = 0
    for sha256, stored, _, _ in conn.execute(_PHOTOS):
        src, dest = source_dir / stored, dest_dir / stored
        if str(src) in skip:
            continue
        if not (dest.is_file() and _sha256(dest) == sha256):
            _copy_verified(src, dest, sha256)
        n += 1
    return n, bad
