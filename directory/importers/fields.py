"""Moved to `directory.normalise`; this name stays only until staff.py and sample.py import it
from there (they are being rewritten on another branch today)."""

from ..normalise import slugify  # noqa: F401
