"""The request collection (api/agora.postman_collection.json) is what api/openapi.yaml gives, and it runs
whole against the platform with newman: sign-up, the code from Mailpit, login keeping the token, an order
paid and one cancelled, the admin's product changes and the platform's own pages."""
import pathlib
import subprocess
import sys

from agora_http import ADMIN_EMAIL, ADMIN_PASSWORD, GATEWAY, MAILPIT

ROOT = pathlib.Path(__file__).resolve().parents[2]
NEWMAN = ROOT / ".agora" / "node" / "node_modules" / ".bin" / "newman"


def test_the_collection_is_generated_from_the_api_description():
    check = subprocess.run([sys.executable, str(ROOT / "api" / "generate_collection.py"), "--check"],
                           capture_output=True, text=True, timeout=60)
    assert check.returncode == 0, check.stderr


def test_the_collection_runs_whole_against_the_platform():
    assert NEWMAN.exists(), f"{NEWMAN} is missing: deploy/local/install.sh --test installs it"
    run = subprocess.run([str(NEWMAN), "run", str(ROOT / "api" / "agora.postman_collection.json"),
                          "--env-var", f"baseUrl={GATEWAY}", "--env-var", f"mailpitUrl={MAILPIT}",
                          "--env-var", f"adminEmail={ADMIN_EMAIL}", "--env-var", f"adminPassword={ADMIN_PASSWORD}",
                          "--bail", "--color", "off", "--disable-unicode", "--timeout-request", "10000"],
                         capture_output=True, text=True, timeout=240)
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    # Every request ran and passed its status check (the summary's assertions row shows no failure).
    assert "requests" in run.stdout and "AssertionError" not in run.stdout, run.stdout[-6000:]
