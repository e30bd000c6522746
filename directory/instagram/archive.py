"""Read Instagram posts from what staff can download, without trusting it.

Two sources, alone or together:
- "Download your information" (a ZIP, JSON format): `your_instagram_activity/content/
  posts_*.json` (older archives: `content/posts_1.json`), each post with
  `creation_timestamp`, a caption in `title` (on the post or its first media item) and
  `media[].uri`, an image inside the ZIP. No permalink. Strings are UTF-8 bytes written as
  `\\u00XX` escapes (mojibake): decoded here.
- The Graph API's media listing saved as JSON pages (`data[]` with `id`, `caption`,
  `timestamp`, `permalink`, `media_type`, `media_url`): the permalinks. Nothing is fetched.
A ZIP with a path outside its root, too many members, a huge member or a suspicious
compression ratio is refused; unknown fields are ignored.
"""

import io
import json
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime

MAX_MEMBERS = 20_000
MAX_MEMBER_BYTES = 50 * 1024 * 1024
MAX_TOTAL_BYTES = 1024 * 1024 * 1024
MAX_RATIO = 200  # uncompressed / compressed: beyond this a member is a bomb, not a photo
MAX_JSON_BYTES = 100 * 1024 * 1024
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp", ".heic")
POSTS_FILE = re.compile(r"(^|/)(your_instagram_activity/)?content/posts_\d+\.json$")


class ArchiveError(ValueError):
    """The file cannot be read as an archive or listing; nothing was imported."""


@dataclass
class Media:
    name: str  # the path inside the archive, or the media_url of a listing
    data: bytes | None = None  # the image's bytes when the archive holds it


@dataclass
class Post:
    taken_at: datetime  # UTC, to the second: with the id, what makes a re-import idempotent
    caption: str
    permalink: str | None = None
    instagram_id: str | None = None  # the Graph API's id, when a listing named the post
    media: list[Media] = field(default_factory=list)


def fix_mojibake(text: str) -> str:
    """Undo the archive's escaping: "Caf\\u00c3\\u00a9" read as "CafÃ©" -> "Café"."""
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text  # already real text (a character beyond Latin-1, or not UTF-8 bytes)


def read(data: bytes, filename: str) -> list[Post]:
    """Return the posts of one upload: a ZIP archive, a posts_*.json or a listing page."""
    if zipfile.is_zipfile(io.BytesIO(data)):
        return _read_zip(data)
    return _merge([], _read_json(data, filename, images={}))


def read_many(files: list[tuple[bytes, str]]) -> list[Post]:
    """Return the posts of several uploads, archive posts given the listings' permalinks."""
    archive: list[Post] = []
    listing: list[Post] = []
    for data, name in files:
        for post in read(data, name):
            (listing if post.permalink else archive).append(post)
    return _merge(archive, listing)


def _read_zip(data: bytes) -> list[Post]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise ArchiveError(f"not a readable ZIP: {error}") from error
    if len(members) > MAX_MEMBERS:
        raise ArchiveError(f"the ZIP holds {len(members)} files; at most {MAX_MEMBERS}")
    total = 0
    for member in members:
        _check_name(member.filename)
        total += member.file_size
        if member.file_size > MAX_MEMBER_BYTES:
            raise ArchiveError(f"{member.filename}: larger than {MAX_MEMBER_BYTES // 2**20} MB")
        if member.file_size > 1024 * 1024 and member.file_size > MAX_RATIO * max(
                member.compress_size, 1):
            raise ArchiveError(f"{member.filename}: compressed suspiciously well (a ZIP bomb?)")
    if total > MAX_TOTAL_BYTES:
        raise ArchiveError(f"the ZIP unpacks to more than {MAX_TOTAL_BYTES // 2**30} GB")

    def read_member(member) -> bytes:
        # Read no more than declared: a forged size in the header cannot unpack more.
        with archive.open(member) as stream:
            content = stream.read(member.file_size + 1)
        if len(content) > member.file_size:
            raise ArchiveError(f"{member.filename}: larger than its header says")
        return content

    images = {posixpath.normpath(m.filename): m for m in members
              if m.filename.lower().endswith(IMAGE_EXTENSIONS)}
    archive_posts: list[Post] = []
    listing_posts: list[Post] = []
    for member in members:
        name = member.filename
        if not name.lower().endswith(".json"):
            continue
        if POSTS_FILE.search(name):
            archive_posts += _read_json(read_member(member), name, images, read_member)
        elif not name.startswith("__MACOSX/"):
            try:
                found = _read_json(read_member(member), name, images, read_member)
            except ArchiveError:
                continue  # other JSON files of the archive (likes, comments...) are ignored
            listing_posts += [p for p in found if p.permalink]
    if not archive_posts and not listing_posts:
        raise ArchiveError("no posts found: expected your_instagram_activity/content/"
                           "posts_1.json (or content/posts_1.json) or saved media listings")
    return _merge(archive_posts, listing_posts)


def _check_name(name: str) -> None:
    normal = posixpath.normpath(name.replace("\\", "/"))
    if name.startswith(("/", "\\")) or normal.startswith("..") or re.match(r"^[A-Za-z]:", name):
        raise ArchiveError(f"{name}: a path outside the archive is refused")


def _read_json(data: bytes, name: str, images: dict, read_member=None) -> list[Post]:
    if len(data) > MAX_JSON_BYTES:
        raise ArchiveError(f"{name}: larger than {MAX_JSON_BYTES // 2**20} MB")
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise ArchiveError(f"{name}: not JSON ({error})") from error
    if isinstance(document, dict) and isinstance(document.get("data"), list):
        return [p for item in document["data"] if (p := _listing_post(item))]
    if isinstance(document, dict):  # some archives wrap the list
        document = next((v for v in document.values() if isinstance(v, list)), None)
    if not isinstance(document, list):
        raise ArchiveError(f"{name}: neither a posts file nor a media listing")
    return [p for item in document if (p := _archive_post(item, images, read_member))]


def _archive_post(item, images: dict, read_member) -> Post | None:
    if not isinstance(item, dict):
        return None
    media_items = [m for m in item.get("media") or [] if isinstance(m, dict)]
    first = media_items[0] if media_items else {}
    stamp = item.get("creation_timestamp") or first.get("creation_timestamp")
    if not isinstance(stamp, int | float) or isinstance(stamp, bool):
        return None
    caption = item.get("title") or first.get("title") or ""
    media = []
    for entry in media_items:
        uri = entry.get("uri")
        if not isinstance(uri, str) or not uri.lower().endswith(IMAGE_EXTENSIONS):
            continue  # videos and unknown kinds are left out
        member = images.get(posixpath.normpath(uri))
        media.append(Media(uri, read_member(member) if member and read_member else None))
    return Post(taken_at=datetime.fromtimestamp(int(stamp), UTC),
                caption=fix_mojibake(caption) if isinstance(caption, str) else "", media=media)


def _listing_post(item) -> Post | None:
    if not isinstance(item, dict) or not isinstance(item.get("id"), str | int):
        return None
    try:
        taken_at = datetime.strptime(str(item.get("timestamp")), "%Y-%m-%dT%H:%M:%S%z")
    except ValueError:
        return None
    permalink = item.get("permalink")
    caption = item.get("caption")
    media_url = item.get("media_url")
    return Post(instagram_id=str(item["id"]), taken_at=taken_at.astimezone(UTC),
                caption=caption if isinstance(caption, str) else "",
                permalink=permalink if isinstance(permalink, str)
                and permalink.startswith("https://www.instagram.com/") else None,
                media=[Media(media_url)] if isinstance(media_url, str)
                and item.get("media_type") in ("IMAGE", "CAROUSEL_ALBUM") else [])


def _merge(archive: list[Post], listing: list[Post]) -> list[Post]:
    """One post per publication: an archive post takes the listing's id and permalink when
    both describe it (same caption, or taken within two minutes of each other)."""
    merged = list(archive)
    for post in listing:
        twin = next((a for a in merged if not a.permalink and (
            _same_text(a.caption, post.caption)
            or abs((a.taken_at - post.taken_at).total_seconds()) <= 120)), None)
        if twin is None:
            merged.append(post)
        else:
            twin.instagram_id, twin.permalink = post.instagram_id, post.permalink
    return sorted(merged, key=lambda p: p.taken_at, reverse=True)


def _same_text(a: str, b: str) -> bool:
    return bool(a.strip()) and " ".join(a.split()) == " ".join(b.split())
