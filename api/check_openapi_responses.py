#!/usr/bin/env python3
"""Checks that api/openapi.yaml documents every answer each route gives, which the redocly lint
cannot know. Every error answer uses the ErrorEnvelope and its example messages are the public
messages the services send."""
import pathlib
import re
import sys

import yaml

SPEC = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).resolve().parent / "openapi.yaml")
# Answered by the gateway itself, with no upstream and no rate limit.
PROBES = {"/health", "/ready", "/openapi.yaml", "/docs"}
# The public error messages (api/openapi.yaml) and the shapes of the validation messages.
MESSAGES = {
    "input validation error", "invalid JSON syntax", "missing body request", "unauthorized", "forbidden",
    "route not found", "method not allowed", "failed to process request in time, please try again",
    "request duplicate", "request body too large", "unsupported media type", "too many requests",
    "service unavailable", "gateway timeout",
    "currently our server is facing unexpected error, please try again later",
    "user already exist", "email or password is incorrect", "user not verified", "token expired", "token is wrong",
    "user not found", "user already verified", "token was recently sent, please wait before requesting another",
    "product not found", "insufficient product stock", "order not found", "order already paid",
    "order already cancelled",
}
MESSAGE_SHAPES = [r"invalid value for [a-z_-]+", r"expected a numeric value but got '.*'"]
FIELD_SHAPES = [r"(?P<f>[a-z_-]+) is required", r"(?P<f>[a-z_-]+) length or value must be exactly \S+",
                r"(?P<f>[a-z_-]+) length or value \S+ must be at most",
                r"(?P<f>[a-z_-]+) length or value must be at least \S+",
                r"(?P<f>[a-z_-]+) must be greater than or equal to \S+",
                r"(?P<f>[a-z_-]+) must be lower than or equal to \S+", r"(?P<f>[a-z_-]+) must be greater than to \S+",
                r"(?P<f>[a-z_-]+) has invalid email format", r"please send time in format of DD-MM-YYYY",
                r"invalid input",
                # Agora's own password rules (docs/adr/0011): listed weak passwords and the email's local part.
                r"(?P<f>[a-z_-]+) is too common", r"(?P<f>[a-z_-]+) must not be the part of the email before @"]


def resolve(spec, node):
    while isinstance(node, dict) and "$ref" in node:
        target = spec
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


def known_message(text):
    return text in MESSAGES or any(re.fullmatch(shape, text) for shape in MESSAGE_SHAPES)


def field_message_ok(field, text):
    for shape in FIELD_SHAPES:
        match = re.fullmatch(shape, text)
        if match:
            return "f" not in match.groupdict() or match.group("f") == field
    return False


def error_examples(spec, response):
    media = response.get("content", {}).get("application/json", {})
    if "example" in media:
        yield media["example"]
    for example in (media.get("examples") or {}).values():
        yield resolve(spec, example).get("value")


def check_operation(spec, where, op, problems):
    responses = op.get("responses", {})
    codes = set(responses)

    def need(code, why):
        if code not in codes:
            problems.append(f"{where}: no {code} response ({why})")

    need("500", "every route can fail unexpectedly")
    path = where.split(" ", 1)[1]
    if path not in PROBES:
        for code, why in (("408", "request timeout"), ("429", "gateway rate limit"), ("503", "upstream down"),
                          ("504", "upstream deadline")):
            need(code, why)
    if op.get("security"):
        need("401", "the route needs a token")
    if op.get("x-required-role"):
        need("403", "the route needs the admin role")
        if not op.get("security"):
            problems.append(f"{where}: needs a role but no token")
    if "requestBody" in op:
        for code, why in (("400", "an invalid body"), ("413", "a body over the limit"), ("415", "not JSON")):
            need(code, why)
    if "{id}" in path:
        need("400", "a non-numeric id")
    for code, response in responses.items():
        response = resolve(spec, response)
        headers = response.get("headers", {})
        if "X-Request-ID" not in headers:
            problems.append(f"{where} {code}: no X-Request-ID header")
        if code in ("429", "503") and "Retry-After" not in headers:
            problems.append(f"{where} {code}: no Retry-After header")
        if not code.startswith(("4", "5")):
            continue
        media = response.get("content", {}).get("application/json")
        if not media or media.get("schema", {}).get("$ref") != "#/components/schemas/ErrorEnvelope":
            problems.append(f"{where} {code}: the error body is not the ErrorEnvelope")
            continue
        for example in error_examples(spec, response):
            message = (example or {}).get("message", "")
            if not known_message(message):
                problems.append(f"{where} {code}: {message!r} is not a message of the contract")
            for error in (example or {}).get("errors", []):
                if not field_message_ok(error.get("field"), error.get("message", "")):
                    problems.append(f"{where} {code}: {error} is not a validation message of the contract")


def main():
    spec = yaml.safe_load(SPEC.read_text())
    problems = []
    count = 0
    for path, item in spec["paths"].items():
        for method in ("get", "put", "post", "delete", "patch"):
            if method in item:
                count += 1
                check_operation(spec, f"{method.upper()} {path}", item[method], problems)
    for name, response in spec["components"]["responses"].items():
        for example in error_examples(spec, response):
            if not known_message((example or {}).get("message", "")):
                problems.append(f"components/responses/{name}: {example} is not a message of the contract")
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problems in {SPEC.name}")
        return 1
    print(f"{count} operations document every answer of the contract")
    return 0


if __name__ == "__main__":
    sys.exit(main())
