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
        except RecursionError as error:
            raise json.JSONDecodeError("nested too deeply", "(body)", 0) from error
        try:
            json.dumps(data, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError as error:
            raise json.JSONDecodeError("not UTF-8 text (a lone surrogate)", "(body)",
                                       error.start) from error
        return data


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = JsonBodyParser()
