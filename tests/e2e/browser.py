"""Debian's Chromium, headless, driven by Playwright (the Python package drives it; no browser of its own is
downloaded). Background networking is off: this machine's network is closed, and a browser that keeps
calling home fills its log with refused connections. The end-to-end journeys take one page at a time
(chromium_page); the storefront's benchmark (bench/storefront.py) opens contexts of its own (chromium)."""
import contextlib
import shutil
import tempfile

from playwright.sync_api import sync_playwright

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]


@contextlib.contextmanager
def chromium_page():
    """A fresh page in a fresh profile; yields (page, problems), where problems collects the page's script
    errors and console errors (a Content-Security-Policy refusal is one). A 4xx or 5xx answer to a fetch
    is not a problem of the page: the tests assert on statuses themselves."""
    with tempfile.TemporaryDirectory() as profile, sync_playwright() as playwright:
        browser = playwright.chromium.launch_persistent_context(profile, executable_path=CHROMIUM, headless=True,
                                                                args=FLAGS)
        try:
            page = browser.new_page()
            problems = []
            page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
            page.on("console", lambda msg: problems.append(f"console: {msg.text}")
                    if msg.type == "error" and not msg.text.startswith("Failed to load resource") else None)
            yield page, problems
        finally:
            browser.close()


@contextlib.contextmanager
def chromium():
    """The browser itself, for a caller that opens its own contexts: each new context starts with an empty
    cache, cookies and storage, as a first visit does."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        try:
            yield browser
        finally:
            browser.close()
