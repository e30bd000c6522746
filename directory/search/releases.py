"""Index releases on disk: build one beside the live one, swap a symlink, sweep the rest.

`<root>/current` -> `releases/<id>`. Whoever builds holds an flock on `<root>/build.lock`,
whoever applies the change log to the live release one on `<root>/apply.lock` (the kernel
drops them when the holder dies, even by kill -9). A release being built holds BUILDING;
READY marks a finished build; POSITION is the last change-log entry the release holds
(written after what it names, so it never claims more); RETIRED is touched when it stops
being live, which starts its grace period. Never imports Flask nor Whoosh.
"""

import fcntl
import os
import secrets
import shutil
import time

READY = "READY"
BUILDING = "BUILDING"
POSITION = "POSITION"
RETIRED = "RETIRED"
GRACE_SECONDS = 60.0  # a replaced release stays this long for searchers still reading it


class BuildRunning(Exception):
    """Another process or thread is building a release right now."""


class BuildLock:
    """A non-blocking, cross-process exclusive lock (flock) on a file."""

    def __init__(self, path: str):
        self.path = path
        self._fd = None

    def acquire(self, wait: float = 0.0) -> bool:
        """Take the lock, waiting up to `wait` seconds for its holder; return whether we did."""
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    return False
                time.sleep(0.01)
        self._fd = fd
        return True

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    @property
    def held(self) -> bool:
        return self._fd is not None


class Releases:
    """The release directories under `root` and the `current` symlink between them."""

    def __init__(self, root: str):
        self.root = root
        self.dir = os.path.join(root, "releases")
        self.current_link = os.path.join(root, "current")
        os.makedirs(self.dir, exist_ok=True)

    def path(self, release: str) -> str:
        return os.path.join(self.dir, release)

    def live(self) -> str | None:
        """Return the live release's id, or None when there is no index yet."""
        try:
            return os.path.basename(os.readlink(self.current_link))
        except FileNotFoundError:
            return None

    def lock(self) -> BuildLock:
        os.makedirs(self.dir, exist_ok=True)  # the whole folder may have been deleted
        return BuildLock(os.path.join(self.root, "build.lock"))

    def apply_lock(self) -> BuildLock:
        """The lock of whoever writes the change log into the live release."""
        os.makedirs(self.dir, exist_ok=True)
        return BuildLock(os.path.join(self.root, "apply.lock"))

    def position(self, release: str) -> int | None:
        """Return the last change-log entry `release` holds; None for one older than the log."""
        try:
            with open(os.path.join(self.path(release), POSITION)) as file:
                return int(file.read().strip() or 0)
        except (FileNotFoundError, ValueError):
            return None

    def set_position(self, release: str, position: int) -> None:
        """Record `position` atomically (a crash leaves the old one: less, never more)."""
        path = os.path.join(self.path(release), POSITION)
        temporary = f"{path}.{os.getpid()}.tmp"
        _write(os.path.dirname(path), os.path.basename(temporary), str(int(position)))
        os.replace(temporary, path)

    def build_running(self) -> bool:
        """Return whether someone (this process included) holds the build lock."""
        probe = self.lock()
        if probe.acquire():
            probe.release()
            return False
        return True

    # -- one build --------------------------------------------------------------------

    def start(self) -> str:
        """Create an empty release marked BUILDING and return its id."""
        release = f"{time.time_ns():x}-{secrets.token_hex(3)}"
        os.makedirs(self.path(release))
        try:
            _write(self.path(release), BUILDING, str(os.getpid()))
        except BaseException:  # a full disk can refuse even the marker
            self.abandon(release)
            raise
        return release

    def switch_to(self, release: str) -> None:
        """Mark `release` READY and make it live atomically; the old one starts retiring."""
        _write(self.path(release), READY, "")
        previous = self.live()
        temporary = f"{self.current_link}.{release}.tmp"
        os.symlink(os.path.join("releases", release), temporary)
        os.replace(temporary, self.current_link)
        if previous and os.path.isdir(self.path(previous)):
            _write(self.path(previous), RETIRED, str(time.time()))
        # Live now: no longer a build a sweep may remove once the build lock is free.
        os.remove(os.path.join(self.path(release), BUILDING))

    def abandon(self, release: str) -> None:
        shutil.rmtree(self.path(release), ignore_errors=True)

    # -- cleaning -----------------------------------------------------------------------

    def sweep(self, grace: float = GRACE_SECONDS, own: str | None = None) -> list[str]:
        """Remove crashed builds and releases retired more than `grace` seconds ago.

        `own` is the caller's release when the caller holds the build lock: every other
        unfinished release is then a leftover.
        """
        live = self.live()
        os.makedirs(self.dir, exist_ok=True)
        names = [n for n in os.listdir(self.dir) if os.path.isdir(self.path(n))]
        # List first, then ask for the lock: a build starting in between is not listed.
        nobody_builds = own is not None or not self.build_running()
        removed, now = [], time.time()
        for name in names:
            path = self.path(name)
            if name in (live, own):
                continue
            if os.path.exists(os.path.join(path, READY)):
                since = _mtime(path, RETIRED) or _mtime(path, READY) or now
                if now - since > grace:
                    shutil.rmtree(path, ignore_errors=True)
                    removed.append(name)
            elif nobody_builds:
                shutil.rmtree(path, ignore_errors=True)
                removed.append(name)
        for name in os.listdir(self.root):  # symlinks of a swap that died half-way
            if name.startswith("current.") and name.endswith(".tmp") and nobody_builds:
                os.remove(os.path.join(self.root, name))
        return removed


def _write(directory: str, name: str, text: str) -> None:
    with open(os.path.join(directory, name), "w") as marker:
        marker.write(text)


def _mtime(directory: str, name: str) -> float | None:
    try:
        return os.path.getmtime(os.path.join(directory, name))
    except FileNotFoundError:
        return None
