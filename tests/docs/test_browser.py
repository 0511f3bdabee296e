"""The built documentation in headless Chromium (issue 8).

Every page loads with no console error, no uncaught exception and no request
that leaves the machine; every generated diagram is present and non-empty;
screenshots of the walkthrough and the traceability matrix are saved in the
build folder for a person to look at.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlparse

LOCAL_SCHEMES = {"file", "data", "about", "blob"}

DIAGRAM_CHECK = """
(() => {
  const out = [];
  for (const d of document.querySelectorAll('div.rfc-diagram')) {
    const svg = d.querySelector('svg');
    const pre = d.querySelector('pre');
    let ok = false, detail = '';
    if (svg) {
      const box = svg.getBBox();
      const shapes = svg.querySelectorAll('path,line,rect,polygon,ellipse,text').length;
      const text = (svg.textContent || '').trim().length;
      ok = box.width > 20 && box.height > 20 && shapes >= 3 && text > 0;
      detail = `svg ${box.width}x${box.height} shapes=${shapes} text=${text}`;
    } else if (pre) {
      const r = pre.getBoundingClientRect();
      ok = pre.innerText.trim().length > 0 && r.width > 20 && r.height > 10;
      detail = `pre ${r.width}x${r.height} chars=${pre.innerText.trim().length}`;
    }
    out.push({id: d.dataset.diagram, ok, detail});
  }
  return out;
})()
"""


def _problems(events: list[dict[str, Any]]) -> list[str]:
    problems = []
    for ev in events:
        method, params = ev.get("method"), ev.get("params", {})
        if method == "Runtime.exceptionThrown":
            problems.append(f"exception: {params['exceptionDetails'].get('text')}")
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            args = " ".join(str(a.get("value", a.get("description"))) for a in params["args"])
            problems.append(f"console.{params['type']}: {args}")
        elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
            entry = params["entry"]
            problems.append(f"log error: {entry.get('text')} {entry.get('url')}")
        elif method == "Network.requestWillBeSent":
            url = params["request"]["url"]
            if urlparse(url).scheme not in LOCAL_SCHEMES:
                problems.append(f"request leaving the machine: {url}")
        elif method == "Network.loadingFailed" and not params.get("canceled"):
            problems.append(f"failed to load a resource: {params.get('errorText')}")
    return problems


def test_every_page_loads_cleanly_offline(built_html: Path, chromium: Any) -> None:
    pages = sorted(built_html.rglob("*.html"))
    assert len(pages) > 10
    failures: dict[str, list[str]] = {}
    requests_seen = 0
    for page in pages:
        events = chromium.open(page)
        requests_seen += sum(1 for e in events if e.get("method") == "Network.requestWillBeSent")
        problems = _problems(events)
        title = chromium.evaluate("document.title")
        if not title:
            problems.append("page has no title (did it load?)")
        if problems:
            failures[str(page.relative_to(built_html))] = problems
    # the monitor really sees requests: every page loads its local CSS and scripts
    assert requests_seen >= len(pages)
    assert not failures, failures


def test_generated_diagrams_render_non_empty(built_html: Path, chromium: Any) -> None:
    total = 0
    bad: list[str] = []
    for page in sorted(built_html.glob("*.html")):
        if not (built_html / page.name).read_text(encoding="utf-8").count("rfc-diagram"):
            continue
        chromium.open(page)
        for d in chromium.evaluate(DIAGRAM_CHECK):
            total += 1
            if not d["ok"]:
                bad.append(f"{page.name}: {d['id']}: {d['detail']}")
    assert total > 0
    assert not bad, bad


def test_walkthrough_has_sequence_charts(built_html: Path, chromium: Any) -> None:
    chromium.open(built_html / "walkthrough.html")
    charts = [d for d in chromium.evaluate(DIAGRAM_CHECK) if d["ok"]]
    assert len(charts) >= 3, charts


def test_screenshots_saved(built_html: Path, chromium: Any) -> None:
    out = built_html / "_screenshots"
    out.mkdir(exist_ok=True)
    for name in ("walkthrough", "traceability"):
        chromium.open(built_html / f"{name}.html")
        # the first screen at a readable size, and the page as far as 16000 pixels
        for dest, height in ((out / f"{name}.png", 2400), (out / f"{name}-full.png", 16000)):
            if dest.exists():
                dest.unlink()
            chromium.screenshot(dest, max_height=height)
            data = dest.read_bytes()
            assert data[:8] == b"\x89PNG\r\n\x1a\n"
            assert len(data) > 10_000, f"{dest} looks blank ({len(data)} bytes)"


def test_monitor_catches_console_errors_and_outside_requests(
    tmp_path: Path, chromium: Any
) -> None:
    # The monitor itself must be able to fail: a page that logs an error and asks for
    # a script over http (loopback port 9, refused at once; nothing leaves the machine).
    page = tmp_path / "bad.html"
    page.write_text(
        "<html><head><title>bad</title>"
        '<script src="http://127.0.0.1:9/x.js"></script></head>'
        "<body><script>console.error('boom')</script></body></html>",
        encoding="utf-8",
    )
    problems = _problems(chromium.open(page))
    assert any("console.error: boom" in p for p in problems), problems
    assert any("request leaving the machine: http://127.0.0.1:9/x.js" in p for p in problems)
