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
