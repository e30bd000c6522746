"""A search hit: a business row and what the search adds to it (highlights, distance).

Kept beside the row, never written onto it: a row is the database's record, shared by
the session; what one search found in it belongs to that search's answer only.
"""

from .models import Business


class SearchHit:
    """One business as a search found it. The row's attributes read through, so the card
    schema dumps a hit as it dumps a row, plus `highlights` and `distance_m`."""

    __slots__ = ("business", "highlights", "distance_m")

    def __init__(self, business: Business, highlights: dict | None = None,
                 distance: float | None = None):
        self.business = business
        self.highlights = highlights
        self.distance_m = round(distance) if distance is not None else None  # whole metres

    def __getattr__(self, name: str):
        if name in SearchHit.__slots__:  # a slot not set yet: never ask the row
            raise AttributeError(name)
        return getattr(self.business, name)

    def __repr__(self) -> str:
        return f"SearchHit({self.business!r})"
