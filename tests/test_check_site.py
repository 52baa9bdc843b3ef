"""docs/check_site.py's static checks on a tiny fake build: they pass on a sound site and name what is broken.

No Sphinx, no Chromium, no kernel: the fake build is a few hand-written HTML files in ``tmp_path``, and the
browser and notebook steps are skipped (``--no-browser --no-notebooks``).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "docs" / "check_site.py"


@pytest.fixture(scope="module")
def check_site():
    spec = importlib.util.spec_from_file_location("check_site", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules["check_site"] = module  # its dataclasses look their module up
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop("check_site", None)


def _page(body: str) -> str:
    return (f'<!DOCTYPE html><html><head><link rel="stylesheet" href="{{root}}_static/style.css">'
            f'<link rel="canonical" href="https://hopopt.example.org/"></head><body>{body}</body></html>')


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _fake_build(root: Path) -> Path:
    """A sound little site: a landing page, a gallery index and one gallery page with its downloads."""
    build = root / "html"
    _write(build / "_static" / "style.css", "body {}")
    (build / "_images").mkdir(parents=True)
    (build / "_images" / "sphx_glr_capacity_001.png").write_bytes(b"\x89PNG fake")
    (build / "_images" / "logo.png").write_bytes(b"\x89PNG fake")
    _write(build / "_downloads" / "aa11" / "capacity.py", "print('hi')\n")
    _write(build / "_downloads" / "bb22" / "capacity.ipynb", "{}")
    _write(build / "index.html", _page(
        '<img src="_images/logo.png"><a href="examples/index.html">gallery</a> '
        '<a href="examples/capacity.html#the-curves">curves</a> <a href="#top" id="top">top</a> '
        '<a href="https://numpy.org/doc/">numpy</a> <a href="mailto:someone@example.org">mail</a>'
    ).replace("{root}", ""))
    _write(build / "examples" / "index.html", _page(
        '<a href="capacity.html">capacity</a> <a href="../index.html">home</a> <a href="./">here</a> '
        '<h1 id="gallery">Gallery</h1><a href="#gallery">this page</a>'
    ).replace("{root}", "../"))
    _write(build / "examples" / "sg_execution_times.html", _page("<p>times</p>").replace("{root}", "../"))
    _write(build / "examples" / "capacity.html", _page(
        '<section id="the-curves"><img alt="curves" src="../_images/sphx_glr_capacity_001.png"></section>'
        '<a href="../_downloads/aa11/capacity.py">script</a> '
        '<a href="../_downloads/bb22/capacity.ipynb">notebook</a> <a href="index.html#">back</a>'
    ).replace("{root}", "../"))
    return build


def _static_problems(check_site, build: Path) -> list[str]:
    report = check_site.Report()
    check_site.check_static(build, report)
    check_site.check_gallery(build, report)
    return report.problems


def test_sound_fake_site_passes(check_site, tmp_path, capsys):
    build = _fake_build(tmp_path)
    assert _static_problems(check_site, build) == []
    assert check_site.main([str(build), "--no-browser", "--no-notebooks", "--no-api"]) == 0
    out = capsys.readouterr().out
    assert "4 pages, 2 pictures" in out and "all well" in out


def test_notebook_finder_follows_the_gallery_pages_downloads(check_site, tmp_path):
    build = _fake_build(tmp_path)
    # a notebook no page links to (a stale one) is not run
    _write(build / "_downloads" / "cc33" / "_common.ipynb", "{}")
    found = check_site.find_notebooks(build)
    assert found == [("examples/capacity.html", build / "_downloads" / "bb22" / "capacity.ipynb")]
    assert [page.name for page in check_site.gallery_pages(build)] == ["capacity.html"]


def test_broken_link_missing_picture_and_fragment_are_named(check_site, tmp_path, capsys):
    build = _fake_build(tmp_path)
    (build / "_images" / "logo.png").unlink()
    index = build / "index.html"
    index.write_text(index.read_text().replace("examples/index.html", "examples/nowhere.html")
                     .replace("#the-curves", "#no-such-section"))
    page = build / "examples" / "capacity.html"  # a page of the same folder with no id "gallery"
    page.write_text(page.read_text().replace("</body>", '<a href="#gallery">up</a></body>'))
    problems = _static_problems(check_site, build)
    assert "examples/capacity.html: link '#gallery': no id 'gallery' on examples/capacity.html" in problems
    assert any("index.html: image '_images/logo.png' is missing" in problem for problem in problems)
    assert any("link 'examples/nowhere.html' is missing" in problem for problem in problems)
    assert any("no id 'no-such-section' on examples/capacity.html" in problem for problem in problems)
    assert len(problems) == 4, problems
    assert check_site.main([str(build), "--no-browser", "--no-notebooks", "--no-api"]) == 1
    assert "4 problem(s)" in capsys.readouterr().out


def test_gallery_page_without_picture_or_notebook_fails(check_site, tmp_path):
    build = _fake_build(tmp_path)
    page = build / "examples" / "capacity.html"
    page.write_text(page.read_text().replace("sphx_glr_capacity_001.png", "logo.png")
                    .replace('<a href="../_downloads/bb22/capacity.ipynb">notebook</a>', ""))
    problems = _static_problems(check_site, build)
    assert problems == ["examples/capacity.html: no picture of its own (sphx_glr_capacity_NNN.png)",
                        "examples/capacity.html: no capacity.ipynb download"]
    assert check_site.find_notebooks(build) == []


def test_network_resources_and_bad_links_are_problems(check_site, tmp_path):
    build = _fake_build(tmp_path)
    page = build / "examples" / "index.html"
    page.write_text(page.read_text().replace(
        "</body>", '<script src="https://cdn.example.com/x.js"></script><img src="//cdn.example.com/y.png">'
                   '<a href="http://bad host/">bad</a><a href="../../outside.html">out</a></body>'))
    problems = _static_problems(check_site, build)
    assert problems == [
        "examples/index.html: image loaded from the network: //cdn.example.com/y.png",
        "examples/index.html: resource loaded from the network: https://cdn.example.com/x.js",
        "examples/index.html: malformed external link 'http://bad host/'",
        "examples/index.html: link '../../outside.html' points outside the build",
    ]


def test_bad_input_is_one_line_and_status_2(check_site, tmp_path, capsys):
    assert check_site.main([str(tmp_path / "missing"), "--no-browser"]) == 2
    assert check_site.main([str(tmp_path), "--no-browser"]) == 2  # a folder without index.html
    assert check_site.main([str(_fake_build(tmp_path)), "--no-browser", "--jobs", "0"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 3 and all(line.startswith("check_site: ") for line in err)


def test_api_check_reports_every_missing_page(check_site, tmp_path):
    report = check_site.Report()
    check_site.check_api(tmp_path, report)
    assert report.counts["API objects"] > 300
    assert len(report.problems) == report.counts["API objects"]
    assert "API reference: no page for hopopt.EnergyModel" in report.problems
