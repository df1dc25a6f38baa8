#!/usr/bin/env python3
"""Checks api/events: every message of the contract has a valid JSON Schema (draft 2020-12) listed in
README.md, every example validates, and the schema really constrains the payload (dropping a required
field, adding an unknown one or giving a field the wrong type must fail)."""
import copy
import json
import pathlib
import re
import sys

try:
    import jsonschema
except ImportError:
    sys.exit("python3-jsonschema is missing (deploy/local/packages.txt; `make install` installs it)")

EVENTS = pathlib.Path(__file__).resolve().parent / "events"
# The Kafka topics and the RabbitMQ routing keys the services use (docs/architecture.md, Events).
KAFKA_TOPICS = ["product-created", "product-updated", "product-deleted", "order-created", "order-cancelled"]
ROUTING_KEYS = ["send.verification", "account.verified", "send.payment.reminder", "send.order.success",
                "send.cancel.notification"]
DRAFT = "https://json-schema.org/draft/2020-12/schema"


def readme_rows():
    """The README's schema table as {file: (broker, name)}."""
    rows = {}
    pattern = re.compile(r"^\| `([^`]+\.schema\.json)` \| (Kafka|RabbitMQ) \| `([^`]+)` \|")
    for line in (EVENTS / "README.md").read_text().splitlines():
        match = pattern.match(line)
        if match:
            rows[match.group(1)] = (match.group(2), match.group(3))
    return rows


def wrong_type(value):
    """A value of another JSON type than value."""
    if isinstance(value, str):
        return 12345
    return "not-a-" + type(value).__name__


def mutations(example, schema):
    """(what, payload) pairs that the schema must refuse."""
    for field in schema.get("required", []):
        broken = copy.deepcopy(example)
        del broken[field]
        yield f"without {field}", broken
    for field, value in example.items():
        broken = copy.deepcopy(example)
        broken[field] = wrong_type(value)
        yield f"{field} of the wrong type", broken
    broken = copy.deepcopy(example)
    broken["unexpected_field"] = 1
    yield "an unknown field", broken


def check(path, problems):
    name = path.name
    try:
        schema = json.loads(path.read_text())
    except json.JSONDecodeError as e:
        problems.append(f"{name}: not JSON: {e}")
        return
    if f"{schema.get('title')}.schema.json" != name:
        problems.append(f"{name}: the title must be the topic or routing key the file is named for")
    if schema.get("$schema") != DRAFT:
        problems.append(f"{name}: $schema must be {DRAFT}")
    try:
        jsonschema.Draft202012Validator.check_schema(schema)
    except jsonschema.exceptions.SchemaError as e:
        problems.append(f"{name}: not a valid JSON Schema: {e.message}")
        return
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    examples = schema.get("examples", [])
    if not examples:
        problems.append(f"{name}: no example")
    for i, example in enumerate(examples):
        for error in validator.iter_errors(example):
            problems.append(f"{name}: example {i} is invalid at {list(error.absolute_path)}: {error.message}")
        for what, payload in mutations(example, schema):
            if validator.is_valid(payload):
                problems.append(f"{name}: example {i} with {what} is accepted")


def main():
    problems = []
    schemas = sorted(EVENTS.glob("*.schema.json"))
    rows = readme_rows()
    expected = {f"{t}.schema.json": ("Kafka", t) for t in KAFKA_TOPICS}
    expected.update({f"{k}.schema.json": ("RabbitMQ", k) for k in ROUTING_KEYS})
    names = {p.name for p in schemas}
    for file, (broker, key) in expected.items():
        if file not in names:
            problems.append(f"{file}: missing (the schema of {broker} {key})")
        if rows.get(file) != (broker, key):
            problems.append(f"README.md: no row `{file}` | {broker} | `{key}`")
    for file in sorted(names - expected.keys()):
        problems.append(f"{file}: names no message of the contract")
    for path in schemas:
        check(path, problems)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problems in {EVENTS.name}/")
        return 1
    print(f"{len(schemas)} event schemas valid, each example valid and each mutation refused")
    return 0


if __name__ == "__main__":
    sys.exit(main())
