"""Check a built documentation site: pictures load, links resolve, nothing comes from the network, notebooks run.

Usage::

    python docs/check_site.py [BUILD_DIR] [--no-browser] [--no-notebooks] [--jobs N]

``BUILD_DIR`` is Sphinx's HTML output (default ``docs/_build/html``). The checks:

1. static, on every page (no browser): every local ``<img src>``, ``<a href>``, stylesheet and script points
   at a file of the build (and a ``#fragment`` at an id of its page); no page loads anything (picture,
   script, stylesheet, frame) from another host;
2. every gallery page (``examples/``, ``course/``, ``start/`` other than their index) shows a picture of its
   own (``sphx_glr_<stem>_NNN.png``) and offers its ``.py`` and ``.ipynb`` downloads;
3. in Debian's headless Chromium (``/usr/bin/chromium``; never a downloaded browser), served from
   127.0.0.1: the landing page, one course page and one gallery page load with every picture decoded, no
   failed or >= 400 request, no console error and no request that leaves the machine; every link on them
   answers 200 and every ``#fragment`` exists on its target;
4. every gallery page's notebook runs top to bottom with nbclient (kernel ``python3``, ``HOPOPT_FAST=1``,
   120 s a cell, in a temporary folder).

Exit status 0 when all is well, 1 with the list of problems, 2 (one line on stderr) on bad input: a missing
build folder, or no ``/usr/bin/chromium`` when the browser check is asked for.
"""

from __future__ import annotations

import argparse
import functools
import multiprocessing
import http.server
import os
import posixpath
import re
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
GALLERY_DIRS = ("examples", "course", "start")
NOT_GALLERY_PAGES = {"index.html", "sg_execution_times.html"}
DEFAULT_BUILD = Path(__file__).resolve().parent / "_build" / "html"
CELL_TIMEOUT = 120
_HOST_RE = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$")


class BadInput(Exception):
    """Input the check cannot work on (said in one line, exit status 2)."""


# ---------------------------------------------------------------------------------------------- parsing


@dataclass
class PageLinks:
    """What one HTML page refers to."""

    images: list[str] = field(default_factory=list)     # <img src>
    anchors: list[str] = field(default_factory=list)    # <a href>
    resources: list[str] = field(default_factory=list)  # what the page loads: script, stylesheet, frame...
    ids: set[str] = field(default_factory=set)          # id= and <a name=> targets


class _LinkParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links = PageLinks()

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for key in ("id", "name") if tag == "a" else ("id",):
            if attributes.get(key):
                self.links.ids.add(attributes[key])
        if tag == "img" and attributes.get("src") is not None:
            self.links.images.append(attributes["src"])
        elif tag == "a" and attributes.get("href") is not None:
            self.links.anchors.append(attributes["href"])
        elif tag == "link" and attributes.get("href") is not None:
            rel = (attributes.get("rel") or "").lower().split()
            # stylesheets, icons and preloads are fetched; canonical, next, prev, search... are links only
            if {"stylesheet", "icon", "preload", "modulepreload", "prefetch", "manifest"} & set(rel):
                self.links.resources.append(attributes["href"])
            else:
                self.links.anchors.append(attributes["href"])
        elif tag in ("script", "iframe", "source", "video", "audio", "embed") and attributes.get("src"):
            self.links.resources.append(attributes["src"])


@functools.lru_cache(maxsize=None)
def parse_page(path: Path) -> PageLinks:
    """The links, pictures, loaded resources and ids of one HTML file."""
    parser = _LinkParser()
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    parser.close()
    return parser.links


@functools.lru_cache(maxsize=None)
def classify(url: str) -> str:
    """``'local'``, ``'external'`` (another host), ``'data'`` or ``'other'`` (mailto:, javascript:...)."""
    parts = urlsplit(url.strip())
    if parts.scheme in ("http", "https") or (not parts.scheme and parts.netloc):
        return "external"
    if parts.scheme == "data":
        return "data"
    if parts.scheme:
        return "other"
    return "local"


def well_formed_external(url: str) -> bool:
    """An http(s) address with a plausible host name and no spaces."""
    if any(character.isspace() for character in url):
        return False
    try:
        parts = urlsplit(url)
        port = parts.port  # raises on a bad port
    except ValueError:
        return False
    del port
    return parts.scheme in ("http", "https") and bool(parts.hostname) and bool(_HOST_RE.match(parts.hostname))


def resolve_local(build: Path, page: Path, url: str) -> tuple[Path | None, str]:
    """The file a local URL on ``page`` points at (None when it leaves the build) and its fragment."""
    parts = urlsplit(url.strip())
    path = unquote(parts.path)
    if not path:
        return page, unquote(parts.fragment)
    relative_page = page.relative_to(build).as_posix()
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(relative_page), path))
    if path.startswith("/") or joined == ".." or joined.startswith("../"):
        return None, unquote(parts.fragment)
    target = build / joined
    if path.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target, unquote(parts.fragment)


# ---------------------------------------------------------------------------------------------- static


@dataclass
class Report:
    """Problems found and what was counted."""

    problems: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def count(self, key: str, number: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + number


def html_pages(build: Path) -> list[Path]:
    """Every HTML page of the build, sorted (Sphinx's own _sources and _static are not pages)."""
    return sorted(path for path in build.rglob("*.html")
                  if not path.relative_to(build).parts[0].startswith("_"))


def check_static(build: Path, report: Report) -> None:
    """Every page: local pictures, links and resources exist; fragments exist; nothing external is loaded."""
    files = {path.relative_to(build).as_posix() for path in build.rglob("*") if path.is_file()}
    targets: dict[tuple[str, str], tuple[str | None, str]] = {}  # (page's folder, url) -> (file, fragment)
    for page in html_pages(build):
        name = page.relative_to(build).as_posix()
        folder = posixpath.dirname(name)
        links = parse_page(page)
        report.count("pages")
        for kind, urls in (("image", links.images), ("resource", links.resources), ("link", links.anchors)):
            for url in urls:
                category = classify(url)
                if category == "external":
                    if kind == "link":
                        report.count("external links")
                        if not well_formed_external(url):
                            report.problems.append(f"{name}: malformed external link {url!r}")
                    else:
                        report.problems.append(f"{name}: {kind} loaded from the network: {url}")
                    continue
                if category != "local":
                    continue
                report.count("images" if kind == "image" else "local links")
                # a link to the page itself ("#id", "?q") resolves per page, any other per folder
                key = (name, url) if url.lstrip()[:1] in ("", "#", "?") else (folder, url)
                if key not in targets:
                    targets[key] = _resolve_in(files, name, url)
                target, fragment = targets[key]
                if target is None:
                    report.problems.append(f"{name}: {kind} {url!r} points outside the build")
                elif target not in files:
                    report.problems.append(f"{name}: {kind} {url!r} is missing ({target})")
                elif fragment and kind == "link" and target.endswith(".html") \
                        and fragment not in parse_page(build / target).ids:
                    report.problems.append(f"{name}: link {url!r}: no id {fragment!r} on {target}")


def _resolve_in(files: set[str], name: str, url: str) -> tuple[str | None, str]:
    """Like :func:`resolve_local`, on paths relative to the build (``files``: every file in it)."""
    parts = urlsplit(url.strip())
    path, fragment = unquote(parts.path), unquote(parts.fragment)
    if not path:
        return name, fragment
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(name), path))
    if path.startswith("/") or joined == ".." or joined.startswith("../"):
        return None, fragment
    if joined == ".":
        joined = "index.html"
    elif path.endswith("/") or (joined not in files and f"{joined}/index.html" in files):
        joined = f"{joined}/index.html"
    return joined, fragment


def gallery_pages(build: Path) -> list[Path]:
    """The pages sphinx-gallery made from scripts (examples/, course/, start/, not their index)."""
    pages = []
    for folder in GALLERY_DIRS:
        pages += sorted(path for path in (build / folder).glob("*.html") if path.name not in NOT_GALLERY_PAGES)
    return pages


def page_downloads(build: Path, page: Path) -> dict[str, Path]:
    """The page's own downloads: ``{'.py': path, '.ipynb': path}`` (those it links to)."""
    stem = page.stem
    found = {}
    for url in parse_page(page).anchors:
        if classify(url) != "local":
            continue
        target, _ = resolve_local(build, page, url)
        if target is not None and target.name in (f"{stem}.py", f"{stem}.ipynb"):
            found.setdefault(target.suffix, target)
    return found


def check_gallery(build: Path, report: Report) -> None:
    """Every gallery page shows a picture of its own and offers its script and notebook."""
    for page in gallery_pages(build):
        name = page.relative_to(build).as_posix()
        own = re.compile(rf"(^|/)sphx_glr_{re.escape(page.stem)}_\d{{3}}\.png$")
        pictures = [url for url in parse_page(page).images if own.search(unquote(urlsplit(url).path))]
        report.count("gallery pages")
        if not pictures:
            report.problems.append(f"{name}: no picture of its own (sphx_glr_{page.stem}_NNN.png)")
        downloads = page_downloads(build, page)
        for suffix in (".py", ".ipynb"):
            if suffix not in downloads:
                report.problems.append(f"{name}: no {page.stem}{suffix} download")


def find_notebooks(build: Path) -> list[tuple[str, Path]]:
    """``(page, notebook)`` for every gallery page: the notebook its download link points at."""
    found = []
    for page in gallery_pages(build):
        notebook = page_downloads(build, page).get(".ipynb")
        if notebook is not None and notebook.is_file():
            found.append((page.relative_to(build).as_posix(), notebook))
    return found


# ---------------------------------------------------------------------------------------------- notebooks


def run_notebook(path: str, timeout: int = CELL_TIMEOUT) -> tuple[float, str | None]:
    """Run one notebook top to bottom in a fresh temporary folder: (seconds, None or what failed)."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError

    os.environ["HOPOPT_FAST"] = "1"
    notebook = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="check-site-nb-") as folder:
        client = NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                                resources={"metadata": {"path": folder}})
        log = Path(folder) / "kernel-stderr.txt"
        try:
            # the kernel's own chatter (its stderr) goes to a file, quoted only when the kernel fails
            with open(log, "w") as stderr:
                client.execute(cwd=folder, stderr=stderr)
        except CellTimeoutError as error:
            return time.perf_counter() - start, f"timed out after {timeout} s: " + _failed_cell(notebook, error)
        except CellExecutionError as error:
            return time.perf_counter() - start, _failed_cell(notebook, error)
        except Exception as error:  # the kernel died or would not start
            said = str(error).strip().splitlines()
            tail = [line for line in (log.read_text(errors="replace").splitlines() if log.is_file() else [])
                    if line.strip() and "without encryption" not in line][-3:]
            return time.perf_counter() - start, " / ".join([f"{type(error).__name__}: {said[0] if said else ''}",
                                                            *tail])
    return time.perf_counter() - start, None


def _failed_cell(notebook, error) -> str:
    code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    for number, cell in enumerate(code_cells, 1):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                first = next((line for line in cell.source.splitlines() if line.strip()), "")
                return (f"code cell {number} of {len(code_cells)} ({first.strip()[:60]!r}): "
                        f"{output.get('ename')}: {str(output.get('evalue')).strip()[:300]}")
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[-1] if text else ''}"[:400]


def check_notebooks(build: Path, report: Report, jobs: int) -> None:
    notebooks = find_notebooks(build)
    if not notebooks:
        report.problems.append("no notebook found to run (no gallery page links a .ipynb)")
        return
    total = time.perf_counter()
    # fresh processes (spawned, not forked from a process that ran threads), each starting its own kernel
    results = []
    with ProcessPoolExecutor(max_workers=max(1, jobs), mp_context=multiprocessing.get_context("spawn")) as pool:
        outcomes = pool.map(run_notebook, [str(notebook) for _, notebook in notebooks])
        for (page, notebook), (seconds, failure) in zip(notebooks, outcomes):  # in order, as they finish
            results.append((seconds, failure))
            report.count("notebooks")
            line = f"notebook {notebook.name} ({page}): {seconds:.1f} s"
            print(line + (f"  FAILED: {failure}" if failure else ""), flush=True)
            if failure:
                report.problems.append(f"notebook {notebook.name} ({page}): {failure}")
    report.notes.append(f"notebooks: {len(notebooks)} run in {time.perf_counter() - total:.1f} s wall "
                        f"({sum(seconds for seconds, _ in results):.1f} s summed, {jobs} at once)")


# ---------------------------------------------------------------------------------------------- browser


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # the browser drops connections it no longer needs (a page closed mid-transfer): not a problem
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@dataclass
class Served:
    """The build served on 127.0.0.1 from a thread."""

    build: Path
    server: _Server = None
    thread: threading.Thread = None

    def __enter__(self):
        handler = functools.partial(_QuietHandler, directory=str(self.build))
        self.server = _Server(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def browser_pages(build: Path) -> list[str]:
    """The landing page, one course page and one gallery page (paths in the build)."""
    pages = ["index.html"]
    course = "course/01_energy.html"
    if not (build / course).is_file():
        candidates = [page for page in gallery_pages(build) if page.parent.name == "course"]
        course = candidates[0].relative_to(build).as_posix() if candidates else None
    pages.append(course or "course/01_energy.html")  # reported missing when the build has no course page
    pages.append("examples/capacity.html")
    return pages


_IMAGES_JS = """() => Array.from(document.images).map(img => ({
    src: img.currentSrc || img.src, complete: img.complete, width: img.naturalWidth}))"""
_IMAGES_DONE_JS = "() => Array.from(document.images).every(img => img.complete)"
_ANCHORS_JS = "() => Array.from(document.querySelectorAll('a[href]')).map(a => a.getAttribute('href'))"


def check_browser(build: Path, report: Report) -> None:
    """Load the chosen pages in headless Chromium and follow every link on them."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    pages = browser_pages(build)
    for page_path in pages:
        if not (build / page_path).is_file():
            report.problems.append(f"browser: {page_path} is not in the build")
    pages = [page_path for page_path in pages if (build / page_path).is_file()]
    with Served(build) as served, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
            origin = served.origin
            anchors = {page_path: _check_one_page(context, origin, page_path, report, PlaywrightError)
                       for page_path in pages}
            context.close()
        finally:
            browser.close()
        _check_page_links(build, served.origin, anchors, report)


def _check_one_page(context, origin: str, page_path: str, report: Report, PlaywrightError) -> list[str]:
    """Load one page and report what went wrong; return its links (as the browser sees them)."""
    page = context.new_page()
    problems: list[str] = []
    off_machine: list[str] = []

    def route(route_):
        url = route_.request.url
        if url.startswith(origin + "/") or url == origin:
            route_.continue_()
        elif url.startswith(("data:", "blob:", "about:")):
            route_.continue_()
        else:
            off_machine.append(url)
            route_.abort()

    page.route("**/*", route)
    page.on("requestfailed", lambda request: None if request.url in off_machine else problems.append(
        f"request failed: {request.url} ({request.failure})"))
    page.on("response", lambda response: problems.append(f"HTTP {response.status}: {response.url}")
            if response.status >= 400 else None)
    page.on("console", lambda message: problems.append(f"console error: {message.text}")
            if message.type == "error" and "net::ERR_FAILED" not in message.text else None)
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    try:
        page.goto(f"{origin}/{page_path}", wait_until="load", timeout=30_000)
        # pictures below the fold may be lazy: ask for all of them, scroll through, wait until decoded
        page.evaluate("() => { for (const img of document.images) img.loading = 'eager'; "
                      "window.scrollTo(0, document.body.scrollHeight); }")
        try:
            page.wait_for_function(_IMAGES_DONE_JS, timeout=15_000)
        except PlaywrightError:
            pass  # reported below image by image
        page.wait_for_load_state("networkidle", timeout=15_000)
        images = page.evaluate(_IMAGES_JS)
        anchors = page.evaluate(_ANCHORS_JS)
    except PlaywrightError as error:
        report.problems.append(f"browser {page_path}: {str(error).splitlines()[0]}")
        page.close()
        return []
    for image in images:
        report.count("images loaded in the browser")
        if not image["complete"] or image["width"] <= 0:
            problems.append(f"picture did not load: {image['src']}")
    for url in sorted(set(off_machine)):
        problems.append(f"request off the machine (blocked): {url}")
    report.count("requests off the machine", len(off_machine))
    report.problems += [f"browser {page_path}: {problem}" for problem in dict.fromkeys(problems)]
    report.count("pages in the browser")
    page.close()
    return anchors


def _check_page_links(build: Path, origin: str, anchors: dict[str, list[str]], report: Report) -> None:
    """Every <a href> of the browser pages: a local one answers 200 and its fragment exists."""
    checked: dict[str, int | str] = {}
    external: set[str] = set()
    for page_path, hrefs in anchors.items():
        for href in hrefs:
            category = classify(href)
            if category == "external":
                external.add(href)
                if not well_formed_external(href):
                    report.problems.append(f"{page_path}: malformed external link {href!r}")
                continue
            if category != "local":
                continue
            url = urljoin(f"{origin}/{page_path}", href)
            parts = urlsplit(url)
            address = parts._replace(fragment="").geturl()
            if address not in checked:
                try:
                    with urllib.request.urlopen(address, timeout=10) as response:
                        checked[address] = response.status
                except urllib.error.HTTPError as error:
                    checked[address] = error.code
                except OSError as error:
                    checked[address] = str(error)
                report.count("links checked on the server")
            if checked[address] != 200:
                report.problems.append(f"{page_path}: link {href!r} answered {checked[address]}")
                continue
            if parts.fragment:
                target_path = unquote(parts.path).lstrip("/") or "index.html"
                target = build / target_path
                if target.is_dir() or parts.path.endswith("/"):
                    target = target / "index.html"
                if target.suffix == ".html" and unquote(parts.fragment) not in parse_page(target).ids:
                    report.problems.append(f"{page_path}: link {href!r}: no id {unquote(parts.fragment)!r} "
                                           f"on {target_path}")
    if external:
        report.notes.append(f"external links not checked (offline machine), {len(external)}: "
                            + ", ".join(sorted(external)))


# ---------------------------------------------------------------------------------------------- main


def check_api(build: Path, report: Report) -> None:
    """Every public object (docs/_ext/public_api.py) has its page in the built reference, with its example.

    A function or class page must show an Examples rubric with a ``>>>`` line; a constant's page its
    description. Imports hopopt, so it runs where the site was built.
    """
    sys.path.insert(0, str(Path(__file__).resolve().parent / "_ext"))
    from public_api import public_objects

    import importlib

    for module_name, names in public_objects().items():
        module = importlib.import_module(module_name)
        for name in names:
            report.count("API objects")
            page = build / "api" / "generated" / f"{module_name}.{name}.html"
            if not page.is_file():
                report.problems.append(f"API reference: no page for {module_name}.{name}")
                continue
            value = getattr(module, name)
            if callable(value) or isinstance(value, type):
                text = page.read_text(encoding="utf-8", errors="replace")
                if ">Examples<" not in text or "&gt;&gt;&gt;" not in text:
                    report.problems.append(f"API reference: {page.relative_to(build)} shows no example")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("build", nargs="?", default=str(DEFAULT_BUILD),
                        help="Sphinx's HTML output folder (default docs/_build/html)")
    parser.add_argument("--no-browser", action="store_true", help="skip the Chromium check")
    parser.add_argument("--no-notebooks", action="store_true", help="do not run the notebooks")
    parser.add_argument("--no-api", action="store_true",
                        help="skip the check that every public object has its API page with an example")
    parser.add_argument("--jobs", type=int, default=2, help="notebooks run at once (default 2)")
    args = parser.parse_args(argv)
    build = Path(args.build).resolve()
    try:
        if not build.is_dir():
            raise BadInput(f"no build folder {args.build} (build the site first)")
        if not (build / "index.html").is_file():
            raise BadInput(f"{args.build} has no index.html: not a Sphinx HTML build")
        if args.jobs < 1:
            raise BadInput(f"--jobs must be at least 1, not {args.jobs}")
        if not args.no_browser and not Path(CHROMIUM).is_file():
            raise BadInput(f"{CHROMIUM} is missing: install Debian's chromium "
                           "(apt-get install chromium) or pass --no-browser")
    except BadInput as error:
        print(f"check_site: {error}", file=sys.stderr)
        return 2

    report = Report()
    steps = [("static links", lambda: check_static(build, report)),
             ("gallery pages", lambda: check_gallery(build, report))]
    if not args.no_api:
        steps.append(("API reference", lambda: check_api(build, report)))
    if not args.no_browser:
        steps.append(("browser", lambda: check_browser(build, report)))
    if not args.no_notebooks:
        steps.append(("notebooks", lambda: check_notebooks(build, report, args.jobs)))
    for name, step in steps:
        start = time.perf_counter()
        step()
        print(f"check_site: {name} checked in {time.perf_counter() - start:.1f} s", flush=True)

    counts = report.counts
    print(f"check_site: {counts.get('pages', 0)} pages, {counts.get('images', 0)} pictures, "
          f"{counts.get('local links', 0)} local links and {counts.get('external links', 0)} external links "
          f"read; {counts.get('gallery pages', 0)} gallery pages; {counts.get('API objects', 0)} API objects")
    if not args.no_browser:
        print(f"check_site: browser: {counts.get('pages in the browser', 0)} pages, "
              f"{counts.get('images loaded in the browser', 0)} pictures, "
              f"{counts.get('links checked on the server', 0)} links fetched from the server, "
              f"{counts.get('requests off the machine', 0)} requests off the machine")
    for note in report.notes:
        print(f"check_site: {note}")
    report.problems = list(dict.fromkeys(report.problems))  # the static and browser checks may meet
    if report.problems:
        print(f"check_site: {len(report.problems)} problem(s):")
        for problem in report.problems:
            print(f"  - {problem}")
        return 1
    print("check_site: all well")
    return 0


if __name__ == "__main__":
    sys.exit(main())
