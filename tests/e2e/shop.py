"""The storefront's journeys in a real browser: a journey is a fresh Chromium page on the shop whose
steps are saved as screenshots under build/e2e-artifacts/<journey>/ (git-ignored, kept after the run);
when the journey fails, the page's HTML and everything the browser's console said are saved beside them.
Each page a journey visits can be checked with axe-core (from deploy/local/node), run inside the page."""
import contextlib
import os
import pathlib
import re
import shutil

from playwright.sync_api import expect

from agora_http import GATEWAY
from browser import chromium_page

ROOT = pathlib.Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "build" / "e2e-artifacts"
AXE = pathlib.Path(os.environ.get("AGORA_HOME", ROOT / ".agora")) / "node" / "node_modules" / "axe-core" / "axe.min.js"
# What a shop may not ship: a serious or critical accessibility violation.
BLOCKING = ("serious", "critical")


class Journey:
    def __init__(self, page, folder):
        self.page = page
        self.folder = folder
        self.steps = 0
        self.console = []
        page.on("console", lambda msg: self.console.append(f"{msg.type}: {msg.text}"))
        page.on("pageerror", lambda error: self.console.append(f"script error: {error}"))

    def step(self, name):
        """Saves what the page shows now as the journey's next step."""
        self.steps += 1
        # A value the page forgot to turn into words (a stray `false`, an `undefined` price).
        shown = self.page.locator("main").inner_text()
        leaks = [w for w in ("undefined", "NaN", "[object Object]") if w in shown]
        leaks += [line for line in shown.splitlines() if line.strip() in ("false", "true", "null")]
        assert not leaks, f"{name}: the page shows {leaks}"
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        self.page.screenshot(path=str(self.folder / f"{self.steps:02d}-{slug}.png"), full_page=True)

    def open(self, view="#/"):
        self.page.goto(f"{GATEWAY}/{view}")
        expect(self.page.locator("h1")).to_be_visible()

    def heading(self, text):
        expect(self.page.get_by_role("heading", level=1)).to_have_text(text)

    def accessible(self, what):
        """Runs axe-core in the page and fails on a serious or critical violation."""
        violations = self.page.evaluate("""async () => (await axe.run(document, {resultTypes: ['violations']}))
            .violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' '))}))""")
        blocking = [v for v in violations if v["impact"] in BLOCKING]
        assert not blocking, f"{what}: {blocking}"

    def log_in(self, email, password):
        self.page.goto(f"{GATEWAY}/#/login")
        self.heading("Log in")
        self.page.get_by_label("Email", exact=True).fill(email)
        self.page.get_by_label("Password").fill(password)
        self.page.get_by_role("button", name="Log in").click()
        expect(self.page.get_by_role("button", name="Log out")).to_be_visible()

    def log_out(self):
        self.page.get_by_role("button", name="Log out").click()
        expect(self.page.get_by_role("link", name="Log in")).to_be_visible()

    def search(self, name):
        self.open("#/")
        self.heading("Catalogue")
        self.page.get_by_label("Search products").fill(name)
        self.page.get_by_role("button", name="Search").click()
        self.heading(f"Products matching “{name}”")
        expect(self.page.locator("main [aria-busy=false]")).to_be_visible()


@contextlib.contextmanager
def journey(name):
    """A fresh browser on the shop for one journey, its artefacts under build/e2e-artifacts/<name>/."""
    folder = ARTIFACTS / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    assert AXE.is_file(), f"{AXE} is missing: run deploy/local/install.sh --test"
    with chromium_page() as (page, problems):
        # Injected by the browser into every document before the page's own scripts, which the page's
        # Content-Security-Policy does not govern: the policy stays as strict as the shop serves it.
        page.add_init_script(path=str(AXE))
        trip = Journey(page, folder)
        try:
            yield trip
            assert not problems, problems
        except BaseException:
            with contextlib.suppress(Exception):
                trip.step("failed")
            with contextlib.suppress(Exception):
                (folder / "failed-page.html").write_text(page.content(), encoding="utf-8")
            (folder / "console.log").write_text("\n".join(trip.console) + "\n", encoding="utf-8")
            raise
