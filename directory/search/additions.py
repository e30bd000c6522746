"""Staff's vocabulary additions, applied when a query is planned (never when indexing).

The shipped vocabulary (data/search/vocabulary.txt) folds variants into one term when a
document is indexed, so changing it needs a reindex. What staff add from the staff page is
applied to the query instead: a query word that is an entry of a staff group also matches
the group's other entries, and a broader word matches its narrower entries. Nothing in the
index changes, so an addition takes effect at the next search in every worker, and removing
it undoes it as quickly. The service passes the additions in each SearchRequest.

    group "vermak, permak, jahit ulang": "vermak" -> also permak, also (jahit AND ulang)
    narrower "oleh-oleh > keripik, bakpia": "oleh-oleh" -> also keripik, also bakpia
"""

from dataclasses import dataclass
from functools import lru_cache

from .analysis import terms

SIBLING_WEIGHT = 0.8  # another spelling staff named: just below the word as typed
NARROWER_WEIGHT = 0.5  # as the shipped vocabulary's "broader > narrower"


@dataclass(frozen=True)
class Additions:
    """Staff additions as they read: hashable, so a request holding them can be cached."""

    groups: tuple[tuple[str, ...], ...] = ()  # ("vermak", "permak", "jahit ulang")
    narrower: tuple[tuple[str, tuple[str, ...]], ...] = ()  # ("oleh-oleh", ("keripik",))

    def __bool__(self) -> bool:
        return bool(self.groups or self.narrower)


Related = tuple[tuple[tuple[str, ...], float], ...]  # (terms of an entry, weight), ...


@lru_cache(maxsize=16)
def related_terms(additions: Additions) -> dict[str, Related]:
    """Return query term -> the entries it also matches, as analyzed terms with a weight.

    Only a one-term entry can be recognised in a query (each query word is planned on its
    own); any entry can be what it expands to.
    """
    found: dict[str, list] = {}

    def relate(key_entry: str, entry: str, weight: float) -> None:
        key, other = terms(key_entry), tuple(terms(entry))
        if len(key) == 1 and other and other != tuple(key):
            alternatives = found.setdefault(key[0], [])
            if other not in (terms_ for terms_, _ in alternatives):
                alternatives.append((other, weight))

    for group in additions.groups:
        for entry in group:
            for other in group:
                relate(entry, other, SIBLING_WEIGHT)
    for broader, entries in additions.narrower:
        for entry in entries:
            relate(broader, entry, NARROWER_WEIGHT)
    return {key: tuple(value) for key, value in found.items()}
