"""Every exercise solution on the course pages runs, in a fresh Python, in its quick version.

The course pages (docs/course_src/NN_*.py) end with exercises whose solutions are folded away in
``.. dropdown:: Solution ...`` blocks of the page's prose. That prose is not executed when the site is
built, so this test extracts each solution's ``.. code-block:: python`` and runs it with ``HOPOPT_FAST=1``:
a solution that no longer matches the library fails here. The solutions print their answers and assert what
they claim.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

COURSE = Path(__file__).resolve().parents[1] / "docs" / "course_src"


def _prose_lines(source: str) -> list[str]:
    """The page's comment lines with the leading ``#`` and one space removed (code lines become blank)."""
    lines = []
    for line in source.splitlines():
        stripped = line.lstrip()
        if stripped.startswith("#") and not stripped.startswith("# %%"):
            text = stripped[1:]
            lines.append(text[1:] if text.startswith(" ") else text)
        else:
            lines.append("")
    return lines


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def solutions(source: str) -> list[tuple[str, str]]:
    """``(title, code)`` for every python code block inside a ``.. dropdown:: Solution`` block."""
    lines = _prose_lines(source)
    found = []
    index = 0
    while index < len(lines):
        match = re.match(r"(\s*)\.\. dropdown::\s*(Solution.*)", lines[index])
        if not match:
            index += 1
            continue
        base, title = len(match.group(1)), match.group(2).strip()
        index += 1
        block_end = index
        while block_end < len(lines) and (not lines[block_end].strip() or _indent(lines[block_end]) > base):
            block_end += 1
        inner = lines[index:block_end]
        for start, line in enumerate(inner):
            code_match = re.match(r"(\s*)\.\. code-block::\s*python", line)
            if not code_match:
                continue
            code_indent = len(code_match.group(1))
            stop = start + 1
            while stop < len(inner) and (not inner[stop].strip() or _indent(inner[stop]) > code_indent):
                stop += 1
            code = textwrap.dedent("\n".join(inner[start + 1:stop])).strip("\n")
            found.append((title, code))
        index = block_end
    return found


def _cases():
    cases = []
    for page in sorted(COURSE.glob("[0-9]*.py")):
        for number, (title, code) in enumerate(solutions(page.read_text(encoding="utf-8")), 1):
            cases.append(pytest.param(page.name, title, code, id=f"{page.stem}-{number}"))
    return cases


CASES = _cases()


def test_every_course_page_has_exercises_with_solutions():
    pages = sorted(COURSE.glob("[0-9]*.py"))
    assert pages, "no course pages found"
    for page in pages:
        source = page.read_text(encoding="utf-8")
        assert "Exercises" in source, f"{page.name} has no Exercises section"
        assert len(solutions(source)) >= 2, f"{page.name} has fewer than two solutions with code"


@pytest.mark.parametrize(("page", "title", "code"), CASES)
def test_solution_runs(page, title, code, tmp_path):
    completed = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                               timeout=120, env={**os.environ, "HOPOPT_FAST": "1", "MPLBACKEND": "Agg"})
    assert completed.returncode == 0, f"{page}, {title}:\n{code}\n--- stderr ---\n{completed.stderr[-3000:]}"


def test_the_extractor_finds_nested_code_and_nothing_else():
    page = textwrap.dedent('''\
        x = 1
        # %%
        # Exercises
        # ---------
        #
        # 1. Do it.
        #
        # .. dropdown:: Solution to exercise 1
        #
        #    Some words first.
        #
        #    .. code-block:: python
        #
        #       import math
        #       if True:
        #           print(math.pi)
        #
        # .. code-block:: python
        #
        #    print("not a solution")
        ''')
    assert solutions(page) == [("Solution to exercise 1", "import math\nif True:\n    print(math.pi)")]
