"""A bare Flask endpoint answering constant JSON: the ceiling of a Flask worker (bench)."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def constant():
    return {"items": [], "total": 0}
