"""The Whoosh schema: every field, with why it is there, and the names others use."""

from whoosh import columns
from whoosh.analysis import RegexTokenizer
from whoosh.fields import COLUMN, ID, KEYWORD, NUMERIC, TEXT, Schema

from .analysis import DEFAULT_ANALYZER, analyzer, plain_analyzer

ID_FIELD = "id"  # Business.id: the only thing a hit returns
LATEST_FIELD = "latest_on"  # "newest" sort
NAME_SORT_FIELD = "name_sort"  # "name" sort


def build_schema(analyzer_name: str = DEFAULT_ANALYZER) -> Schema:
    """Return the index schema; every field says why it is there."""
    text = analyzer(analyzer_name)
    plain = plain_analyzer()
    lines = RegexTokenizer(r"[^\n]+")  # one term per line, case kept: completions
    return Schema(
        id=ID(stored=True, unique=True),  # Business.id: the only thing a hit returns
        slug=ID(stored=True),  # for check-index reports
        # Stemmed, variants folded: name > products > category > description > owner.
        # Stored for highlights.
        name=TEXT(analyzer=text, stored=True, phrase=False),
        products=TEXT(analyzer=text, stored=True, phrase=False),  # one product per line
        description=TEXT(analyzer=text, stored=True, phrase=False),  # the post's text
        owner=TEXT(analyzer=text, phrase=False),
        category_text=TEXT(analyzer=text, phrase=False),  # the category's labels, id + en
        # The street address: searched only for a street the query names ("jl trunojoyo")
        # or a word found nowhere else, so "ikan" never finds a shop on Jl. Ikan Piranha.
        address=TEXT(analyzer=text, phrase=False),
        # The same words as typed (folded only): exact > stemmed, and the typo lexicon.
        name_exact=TEXT(analyzer=plain, phrase=False),
        products_exact=TEXT(analyzer=plain, phrase=False),
        description_exact=TEXT(analyzer=plain, phrase=False),
        # Place keys: kecamatan, kelurahan in every spelling, sentra ("rampalcelaket",
        # "sanan"); a place named in the query ranks its businesses first.
        place=KEYWORD(scorable=True),
        complete_name=TEXT(analyzer=lines, phrase=False),  # "<key>\t<name>" per word-start
        complete_product=TEXT(analyzer=lines, phrase=False),  # the same for products
        category=ID(sortable=True),  # filter + facet (one value)
        district=ID(sortable=True),  # kecamatan slug: filter + facet
        kelurahan=ID(sortable=True),  # kelurahan slug: filter
        sentra=ID(),  # sentra slug (production centre), when it belongs to one: filter + facet
        subsector=ID(),  # ekraf subsector slug, for creative businesses: filter + facet
        rubric=KEYWORD(scorable=False),  # every rubric the business appeared in
        year=KEYWORD(scorable=False),  # every year it was featured
        latest_on=NUMERIC(sortable=True),  # ordinal of the latest appearance: "newest"
        name_sort=ID(sortable=True),  # casefolded name: "name" sort
        price=ID(),  # band of the cheapest price (commerce.PRICE_BANDS): filter + facet
        price_min=NUMERIC(),  # rupiah: the price_max filter (something this cheap or less)
        halal=ID(),  # "1" with a halal certificate, else "0"
        qris=ID(),  # "1" takes QRIS, "0" does not, absent when unknown
        # Where and when (search/where_when.py reads them once per searcher):
        status=ID(),  # buka / tutup-sementara / tutup: closed ones are left out by default
        hours=ID(),  # the OSM opening_hours string, one term: schedules are shared
        geo=COLUMN(columns.VarBytesColumn()),  # b"lat,lon" per document, for near/radius
    )


def field_types(schema) -> list[tuple[str, str]]:
    """Return (field, type) pairs: what an upgrade changes (Whoosh compares analyzers by
    identity, so a schema's equality says nothing)."""
    return sorted((name, type(field).__name__) for name, field in schema.items())
