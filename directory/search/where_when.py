"""Status, opening hours and coordinates of one searcher's documents: near, radius, open now.

Read once per searcher (reopened only when the index changes), like the facet sets:
- status and hours come from their terms: businesses share a handful of schedules, so
  "open now" evaluates each distinct schedule once a minute, not each business;
- points are kept sorted by latitude: a radius or a ring around `near` is a slice found by
  bisection, and distances are computed only for the candidates inside its box.
"""

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from datetime import datetime

from .. import geo, hours

CLOSED = ("tutup-sementara", "tutup")  # as directory.where_when.CLOSED
FIRST_RING_M = 1_000  # `near` without radius looks this far first, then 4x further


class WhereWhenSets:
    def __init__(self, searcher, live: frozenset[int]):
        reader = searcher.reader()
        self.by_status = _term_sets(reader, "status", live)
        self.by_hours = _term_sets(reader, "hours", live)
        points = []
        if reader.has_column("geo"):
            column = reader.column_reader("geo")
            for docnum in live:
                value = column[docnum]
                if value:
                    lat, lon = (float(v) for v in value.decode().split(","))
                    points.append((lat, lon, docnum))
        points.sort()
        self.lats = [p[0] for p in points]
        self.points = points
        self.where = {docnum: (lat, lon) for lat, lon, docnum in points}
        lons = [p[1] for p in points]
        self.lon_range = (min(lons), max(lons)) if lons else (0.0, 0.0)
        self._open: tuple[str, frozenset[int]] | None = None

    def with_status(self, statuses: Iterable[str]) -> frozenset[int]:
        return frozenset().union(*(self.by_status.get(s, frozenset()) for s in statuses))

    def open_at(self, at: datetime) -> frozenset[int]:
        """Return the documents open at `at` by their hours (cached for that minute).

        A closed business (for now or for good) is not open whatever its hours say.
        """
        minute = at.astimezone(hours.WIB).strftime("%Y-%m-%dT%H:%M")
        if self._open is None or self._open[0] != minute:
            found = frozenset().union(*(docs for osm, docs in self.by_hours.items()
                                        if hours.is_open(osm, at)))
            found -= self.with_status(CLOSED)
            self._open = (minute, found)
        return self._open[1]

    def _in_box(self, lat: float, lon: float, radius: float):
        lat_min, lat_max, lon_min, lon_max = geo.box_around(lat, lon, radius)
        for k in range(bisect_left(self.lats, lat_min), bisect_right(self.lats, lat_max)):
            p_lat, p_lon, docnum = self.points[k]
            if lon_min <= p_lon <= lon_max:
                yield docnum, geo.distance_m(lat, lon, p_lat, p_lon)

    def within(self, lat: float, lon: float, radius: float) -> dict[int, float]:
        """Return docnum -> metres of every located document within `radius` metres."""
        return {d: m for d, m in self._in_box(lat, lon, radius) if m <= radius}

    def nearest(self, lat: float, lon: float, candidates: frozenset[int], needed: int,
                known: dict[int, float] | None = None) -> list[tuple[int, float | None]]:
        """Return candidates nearest first: at least `needed` of them when there are.

        Located ones come first, in rings growing until `needed` are found (everything
        inside a ring is nearer than anything outside it); then the ones without a point.
        `known`: distances already computed (a radius), which are then the whole answer.
        """
        if known is not None:
            ordered = sorted((m, d) for d, m in known.items() if d in candidates)
            return [(d, m) for m, d in ordered]
        radius, found = FIRST_RING_M, []
        span = self._span(lat, lon)
        while True:
            found = [(m, d) for d, m in self._in_box(lat, lon, radius)
                     if m <= radius and d in candidates]
            if len(found) >= needed or radius >= span:
                break
            radius *= 4
        found.sort()
        result: list[tuple[int, float | None]] = [(d, m) for m, d in found]
        if len(result) < needed:
            rest = sorted(candidates - self.where.keys())
            result += [(d, None) for d in rest[:needed - len(result)]]
        return result

    def count_unlocated(self, candidates: frozenset[int]) -> int:
        return len(candidates - self.where.keys())

    def _span(self, lat: float, lon: float) -> float:
        """Return a distance beyond which no located document lies."""
        if not self.points:
            return 0.0
        corners = [(la, lo) for la in (self.lats[0], self.lats[-1]) for lo in self.lon_range]
        return max(geo.distance_m(lat, lon, la, lo) for la, lo in corners) * 1.01 + 1

    def distance(self, docnum: int, lat: float, lon: float) -> float | None:
        point = self.where.get(docnum)
        return geo.distance_m(lat, lon, *point) if point else None


def _term_sets(reader, field: str, live: frozenset[int]) -> dict[str, frozenset[int]]:
    if field not in reader.schema:
        return {}
    found = {}
    for term in reader.lexicon(field):
        docs = frozenset(reader.postings(field, term).all_ids()) & live
        if docs:
            found[term.decode("utf-8")] = docs
    return found
