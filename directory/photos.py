"""Photos: every upload decoded and re-encoded with Pillow, stored by content hash.

`prepare(data, ...)` checks and renders an upload (no database, no Flask); `store(...)`
writes its files under PHOTO_DIR and adds the Photo row to the session. Staff uploads, the
.zip import and the sample all come through here: bytes in, a Photo record out. What leaves
is only pixels: EXIF (GPS, camera, time), XMP and ICC data are never copied.
"""

import hashlib
import io
import os
import re
import tempfile
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

try:  # HEIC from iPhones: only with a maintained decoder (pillow-heif), else refused.
    import pillow_heif

    pillow_heif.register_heif_opener()
    HEIC_SUPPORTED = True
except ImportError:  # pragma: no cover - depends on the install
    HEIC_SUPPORTED = False

WIDTHS = (320, 640, 1280)  # renditions; never wider than the upload
MIN_SIDE = 64  # smaller than this is an icon, not a photo of what a business makes
WEBP_QUALITY = 80
JPEG_QUALITY = 82
# Pillow's format name -> what staff call it.
ACCEPTED = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP", "HEIF": "HEIC"}
EXTENSIONS = {"jpg": "JPEG", "jpeg": "JPEG", "jfif": "JPEG", "png": "PNG", "webp": "WEBP",
              "heic": "HEIF", "heif": "HEIF"}
MEDIA_TYPES = {"image/jpeg": "JPEG", "image/pjpeg": "JPEG", "image/png": "PNG",
               "image/webp": "WEBP", "image/heic": "HEIF", "image/heif": "HEIF"}
FILE_NAME = re.compile(r"^(?P<digest>[0-9a-f]{64})-(?P<width>[0-9]{2,4})\.(?P<ext>webp|jpg)$")
HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}


class PhotoRejected(Exception):
    """An upload that is not a usable photo; `status` is the HTTP status to answer."""

    def __init__(self, message: str, status: int = 422):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class PreparedPhoto:
    """A decoded, re-encoded photo ready to be written: renditions by (width, extension)."""

    digest: str
    width: int
    height: int
    renditions: dict[tuple[int, str], bytes]

    @property
    def widths(self) -> list[int]:
        return sorted({w for w, _ in self.renditions})


def sniff(data: bytes) -> str | None:
    """Return the Pillow format the first bytes announce, or None.

    >>> sniff(b"\\x89PNG\\r\\n\\x1a\\n...."), sniff(b"GIF89a")
    ('PNG', None)
    """
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    if data[4:8] == b"ftyp" and data[8:12] in HEIF_BRANDS:
        return "HEIF"
    return None


def declared_format(filename: str | None, media_type: str | None) -> set[str]:
    """Return the formats the file's name and its Content-Type claim (empty: no claim)."""
    claims = set()
    if filename and "." in filename:
        extension = filename.rsplit(".", 1)[1].lower()
        claims.add(EXTENSIONS.get(extension, "other:" + extension))
    if media_type:
        kind = media_type.split(";")[0].strip().lower()
        if kind and kind not in ("application/octet-stream", "binary/octet-stream"):
            claims.add(MEDIA_TYPES.get(kind, "other:" + kind))
    return claims


def prepare(data: bytes, *, filename: str | None = None, media_type: str | None = None,
            max_bytes: int = 10 * 1024 * 1024, max_pixels: int | None = None) -> PreparedPhoto:
    """Decode `data`, apply its orientation, drop its metadata and render every width.

    Raises PhotoRejected: over `max_bytes` (413), not an image or a type other than the
    name or Content-Type says (415), HEIC without a decoder (415), more pixels than
    `max_pixels` (Pillow's decompression-bomb limit by default) or damaged (422).
    """
    name = filename or "foto"
    if len(data) > max_bytes:
        raise PhotoRejected(f"{name} is larger than {max_bytes // (1024 * 1024)} MB.", 413)
    found = sniff(data)
    if found is None:
        raise PhotoRejected(f"{name} is not a JPEG, PNG, WebP or HEIC image.", 415)
    claims = declared_format(filename, media_type)
    if claims and claims != {found}:
        said = ", ".join(sorted(c.removeprefix("other:") for c in claims))
        raise PhotoRejected(f"{name} says it is {said} but holds a {ACCEPTED[found]} image; "
                            "save it again in its real format.", 415)
    if found == "HEIF" and not HEIC_SUPPORTED:
        raise PhotoRejected("HEIC photos cannot be read on this server; export the photo as "
                            "JPEG (on an iPhone: Settings > Camera > Formats > Most "
                            "Compatible).", 415)
    limit = max_pixels or Image.MAX_IMAGE_PIXELS
    image = _decode(data, name, found, limit)
    try:
        return _render(image)
    finally:
        image.close()


def _decode(data: bytes, name: str, found: str, limit: int) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=[found])
            if image.width * image.height > limit:
                raise PhotoRejected(f"{name} has {image.width}×{image.height} pixels, more "
                                    f"than the {limit:,} allowed (a decompression bomb?).")
            if found == "JPEG":  # decode at a reduced scale when that still covers 1280 px
                image.draft("RGB", (WIDTHS[-1], WIDTHS[-1]))
            image.seek(0)  # an animated WebP or PNG: its first frame
            image.load()
    except PhotoRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise PhotoRejected(f"{name} is too many pixels to decode (a decompression bomb?).") \
            from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError,
            MemoryError) as error:
        raise PhotoRejected(f"{name} is damaged or not a complete image.") from error
    if image.format != found:
        raise PhotoRejected(f"{name} is not the image its first bytes announce.", 415)
    if min(image.size) < MIN_SIDE:
        raise PhotoRejected(f"{name} is {image.width}×{image.height} pixels; a photo needs "
                            f"at least {MIN_SIDE} on each side.")
    return image


def _render(image: Image.Image) -> PreparedPhoto:
    upright = ImageOps.exif_transpose(image)  # camera orientation applied, then forgotten
    rgb = _flatten(upright)
    digest = hashlib.sha256(f"{rgb.width}x{rgb.height}:".encode() + rgb.tobytes()).hexdigest()
    widths = [w for w in WIDTHS if w < rgb.width] + [min(rgb.width, WIDTHS[-1])]
    renditions = {}
    for width in sorted(set(widths)):
        height = max(1, round(rgb.height * width / rgb.width))
        resized = rgb if width == rgb.width else rgb.resize((width, height), Image.LANCZOS)
        # Saved without exif=, icc_profile= or xmp=: nothing but the pixels is written.
        webp, jpeg = io.BytesIO(), io.BytesIO()
        resized.save(webp, "WEBP", quality=WEBP_QUALITY, method=4)
        resized.save(jpeg, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
        renditions[(width, "webp")] = webp.getvalue()
        renditions[(width, "jpg")] = jpeg.getvalue()
    largest = max(w for w, _ in renditions)
    height = max(1, round(rgb.height * largest / rgb.width))
    return PreparedPhoto(digest=digest, width=largest, height=height, renditions=renditions)


def _flatten(image: Image.Image) -> Image.Image:
    """Return an RGB copy; transparency goes onto white (JPEG has none)."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        canvas = Image.new("RGB", rgba.size, "white")
        canvas.paste(rgba, mask=rgba.getchannel("A"))
        return canvas
    return image.convert("RGB")


# -- files ----------------------------------------------------------------------------------

def file_name(digest: str, width: int, extension: str) -> str:
    return f"{digest}-{width}.{extension}"


def path_of(photo_dir: str | Path, name: str) -> Path:
    """Return where a rendition lives: sharded by the digest's first two characters."""
    return Path(photo_dir) / name[:2] / name


def write_files(photo_dir: str | Path, prepared: PreparedPhoto) -> None:
    """Write every rendition (atomically; a file already there is the same bytes)."""
    for (width, extension), data in prepared.renditions.items():
        target = path_of(photo_dir, file_name(prepared.digest, width, extension))
        if target.exists():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, target)


def stored_digests(photo_dir: str | Path) -> dict[str, list[Path]]:
    """Return digest -> its files under PHOTO_DIR."""
    found: dict[str, list[Path]] = {}
    root = Path(photo_dir)
    if not root.is_dir():
        return found
    for path in root.glob("*/*"):
        match = FILE_NAME.match(path.name)
        if match:
            found.setdefault(match["digest"], []).append(path)
    return found


def remove_files(photo_dir: str | Path, digests: set[str], *, older_than: float = 0) -> int:
    """Remove the files of these digests (and stale temporaries); return how many went."""
    removed, cutoff = 0, time.time() - older_than
    for digest, paths in stored_digests(photo_dir).items():
        if digest not in digests:
            continue
        for path in paths:
            if path.stat().st_mtime <= cutoff:
                path.unlink(missing_ok=True)
                removed += 1
    for temporary in Path(photo_dir).glob("*/.tmp-*"):
        if temporary.stat().st_mtime <= cutoff:
            temporary.unlink(missing_ok=True)
    return removed
