"""Staff: what citizens searched for, what found nothing, and the demand no business meets.

Read-only views of the query log (directory/querylog.py); counts only, never a person.
"""

import csv
import io
from datetime import timedelta
from urllib.parse import urlencode

from flask import Response
from marshmallow import Schema, fields, validate

from .. import querylog, services
from ..api.blueprint import Blueprint
from ..auth import require_token

blp = Blueprint("admin_searches", __name__, description="Staff: what citizens search for")
blp.before_request(require_token)

PERIODS = (7, 30, 90, 180)


class PeriodArgs(Schema):
    days = fields.Integer(load_default=30, validate=validate.OneOf(PERIODS),
                          metadata={"description": "The period: the last N days (WIB)."})
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 500))


class QueryCountSchema(Schema):
    query = fields.String()
    searches = fields.Integer(metadata={"description": "Searches in the period"})
    zero_results = fields.Integer(metadata={"description": "Of which found nothing"})
    previous = fields.Integer(metadata={"description": "The same count, the period before"})
    try_url = fields.String(metadata={"description": "The public search for this query"})


class SearchTotalsSchema(Schema):
    searches = fields.Integer()
    zero_results = fields.Integer()
    filtered = fields.Integer()
    corrected = fields.Integer(metadata={"description": "Needed the typo or did-you-mean stage"})


class SearchReportSchema(Schema):
    start = fields.Date()
    end = fields.Date()
    min_count = fields.Integer(
        metadata={"description": "Queries seen fewer times a day are never listed"})
    totals = fields.Nested(SearchTotalsSchema)
    popular = fields.List(fields.Nested(QueryCountSchema))
    zero_results = fields.List(fields.Nested(QueryCountSchema))


class DemandSchema(Schema):
    word = fields.String()
    searches = fields.Integer(metadata={"description": "Zero-result searches holding the word"})
    offered_by = fields.Integer(
        metadata={"description": "Businesses found for it now (none of them featured)"})
    examples = fields.List(fields.String())
    try_url = fields.String()


class DemandListSchema(Schema):
    start = fields.Date()
    end = fields.Date()
    items = fields.List(fields.Nested(DemandSchema))


def _period(days: int):
    end = querylog.today()
    return end - timedelta(days=days - 1), end


def _try(text: str) -> str:
    return "/?" + urlencode({"q": text})


@blp.route("/searches")
@blp.arguments(PeriodArgs, location="query", as_kwargs=True)
@blp.response(200, SearchReportSchema)
def search_report(days, limit):
    """Popular searches and searches that found nothing, over the last `days` days.

    Only queries seen at least `min_count` times on a day are listed; the totals count
    every search.
    """
    querylog.flush()
    start, end = _period(days)
    popular = querylog.top_queries(start, end, limit=limit)
    zero = querylog.top_queries(start, end, zero_only=True, limit=limit)
    for item in popular + zero:
        item["try_url"] = _try(item["query"])
    return {"start": start, "end": end, "min_count": querylog.min_count(),
            "totals": querylog.totals(start, end), "popular": popular, "zero_results": zero}


@blp.route("/searches/demand")
@blp.arguments(PeriodArgs, location="query", as_kwargs=True)
@blp.response(200, DemandListSchema)
def demand(days, limit):
    """Words citizens searched for that no featured business offers, most asked first."""
    querylog.flush()
    start, end = _period(days)
    items = services.unmet_demand(start, end, limit=limit)
    for item in items:
        item["try_url"] = _try(item["word"])
    return {"start": start, "end": end, "items": items}


@blp.route("/searches/demand.csv")
@blp.arguments(PeriodArgs, location="query", as_kwargs=True)
@blp.response(200, {"type": "string"}, content_type="text/csv",
              description="word, searches, offered_by, examples")
def demand_csv(days, limit):
    """The demand list as CSV (UTF-8 with BOM, for spreadsheets)."""
    querylog.flush()
    start, end = _period(days)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["word", "searches", "offered_by", "examples"])
    for item in services.unmet_demand(start, end, limit=limit):
        writer.writerow([item["word"], item["searches"], item["offered_by"],
                         " | ".join(item["examples"])])
    response = Response("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="permintaan-tanpa-penawaran-{start}-{end}.csv"')
    return response
