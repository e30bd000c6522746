"""schemathesis against the app in-process: every operation, every check, a seeded budget.

Whatever it generates, the API answers as its OpenAPI document says: never a 500, bad input
a 4xx in the one error shape, bodies and headers matching their schemas, and only statuses the
document names. The staff operations are fuzzed without a token and with a valid one.
"""

import copy
import tempfile
import threading
from collections import Counter
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.config import SchemathesisConfig

from directory.auth import create_token
from directory.http_cache import ADMIN_PREFIX
from tests.conftest import make_app

EXAMPLES = 25
# The OpenAPI checks register when their module is first imported; listed before that,
# CHECKS holds only not_a_server_error (what this file ran until schemathesis 4.32).
load_all_checks()
ALL_CHECKS = CHECKS.get_all()
# Every check that ran on a response (ran: not skipped as not applying), over the session;
# tests/conftest.py prints it at the end of the run.
CHECKS_RAN: Counter = Counter()
# Each case must have had at least these judge every answer.
ALWAYS = {"not_a_server_error", "status_code_conformance", "content_type_conformance",
          "response_headers_conformance", "response_schema_conformance"}


def openapi_document() -> dict:
    with tempfile.TemporaryDirectory() as folder:
        return make_app(Path(folder)).test_client().get("/api/openapi.json").json


def without_default_answers(spec: dict) -> dict:
    """The document minus its `default` answers, so each status must be documented by number.

    `default` (the error shape for anything else) stays in the published document, but with it
    status_code_conformance could never fail.
    """
    spec = copy.deepcopy(spec)
    for item in spec["paths"].values():
        for method, operation in item.items():
            if method != "parameters":
                operation["responses"].pop("default", None)
    return spec


SPEC = without_default_answers(openapi_document())


def _cpython_ast_bug(error: BaseException) -> bool:
    """True when hypothesis tripped CPython 3.11's "AST constructor recursion depth mismatch"
    (a SystemError inside ast.parse, fixed upstream in later releases): seen in about one of
    two full runs while generating the first admin case, never in the API's answer, and not
    in 3 full runs since that watched every ast.parse. The depth counter it checks is shared
    by the whole interpreter, so a second ast.parse started before the first one ends trips
    it: 3.11 formats a traceback with ast.parse, in another thread or in a finalizer the
    collector runs mid-parse (a cycle whose __del__ formats a traceback, collected during
    ast.parse, raises it every time). A retry in the same process failed the same way, so
    the case is reported as xfail, naming the threads then alive."""
    if isinstance(error, SystemError):
        return "AST constructor recursion depth mismatch" in str(error)
    inner = [*getattr(error, "exceptions", ()), error.__cause__, error.__context__]
    return "AST constructor recursion depth mismatch" in str(error) or any(
        _cpython_ast_bug(e) for e in inner if e is not None and e is not error)


def _other_threads() -> str:
    """Name the threads alive beside this one: the SystemError needs a second ast.parse
    running meanwhile (another thread, or a finalizer in this one), not yet caught in the act.
    """
    kinds = Counter(f"Timer {t.interval} s" if isinstance(t, threading.Timer) else t.name
                    for t in threading.enumerate() if t is not threading.current_thread())
    return ", ".join(f"{kind} x{n}" for kind, n in sorted(kinds.items())) or "none"


def fuzzer_config(operation: dict, mode: GenerationMode) -> SchemathesisConfig:
    """What schemathesis expects beyond the document's own schemas, and why.

    Schema-valid data holds no NUL: the API refuses NUL anywhere with the documented 400
    (negative cases still send it). A staff body is also checked against the reference data
    and the calendar (any usual spelling of a kelurahan, a WhatsApp number, a date a year
    ahead at most, a .csv or .json file), which JSON Schema cannot state: there a
    schema-valid body may get the documented 422, never a 400 or a 500. So may a search
    whose `radius` or `sort=distance` comes without `near`.
    """
    accepted = ["2xx", "3xx", "401", "403", "404", "409", "429", "5xx"]
    # `radius` and `sort=distance` need `near`: a dependency between parameters that JSON
    # Schema cannot state, answered with the documented 422.
    depends = any(p.get("name") == "radius" for p in operation.get("parameters", []))
    if "requestBody" in operation or depends:
        accepted.append("422")
        if "multipart/form-data" in operation.get("requestBody", {}).get("content", {}):
            accepted.append("415")  # an upload's bytes that are no image: the documented 415
    return SchemathesisConfig.from_dict({
        "generation": {"allow-x00": mode != GenerationMode.POSITIVE},
        "checks": {"positive_data_acceptance": {"expected-statuses": accepted}},
    })


def documented_cases() -> list[tuple[str, str, GenerationMode, str]]:
    """Read the operations from the document itself, so new routes are tested too.

    Negative data (that breaks the schema) only exists for operations with parameters
    or a body to break; a bare path string has nothing invalid to generate. Staff
    operations run once without a token and once with a valid one.
    """
    cases = []
    for path, item in SPEC["paths"].items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            modes = [GenerationMode.POSITIVE]
            if operation.get("parameters") or operation.get("requestBody"):
                modes.append(GenerationMode.NEGATIVE)
            tokens = ["no-token", "token"] if path.startswith(ADMIN_PREFIX) else ["no-token"]
            cases += [(path, method, mode, token) for mode in modes for token in tokens]
    return sorted(cases)


def test_every_check_schemathesis_has_is_selected():
    names = {check.__name__ for check in ALL_CHECKS}
    assert ALWAYS | {"negative_data_rejection", "positive_data_acceptance",
                     "ignored_auth", "missing_required_header", "unsupported_method"} <= names


# schemathesis itself draws from `random` in some strategies; hypothesis warns about it.
@pytest.mark.filterwarnings(
    "ignore:Do not use the `random` module:hypothesis.errors.HypothesisDeprecationWarning")
@pytest.mark.parametrize("path, method, mode, token", documented_cases())
def test_api_keeps_its_documented_promises(app, path, method, mode, token):
    schema = schemathesis.openapi.from_dict(
        SPEC, config=fuzzer_config(SPEC["paths"][path][method], mode))
    schema.app = app
    operation = schema[path][method.upper()]
    if token == "token":
        with app.app_context():
            secret = create_token("fuzzer")

        @schema.auth()
        class StaffToken:
            # Known to schemathesis as the scheme's credentials: negative cases then break
            # the parameters and body, not the Authorization header it sets.
            def get(self, case, context):
                return secret

            def set(self, case, data, context):
                case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}
    ran = set()

    @schema.hook
    def after_validate(context, case, response, results):
        ran.update(result.name for result in results)

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    def check(case):
        case.call_and_validate(checks=ALL_CHECKS)

    try:
        try:
            check()
        except BaseException as error:
            if not _cpython_ast_bug(error):
                raise
            # The interpreter's fault while generating a case, not the API's: said, not hidden.
            pytest.xfail("CPython 3.11's AST recursion-depth SystemError in case generation; "
                         f"other threads then: {_other_threads()}")
    finally:
        CHECKS_RAN.update(ran)
    print(f"{method.upper()} {path} ({mode.value}, {token}) checks that ran: {sorted(ran)}")
    assert ALWAYS <= ran, ALWAYS - ran
    data_check = ("positive_data_acceptance" if mode == GenerationMode.POSITIVE
                  else "negative_data_rejection")
    assert data_check in ran
    if token == "token":
        assert "ignored_auth" in ran
