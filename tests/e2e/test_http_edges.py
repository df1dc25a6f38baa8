"""HTTP at the edges, through the gateway's public port as an attacker or a careless client would use
it: interim answers (Expect: 100-continue) never shift one client's response onto another's request,
HEAD is GET without the body, a body without a knowable end is refused, unknown methods (405, never forwarded), doubled
credentials and headers near the limit get a clear answer."""
import base64
import json
import socket
import threading
import urllib.parse

from agora_http import GATEWAY, call
from test_signup import PASSWORD, signed_up_user

URL = urllib.parse.urlparse(GATEWAY)


def token_email(token):
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["email"]


class Raw:
    """One kept-alive connection to the gateway, read response by response."""

    def __init__(self):
        self.sock = socket.create_connection((URL.hostname, URL.port), timeout=10)
        self.reader = self.sock.makefile("rb")

    def send(self, data: bytes):
        self.sock.sendall(data)

    def response(self, head=False):
        """(status, headers, body) of the next response; None when the connection closed first."""
        line = self.reader.readline()
        if not line:
            return None
        status = int(line.split()[1])
        headers = {}
        while True:
            line = self.reader.readline().decode().rstrip("\r\n")
            if not line:
                break
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = 0 if head or status < 200 else int(headers.get("content-length", "0"))
        return status, headers, self.reader.read(length)

    def close(self):
        self.reader.close()
        self.sock.close()


def login_request(email, extra=""):
    body = json.dumps({"email": email, "password": PASSWORD}).encode()
    return (f"POST /auth/login HTTP/1.1\r\nHost: {URL.netloc}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n{extra}\r\n").encode(), body


def test_an_expect_continue_login_never_hands_its_answer_to_another_client():
    attacker, _ = signed_up_user()
    victim, _ = signed_up_user()
    raw = Raw()
    try:
        head, body = login_request(attacker, "Expect: 100-continue\r\n")
        raw.send(head)
        interim = raw.response()
        assert interim[0] == 100, interim
        raw.send(body)
        final = raw.response()
        assert final[0] == 200, final
        assert token_email(json.loads(final[2])["data"]["access_token"]) == attacker
    finally:
        raw.close()

    # Then both clients at once, each on connections of its own: every answer is the asker's.
    wrong = []

    def logins(email, rounds, expect):
        for _ in range(rounds):
            conn = Raw()
            try:
                head, body = login_request(email, "Expect: 100-continue\r\n" if expect else "")
                conn.send(head + body)
                res = conn.response()
                while res is not None and res[0] == 100:
                    res = conn.response()
                if res is None or res[0] != 200 or token_email(json.loads(res[2])["data"]["access_token"]) != email:
                    wrong.append((email, res))
            finally:
                conn.close()

    threads = [threading.Thread(target=logins, args=(attacker, 20, True)),
               threading.Thread(target=logins, args=(victim, 20, False))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not wrong, wrong[:3]


def test_head_is_get_without_a_body_and_the_connection_stays_in_step():
    got = call("GET", "/products?size=3")
    assert got.status == 200
    raw = Raw()
    try:
        raw.send(f"HEAD /products?size=3 HTTP/1.1\r\nHost: {URL.netloc}\r\n\r\n".encode())
        status, headers, body = raw.response(head=True)
        assert status == 200
        assert body == b""
        assert int(headers["content-length"]) == len(got.body)
        raw.send(f"GET /health HTTP/1.1\r\nHost: {URL.netloc}\r\n\r\n".encode())
        status, _, body = raw.response()
        assert status == 200 and json.loads(body)["message"] == "status UP"
    finally:
        raw.close()


def test_a_body_framed_by_another_coding_than_chunked_is_refused_and_nothing_follows():
    raw = Raw()
    try:
        raw.send((f"POST /auth/login HTTP/1.1\r\nHost: {URL.netloc}\r\nTransfer-Encoding: gzip\r\n\r\n"
                  f"GET /products HTTP/1.1\r\nHost: {URL.netloc}\r\n\r\n").encode())
        status, headers, _ = raw.response()
        assert status == 400
        assert headers.get("connection") == "close"
        assert raw.response() is None, "the bytes after the refused request ran as a request"
    finally:
        raw.close()


def test_unknown_methods_get_405_with_the_methods_the_path_has():
    raw = Raw()
    try:
        raw.send(f"BREW /products HTTP/1.1\r\nHost: {URL.netloc}\r\n\r\n".encode())
        status, headers, body = raw.response()
        assert status == 405, body
        assert "GET" in headers["allow"]
        raw.send(f"GET /health HTTP/1.1\r\nHost: {URL.netloc}\r\n\r\n".encode())
        assert raw.response()[0] == 200
    finally:
        raw.close()
    res = call("POST", "/health")
    assert res.status == 405 and "GET" in res.headers["Allow"]


def test_two_authorization_headers_are_refused():
    _, token = signed_up_user()
    raw = Raw()
    try:
        raw.send((f"GET /orders HTTP/1.1\r\nHost: {URL.netloc}\r\nAuthorization: Bearer {token}\r\n"
                  f"Authorization: Bearer forged\r\n\r\n").encode())
        status, _, body = raw.response()
        assert status == 400, body
    finally:
        raw.close()


def test_headers_the_gateway_accepts_are_not_refused_behind_it():
    _, token = signed_up_user()
    # Just under the gateway's 16 KiB, with the token it drops and the identity it adds.
    filler = "x" * (16 * 1024 - 1200)
    res = call("GET", "/orders", token=token, headers={"X-Filler": filler})
    assert res.status == 200, res.body
    res = call("GET", "/orders", token=token, headers={"X-Filler": filler + "x" * 2048})
    assert res.status == 431
