"""Timestamps in one form everywhere: RFC 3339 in UTC with its offset, `2026-11-29T13:14:56Z`.

The database keeps naive datetimes that mean UTC (models.utcnow); this module gives them their
offset on the way out, for the API's schemas, the exports and anything else a program reads.
"""

from datetime import UTC, datetime

from marshmallow import fields


def rfc3339(moment: datetime | str | None) -> str | None:
    """Format `moment` as RFC 3339 UTC to the second; a naive datetime is taken as UTC.

    An ISO string (a record the exports already wrote) is read back and given the same form.

    >>> rfc3339(datetime(2026, 11, 29, 13, 14, 56, 724151))
    '2026-11-29T13:14:56Z'
    """
    if moment is None:
        return None
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def now() -> str:
    """Return the current time in the one form."""
    return rfc3339(datetime.now(UTC))


class Timestamp(fields.DateTime):
    """A marshmallow field that dumps RFC 3339 UTC; documented as `format: date-time`."""

    def _serialize(self, value, attr, obj, **kwargs):
        return rfc3339(value)
