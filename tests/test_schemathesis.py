"""schemathesis against the app in-process: every operation, every check, a seeded budget.

Whatever it generates, the API answers as its OpenAPI document says: never a 500, bad input
a 4xx in the one error shape, bodies matching their schemas.
"""

import tempfile
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS

from tests.conftest import make_app

EXAMPLES = 25
ALL_CHECKS = [CHECKS.get_one(name) for name in sorted(CHECKS.get_all_names())]


def documented_cases() -> list[tuple[str, str, GenerationMode]]:
    """Read the operations from the document itself, so new routes are tested too.

    Negative data (that breaks the schema) only exists for operations with parameters
    or a body to break; a bare path string has nothing invalid to generate.
    """
    with tempfile.TemporaryDirectory() as folder:
        spec = make_app(Path(folder)).test_client().get("/api/openapi.json").json
    cases = []
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            cases.append((path, method, GenerationMode.POSITIVE))
            if operation.get("parameters") or operation.get("requestBody"):
                cases.append((path, method, GenerationMode.NEGATIVE))
    return sorted(cases)


@pytest.mark.parametrize("path, method, mode", documented_cases())
def test_api_keeps_its_documented_promises(app, path, method, mode):
    operation = schemathesis.openapi.from_wsgi("/api/openapi.json", app)[path][method.upper()]

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    def check(case):
        case.call_and_validate(checks=ALL_CHECKS)

    check()
