"""feedback.html and report.html as people see them: Debian's headless Chromium opens the pages
``course grade`` wrote for a tiny class, offline, and checks what a student and an instructor
look for, located by headings, links and images rather than by CSS.

The class: one student hands in the reference solutions, one (with a Korean name, so the links
are URL-quoted) gets one exercise wrong and leaves two out. The Korean text must be drawn by a
CJK font (fonts-noto-cjk), not as empty boxes: Chromium's DevTools protocol says which platform
font drew each element's glyphs. Full-page screenshots go to ``REPORTS_ARTIFACTS`` (default
``test-artifacts/reports/``). ``.ci/run`` installs Chromium and the fonts; the tests skip, saying
why, only where Chromium or Playwright is missing. A missing font fails them.
"""

from __future__ import annotations

import io
import math
import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlparse

import pytest
import yaml
from PIL import Image

from grader.course.exercises import EXERCISE_IDS
from grader.reports.common import text
from grader.reports.plots import CLASS_COLORS
from tests.batch_helpers import (
    ROOT,
    XDIST_WORKER,
    course_file,
    load,
    run_grade,
    solution,
    write_class,
)
from tests.chromium import CHROMIUM, CHROMIUM_ARGS, NOT_INSTALLED

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, Locator, Page

UID_BASE = 68000 + 100 * XDIST_WORKER
LANGUAGE = "ko"
T = text(LANGUAGE)
REFERENCE, PARTIAL = "reference", "김민준"
WRONG = "ex04_gradient_tape"  # PARTIAL's answer forgets tape.watch
MISSING = ("ex05_second_order", "ex07_devices")  # PARTIAL hands these in not at all
PLOTTED = "ex06_linear_classifier"
CJK_FAMILY = re.compile(r"CJK|Noto Sans KR|Noto Serif KR")
NUMBER = re.compile(r"\d+(?:\.\d+)?")

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group(name="browser_reports")]


def missing_browser() -> str | None:
    if not CHROMIUM.exists():
        return NOT_INSTALLED
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed: pip install -e '.[hub]'"
    return None


def _artifacts() -> Path:
    folder = Path(os.environ.get("REPORTS_ARTIFACTS", ROOT / "test-artifacts" / "reports"))
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def _class(subs: Path) -> None:
    everything = {exercise: solution(exercise) for exercise in EXERCISE_IDS}
    partial = {e: s for e, s in everything.items() if e not in MISSING}
    partial[WRONG] = everything[WRONG].replace("        tape.watch(x)\n", "        pass\n")
    assert partial[WRONG] != everything[WRONG], "the wrong answer must differ from the solution"
    write_class(subs, {REFERENCE: everything, PARTIAL: partial})


@dataclass
class Graded:
    out: Path
    artifacts: Path
    results: dict[str, dict[str, Any]]


@dataclass
class Opened:
    """A page after loading, with everything it asked for and complained about."""

    page: Page
    requests: list[str]
    errors: list[str]

    def console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(message.text)


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> Graded:
    reason = missing_browser()
    if reason:
        pytest.skip(reason)
    tmp = tmp_path_factory.mktemp("browser-reports")
    _class(tmp / "subs")
    course = course_file(tmp / "course", UID_BASE)
    data = yaml.safe_load(course.read_text(encoding="utf-8"))
    data["course"]["language"] = LANGUAGE
    course.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = run_grade(tmp / "subs", tmp / "out", course, cwd=tmp)
    assert result.returncode == 0, result.stderr[-3000:]
    results = {student: load(tmp / "out", student) for student in (REFERENCE, PARTIAL)}
    assert results[REFERENCE]["score"] == results[REFERENCE]["max_score"]
    assert results[PARTIAL]["score"] < results[PARTIAL]["max_score"]
    artifacts = _artifacts()
    print(f"\nreport screenshots: {artifacts}")
    return Graded(tmp / "out", artifacts, results)


@pytest.fixture(scope="module")
def browser(graded: Graded) -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def open_page(browser: Browser, graded: Graded) -> Iterator[Any]:
    """Opens a page offline, keeps what it requested and every console error, and saves a
    full-page screenshot under ``name``."""
    contexts = []

    def opener(path: Path, name: str) -> Opened:
        context = browser.new_context(offline=True, viewport={"width": 1100, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        opened = Opened(page, [], [])
        page.on("request", lambda request: opened.requests.append(request.url))
        page.on("console", opened.console)
        page.on("pageerror", lambda error: opened.errors.append(str(error)))
        page.goto(path.as_uri(), wait_until="load")
        page.screenshot(path=str(graded.artifacts / f"{name}.png"), full_page=True)
        return opened

    yield opener
    for context in contexts:
        context.close()


# ------------------------------------------------------------------ what every page must do
def assert_offline_and_quiet(opened: Opened, path: Path) -> None:
    """The pages are opened from disk, often with no network: nothing may be fetched but the
    page itself and inline data, and nothing may go wrong in the console."""
    elsewhere = [u for u in opened.requests if u != path.as_uri() and not u.startswith("data:")]
    assert not elsewhere, f"{path.name} loads from elsewhere: {elsewhere}"
    assert not opened.errors, f"console errors on {path.name}: {opened.errors}"


# Every rendered element whose own text has Hangul syllables, numbered for DOM.querySelector.
_MARK_HANGUL = """() => {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const counts = new Map();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const syllables = (node.data.match(/[\\uac00-\\ud7a3]/g) || []).length;
    const element = node.parentElement;
    if (!syllables || !element.getClientRects().length) continue;
    counts.set(element, (counts.get(element) || 0) + syllables);
  }
  return [...counts].map(([element, syllables], index) => {
    element.setAttribute("data-hangul-probe", index);
    return [element.textContent.trim().slice(0, 60), syllables];
  });
}"""


def assert_hangul_drawn_by_cjk_font(page: Page) -> int:
    """Chromium draws a syllable no installed font has as an empty box, with the fallback
    font's .notdef glyph: so every element's Hangul must have come from a CJK font.
    ``CSS.getPlatformFontsForNode`` counts the glyphs each platform font drew for an element
    (its descendants included), which must cover the element's own syllables."""
    marked = page.evaluate(_MARK_HANGUL)
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    boxes = []
    for index, (shown, syllables) in enumerate(marked):
        selector = f'[data-hangul-probe="{index}"]'
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
        cjk = sum(f["glyphCount"] for f in fonts if CJK_FAMILY.search(f["familyName"]))
        if cjk < syllables:
            boxes.append((shown, syllables, [(f["familyName"], f["glyphCount"]) for f in fonts]))
    cdp.detach()
    assert not boxes, (
        f"{len(boxes)} of {len(marked)} elements with Hangul not drawn by a CJK font "
        f"(install fonts-noto-cjk): {boxes[:5]}"
    )
    return len(marked)


def section(heading: Locator) -> dict[str, Any]:
    """What follows a heading up to the next heading of its level or above: the reports are
    flat lists of headings and blocks."""
    return heading.evaluate(
        """(heading) => {
          const level = Number(heading.tagName.slice(1));
          const blocks = [];
          for (let e = heading.nextElementSibling; e; e = e.nextElementSibling) {
            if (/^H[1-6]$/.test(e.tagName) && Number(e.tagName.slice(1)) <= level) break;
            blocks.push(e);
          }
          const inside = (selector) => blocks.flatMap(
            (b) => [...(b.matches(selector) ? [b] : []), ...b.querySelectorAll(selector)]);
          return {
            text: blocks.map((b) => b.innerText).join("\\n"),
            rows: inside("tbody tr").map((r) => r.innerText),
            links: inside("a[href]").map((a) => [a.innerText.trim(), a.href]),
            headings: inside("h3, h4").map((h) => h.innerText.trim()),
          };
        }"""
    )


def heading(page: Page, name: str | re.Pattern[str], level: int) -> Locator:
    found = page.get_by_role("heading", name=name, level=level)
    assert found.count() == 1, f"expected one heading {name!r} (h{level}), found {found.count()}"
    return found


def local_file(url: str) -> Path:
    parsed = urlparse(url)
    assert parsed.scheme == "file", url
    return Path(unquote(parsed.path))


def numbers(shown: str) -> list[float]:
    return [float(n) for n in NUMBER.findall(shown)]


def shows_number(shown: str, value: float) -> bool:
    return any(math.isclose(n, value, abs_tol=0.01) for n in numbers(shown))


def pixels_by_colour(figure: Locator) -> dict[str, int]:
    """How much of each colour the figure shows on screen, whatever it is made of (SVG, a
    PNG): what a student sees, not how it was drawn."""
    shot = Image.open(io.BytesIO(figure.screenshot())).convert("RGB")
    counts = shot.getcolors(maxcolors=shot.width * shot.height) or []
    return {"#" + bytes(rgb).hex(): n for n, rgb in counts}


# ------------------------------------------------------------------ feedback.html
@pytest.mark.parametrize("student", [REFERENCE, PARTIAL], ids=["reference", "partial"])
def test_feedback_page_in_chromium(
    graded: Graded, open_page, student: str, request: pytest.FixtureRequest
) -> None:
    path = graded.out / student / "feedback.html"
    opened = open_page(path, f"feedback-{request.node.callspec.id}")
    page, results = opened.page, graded.results[student]
    assert_offline_and_quiet(opened, path)
    assert student in page.title()

    # the header: whose page it is and the total out of the maximum, before any exercise
    title = heading(page, re.compile(re.escape(T["feedback_title"])), 1)
    assert student in title.inner_text()
    header = title.inner_text() + section(title)["text"].split(EXERCISE_IDS[0])[0]
    assert shows_number(header, results["score"]), header
    assert shows_number(header, results["max_score"]), header

    for exercise in EXERCISE_IDS:
        # the overview links to the exercise's own section
        assert page.locator(f"a[href='#{exercise}']").count() >= 1, exercise
        target = page.locator(f"[id='{exercise}']")
        assert target.evaluate("e => e.tagName") == "H2", exercise

        shown = section(heading(page, re.compile(rf"^{exercise}\b"), 2))
        tests = [t for t in results["tests"] if t["extra_data"]["exercise"] == exercise]
        assert tests, exercise
        for test in tests:  # one row per test, with its title
            title_text = test["extra_data"]["title"]
            assert any(title_text in row for row in shown["rows"]), (exercise, title_text)
        failed = [t for t in tests if t.get("status") == "failed"]
        hints = [t["output"].strip() for t in failed if not t["extra_data"]["hidden"]]
        if hints:  # what went wrong is said in the section of the exercise
            assert any(hint and hint in shown["text"] for hint in hints), (
                exercise,
                hints[0],
                shown["text"][:2000],
            )
        if exercise == PLOTTED:
            assert T["plot_title"] in shown["headings"]

    # the decision boundary: a drawn figure, inside the section of the exercise it belongs to
    plot_heading = heading(page, T["plot_title"], 3)
    figure = plot_heading.locator("xpath=following-sibling::*[@role='img'][1]")
    assert figure.is_visible()
    box = figure.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 150, box
    drawn = pixels_by_colour(figure)
    for colour in CLASS_COLORS:  # the points of both classes are on screen
        assert drawn.get(colour, 0) > 100, (colour, sorted(drawn.items(), key=lambda c: -c[1])[:5])

    heading(page, T["details"], 2)
    assert assert_hangul_drawn_by_cjk_font(page) > 10


# ------------------------------------------------------------------ report.html
def test_class_report_in_chromium(graded: Graded, open_page) -> None:
    path = graded.out / "report.html"
    opened = open_page(path, "report")
    page = opened.page
    assert_offline_and_quiet(opened, path)
    assert T["class_title"] in page.title()

    # title and when it was made
    title = heading(page, re.compile(re.escape(T["class_title"])), 1)
    stamp = page.locator("time")
    assert stamp.count() == 1 and re.search(r"\d{4}-\d{2}-\d{2}", stamp.inner_text())
    assert T["generated"] in section(title)["text"]

    # the table of contents: every entry leads to a heading of that name on the page
    contents = page.get_by_role("navigation", name=T["contents"])
    entries = contents.get_by_role("link")
    assert entries.count() >= 6
    for entry in entries.all():
        href = entry.get_attribute("href") or ""
        assert href.startswith("#"), href
        target = page.locator(f"[id='{href[1:]}']")
        assert target.count() == 1, href
        assert target.evaluate("e => e.tagName") == "H2", href
        assert target.inner_text().strip() == entry.inner_text().strip()
    for name in ("histogram", "averages", "pass_rate", "failing", "slowest", "student_list"):
        assert contents.get_by_role("link", name=T[name], exact=True).count() == 1, name

    # the score distribution: a loaded picture with both axes named in text
    chart = section(heading(page, T["histogram"], 2))
    image = page.get_by_role("img", name=T["histogram_alt"])
    assert image.count() == 1
    assert image.evaluate("i => i.complete && i.naturalWidth > 0 && i.naturalHeight > 0")
    box = image.bounding_box()
    assert box and box["width"] > 200 and box["height"] > 100, box
    assert T["histogram_x"] in chart["text"] and T["histogram_y"] in chart["text"]

    # every student, in the list, linked to their own feedback page
    listed = section(heading(page, T["student_list"], 2))
    for student in (REFERENCE, PARTIAL):
        links = [href for shown, href in listed["links"] if shown == student]
        assert links, (student, listed["links"])
        assert {local_file(href) for href in links} == {graded.out / student / "feedback.html"}
    assert [shown for shown, _ in listed["links"]].count(T["feedback_link"]) == 2
    slowest = section(heading(page, T["slowest"], 2))
    assert {shown for shown, _ in slowest["links"]} == {REFERENCE, PARTIAL}
    failing = section(heading(page, T["failing"], 2))
    assert [shown for shown, _ in failing["links"]] == [PARTIAL]

    # and every link off the page opens a feedback page that exists, of the student named
    every = page.locator("a[href]").evaluate_all("links => links.map(a => [a.innerText, a.href])")
    outward = [(shown, href) for shown, href in every if not href.startswith(f"{path.as_uri()}#")]
    assert outward
    for shown, href in outward:
        target = local_file(href)
        assert target.is_file(), href
        assert target.name == "feedback.html" and target.parent.parent == graded.out, href
        assert shown in (T["feedback_link"], target.parent.name), (shown, href)
    assert assert_hangul_drawn_by_cjk_font(page) > 10

    # a click on a student's name opens their page
    page.get_by_role("link", name=PARTIAL, exact=True).first.click()
    page.wait_for_load_state()
    assert local_file(page.url) == graded.out / PARTIAL / "feedback.html"
    assert PARTIAL in page.get_by_role("heading", level=1).inner_text()
    assert not opened.errors, opened.errors
