"""What the crash tests need besides HTTP: the platform's supervisor (to find and kill a program and see it
come back, or run it with a setting changed), its PostgreSQL (to read what the services stored, and to hold
a table's lock so that a service waits at a known step), and a client that places orders the way a careful
real one does, retrying a failed request with the same request_id."""
import contextlib
import http.client
import os
import re
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
import uuid

from agora_http import call

SUPERVISOR_CONF = os.path.join(os.environ.get("AGORA_HOME", ""), "supervisord.conf")
POSTGRES_PORT = os.environ.get("POSTGRES_PORT", "5432")
SERVICE_PORTS = {"order": os.environ.get("ORDER_PORT", "8003"), "product": os.environ.get("PRODUCT_PORT", "8001")}
KAFKA_PORT = os.environ.get("KAFKA_PORT", "9092")


# ---- supervisor --------------------------------------------------------------------------------
def supervisorctl(*args):
    done = subprocess.run(["supervisorctl", "-c", SUPERVISOR_CONF, *args], capture_output=True, text=True,
                          timeout=20)
    return done.stdout.strip()


def program_pid(name):
    out = supervisorctl("pid", name)
    return int(out) if out.isdigit() and int(out) > 0 else 0


def kill_hard(name):
    """SIGKILL to the program's process, as a crash: no shutdown code runs. Returns the killed pid."""
    pid = program_pid(name)
    assert pid, f"{name} is not running under supervisor: {supervisorctl('status', name)}"
    os.kill(pid, signal.SIGKILL)
    return pid


def port_open(port):
    try:
        with socket.create_connection(("127.0.0.1", int(port)), timeout=1):
            return True
    except OSError:
        return False


def serves(name):
    if name == "kafka":
        return port_open(KAFKA_PORT)
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{SERVICE_PORTS[name]}/health", timeout=2) as res:
            return res.status == 200
    except (OSError, http.client.HTTPException):
        return False


def wait_restarted(name, old_pid, deadline=45.0):
    """Waits until supervisor has started the program again with a new process and it serves."""
    until = time.monotonic() + deadline
    while time.monotonic() < until:
        pid = program_pid(name)
        if pid and pid != old_pid and serves(name):
            return time.monotonic()
        time.sleep(0.25)
    raise AssertionError(f"{name} did not come back within {deadline}s after kill -9 of pid {old_pid}: "
                         f"{supervisorctl('status', name)}")


@contextlib.contextmanager
def program_setting(name, variable, value):
    """Runs the program with one environment variable of its supervisor section set to `value`, as `make up`
    does when a setting changed (supervisor's configuration rewritten, `supervisorctl update` and `start`
    restart the program), and puts the old value back afterwards."""
    with open(SUPERVISOR_CONF) as f:
        original = f.read()
    section = re.search(rf"^\[program:{re.escape(name)}\]\n(?:(?!^\[).*\n?)*", original, re.M)
    assert section, f"no [program:{name}] in {SUPERVISOR_CONF}"
    setting = re.compile(rf'\b{re.escape(variable)}="[^"]*"')
    assert setting.search(section.group(0)), f"{variable} is not in the environment of [program:{name}]"
    changed = setting.sub(f'{variable}="{value}"', section.group(0))

    def apply(conf):
        pid = program_pid(name)
        with open(SUPERVISOR_CONF, "w") as f:
            f.write(conf)
        supervisorctl("reread")
        supervisorctl("update", name)
        supervisorctl("start", name)  # the platform's programs do not autostart: up.sh starts them
        wait_restarted(name, pid)

    if changed == section.group(0):
        yield
        return
    apply(original[:section.start()] + changed + original[section.end():])
    try:
        yield
    finally:
        apply(original)


# ---- PostgreSQL --------------------------------------------------------------------------------
def sql(database, query):
    """Rows of a query on one service's database, as lists of strings."""
    url = f"postgresql://agora:agora@127.0.0.1:{POSTGRES_PORT}/{database}"
    done = subprocess.run(["psql", url, "-X", "-q", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-c", query],
                          capture_output=True, text=True, timeout=20)
    assert done.returncode == 0, f"psql on {database} failed: {done.stderr.strip()}\n{query}"
    return [line.split("\t") for line in done.stdout.splitlines() if line]


class TableLock:
    """A session that holds `LOCK TABLE <table> IN <mode> MODE` until it is left: whatever needs a conflicting
    lock waits in PostgreSQL meanwhile."""

    def __init__(self, database, table, mode):
        url = f"postgresql://agora:agora@127.0.0.1:{POSTGRES_PORT}/{database}"
        self.database = database
        self.session = subprocess.Popen(["psql", url, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.session.stdin.write(f"BEGIN; LOCK TABLE {table} IN {mode} MODE; SELECT pg_backend_pid();\n")
        self.session.stdin.flush()
        line = self.session.stdout.readline().strip()
        assert line.isdigit(), f"could not lock {table} in {database}: {line!r}"
        self.pid = int(line)

    def end_waiters(self):
        """Ends every other session of the database waiting for a lock: their transactions roll back."""
        sql(self.database, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = "
            f"'{self.database}' AND pid <> {self.pid} AND wait_event_type = 'Lock'")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.session.communicate("COMMIT;\n", timeout=20)
        return False


def ids_sql(ids):
    return "(" + ",".join(str(int(i)) for i in ids) + ")" if ids else "(NULL)"


# ---- a careful client --------------------------------------------------------------------------
def transient(res):
    """An answer that says nothing about the outcome, or says "not yet": the same request is sent again.
    409 `request duplicate` is the first attempt still being placed (or left half-placed by a crash until
    the order service resolves it); 429 asks to come back later."""
    if res is None or res.status >= 500 or res.status == 429:
        return True
    if res.status == 409:
        try:
            return res.json().get("message") == "request duplicate"
        except ValueError:
            return False
    return False


def send(method, path, body, token):
    try:
        return call(method, path, body, token=token)
    except (OSError, http.client.HTTPException):
        return None  # connection refused, reset or timed out: the outcome is unknown


class Outcome:
    def __init__(self, request_id, quantity):
        self.request_id = request_id
        self.quantity = quantity
        self.status = None  # the final answer's status, None while unresolved
        self.message = ""
        self.order_id = None
        self.attempts = 0
        self.then = None  # "pay" or "cancel" once created
        self.then_status = None
        self.slowest = 0.0  # seconds, the longest single attempt


class Burst:
    """Places `count` orders of one product from `threads` threads over about `spread` seconds, each with its
    own request_id and 1-3 units; a created order is then paid or cancelled for some. Every request is retried
    with the same request_id while its answer is transient, until `give_up` seconds after the start."""

    def __init__(self, token, product_id, count=60, threads=4, spread=6.0, give_up=50.0):
        self.token = token
        self.product_id = product_id
        self.outcomes = [Outcome(uuid.uuid4().hex, 1 + i % 3) for i in range(count)]
        for i, o in enumerate(self.outcomes):
            o.then = "cancel" if i % 7 == 3 else "pay" if i % 7 == 5 else None
        self.threads = threads
        self.spread = spread
        self.give_up = give_up
        self.transient_answers = 0
        self.in_flight = 0  # creates sent and not answered yet
        self.finished = None  # when the last worker was done
        self._lock = threading.Lock()
        self._workers = []

    def _until_final(self, method, path, body, outcome):
        while True:
            sent = time.monotonic()
            with self._lock:
                self.in_flight += 1
            res = send(method, path, body, self.token)
            with self._lock:
                self.in_flight -= 1
            outcome.slowest = max(outcome.slowest, time.monotonic() - sent)
            outcome.attempts += 1
            if not transient(res):
                return res
            with self._lock:
                self.transient_answers += 1
            if time.monotonic() >= self.stop_at:
                return None
            time.sleep(0.3)

    def _place(self, outcome):
        body = {"request_id": outcome.request_id, "description": "crash test",
                "items": [{"product_id": self.product_id, "quantity": outcome.quantity}]}
        res = self._until_final("POST", "/orders", body, outcome)
        if res is None:
            return
        outcome.status = res.status
        outcome.message = res.json().get("message", "")
        if res.status == 201:
            outcome.order_id = res.json()["data"]["id"]
        if res.status != 201 or outcome.then is None:
            return
        command = {"request_id": uuid.uuid4().hex, "order_id": outcome.order_id}
        done = self._until_final("POST", f"/orders/{outcome.then}", command, outcome)
        outcome.then_status = done.status if done else None

    def _work(self, share):
        pause = self.spread / max(len(share), 1)
        for outcome in share:
            self._place(outcome)
            time.sleep(pause)
        with self._lock:
            self.finished = time.monotonic()

    def start(self):
        self.started = time.monotonic()
        self.stop_at = self.started + self.give_up
        for t in range(self.threads):
            worker = threading.Thread(target=self._work, args=(self.outcomes[t::self.threads],), daemon=True)
            worker.start()
            self._workers.append(worker)

    def wait_busy(self, requests, deadline=3.0):
        """Waits (bounded) until at least `requests` are in flight, so that a kill lands in the middle of them."""
        until = time.monotonic() + deadline
        while time.monotonic() < until:
            with self._lock:
                if self.in_flight >= requests:
                    return True
            time.sleep(0.002)
        return False

    def join(self):
        for worker in self._workers:
            worker.join(timeout=max(self.stop_at - time.monotonic(), 0) + 20)
        return (self.finished or time.monotonic()) - self.started
