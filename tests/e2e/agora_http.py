"""Small HTTP helpers for the end-to-end journeys: the gateway and the mail catcher's API."""
import json
import os
import re
import time
import urllib.error
import urllib.request

GATEWAY = os.environ.get("AGORA_GATEWAY_URL", "http://127.0.0.1:8000")
MAILPIT = os.environ.get("AGORA_MAILPIT_URL", "http://127.0.0.1:8025")
# The seeded admin (deploy/local/platform.sh; a Swarm stack generates its password, tests/swarm/run.sh).
ADMIN_EMAIL = os.environ.get("AGORA_ADMIN_EMAIL", "admin@agora.local")
ADMIN_PASSWORD = os.environ.get("AGORA_ADMIN_PASSWORD", "admin-password")
# The services' own ports (deploy/local/ports.env, moved by run.sh), for tests that bypass the gateway.
PRODUCT = f"http://127.0.0.1:{os.environ.get('PRODUCT_PORT', '8001')}"
ORDER = f"http://127.0.0.1:{os.environ.get('ORDER_PORT', '8003')}"


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self):
        return json.loads(self.body)


def call(method, path, body=None, token=None, headers=None, raw=None, base=GATEWAY):
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    req = urllib.request.Request(base + path, data=data, method=method)
    if body is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    try:
        with urllib.request.urlopen(req, timeout=15) as res:
            return Response(res.status, res.headers, res.read())
    except urllib.error.HTTPError as err:
        return Response(err.code, err.headers, err.read())


def mails_to(address):
    with urllib.request.urlopen(f"{MAILPIT}/api/v1/search?query=to:{address}", timeout=10) as res:
        return json.loads(res.read()).get("messages") or []


def wait_for_mail(address, subject, deadline=30.0):
    """The first message to `address` with `subject`, waiting for it to arrive."""
    until = time.monotonic() + deadline
    while time.monotonic() < until:
        for m in mails_to(address):
            if m.get("Subject") == subject:
                with urllib.request.urlopen(f"{MAILPIT}/api/v1/message/{m['ID']}", timeout=10) as res:
                    return json.loads(res.read())
        time.sleep(0.2)
    raise AssertionError(f"no mail '{subject}' to {address} within {deadline}s")


def verification_code(message):
    match = re.search(r"\b(\d{6})\b", message.get("Text", ""))
    assert match, "the verification email carries no 6-digit code"
    return match.group(1)


def unique_email(prefix="user"):
    return f"{prefix}-{time.time_ns()}@e2e.agora.io"
