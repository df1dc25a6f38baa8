"""The storefront (the gateway's `/`) in a real browser, against the running platform: a shopper signs
up, shops, pays and cancels; an admin keeps the catalogue; a double click or a lost answer never makes
two orders; every page passes axe-core without a serious or critical violation. Screenshots of every
step are in build/e2e-artifacts/<journey>/."""
import json
import os
import re
import uuid

import pytest
from playwright.sync_api import expect

from agora_http import ADMIN_EMAIL, ADMIN_PASSWORD, call, unique_email, verification_code, wait_for_mail
from shop import journey
from test_orders import new_product, stock_of, wait_until
from test_signup import PASSWORD, signed_up_user

ADMIN = (ADMIN_EMAIL, ADMIN_PASSWORD)


def orders_of(token):
    res = call("GET", "/orders?limit=25", token=token)
    assert res.status == 200, res.body
    return res.json()["data"]


def order_card(trip):
    """The newest order on "My orders"."""
    trip.heading("My orders")
    card = trip.page.locator("li[data-order]").first
    expect(card).to_be_visible()
    return card


def put_in_cart_and_open_it(trip, name):
    trip.search(name)
    trip.page.get_by_role("button", name=f"Add to cart: {name}").click()
    trip.page.get_by_role("link", name="Cart").click()
    trip.heading("Your cart")


def test_a_shopper_signs_up_with_the_emailed_code_and_logs_in_and_out():
    email = unique_email("shop")
    with journey("1-sign-up") as trip:
        trip.open()
        trip.accessible("catalogue")
        trip.page.get_by_role("link", name="Sign up").click()
        trip.heading("Create an account")
        trip.page.get_by_label("Email", exact=True).fill(email)
        trip.page.get_by_label("Password").fill(PASSWORD)
        trip.accessible("sign-up page")
        trip.step("sign up")
        trip.page.get_by_role("button", name="Sign up").click()

        trip.heading("Enter your code")
        mailpit = trip.page.get_by_role("link", name="Mailpit")
        assert mailpit.get_attribute("href").endswith(f":{os.environ.get('MAILPIT_UI_PORT', '8025')}")
        expect(trip.page.get_by_label("Email", exact=True)).to_have_value(email)
        trip.accessible("code page")
        code = verification_code(wait_for_mail(email, "[Agora] Email Verification"))
        trip.page.get_by_label("Code from the email").fill(code)
        trip.step("enter the code")
        trip.page.get_by_role("button", name="Verify").click()

        trip.heading("Log in")
        expect(trip.page.get_by_label("Email", exact=True)).to_have_value(email)
        trip.page.get_by_label("Password").fill(PASSWORD)
        trip.accessible("login page")
        trip.page.get_by_role("button", name="Log in").click()
        expect(trip.page.locator("#who")).to_have_text(email)
        trip.step("logged in")
        trip.log_out()
        trip.step("logged out")


def test_a_cart_survives_a_reload_and_its_order_is_paid():
    first, second = (new_product(quantity=10, price=price)["name"] for price in ("12.5", "7"))
    email, _ = signed_up_user()
    with journey("2-cart-order-pay") as trip:
        trip.log_in(email, PASSWORD)
        for name in (first, second):
            trip.search(name)
            expect(trip.page.get_by_text("In stock: 10")).to_be_visible()
            trip.page.get_by_role("button", name=f"Add to cart: {name}").click()
        expect(trip.page.locator("#cart-count")).to_have_text("(2)")
        trip.step("two products in the cart")
        trip.page.reload()
        trip.page.get_by_role("link", name="Cart").click()
        trip.heading("Your cart")
        for name in (first, second):
            expect(trip.page.get_by_role("link", name=name)).to_be_visible()
        expect(trip.page.locator("td.total")).to_contain_text("19.50")
        trip.accessible("cart")
        trip.step("cart after a reload")
        trip.page.get_by_role("button", name="Place order").click()

        card = order_card(trip)
        expect(card).to_have_attribute("data-status", "PENDING")
        expect(card).to_contain_text("Awaiting payment")
        expect(card).to_contain_text("Please pay by")
        expect(card).to_contain_text("19.50")
        trip.accessible("orders")
        trip.step("order pending")
        card.get_by_role("button", name="Pay now").click()
        expect(card).to_have_attribute("data-status", "SUCCESS")
        expect(card).to_contain_text("Paid")
        trip.step("order paid")


def test_a_cancelled_order_gives_its_stock_back():
    product = new_product(quantity=5)
    email, _ = signed_up_user()
    with journey("3-cancel") as trip:
        trip.log_in(email, PASSWORD)
        trip.open(f"#/product/{product['id']}")
        trip.heading(product["name"])
        trip.page.get_by_label("Quantity").fill("2")
        trip.page.get_by_role("button", name="Add to cart").click()
        trip.page.get_by_role("link", name="Cart").click()
        trip.page.get_by_role("button", name="Place order").click()
        card = order_card(trip)
        expect(card).to_have_attribute("data-status", "PENDING")
        assert stock_of(product["id"]) == 3
        trip.step("order pending")
        card.get_by_role("button", name="Cancel order").click()
        expect(card).to_have_attribute("data-status", "CANCELLED")
        expect(card).to_contain_text("Cancelled")
        trip.step("order cancelled")

        trip.open(f"#/product/{product['id']}")

        def stock_shown_back():
            trip.page.reload()
            stock = trip.page.locator("main p.stock")
            expect(stock).to_be_visible()
            return stock.text_content() == "In stock: 5"
        assert wait_until(stock_shown_back), "the stock did not come back"
        trip.step("stock back")


def test_an_admin_adds_a_product_a_shopper_finds_it_and_it_goes_when_deleted():
    name = f"shop lamp {uuid.uuid4().hex[:8]}"
    with journey("4-admin") as trip:
        trip.log_in(*ADMIN)
        trip.page.get_by_role("link", name="New product").click()
        trip.heading("New product")
        trip.page.get_by_label("Name").fill(name)
        trip.page.get_by_label("Description").fill("A warm light for reading")
        trip.page.get_by_label("Price").fill("0")
        trip.page.get_by_label("Stock").fill("4")
        trip.page.get_by_role("button", name="Create product").click()
        # The API's validation message, in words, next to its field.
        expect(trip.page.locator(".field-error")).to_have_text("Must be more than 0.")
        expect(trip.page.get_by_label("Price")).to_have_attribute("aria-invalid", "true")
        trip.accessible("new product form with an error")
        trip.step("validation message")
        trip.page.get_by_label("Price").fill("39.90")
        trip.page.get_by_role("button", name="Create product").click()

        trip.heading(name)
        trip.page.get_by_label("New stock").fill("6")
        trip.page.get_by_role("button", name="Set stock").click()
        expect(trip.page.get_by_text("In stock: 6")).to_be_visible()
        history = trip.page.get_by_role("table")
        expect(history.locator("tbody tr")).to_have_count(2)
        expect(history).to_contain_text("stock 6")
        trip.accessible("product with its admin forms and history")
        trip.step("product created, stock changed, history")
        product_view = trip.page.url
        trip.log_out()

        trip.search(name)
        expect(trip.page.get_by_role("link", name=name)).to_be_visible()
        trip.step("a shopper finds it")

        trip.log_in(*ADMIN)
        trip.page.goto(product_view)
        trip.heading(name)
        trip.page.get_by_role("button", name="Delete product").click()
        trip.page.get_by_role("button", name="Yes, delete it").click()
        trip.heading("Catalogue")
        trip.log_out()
        trip.search(name)
        expect(trip.page.get_by_text(f"No products match “{name}”.")).to_be_visible()
        trip.step("gone after deletion")


def test_a_double_click_or_a_lost_answer_makes_one_order():
    product = new_product(quantity=10)
    email, token = signed_up_user()
    with journey("5-one-order") as trip:
        trip.log_in(email, PASSWORD)
        put_in_cart_and_open_it(trip, product["name"])
        trip.page.get_by_role("button", name="Place order").dblclick()
        order_card(trip)
        trip.step("one order after a double click")
        assert len(orders_of(token)) == 1

        # The answer to the next order is lost on its way back: the page sends it again with the same
        # request_id, and the API answers the order it already made.
        sent = []

        def lose_first_answer(route):
            if route.request.method != "POST":
                return route.continue_()
            sent.append(json.loads(route.request.post_data)["request_id"])
            if len(sent) == 1:
                route.fetch()
                return route.abort("connectionreset")
            return route.continue_()
        trip.page.route("**/orders", lose_first_answer)
        put_in_cart_and_open_it(trip, product["name"])
        trip.page.get_by_role("button", name="Place order").click()
        order_card(trip)
        trip.step("one order after a lost answer")
        assert len(sent) == 2 and sent[0] == sent[1], sent
        assert len(orders_of(token)) == 2
        assert stock_of(product["id"]) == 8


def test_errors_are_told_in_words():
    email, _ = signed_up_user()
    with journey("errors") as trip:
        trip.open("#/signup")
        trip.page.get_by_label("Email", exact=True).fill(unique_email("short"))
        trip.page.get_by_label("Password").fill("short")
        trip.page.get_by_role("button", name="Sign up").click()
        expect(trip.page.locator(".field-error")).to_have_text("Use at least 8 characters.")
        trip.page.get_by_label("Email", exact=True).fill(email)
        trip.page.get_by_label("Password").fill(PASSWORD)
        trip.page.get_by_role("button", name="Sign up").click()
        expect(trip.page.get_by_role("alert").first).to_have_text("An account with this email already exists. Log in instead.")
        trip.accessible("sign-up page with errors")
        trip.step("sign-up errors")

        trip.page.route(lambda url: "/products?" in url, lambda route: route.fulfill(
            status=429, headers={"Retry-After": "7", "Content-Type": "application/json"},
            body='{"message":"too many requests"}'))
        trip.open("#/")
        expect(trip.page.get_by_role("alert")).to_have_text("Too many attempts. Please wait 7 seconds and try again.")
        trip.step("rate limited")
        assert "too many requests" not in trip.page.content()


def test_the_page_is_small_cached_by_name_and_under_a_strict_policy():
    page = call("GET", "/")
    assert page.status == 200
    policy = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy, policy
    assert page.headers["Cache-Control"] == "no-cache"
    html = page.body.decode()
    assets = sorted(set(re.findall(r'"(/assets/[\w.-]+\.(?:js|css))"', html)))
    assert any(a.endswith(".css") for a in assets) and any(a.startswith("/assets/app.") for a in assets), assets
    weight = 0
    for asset in assets:
        res = call("GET", asset, headers={"Accept-Encoding": "gzip"})
        assert res.status == 200, asset
        assert res.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert res.headers["Content-Encoding"] == "gzip" or len(res.body) < 1024, asset
        weight += len(res.body)
    assert weight < 100 * 1024, weight
    assert call("GET", "/assets/app.0000000000.js").status == 404


@pytest.mark.local
def test_one_page_links_every_local_tool():
    settings = json.loads(call("GET", "/storefront.json").body)
    with journey("tools") as trip:
        trip.open("#/tools")
        trip.heading("Local tools")
        links = trip.page.get_by_role("main").get_by_role("link")
        for name in ("Mailpit", "Jaeger", "Prometheus", "Alertmanager", "VictoriaLogs", "RabbitMQ", "supervisor",
                     "API documentation", "Shop"):
            expect(links.filter(has_text=name)).to_have_count(1)
        for tool in settings["tools"]:
            assert links.get_by_text(tool["name"], exact=True).get_attribute("href") == tool["url"]
        trip.accessible("tools")
        trip.step("tools")
