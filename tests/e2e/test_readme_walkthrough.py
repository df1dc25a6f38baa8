"""The README's walkthrough, run as a newcomer would paste it: sign-up, login, a product, an order paid,
an order cancelled, then the trace, the log lines and the emails. The block is read from README.md, so
the commands it shows cannot drift from what the platform answers; only the ports are moved to this
platform's."""
import json
import os
import pathlib
import re
import subprocess
import urllib.parse
import urllib.request

from agora_http import wait_for_mail
from test_observability import JAEGER, LOGS_DEADLINE_S, TRACE_DEADLINE_S, VICTORIALOGS, get_json, poll

README = pathlib.Path(__file__).resolve().parents[2] / "README.md"
MARKER = "<!-- walkthrough:"

# The README's ports (deploy/local/ports.env defaults) and the variables that move them here.
PORTS = {"8000": "GATEWAY_PORT", "8025": "MAILPIT_UI_PORT", "9428": "VICTORIALOGS_PORT", "16686": "JAEGER_UI_PORT"}


def walkthrough():
    text = README.read_text()
    start = text.index(MARKER)
    block = re.search(r"```sh\n(.*?)```", text[start:], re.S)
    assert block, "README.md has no sh block after its walkthrough marker"
    script = block.group(1)
    for port, variable in PORTS.items():
        script = script.replace(f"localhost:{port}", f"127.0.0.1:{os.environ.get(variable, port)}")
    return script


def test_the_readme_walkthrough_works_when_pasted():
    script = walkthrough() + '\necho "EMAIL=$EMAIL"\n'
    run = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=120)
    out = run.stdout
    assert run.returncode == 0, f"exit {run.returncode}\n{out}\n{run.stderr}"
    assert '"is_verified":true' in out, out
    assert '"status":"SUCCESS"' in out, out
    assert '"status":"CANCELLED"' in out, out
    # Every answer printed is a success: sign-up, verify, the product, the order, pay and cancel.
    messages = re.findall(r'"message":"([^"]*)"', out)
    assert len(messages) >= 6 and set(messages) == {"success"}, out
    email = re.search(r"^EMAIL=(.+)$", out, re.M).group(1)
    trace = re.search(r"/trace/([0-9a-f]{32})$", out, re.M).group(1)

    wait_for_mail(email, "[Agora] Order Success")
    wait_for_mail(email, "[Agora] Order Cancelled")

    def spans():
        data = get_json(f"{JAEGER}/api/traces/{trace}")["data"]
        assert data and data[0]["spans"], "no spans yet"
        return data[0]["spans"]

    def log_lines():
        query = urllib.parse.urlencode({"query": f'trace_id:"{trace}"'})
        with urllib.request.urlopen(f"{VICTORIALOGS}/select/logsql/query?{query}", timeout=10) as res:
            lines = [json.loads(line) for line in res.read().splitlines() if line.strip()]
        assert lines, "no log lines yet"
        return lines

    poll(spans, TRACE_DEADLINE_S, f"Jaeger shows the walkthrough's trace {trace}")
    poll(log_lines, LOGS_DEADLINE_S, f"VictoriaLogs has lines of trace {trace}")
