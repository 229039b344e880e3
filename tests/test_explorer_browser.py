"""The explorer in a real browser: headless Chromium from the system (Debian's ``chromium`` and
``chromium-driver``) driven by Selenium; nothing is downloaded at test time.

What a person does is done here: move the slider with the keyboard, click a path's label, an
activity, a variant, a deviation, set a period; every list is checked against the generated log
(pandas, ``explorer_fixture``), and any network request the page makes fails the test (Chrome's
performance log: every ``Network.requestWillBeSent``). ``EXPLORER_SCREENSHOTS=DIR`` saves
screenshots of three slider positions and a click.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from explorer_fixture import HOSTILE, declared_yaml, explorer_log, follows_cases

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install -e '.[test]')")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

BROWSER = next(filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None)
DRIVER = shutil.which("chromedriver")
if not (BROWSER and DRIVER):
    pytest.skip("no system Chromium and chromedriver (apt-get install -y chromium chromium-driver)",
                allow_module_level=True)
SHOTS = os.environ.get("EXPLORER_SCREENSHOTS")


@pytest.fixture(scope="module")
def browser():
    os.environ["SE_OFFLINE"] = "true"  # never let Selenium Manager fetch a browser or driver
    options = webdriver.ChromeOptions()
    options.binary_location = BROWSER
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1300,1100",
                "--disable-background-networking", "--no-first-run"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    driver = webdriver.Chrome(service=webdriver.ChromeService(DRIVER), options=options)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """A report of a generated log compared with its declared main path."""
    import miner

    folder = tmp_path_factory.mktemp("explorer")
    (folder / "declared.yaml").write_text(declared_yaml(), encoding="utf-8")
    log = explorer_log(600, activities=14, seed=23)  # a small full overlay: dot lays it out quickly
    miner.report(log, folder / "out", declared=folder / "declared.yaml")
    findings = json.loads((folder / "out" / "findings.json").read_text(encoding="utf-8"))
    return log, folder / "out" / "report.html", findings


def _open(driver, page: Path) -> None:
    driver.get_log("performance")  # drop what came before
    driver.get(page.resolve().as_uri())
    WebDriverWait(driver, 20).until(lambda d: d.execute_script(
        "return [...document.querySelectorAll('.mx-explorer')].every(e => e.dataset.mxReady)"))


def _requests(driver) -> list[str]:
    """URLs the page asked for since the last call (the page itself and data: URLs left out)."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            url = message["params"]["request"]["url"]
            if not url.startswith(("file://", "data:", "about:")):
                urls.append(url)
    return urls


def _js(driver, script: str, *args):
    return driver.execute_script(script, *args)


def _level(driver, p: str, key: str) -> int:
    slider = driver.find_element(By.ID, f"{p}-level")
    slider.send_keys(key)
    want = slider.get_attribute("value")
    WebDriverWait(driver, 10).until(lambda d: d.find_element(By.ID, f"{p}-map").get_attribute("data-level") == want)
    return int(want)


def _pairs(driver, p: str, cls: str = "") -> set[tuple[str, str]]:
    return {tuple(x) for x in _js(driver, f"return [...document.querySelectorAll('#{p}-map .edge{cls}')]"
                                  ".map(e => [e.getAttribute('data-from'), e.getAttribute('data-to')])")}


def _listed(driver, p: str) -> tuple[int, list[str]]:
    """Return the number in #P-count and the ids shown in #P-cases (one round trip)."""
    count, ids = _js(driver, f"return [document.getElementById('{p}-count').textContent, "
                             f"[...document.querySelectorAll('#{p}-cases .case-id')].map(e => e.textContent)]")
    return int(count), ids


def _shot(driver, name: str) -> None:
    if SHOTS:
        _js(driver, "document.getElementById('explore').scrollIntoView()")
        driver.save_screenshot(str(Path(SHOTS) / f"explorer_{name}.png"))


def _edge(driver, p: str, pair: tuple[str, str]):
    element = _js(driver, f"return [...document.querySelectorAll('#{p}-map .edge')].find(e => "
                          "e.getAttribute('data-from') === arguments[0] && e.getAttribute('data-to') === arguments[1])",
                  *pair)
    assert element is not None, f"no path {pair} on the map"
    return element


def _visible(driver, p: str) -> set[str]:
    level = int(driver.find_element(By.ID, f"{p}-map").get_attribute("data-level"))
    data = json.loads(driver.find_element(By.ID, f"{p}-data").get_attribute("textContent"))
    return set(data["levels"][level]["acts"])


def test_slider_goes_from_the_main_flow_to_every_path(browser, made):
    log, page, _ = made
    _open(browser, page)
    truth = set(follows_cases(log))
    assert _level(browser, "explore", Keys.HOME) == 0
    lowest = _pairs(browser, "explore")
    _shot(browser, "level_low")
    assert 0 < len(lowest) < len(truth)
    _level(browser, "explore", Keys.ARROW_RIGHT)
    middle = _level(browser, "explore", Keys.ARROW_RIGHT)
    assert len(lowest) <= len(_pairs(browser, "explore"))
    _shot(browser, "level_middle")
    top = _level(browser, "explore", Keys.END)
    assert top > middle and _pairs(browser, "explore") == truth
    _shot(browser, "level_high")
    assert _requests(browser) == []


def test_clicking_a_path_label_lists_exactly_its_cases(browser, made):
    log, page, _ = made
    _open(browser, page)  # opens at the static map's level: hidden activities' events left out
    truth = follows_cases(log, _visible(browser, "explore"))
    drawn = sorted(_pairs(browser, "explore"), key=lambda pair: len(truth[pair]))
    for pair in (drawn[0], drawn[len(drawn) // 2], drawn[-1]):
        _edge(browser, "explore", pair).find_element(By.CSS_SELECTOR, "text").click()
        count, ids = _listed(browser, "explore")
        assert count == len(truth[pair]), pair
        assert len(ids) == min(50, count) and set(ids) <= truth[pair]
        ends = {"START": "начало", "END": "конец"}
        assert browser.find_element(By.ID, "explore-what").text.endswith(
            f"{ends.get(pair[0], pair[0])} → {ends.get(pair[1], pair[1])}")
    _shot(browser, "after_click")
    browser.find_element(By.ID, "explore-copy").click()
    WebDriverWait(browser, 5).until(lambda d: d.find_element(By.ID, "explore-copied").text)
    copied = browser.find_element(By.ID, "explore-copied").text
    assert int("".join(filter(str.isdigit, copied))) == len(truth[drawn[-1]])
    assert _requests(browser) == []


def test_every_path_of_the_detailed_level_lists_its_cases(browser, made):
    log, page, _ = made
    _open(browser, page)
    _level(browser, "explore", Keys.END)
    truth = follows_cases(log)
    for pair in sorted(truth, key=lambda p: (len(truth[p]), p))[:: max(1, len(truth) // 12)]:
        _js(browser, "arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true}))",
            _edge(browser, "explore", pair))
        count, ids = _listed(browser, "explore")
        assert count == len(truth[pair]) and set(ids) <= truth[pair], pair


def test_activity_variant_and_period(browser, made):
    log, page, _ = made
    _open(browser, page)
    cases = log.groupby("case:concept:name")
    node = browser.find_elements(By.CSS_SELECTOR, "#explore-map .node")[3]
    node.click()
    name = node.get_attribute("data-activity")
    assert _listed(browser, "explore")[0] == log.loc[log["concept:name"] == name, "case:concept:name"].nunique()
    variants = cases["concept:name"].agg(tuple).value_counts()
    browser.find_element(By.CSS_SELECTOR, "#explore-variants button").click()
    count, ids = _listed(browser, "explore")
    assert count == variants.iloc[0]
    assert "mx-dim" in browser.find_element(By.ID, "explore-map").get_attribute("class")
    walk = ["START", *[a for a in variants.index[0] if a in _visible(browser, "explore")], "END"]
    assert _pairs(browser, "explore", ".mx-on") == set(zip(walk, walk[1:])) & _pairs(browser, "explore")
    browser.find_element(By.ID, "explore-clear").click()
    first = cases["time:timestamp"].min().dt.normalize()
    last = cases["time:timestamp"].max().dt.normalize()
    since, until = pd.Timestamp("2026-02-01"), pd.Timestamp("2026-03-15")
    for mode, expected in (("start", (first >= since) & (first <= until)),
                           ("within", (first >= since) & (last <= until))):
        _js(browser, "for (const [id, v] of [['explore-from', arguments[0]], ['explore-to', arguments[1]], "
            "['explore-mode', arguments[2]]]) { const e = document.getElementById(id); e.value = v; "
            "e.dispatchEvent(new Event('change')); }", "2026-02-01", "2026-03-15", mode)
        assert _listed(browser, "explore")[0] == int(expected.sum()), mode
    assert _requests(browser) == []


def test_a_deviation_lights_up_its_paths_and_lists_its_cases(browser, made):
    log, page, found = made
    truth = follows_cases(log)
    deviations, by_id = found["deviations"], {f["id"]: f for f in found["findings"]}
    _open(browser, page)
    buttons = browser.find_elements(By.CSS_SELECTOR, "#explore-cmp-deviations button")
    assert len(buttons) == len(deviations)
    # a deviation that is one undeclared path lists exactly the cases of that path
    paths = [i for i, d in enumerate(deviations) if [by_id[f]["kind"] for f in d["findings"]] == ["undeclared_path"]]
    assert paths
    for i in paths[:3] + paths[-3:]:
        _js(browser, "arguments[0].scrollIntoView(); arguments[0].click()", buttons[i])
        count, ids = _listed(browser, "explore-cmp")
        finding = by_id[deviations[i]["findings"][0]]
        pair = (finding["from"], finding["to"])
        assert count == deviations[i]["cases"] == len(truth[pair]) and set(ids) <= truth[pair]
        assert pair in _pairs(browser, "explore-cmp", ".mx-on") or pair not in _pairs(browser, "explore-cmp")
    assert _requests(browser) == []
    assert not [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]


def test_names_that_look_like_markup_stay_text(browser, tmp_path):
    from miner.discovery.dfg import encode
    from miner.reporting.explorer import explorer_html, standalone

    page = tmp_path / "hostile.html"
    block = explorer_html(encode(explorer_log(300, hostile=True, seed=4)), "explore")
    page.write_text(f"<!DOCTYPE html><html><head><meta charset='utf-8'></head><body><section id='explore'>"
                    f"{standalone(block)}</section></body></html>", encoding="utf-8")
    _open(browser, page)
    _level(browser, "explore", Keys.HOME)
    for _ in range(int(browser.find_element(By.ID, "explore-level").get_attribute("max"))):
        _level(browser, "explore", Keys.ARROW_RIGHT)
    assert _js(browser, "return window.__xss") is None
    assert HOSTILE in _js(browser, "return [...document.querySelectorAll('.node')].map(e => e.dataset.activity)")
    assert not browser.find_elements(By.CSS_SELECTOR, ".mx-explorer img")
    assert _requests(browser) == []


def test_nbconvert_html_of_a_notebook_works_offline(browser, tmp_path, monkeypatch):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    nbconvert = pytest.importorskip("nbconvert")
    root = Path(__file__).resolve().parents[1]
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(root), str(root / "tests"),
                                                                     os.environ.get("PYTHONPATH")])))
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("import miner\nfrom explorer_fixture import explorer_log\nlog = explorer_log(400)"),
        nbformat.v4.new_code_cell("miner.discover(log)"),
        nbformat.v4.new_code_cell("miner.discover(log)")])
    nbclient.NotebookClient(nb, timeout=300, kernel_name="python3").execute()
    html, _ = nbconvert.HTMLExporter().from_notebook_node(nb)
    page = tmp_path / "notebook.html"
    page.write_text(html, encoding="utf-8")
    _open(browser, page)
    prefixes = _js(browser, "return [...document.querySelectorAll('.mx-explorer')].map(e => e.dataset.prefix)")
    assert len(prefixes) == 2 and len(set(prefixes)) == 2
    truth = follows_cases(explorer_log(400), _visible(browser, prefixes[1]))
    pair = sorted(_pairs(browser, prefixes[1]))[0]
    _js(browser, "arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true}))", _edge(browser, prefixes[1], pair))
    assert _listed(browser, prefixes[1])[0] == len(truth[pair])
    assert _listed(browser, prefixes[0])[0] == 400  # the other output is untouched
    # nbconvert's own page template may ask for its scripts (require.js, MathJax); the outputs ask for nothing
    outputs = "".join(o.get("data", {}).get("text/html", "") for c in nb.cells if c.cell_type == "code"
                      for o in c.outputs)
    assert [u for u in _requests(browser) if u not in html or u in outputs] == []
