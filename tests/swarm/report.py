"""Writes the resilience tests' measurements into docs/resilience.md, between the markers of its results
section, one table per test, so the document always shows the last run."""
import datetime
import os
import re
import subprocess

DOC = os.path.join(os.path.dirname(__file__), "..", "..", "docs", "resilience.md")


def _commit():
    try:
        return subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], capture_output=True, text=True,
                              cwd=os.path.dirname(DOC), check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def record(name, title, rows):
    """Replaces the section `name` (markers `<!-- swarm:<name> -->` ... `<!-- /swarm:<name> -->`) with a
    heading, the run's date and commit, and a table of `rows` (a list of (what, value) pairs)."""
    start, end = f"<!-- swarm:{name} -->", f"<!-- /swarm:{name} -->"
    when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [start, f"#### {title}", "", f"Last run {when} on commit {_commit()} (tests/swarm).", "",
             "| measure | value |", "|---|---|"]
    lines += [f"| {what} | {value} |" for what, value in rows]
    lines.append(end)
    text = open(DOC).read()
    block = "\n".join(lines)
    pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text)
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    with open(DOC, "w") as f:
        f.write(text)
