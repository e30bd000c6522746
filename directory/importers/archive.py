"""A .zip import: the staff sheet and the photos its `photos` column names, read in memory.

Nothing is extracted to disk. Refused whole, changing nothing: a path that climbs out or is
absolute (zip-slip), encrypted entries, more entries, bytes or compression than a sheet of
photos needs (a zip bomb: sizes are counted while reading, not taken from the headers).
"""

import io
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from .readers import ImportFileError

MAX_ENTRIES = 500
MAX_MEMBER_BYTES = 20 * 1024 * 1024
MAX_TOTAL_BYTES = 100 * 1024 * 1024
MAX_RATIO = 100  # uncompressed / compressed; photos barely compress, a bomb does a lot
SHEETS = (".csv", ".json")


@dataclass
class Archive:
    sheet_name: str
    sheet: bytes
    files: dict[str, bytes] = field(default_factory=dict)  # path in the zip -> bytes

    def find(self, name: str) -> bytes | None:
        """Return the file named in the sheet: by its path, else by a unique file name."""
        name = name.strip().replace("\\", "/").lstrip("./")
        if name in self.files:
            return self.files[name]
        matches = [path for path in self.files if PurePosixPath(path).name == name]
        return self.files[matches[0]] if len(matches) == 1 else None


def _safe_path(name: str) -> str:
    path = PurePosixPath(name)
    if "\\" in name or name.startswith("/") or ":" in (path.parts[0] if path.parts else "") \
            or ".." in path.parts or "\x00" in name:
        raise ImportFileError(f"the zip holds an unsafe path {name!r}; nothing was imported")
    return str(path)


def _skipped(path: str) -> bool:
    parts = PurePosixPath(path).parts
    return parts[0] == "__MACOSX" or any(part.startswith(".") for part in parts)


def read_zip(data: bytes) -> Archive:
    """Return the archive's sheet and files; raise ImportFileError when it cannot be trusted."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as error:
        raise ImportFileError("not a readable .zip file") from error
    with archive:
        entries = [info for info in archive.infolist() if not info.is_dir()]
        if len(entries) > MAX_ENTRIES:
            raise ImportFileError(f"the zip holds more than {MAX_ENTRIES} files")
        files, total = {}, 0
        for info in entries:
            path = _safe_path(info.filename)
            if _skipped(path):
                continue
            if info.flag_bits & 0x1:
                raise ImportFileError(f"{path} is encrypted; zip it without a password")
            content = _read(archive, info, path, MAX_TOTAL_BYTES - total)
            total += len(content)
            files[path] = content
    sheets = [path for path in files if path.lower().endswith(SHEETS)]
    if len(sheets) != 1:
        found = ", ".join(sheets) or "none"
        raise ImportFileError(f"a .zip import holds exactly one .csv or .json sheet (found: "
                              f"{found})")
    sheet = sheets[0]
    return Archive(sheet_name=PurePosixPath(sheet).name, sheet=files.pop(sheet), files=files)


def _read(archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: str, budget: int) -> bytes:
    limit = min(MAX_MEMBER_BYTES, budget)
    try:
        with archive.open(info) as member:
            content = member.read(limit + 1)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as error:
        raise ImportFileError(f"{path} cannot be read from the zip ({error})") from error
    if len(content) > limit:
        raise ImportFileError(f"{path} unpacks to more than {limit // (1024 * 1024)} MB "
                              "(too large, or a zip bomb); nothing was imported")
    if len(content) > 1024 * 1024 and len(content) > MAX_RATIO * max(info.compress_size, 1):
        raise ImportFileError(f"{path} is compressed more than {MAX_RATIO}:1 (a zip bomb?); "
                              "nothing was imported")
    return content
