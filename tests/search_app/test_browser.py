"""A real browser (headless Chromium driven by Playwright) against the real WSGI server.

Needs Debian's ``chromium`` (``apt-get install chromium``; ``.ci/run`` installs it) or a
browser named by ``$BULLETINS_CHROMIUM``. Screenshots go to a temporary folder, or to
``--screenshots DIR`` (``docs/screenshots`` holds the ones the README shows).
"""

from __future__ import annotations

import os
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

playwright = pytest.importorskip("playwright.sync_api", reason="pip install -e '.[dev]'")
waitress = pytest.importorskip("waitress")

BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> str | None:
    named = os.environ.get("BULLETINS_CHROMIUM")
    if named:
        return named
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _served(app: Flask) -> Iterator[str]:
    """``app`` served by waitress on a free port, for as long as the fixture lasts."""
    server = waitress.create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    server.close()


@pytest.fixture(scope="module")
def base_url(app: Flask) -> Iterator[str]:
    yield from _served(app)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    path = chromium_path()
    if path is None:
        pytest.skip("No Chromium found: apt-get install chromium (or set $BULLETINS_CHROMIUM)")
    with playwright.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=path, args=BROWSER_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def shots(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    chosen = request.config.getoption("--screenshots")
    folder = Path(chosen) if chosen else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.slow
def test_search_filter_open_article_and_pdf(browser: object, base_url: str, shots: Path) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    page.goto(base_url + "/")
    page.get_by_label("Search articles").fill("county lines OR exploitation")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"q=county"))
    first = page.locator("li.hit h3 a").first
    assert first.inner_text() == "Op GUARDIAN"
    assert page.locator("li.hit .snippet mark").count() > 0

    # a facet value adds its filter, and the state is in the URL
    unfiltered = page.url
    page.locator(".facet a", has_text="County lines").first.click()
    page.wait_for_url(re.compile(r"theme=county-lines"))
    assert page.locator(".active .chip").filter(has_text="County lines").count() == 1
    assert page.locator("li.hit").count() == 1
    page.screenshot(path=str(shots / "search.png"))
    page.go_back()
    page.wait_for_url(unfiltered)
    assert page.locator(".active").count() == 0

    # open the article: query words highlighted, PDF link at its first page
    page.go_forward()
    page.locator("li.hit h3 a", has_text="Op GUARDIAN").click()
    page.wait_for_url(re.compile(r"/articles/"))
    assert page.locator("h1").inner_text() == "Op GUARDIAN"
    assert page.locator(".body mark").count() >= 2
    page.screenshot(path=str(shots / "article.png"))
    pdf_link = page.get_by_role("link", name=re.compile("Open the original PDF at page 19"))
    with page.expect_response(re.compile(r"/pdf$")) as response:
        pdf_link.click()
    assert response.value.status == 200
    assert response.value.headers["content-type"] == "application/pdf"
    assert page.url.endswith("/pdf#page=19")
    page.close()


def test_entity_page_and_keyboard(browser: object, base_url: str, shots: Path) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    page.goto(base_url + "/entities/region/wales")
    assert page.locator("svg.timeline rect").count() >= 1
    page.screenshot(path=str(shots / "entity.png"))
    page.goto(base_url + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused.strip() == "Skip to content"  # first stop: the skip link, and it is shown
    assert page.locator(".skip").bounding_box()["x"] >= 0  # type: ignore[index]
    page.close()


def test_phone_layout(browser: object, base_url: str, shots: Path) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844})  # type: ignore[attr-defined]
    page.goto(base_url + "/?q=fraud")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "no sideways scrolling on a phone"
    assert page.locator("li.hit").count() >= 1
    page.screenshot(path=str(shots / "phone.png"))
    page.close()


@pytest.mark.slow
def test_a_question_its_offered_filter_and_where_the_name_is(
    browser: object, base_url: str, shots: Path
) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    page.goto(base_url + "/")
    page.get_by_label("Search articles").fill("what has been done on county lines in wales?")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"q=what"))
    assert page.locator("li.hit h3 a").first.inner_text() == "Op GUARDIAN"
    notice = page.locator(".how-searched").inner_text()
    assert "left out: what, has, been, done, on, in" in notice
    # the names recognised are offered as filters, not applied
    assert page.locator(".active").count() == 0
    page.locator(".offers a", has_text="Wales").click()
    page.wait_for_url(re.compile(r"region=wales"))
    assert page.locator(".active .chip").filter(has_text="Wales").count() == 1
    page.screenshot(path=str(shots / "question.png"))
    page.locator("li.hit h3 a", has_text="Op GUARDIAN").click()
    page.wait_for_url(re.compile(r"/articles/.*region=wales"))
    page.goto(page.url.replace("region=wales", "agency=south-wales-police"))
    assert page.locator("mark.named").count() == 3
    assert "South Wales Police" in page.locator(".named-at").inner_text()
    page.close()


@pytest.mark.slow
def test_a_result_opens_its_page_with_the_words_outlined(
    browser: object, base_url: str, shots: Path
) -> None:
    """From a result to the page its words are printed on (not the article's first): the
    page's image with the words outlined, then the next page, without JavaScript."""
    context = browser.new_context(java_script_enabled=False)  # type: ignore[attr-defined]
    page = context.new_page()
    page.set_viewport_size({"width": 1280, "height": 1100})
    page.goto(base_url + "/?q=brothels+arrests")
    hit = page.locator("li.hit", has_text="Metropolitan Police Service")
    with page.expect_response(re.compile(r"/pages/15\.png\?v=\w+$")) as image:
        hit.get_by_role("link", name=re.compile("Matched on page 15")).click()
    assert image.value.status == 200 and image.value.headers["content-type"] == "image/png"
    assert page.locator("h1").inner_text().startswith("Page 15 of 20")
    marks = page.locator("figure.printed-page svg rect.page-mark")
    assert marks.count() >= 2
    box = page.locator("figure.printed-page svg").bounding_box()
    first = marks.first.bounding_box()
    assert box and first and box["x"] <= first["x"] < box["x"] + box["width"]
    page.locator(".page-text mark").first.scroll_into_view_if_needed()
    page.locator("h1").scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "page-view.png"))
    page.get_by_role("link", name=re.compile("Next page")).click()
    page.wait_for_url(re.compile(r"/pages/16\?"))
    assert page.locator("h1").inner_text().startswith("Page 16 of 20")
    context.close()


REFLOW_PAGES = (
    "/",
    "/?q=what+has+been+done+on+county+lines+in+wales%3F",
    "/articles/soc-local-partnerships-bulletin-07:14?agency=south-wales-police&q=workshop",
    "/entities",
    "/entities/region/wales",
    "/editions",
    "/publications/soc-local-partnerships-bulletin",
    "/status",
    "/editions/soc-local-partnerships-bulletin-07/pages/19?q=county+lines"
    "&article=soc-local-partnerships-bulletin-07:14",
)


@pytest.mark.slow
@pytest.mark.parametrize("width", [320, 390])
def test_every_page_reflows_without_sideways_scrolling(
    browser: object, base_url: str, width: int
) -> None:
    """WCAG 2.2, 1.4.10: at 320 CSS pixels wide, nothing makes the page wider than the screen
    (a table too wide scrolls in its own box)."""
    page = browser.new_page(viewport={"width": width, "height": 800})  # type: ignore[attr-defined]
    wide = {}
    for path in REFLOW_PAGES:
        page.goto(base_url + path)
        scroll = page.evaluate("document.documentElement.scrollWidth")
        if scroll > width:
            wide[path] = scroll
    page.close()
    assert wide == {}, f"wider than {width} px: {wide}"


@pytest.fixture(scope="module")
def riverside_url(riverside_app: Flask) -> Iterator[str]:
    yield from _served(riverside_app)


def test_the_results_chart_over_editions(browser: object, riverside_url: str, shots: Path) -> None:
    """An archive of three (fictional) editions: the matches per year as bars, each a link
    that narrows the search to its year, and their figures in a table."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    page.goto(riverside_url + "/?q=cardiff+OR+slavery")
    bars = page.locator("figure.over-time svg rect.bar")
    assert bars.count() == 3
    page.screenshot(path=str(shots / "results-over-time.png"))
    page.locator("figure.over-time svg a").nth(1).click()
    page.wait_for_url(re.compile(r"year=2019"))
    assert page.locator(".active .chip").filter(has_text="2019").count() == 1
    assert page.locator("li.hit").count() == 2  # the 2019 edition's Cardiff and slavery articles
    page.close()


AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture(scope="module")
def publications_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A (fictional) archive of two publications, each with its licence."""
    from tests.search_app.test_publications import TWO_TABLES, publications_app

    yield from _served(publications_app(tmp_path_factory.mktemp("publications"), TWO_TABLES))


@pytest.mark.slow
def test_no_accessibility_violations_on_any_page(
    browser: object, base_url: str, riverside_url: str, publications_url: str
) -> None:
    """axe-core (WCAG 2.2 A and AA rules) finds nothing on any page, at desktop and phone
    widths: the shipped edition's pages and a multi-edition archive's results chart."""
    axe_module = pytest.importorskip("axe_playwright_python.sync_playwright")
    axe = axe_module.Axe()
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    found: dict[str, list[str]] = {}
    urls = [base_url + path for path in REFLOW_PAGES] + [riverside_url + "/?q=cardiff+OR+slavery"]
    several = ("/?q=fraud", "/editions", "/publications/riverside")  # of several publications
    urls += [publications_url + path for path in several]
    for width in (1280, 390):
        page = browser.new_page(viewport={"width": width, "height": 900})  # type: ignore[attr-defined]
        for url in urls:
            page.goto(url)
            results = axe.run(page, options=options).response["violations"]
            if results:
                found[f"{url} at {width} px"] = [
                    f"{v['id']}: {v['help']} ({len(v['nodes'])}: {v['nodes'][0]['target']})"
                    for v in results
                ]
        page.close()
    assert found == {}
