"""The flask-smorest Blueprint every API module uses, with a stricter JSON body parser.

A body nested deeper than Python's parser recurses, or holding a lone surrogate escape
(`"\\ud800"`, which no UTF-8 text, database or index can store), is an invalid JSON body:
400 in the error shape, instead of a RecursionError or UnicodeEncodeError later (500).
"""

import json

import flask_smorest
from webargs.flaskparser import FlaskParser


class JsonBodyParser(FlaskParser):
    def _raw_load_json(self, req):
        try:
            data = super()._raw_load_json(req)
            json.dumps(data, ensure_ascii=False).encode("utf-8")
            holds_nul = _holds_nul(data)
        except RecursionError as error:
            raise json.JSONDecodeError("nested too deeply", "(body)", 0) from error
        except UnicodeEncodeError as error:
            raise json.JSONDecodeError("not UTF-8 text (a lone surrogate)", "(body)",
                                       error.start) from error
        if holds_nul:  # PostgreSQL's text cannot store NUL, and no name needs one
            raise json.JSONDecodeError("holds a NUL character", "(body)", 0)
        return data


def _holds_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(item) for item in value)
    return False


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = JsonBodyParser()
