"""A bounded load from the test client: shoppers reading products and placing orders through the stack's
entry point, on threads, each request's outcome kept with its time. Every order answered 2xx is remembered
with its owner, so that a test can check afterwards that none was lost."""
import http.client
import json
import random
import threading
import time
import urllib.parse
import uuid

from agora_http import GATEWAY, unique_email
from test_signup import PASSWORD


class Outcome:
    """One request: when it was sent (seconds since the load began), how long its answer took, and the
    answer's status and Retry-After (or the error when none came)."""
    __slots__ = ("at", "kind", "status", "error", "took", "retry_after")

    def __init__(self, at, kind, status, error, took=0.0, retry_after=None):
        self.at, self.kind, self.status, self.error = at, kind, status, error
        self.took, self.retry_after = took, retry_after

    @property
    def failed(self):
        return self.error is not None or self.status >= 500


class Load:
    """`readers` threads read products, `buyers` threads (one customer token each) place orders of one item,
    and `signups` threads sign up new addresses, for at most `limit` seconds or until stop(). Each thread
    keeps one connection, made again after a failure, and waits `pause` seconds between requests (buyers
    five times, sign-ups ten times as long), so the rate stays bounded."""

    def __init__(self, products, tokens, readers=4, pause=0.02, limit=600.0, signups=0):
        self.products = products
        self.tokens = tokens
        self.readers = readers
        self.signups = signups
        self.pause = pause
        self.limit = limit
        self.outcomes = []
        self.orders = []  # (order id, token) of every order answered 2xx
        self.registered = {}  # address -> time.time() of every sign-up answered 201
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = []
        self._url = urllib.parse.urlparse(GATEWAY)

    def __enter__(self):
        self.started = time.monotonic()
        for i in range(self.readers):
            self._threads.append(threading.Thread(target=self._read, args=(random.Random(i),), daemon=True))
        for token in self.tokens:
            self._threads.append(threading.Thread(target=self._buy, args=(token,), daemon=True))
        for _ in range(self.signups):
            self._threads.append(threading.Thread(target=self._sign_up, daemon=True))
        for t in self._threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def stop(self):
        self._stop.set()
        for t in self._threads:
            t.join(timeout=30)

    def _running(self):
        return not self._stop.is_set() and time.monotonic() - self.started < self.limit

    def _connect(self):
        return http.client.HTTPConnection(self._url.hostname, self._url.port, timeout=15)

    def _send(self, conn, kind, method, path, body=None, token=None):
        headers = {"Content-Type": "application/json"} if body is not None else {}
        if token:
            headers["Authorization"] = "Bearer " + token
        at = time.monotonic() - self.started
        try:
            conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
            res = conn.getresponse()
            data = res.read()
            outcome = Outcome(at, kind, res.status, None, time.monotonic() - self.started - at,
                              res.getheader("Retry-After"))
            if res.getheader("Connection", "").lower() == "close":
                conn.close()
        except (OSError, http.client.HTTPException) as err:
            conn.close()
            outcome, data = Outcome(at, kind, 0, repr(err), time.monotonic() - self.started - at), b""
        with self._lock:
            self.outcomes.append(outcome)
        return outcome, data

    def _read(self, rnd):
        conn = self._connect()
        while self._running():
            if rnd.random() < 0.7:
                self._send(conn, "product", "GET", f"/products/{rnd.choice(self.products)}")
            else:
                self._send(conn, "catalogue", "GET", f"/products?page={rnd.randint(1, 3)}&limit=10")
            time.sleep(self.pause)
        conn.close()

    def _buy(self, token):
        conn = self._connect()
        rnd = random.Random(token)
        while self._running():
            body = {"request_id": uuid.uuid4().hex, "description": "swarm load",
                    "items": [{"product_id": rnd.choice(self.products), "quantity": 1}]}
            outcome, data = self._send(conn, "order", "POST", "/orders", body, token)
            if 200 <= outcome.status < 300:
                with self._lock:
                    self.orders.append((json.loads(data)["data"]["id"], token))
            time.sleep(self.pause * 5)
        conn.close()

    def _sign_up(self):
        conn = self._connect()
        while self._running():
            email = unique_email("load")
            outcome, _ = self._send(conn, "signup", "POST", "/auth/register", {"email": email, "password": PASSWORD})
            if outcome.status == 201:
                with self._lock:
                    self.registered[email] = time.time()
            time.sleep(self.pause * 10)
        conn.close()

    def between(self, start, end):
        """The outcomes of requests sent from `start` to `end` seconds after the load began."""
        with self._lock:
            return [o for o in self.outcomes if start <= o.at < end]


def summary(outcomes):
    failed = [o for o in outcomes if o.failed]
    kinds = {}
    for o in failed:
        key = o.error.split("(")[0] if o.error else str(o.status)
        kinds[key] = kinds.get(key, 0) + 1
    return len(outcomes), len(failed), kinds
