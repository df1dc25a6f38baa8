"""The API page (/docs) in a real browser: a reader logs in from the page, sets the token once, and tries
protected and public operations; the page's own script runs under its Content-Security-Policy without a
refusal, and the token stays for the tab's life."""
import json
import os
import re

from browser import chromium_page
from test_orders import new_product
from test_signup import PASSWORD, signed_up_user

GATEWAY = f"http://127.0.0.1:{os.environ.get('GATEWAY_PORT', '8000')}"


def send(page, operation, fields=None, body=None):
    """Opens the operation, fills its form, sends it and returns (status, answer text)."""
    entry = page.locator(f"#op-{operation}")
    if entry.get_attribute("open") is None:
        entry.locator("summary").first.click()
    form = entry.locator("form.try")
    for name, value in (fields or {}).items():
        form.locator(f"input[name='{name}']").fill(str(value))
    if body is not None:
        form.locator("textarea").fill(json.dumps(body))
    out = form.locator("pre.out")
    form.locator("button[type=submit]").click()
    page.wait_for_function("el => el.dataset.status !== undefined && el.dataset.status !== ''",
                           arg=out.element_handle(), timeout=10_000)
    text = out.text_content()
    status = int(out.get_attribute("data-status"))
    out.evaluate("el => { delete el.dataset.status; }")
    return status, text


def test_the_api_page_logs_in_and_tries_operations_with_the_token():
    email, _ = signed_up_user()
    product = new_product()
    with chromium_page() as (page, problems):
        response = page.goto(f"{GATEWAY}/docs")
        assert response.status == 200
        assert "script-src 'sha256-" in response.headers["content-security-policy"]

        status, answer = send(page, "login", body={"email": email, "password": PASSWORD})
        assert status == 200, answer
        token = re.search(r'"access_token": "([^"]+)"', answer).group(1)

        status, answer = send(page, "listOrders")
        assert status == 401, answer  # no token set yet
        page.locator("#token").fill(token)
        status, answer = send(page, "listOrders", {"start-date": "", "end-date": ""})
        assert status == 200 and '"message": "success"' in answer, answer
        assert "X-Request-ID: " in answer

        status, answer = send(page, "getProduct", {"id": product["id"]})
        assert status == 200 and product["name"] in answer, answer

        page.reload()
        assert page.locator("#token").input_value() == token
        assert not problems, problems
