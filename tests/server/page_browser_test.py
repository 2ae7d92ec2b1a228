"""The search page in a real browser (headless Chromium through Selenium).

Starts `portalkb serve --demo` on a free loopback port over a small index
and drives the page as a visitor: typing, completions, results with
highlighted snippets, facets, the principal switcher, feedback, the UI
language, and no errors in the browser console (the page's Content Security
Policy would report inline assets loaded from elsewhere).

Needs chromium, chromium-driver and python3-selenium (scripts/setup.sh); the
tests are skipped, saying so, when they are missing.
"""
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time

import pytest

CLI = os.environ.get("PORTALKB_CLI", "build/cli/portalkb")
# Where the screenshots go (ctest sets it to <build>/screenshots).
STATE = {}  # what the server fixture made (the index directory)
SHOTS = os.environ.get("PORTALKB_SCREENSHOT_DIR", os.path.join(tempfile.gettempdir(), "portalkb-screenshots"))


def screenshot(driver, name):
    os.makedirs(SHOTS, exist_ok=True)
    path = os.path.join(SHOTS, name + ".png")
    assert driver.save_screenshot(path), path
    with open(path, "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n", path
    return path

try:
    from selenium import webdriver
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait
    from selenium.webdriver.support.ui import Select
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
except ImportError:  # pragma: no cover
    webdriver = None

DOCS = [
    {"id": "inv-en", "type": "article", "title": "Download an invoice", "lang": "en", "tags": ["invoice"],
     "category": "Billing/Invoices", "visibility": ["public"], "body": "Open Billing and download the invoice as PDF."},
    {"id": "inv-nl", "type": "article", "title": "Factuur downloaden", "lang": "nl", "tags": ["invoice"],
     "category": "Billing/Invoices", "visibility": ["public"], "body": "Download uw invoice als PDF."},
    {"id": "inv-acme", "type": "document", "title": "Acme invoice agreement", "lang": "en", "tags": ["contract"],
     "category": "Contracts", "visibility": ["org:acme"], "body": "The invoice terms agreed with Acme."},
] + [
    # More than a page of them: "router firmware" then has page buttons, and
    # weak hits (no router article mentions firmware).
    {"id": f"router-{i}", "type": "article", "title": f"Restart router model {i}", "lang": "en", "tags": ["network"],
     "category": "Network", "visibility": ["public"], "body": f"Unplug the router model {i} and restart it."}
    for i in range(12)
]


@pytest.fixture(scope="module")
def server():
    if webdriver is None or not shutil.which("chromium") or not shutil.which("chromedriver"):
        pytest.skip("chromium, chromium-driver or python3-selenium is not installed (see scripts/setup.sh)")
    tmp = tempfile.mkdtemp(prefix="portalkb-page-")
    docs = os.path.join(tmp, "docs.jsonl")
    with open(docs, "w", encoding="utf-8") as f:
        for d in DOCS:
            f.write(json.dumps(d) + "\n")
    db = os.path.join(tmp, "db")
    subprocess.run([CLI, "index", "--db", db, docs], check=True, capture_output=True)
    log_path = os.path.join(tmp, "serve.log")
    log = open(log_path, "w", encoding="utf-8")
    proc = subprocess.Popen([CLI, "serve", "--db", db, "--listen", "127.0.0.1:0", "--demo"], stderr=log)
    port = None
    for _ in range(300):
        m = re.search(r"listening on http://127\.0\.0\.1:(\d+)/", open(log_path, encoding="utf-8").read())
        if m:
            port = int(m.group(1))
            break
        time.sleep(0.02)
    assert port, open(log_path, encoding="utf-8").read()
    STATE["db"] = db
    yield f"http://127.0.0.1:{port}/"
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=20) == 0
    log.close()
    shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture()
def browser(server):
    options = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1200,900", "--lang=en-US"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options)
    driver.get(server)
    yield driver
    driver.quit()


def wait(driver, condition, timeout=20):
    # The page re-renders as results arrive: an element found a moment ago
    # may be gone, which only means "look again".
    return WebDriverWait(driver, timeout, ignored_exceptions=(StaleElementReferenceException,
                                                             NoSuchElementException)).until(lambda d: condition(d))


def titles(driver):
    return driver.execute_script(
        "return [...document.querySelectorAll('ol#results a.title')].map(a => a.textContent)")


def toggle_facet(driver, value):
    return driver.execute_script(
        "const l = [...document.querySelectorAll('aside label')].find(l => l.firstChild.nextSibling"
        " && l.firstChild.nextSibling.textContent === arguments[0]);"
        "if (!l) return false; l.querySelector('input').click(); return true;", value)


def type_query(driver, text):
    box = driver.find_element(By.ID, "q")
    box.clear()
    box.send_keys(text)


def test_a_misspelt_query_finds_its_articles(browser):
    type_query(browser, "invocie downlaod")
    wait(browser, lambda d: "Download an invoice" in titles(d))
    assert browser.find_elements(By.CSS_SELECTOR, "ol#results .snippet mark"), "the matched words are highlighted"
    wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "aside label")) > 0)
    screenshot(browser, "desktop")


def test_search_as_you_type_shows_highlighted_results_and_completions(browser):
    assert "Demo mode" in browser.find_element(By.ID, "demo-banner").text
    type_query(browser, "invo")
    wait(browser, lambda d: len(titles(d)) == 2)
    marks = browser.find_elements(By.CSS_SELECTOR, "ol#results .snippet mark")
    assert marks, "snippets highlight matched words"
    assert browser.find_element(By.ID, "status").text == "2 results"
    wait(browser, lambda d: d.find_element(By.ID, "suggestions").is_displayed())
    options = browser.find_elements(By.CSS_SELECTOR, "#suggestions li[role=option]")
    assert any("invoice" in o.text.lower() for o in options)
    # Keyboard: down to the first completion, Enter searches it.
    box = browser.find_element(By.ID, "q")
    first = options[0].text
    box.send_keys(Keys.ARROW_DOWN)
    assert options[0].get_attribute("aria-selected") == "true"
    assert box.get_attribute("aria-activedescendant") == options[0].get_attribute("id")
    box.send_keys(Keys.ENTER)
    wait(browser, lambda d: not d.find_element(By.ID, "suggestions").is_displayed())
    assert box.get_attribute("value") == first


def test_facets_filter_and_principals_change_what_is_seen(browser):
    type_query(browser, "invoice")
    wait(browser, lambda d: len(titles(d)) == 2)
    assert "Acme invoice agreement" not in titles(browser)
    # Facet: Dutch only, then all again.
    wait(browser, lambda d: toggle_facet(d, "nl"))
    wait(browser, lambda d: titles(d) == ["Factuur downloaden"])
    wait(browser, lambda d: toggle_facet(d, "nl"))
    wait(browser, lambda d: len(titles(d)) == 2)
    # The Acme customer sees the Acme document.
    Select(browser.find_element(By.ID, "principal")).select_by_visible_text("Customer of Acme")
    wait(browser, lambda d: "Acme invoice agreement" in titles(d))
    # ... and it disappears again for an anonymous visitor.
    Select(browser.find_element(By.ID, "principal")).select_by_visible_text("Anonymous visitor")
    wait(browser, lambda d: len(titles(d)) == 2 and "Acme invoice agreement" not in titles(d))


def test_feedback_support_and_language(browser):
    type_query(browser, "invoice")
    wait(browser, lambda d: len(titles(d)) == 2)
    # "Yes": the feedback report lists every article voted on, helpful votes too.
    browser.find_elements(By.CSS_SELECTOR, "ol#results .helpful button")[0].click()
    wait(browser, lambda d: "Thank you!" in d.find_element(By.CSS_SELECTOR, "ol#results .helpful").text)
    # The vote is in the feedback report (the server's log, read by the CLI).
    def feedback_rows():
        out = subprocess.run([CLI, "report", "feedback", "--db", STATE["db"], "--format", "json"],
                             capture_output=True, text=True, check=True).stdout
        return json.loads(out)["rows"]
    deadline = time.time() + 10
    while not feedback_rows() and time.time() < deadline:
        time.sleep(0.2)
    rows = feedback_rows()
    assert rows and rows[0]["helpful"] == 1 and rows[0]["not_helpful"] == 0, rows
    assert rows[0]["helpful_share"] == 1.0, rows
    browser.find_element(By.ID, "contact").click()
    wait(browser, lambda d: "Support has been told" in d.find_element(By.ID, "support").text)
    Select(browser.find_element(By.ID, "ui-lang")).select_by_value("nl")
    assert browser.find_element(By.ID, "t-title").text == "Zoeken"
    assert browser.find_element(By.ID, "status").text == "2 resultaten"
    Select(browser.find_element(By.ID, "ui-lang")).select_by_value("sv")
    assert browser.find_element(By.ID, "t-title").text == "Sök"


def rect(driver, element_id):
    return driver.execute_script(
        "const r = document.getElementById(arguments[0]).getBoundingClientRect();"
        "return {top: r.top, bottom: r.bottom, left: r.left, right: r.right};", element_id)


def facet_checkbox(driver, value):
    return driver.execute_script(
        "return document.querySelector('#facets input[data-value=\"' + arguments[0] + '\"]');", value)


def test_desktop_keeps_the_facets_beside_the_results(browser):
    type_query(browser, "invoice")
    wait(browser, lambda d: len(titles(d)) == 2 and len(d.find_elements(By.CSS_SELECTOR, "aside label")) > 0)
    assert not browser.find_element(By.ID, "filters-toggle").is_displayed(), "no Filters button on a desktop"
    assert browser.find_element(By.ID, "facets").is_displayed()
    facets, results = rect(browser, "facets"), rect(browser, "results")
    assert facets["right"] <= results["left"], (facets, results)
    assert facets["top"] < results["bottom"] and results["top"] < facets["bottom"], "side by side, not stacked"


def test_phone_filters_button_opens_the_facets_above_the_results_and_console_is_clean(browser):
    # This replaces the test that the facets follow all results on a phone.
    browser.set_window_size(390, 844)
    type_query(browser, "invoice")
    wait(browser, lambda d: len(titles(d)) == 2 and d.find_element(By.ID, "filters-toggle").is_displayed())
    button = browser.find_element(By.ID, "filters-toggle")
    assert button.tag_name == "button" and button.text == "Filters"
    assert button.get_attribute("aria-expanded") == "false"
    assert button.get_attribute("aria-controls") == "filters"
    assert rect(browser, "filters-toggle")["bottom"] <= rect(browser, "results")["top"], "the button is above the results"
    assert not browser.find_element(By.ID, "filters").is_displayed(), "the facets wait for the button"
    # Keyboard: Enter on the button opens the panel, Tab goes into it.
    button.send_keys(Keys.ENTER)
    assert button.get_attribute("aria-expanded") == "true"
    wait(browser, lambda d: d.find_element(By.ID, "facets").is_displayed())
    assert rect(browser, "filters")["bottom"] <= rect(browser, "results")["top"], "the facets open above the results"
    button.send_keys(Keys.TAB)
    first = browser.execute_script("return document.querySelector('#facets input')")
    assert browser.switch_to.active_element == first, "focus moves from the button into the facets"
    # A value chosen by tapping filters the results and is counted on the button.
    facet_checkbox(browser, "nl").click()
    wait(browser, lambda d: titles(d) == ["Factuur downloaden"])
    wait(browser, lambda d: d.find_element(By.ID, "filters-toggle").text == "Filters (1)")
    assert browser.find_element(By.ID, "filters").is_displayed(), "the panel stays open while choosing"
    assert browser.switch_to.active_element == facet_checkbox(browser, "nl"), "focus survives the re-render"
    # Disjunctive within a field: a second language widens again, counted as 2.
    facet_checkbox(browser, "en").send_keys(Keys.SPACE)
    wait(browser, lambda d: len(titles(d)) == 2)
    wait(browser, lambda d: d.find_element(By.ID, "filters-toggle").text == "Filters (2)")
    facet_checkbox(browser, "en").send_keys(Keys.SPACE)
    wait(browser, lambda d: d.find_element(By.ID, "filters-toggle").text == "Filters (1)")
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 400, "no sideways scrolling"
    screenshot(browser, "phone")
    # The interface language names the button too.
    Select(browser.find_element(By.ID, "ui-lang")).select_by_value("sv")
    assert browser.find_element(By.ID, "filters-toggle").text == "Filter (1)"
    assert browser.find_element(By.ID, "filters").get_attribute("aria-label") == "Filter"
    Select(browser.find_element(By.ID, "ui-lang")).select_by_value("en")
    # Escape in the panel closes it and returns to the button.
    facet_checkbox(browser, "nl").send_keys(Keys.ESCAPE)
    assert browser.find_element(By.ID, "filters-toggle").get_attribute("aria-expanded") == "false"
    assert not browser.find_element(By.ID, "filters").is_displayed()
    assert browser.switch_to.active_element == browser.find_element(By.ID, "filters-toggle")
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert not errors, errors


def test_a_chosen_value_stays_in_the_panel_to_be_cleared_when_no_hit_has_it(browser):
    browser.set_window_size(390, 844)
    type_query(browser, "invoice")
    wait(browser, lambda d: d.find_element(By.ID, "filters-toggle").is_displayed())
    browser.find_element(By.ID, "filters-toggle").click()
    wait(browser, lambda d: facet_checkbox(d, "nl").is_displayed())
    facet_checkbox(browser, "nl").click()
    wait(browser, lambda d: titles(d) == ["Factuur downloaden"])
    # No hit the anonymous visitor sees has this word, so no count names "nl".
    type_query(browser, "agreement")
    wait(browser, lambda d: d.find_element(By.ID, "status").text == "No results")
    assert browser.find_element(By.ID, "filters-toggle").text == "Filters (1)"
    box = facet_checkbox(browser, "nl")
    assert box is not None and box.is_displayed() and box.is_selected(), "the chosen value can still be cleared"
    # An empty box keeps the choice, listed, as the button says.
    type_query(browser, " ")
    wait(browser, lambda d: d.find_element(By.ID, "status").text == "")
    assert browser.find_element(By.ID, "filters-toggle").text == "Filters (1)"
    box = facet_checkbox(browser, "nl")
    assert box is not None and box.is_displayed() and box.is_selected()
    box.click()
    # Nothing left to choose or clear: the button goes and the panel closes.
    wait(browser, lambda d: not d.find_element(By.ID, "filters-toggle").is_displayed())
    assert browser.find_element(By.ID, "filters-toggle").get_attribute("aria-expanded") == "false"
    assert not browser.find_element(By.ID, "filters").is_displayed()
    assert browser.switch_to.active_element == browser.find_element(By.ID, "q"), "focus is not lost"


def test_phone_completions_leave_the_status_line_visible(browser):
    browser.set_window_size(390, 844)
    type_query(browser, "invo")
    wait(browser, lambda d: d.find_element(By.ID, "suggestions").is_displayed()
         and len(d.find_elements(By.CSS_SELECTOR, "#suggestions li")) > 0
         and d.find_element(By.ID, "status").text == "2 results")
    status = browser.find_element(By.ID, "status")
    assert status.is_displayed()
    covered_by = browser.execute_script("""
        const s = document.getElementById('status');
        const r = s.getBoundingClientRect();
        if (r.top < 0 || r.bottom > window.innerHeight) return 'off screen at ' + r.top + '..' + r.bottom;
        const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        return s.contains(top) ? '' : (top ? top.tagName + '#' + top.id : 'nothing');""")
    assert covered_by == "", "the open completion list hides the status line: " + covered_by
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 400, "no sideways scrolling"


def test_phone_completions_leave_the_principal_and_language_selectors_free(browser):
    browser.set_window_size(390, 844)
    type_query(browser, "invo")
    wait(browser, lambda d: d.find_element(By.ID, "suggestions").is_displayed()
         and len(d.find_elements(By.CSS_SELECTOR, "#suggestions li")) > 0)
    overlap = browser.execute_script("""
        const s = document.getElementById('suggestions').getBoundingClientRect();
        const covered = [];
        for (const id of ['principal', 'ui-lang']) {
          const e = document.getElementById(id);
          if (e.hidden) continue;
          const r = e.getBoundingClientRect();
          const x = r.left + r.width / 2, y = r.top + r.height / 2;
          const top = document.elementFromPoint(x, y);
          const overlaps = r.left < s.right && s.left < r.right && r.top < s.bottom && s.top < r.bottom;
          if (overlaps || top !== e) covered.push(id);
        }
        return covered;""")
    assert overlap == [], "the open completion list covers " + ", ".join(overlap)
    # In the flow right under the box, pushing the selectors below it.
    box, listed = rect(browser, "q"), rect(browser, "suggestions")
    assert abs(listed["top"] - box["bottom"]) <= 2, (box, listed)
    for element_id in ("principal", "ui-lang"):
        assert rect(browser, element_id)["top"] >= listed["bottom"], element_id + " is below the list"
    assert browser.find_element(By.ID, "principal").is_displayed(), "demo mode shows the principal switcher"
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 400, "no sideways scrolling"
    screenshot(browser, "phone-completions")


# The accessible names, written out (not read from the page) for a handful.
EXPECTED_NAMES = {
    "en": {"q": "Search", "suggestions": "Suggestions", "results": "Results", "pages": "Pages", "ui-lang": "Language"},
    "nl": {"q": "Zoeken", "suggestions": "Suggesties", "results": "Resultaten", "pages": "Pagina's", "ui-lang": "Taal"},
    "sv": {"q": "Sök", "suggestions": "Förslag", "results": "Träffar", "pages": "Sidor", "ui-lang": "Språk"},
}
PAGE_WORD = {"en": "Page", "nl": "Pagina", "sv": "Sida"}
ACME_CUSTOMER = {"en": "Customer of Acme", "nl": "Klant van Acme", "sv": "Kund hos Acme"}
# English names that must not remain once Dutch or Swedish is chosen (those
# the page's English table holds are added to these).
ENGLISH_NAMES = {"Search", "Suggestions", "Results", "Pages", "Language", "Search as", "API key", "partial match",
                 "Search articles and documents", "Page 1", "Page 2", "portalkb search", "Anonymous visitor",
                 "Customer of Acme"}


def page_strings(driver):
    # The page's translation table; its functions (counts, page numbers) drop out.
    return driver.execute_script("return JSON.parse(JSON.stringify(T))")


def named_elements(driver):
    return driver.execute_script("""
        const out = [];
        for (const e of document.querySelectorAll('[aria-label], [placeholder], [title]')) {
          for (const attr of ['aria-label', 'placeholder', 'title']) {
            if (!e.hasAttribute(attr)) continue;
            out.push({where: e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + e.className : ''),
                      id: e.id, cls: e.className, parent: e.parentElement.id, text: e.textContent, attr,
                      value: e.getAttribute(attr), key: e.getAttribute('data-t-' + attr)});
          }
        }
        return out;""")


@pytest.mark.parametrize("lang", ["nl", "en", "sv"])
def test_every_label_placeholder_and_title_is_in_the_chosen_language(browser, lang):
    type_query(browser, "router firmware")
    wait(browser, lambda d: len(titles(d)) == 10 and d.find_elements(By.CSS_SELECTOR, "ol#results .weak")
         and len(d.find_elements(By.CSS_SELECTOR, "#pages button")) >= 2)
    wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#principal option")) == 5)
    if lang != "en":  # en is what the browser asks for, so already chosen
        Select(browser.find_element(By.ID, "ui-lang")).select_by_value(lang)
    screenshot(browser, "labels-" + lang)
    strings = page_strings(browser)
    table = strings[lang]
    for other in strings:
        assert set(strings[other]) == set(strings["en"]), f"{other} and en name different strings"
        for nested in ("facet", "principals"):
            assert set(strings[other][nested]) == set(strings["en"][nested]), (other, nested)
    assert browser.execute_script("return document.documentElement.lang") == lang
    assert browser.title == table["pagetitle"]

    named = named_elements(browser)
    unaccounted = []
    for e in named:
        where = e["where"] + " " + e["attr"]
        if e["key"]:
            assert e["key"] in table, where + " names a string the table lacks: " + e["key"]
            assert e["value"] == table[e["key"]], where
        elif e["cls"] == "weak" and e["attr"] == "title":
            assert e["value"] == table["weak"], where
        elif e["parent"] == "pages" and e["attr"] == "aria-label" and e["text"].isdigit():
            assert e["value"] == PAGE_WORD[lang] + " " + e["text"], where
        else:
            unaccounted.append(where + " = " + e["value"])
    assert not unaccounted, "not translated through the page's table: " + ", ".join(unaccounted)
    # Every kind is there, so none of the checks above passed for want of it.
    ids = {e["id"] for e in named}
    assert {"q", "suggestions", "principal", "key", "ui-lang", "filters", "results", "pages"} <= ids, ids
    assert any(e["cls"] == "weak" for e in named) and sum(e["parent"] == "pages" for e in named) >= 2
    by_id = {e["id"]: e["value"] for e in named if e["attr"] == "aria-label" and e["id"]}
    for element_id, name in EXPECTED_NAMES[lang].items():
        assert by_id[element_id] == name, element_id
    section = [e["value"] for e in named if e["where"] == "section" and e["attr"] == "aria-label"]
    assert section == [EXPECTED_NAMES[lang]["results"]], section
    for e in browser.find_elements(By.CSS_SELECTOR, "[data-t]"):
        assert e.get_attribute("textContent") == table[e.get_attribute("data-t")], e.get_attribute("data-t")
    principals = browser.execute_script("return [...document.querySelectorAll('#principal option')].map(o => o.text)")
    assert ACME_CUSTOMER[lang] in principals, principals

    if lang != "en":
        english = set(ENGLISH_NAMES)
        english |= {v for k, v in strings["en"].items() if isinstance(v, str) and table[k] != v}
        english |= {v for k, v in strings["en"]["principals"].items() if table["principals"][k] != v}
        left = [e["where"] + " " + e["attr"] + " = " + e["value"] for e in named if e["value"] in english]
        left += ["#principal option " + p for p in principals if p in english]
        assert not left, "still English: " + ", ".join(left)

    # The hits keep their own language whatever the interface's.
    type_query(browser, "invoice")
    wait(browser, lambda d: sorted(titles(d)) == ["Download an invoice", "Factuur downloaden"])
    langs = browser.execute_script(
        "return Object.fromEntries([...document.querySelectorAll('ol#results a.title')].map(a => [a.textContent, a.lang]))")
    assert langs == {"Download an invoice": "en", "Factuur downloaden": "nl"}, langs
    assert browser.execute_script("return document.documentElement.lang") == lang


def header_controls_on_screen(driver):
    """The header's displayed controls in reading order: rows top to bottom, each left to right."""
    boxes = driver.execute_script("""
        return [...document.querySelectorAll('header input, header select, header button, header a, header [tabindex]')]
          .filter(e => e.getClientRects().length > 0)
          .map(e => { const r = e.getBoundingClientRect();
                      return {id: e.id, top: r.top, bottom: r.bottom, left: r.left}; });""")
    rows = []
    for b in sorted(boxes, key=lambda b: (b["top"], b["left"])):
        middle = (b["top"] + b["bottom"]) / 2
        if rows and rows[-1][0]["top"] <= middle <= rows[-1][0]["bottom"]:
            rows[-1].append(b)
        else:
            rows.append([b])
    return [b["id"] for row in rows for b in sorted(row, key=lambda b: b["left"])]


def header_tab_order(driver):
    # Tab from a stop put before everything, until focus leaves the header.
    driver.execute_script(
        "const s = document.createElement('span'); s.id = 'tab-start'; s.tabIndex = 0;"
        "document.body.prepend(s); s.focus();")
    order = []
    for _ in range(12):
        ActionChains(driver).send_keys(Keys.TAB).perform()
        active = driver.switch_to.active_element
        if not driver.execute_script("return document.querySelector('header').contains(arguments[0])", active):
            break
        order.append(active.get_attribute("id"))
    return order


WIDTHS = {"desktop": (1200, 900), "phone": (390, 844)}


@pytest.mark.parametrize("width", WIDTHS)
def test_tab_order_of_the_header_follows_the_screen(browser, width):
    # Replaces the phone-only test, whose markup had the box last on a phone
    # and, by CSS order, first on a desktop, so desktop Tab went principal,
    # language, box (WCAG 2.4.3).
    browser.set_window_size(*WIDTHS[width])
    wait(browser, lambda d: d.find_element(By.ID, "principal").is_displayed())
    on_screen = header_controls_on_screen(browser)
    assert on_screen == ["q", "principal", "ui-lang"], on_screen
    reordered = browser.execute_script(
        "return [...document.querySelectorAll('header, header *')]"
        ".filter(e => getComputedStyle(e).order !== '0').map(e => e.tagName + '#' + e.id)")
    assert reordered == [], "CSS order moves " + ", ".join(reordered)
    if width == "phone":
        title, box, principal, lang = (rect(browser, i) for i in ("t-title", "q", "principal", "ui-lang"))
        assert title["bottom"] <= box["top"], "the title is on a row above the box"
        assert box["bottom"] <= principal["top"] and box["bottom"] <= lang["top"], "the selectors are below the box"
        header_width = browser.execute_script("return document.querySelector('header').clientWidth")
        assert box["right"] - box["left"] >= header_width - 2 * 16, "the box has a full-width row"
        assert browser.execute_script("return document.documentElement.scrollWidth") <= 400, "no sideways scrolling"
        screenshot(browser, "phone-header")
    assert header_tab_order(browser) == on_screen


def test_desktop_header_keeps_the_search_box_beside_the_title(browser):
    wait(browser, lambda d: d.find_element(By.ID, "principal").is_displayed())
    title, box, principal, lang = (rect(browser, i) for i in ("t-title", "q", "principal", "ui-lang"))
    assert title["right"] <= box["left"] and box["right"] <= principal["left"] and principal["right"] <= lang["left"]
    for r in (title, principal, lang):
        assert r["top"] < box["bottom"] and box["top"] < r["bottom"], "one row"
    screenshot(browser, "desktop-header")
