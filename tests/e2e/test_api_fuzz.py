"""Every operation of the description the gateway serves (/openapi.yaml), exercised by Schemathesis
with generated valid and invalid input against the running platform: no answer may be a 5xx or fall
outside the description (status, content type, body schema, headers). Issue: the API description
holds for the running gateway."""
import os
import time
import urllib.request

import pytest
import schemathesis
import yaml
from schemathesis import checks

from agora_http import GATEWAY
from test_orders import admin_token
from test_signup import signed_up_user

# Bounded for CI on two cores: examples per operation and phase, and a fixed seed so a failure
# reproduces run after run. AGORA_FUZZ_EXAMPLES raises the count for a deeper local run.
MAX_EXAMPLES = int(os.environ.get("AGORA_FUZZ_EXAMPLES", "25"))
# The whole run's budget: past it the remaining cases are left out (and counted in the summary) so
# that a slow machine lengthens `make test` by at most this much.
BUDGET_S = float(os.environ.get("AGORA_FUZZ_BUDGET_S", "150"))
CONFIG = schemathesis.Config.from_dict({
    "seed": 20250210,
    "base-url": GATEWAY,
    "request-timeout": 15,
    # U+0000 is generated too (Schemathesis' default, kept explicit): a NUL in any text field must be a
    # 4xx like any other invalid input, and test_nul_was_sent below makes sure some cases carried one.
    "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True, "database": "none", "allow-x00": True},
})
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
]



def served_description():
    """The description the gateway serves, or the file AGORA_OPENAPI names (to try a changed
    description before the gateway is rebuilt with it). Loaded as a document rather than with
    from_url, which would leave out the operation that serves it (GET /openapi.yaml)."""
    if os.environ.get("AGORA_OPENAPI"):
        with open(os.environ["AGORA_OPENAPI"], encoding="utf-8") as f:
            return yaml.safe_load(f)
    with urllib.request.urlopen(GATEWAY + "/openapi.yaml", timeout=15) as res:
        return yaml.safe_load(res.read())


schema = schemathesis.openapi.from_dict(served_description(), config=CONFIG)

_totals = {"operations": set(), "requests": 0, "with_nul": 0, "statuses": {}, "started": None, "left_out": 0}


@pytest.fixture(scope="module")
def tokens():
    """A verified customer's and the admin's tokens, from the real sign-up and login flow."""
    _, customer = signed_up_user()
    return {"customer": customer, "admin": admin_token()}


@pytest.fixture(scope="module", autouse=True)
def summary(request):
    """One line after the run: what was covered and what the gateway answered."""
    _totals["started"] = time.monotonic()
    yield
    statuses = " ".join(f"{code}:{n}" for code, n in sorted(_totals["statuses"].items()))
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    with capture.global_and_fixture_disabled():
        print(f"API fuzz: {len(_totals['operations'])} operations, {_totals['requests']} requests "
              f"({_totals['with_nul']} holding U+0000) in {time.monotonic() - _totals['started']:.0f}s, "
              f"statuses {statuses}, "
              f"{_totals['left_out']} cases left out past the {BUDGET_S:.0f}s budget")


def holds_nul(value):
    """Whether a generated part of a request (path, query, headers, cookies, body) holds U+0000."""
    if isinstance(value, (str, bytes)):
        return ("\x00" if isinstance(value, str) else b"\x00") in value
    if isinstance(value, dict):
        return any(holds_nul(k) or holds_nul(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(holds_nul(v) for v in value)
    return False


def token_for(operation, tokens):
    """The admin's token where the operation needs the admin role, the customer's where it needs
    any token, none for public operations."""
    raw = operation.definition.raw
    if not raw.get("security", schema.raw_schema.get("security")):
        return None
    return tokens["admin"] if raw.get("x-required-role") == "admin" else tokens["customer"]


@schema.parametrize()
def test_operation_conforms(case, tokens):
    if time.monotonic() - _totals["started"] > BUDGET_S:
        _totals["left_out"] += 1
        return
    token = token_for(case.operation, tokens)
    headers = {"Authorization": f"Bearer {token}"} if token else None
    response = case.call(headers=headers)
    _totals["operations"].add(case.operation.label)
    _totals["requests"] += 1
    parts = (case.path_parameters, case.query, case.headers, case.cookies, case.body)
    _totals["with_nul"] += any(holds_nul(part) for part in parts)
    _totals["statuses"][response.status_code] = _totals["statuses"].get(response.status_code, 0) + 1
    case.validate_response(response, checks=CHECKS, headers=headers)


def test_nul_was_sent():
    """The run above sent U+0000 in some of its cases, so the check that it never causes a 5xx ran."""
    if not _totals["requests"]:
        pytest.skip("no operation was exercised")
    assert _totals["with_nul"] > 0, "Schemathesis generated no case holding U+0000"
