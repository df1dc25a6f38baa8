"""A backup and its restore, as an operator runs them (make backup, make restore): a product deleted after
the backup is back after the restore, served again by the restarted services; a backup whose file was
damaged is refused before anything changes."""
import os
import pathlib
import shutil
import subprocess

import pytest

from agora_http import call
from test_orders import admin_token, new_product

# Backs up and restores the local platform's databases (make backup, make restore).
pytestmark = pytest.mark.local

DEPLOY = pathlib.Path(__file__).resolve().parents[2] / "deploy" / "local"


def run(script, folder):
    return subprocess.run([str(DEPLOY / script), str(folder)], capture_output=True, text=True, timeout=300,
                          env=os.environ)


def test_a_restore_brings_back_what_the_backup_held(tmp_path):
    product = new_product()
    saved = run("backup.sh", tmp_path / "backup")
    assert saved.returncode == 0, saved.stdout + saved.stderr
    assert sorted(p.name for p in (tmp_path / "backup").iterdir()) == [
        "SHA256SUMS", "agora_auth.dump", "agora_mail.dump", "agora_order.dump", "agora_product.dump"]

    deleted = call("DELETE", f"/products/{product['id']}", token=admin_token())
    assert deleted.status == 200, deleted.body
    assert call("GET", f"/products/{product['id']}").status == 404

    # A damaged copy is refused by its checksums, and the platform is left as it was.
    damaged = tmp_path / "damaged"
    shutil.copytree(tmp_path / "backup", damaged)
    with open(damaged / "agora_product.dump", "r+b") as f:
        f.seek(-1, os.SEEK_END)
        last = f.read(1)
        f.seek(-1, os.SEEK_END)
        f.write(bytes([last[0] ^ 0xFF]))
    refused = run("restore.sh", damaged)
    assert refused.returncode != 0 and "checksums" in refused.stderr, refused.stdout + refused.stderr
    assert call("GET", f"/products/{product['id']}").status == 404

    restored = run("restore.sh", tmp_path / "backup")
    assert restored.returncode == 0, restored.stdout + restored.stderr
    back = call("GET", f"/products/{product['id']}")
    assert back.status == 200, back.body
    assert back.json()["data"]["name"] == product["name"]
    # The restarted platform takes new work: the admin logs in (auth's database came back too).
    assert admin_token()
