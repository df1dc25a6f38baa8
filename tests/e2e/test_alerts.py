"""An alert as the operators get it: the mail service stops, Prometheus sees its target down, the rule
AgoraServiceDown fires after its minute (deploy/prometheus/rules), and Alertmanager mails it through
Mailpit to ops@agora.local (deploy/local/etc/alertmanager.yml). The service is started again after."""
import os
import time
import urllib.request

import pytest

from agora_http import mails_to
from chaos import supervisorctl

# Stops a program under the local platform's supervisor.
pytestmark = pytest.mark.local

OPS = "ops@agora.local"
MAIL_PORT = os.environ.get("MAIL_PORT", "8004")
# The rule's `for: 1m`, two 10 s scrape and evaluation intervals, Alertmanager's 5 s group wait, with room.
ALERT_DEADLINE_S = 150.0


def mail_serves():
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{MAIL_PORT}/health", timeout=2) as res:
            return res.status == 200
    except OSError:
        return False


def test_a_stopped_service_is_mailed_to_the_operators():
    subject = "[Agora alert] FIRING AgoraServiceDown mail"
    assert not [m for m in mails_to(OPS) if m.get("Subject") == subject], "the alert fired before the outage"
    supervisorctl("stop", "mail")
    try:
        assert not mail_serves()
        until = time.monotonic() + ALERT_DEADLINE_S
        while not [m for m in mails_to(OPS) if m.get("Subject") == subject]:
            assert time.monotonic() < until, (f"no '{subject}' to {OPS} within {ALERT_DEADLINE_S:.0f} s; "
                                              f"subjects: {[m.get('Subject') for m in mails_to(OPS)]}")
            time.sleep(2)
    finally:
        supervisorctl("start", "mail")
        until = time.monotonic() + 45
        while not mail_serves() and time.monotonic() < until:
            time.sleep(0.5)
    assert mail_serves(), "the mail service did not come back"
