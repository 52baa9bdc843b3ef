"""Which names hopopt makes public, where each is documented, and the API reference pages that list them.

A public name is one in the ``__all__`` of a module or package of ``hopopt`` whose dotted path has no part
starting with an underscore. The same object is often exported at several levels (``hopopt.anneal`` is
``hopopt.solvers.anneal`` is ``hopopt.solvers.anneal.anneal``); it is documented once, at the shortest
path, so the reference has no duplicates and every name a user can import leads to its page.

``write_api_pages(folder)`` writes one page per module that owns at least one name (regenerated at every
build, so the reference never falls behind ``__all__``); ``docs/check_site.py`` and the docs tests use
``public_objects()`` to check that every one of them reached the built site with an example.
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

# modules with no names of their own to show: the command line is documented by its --help
SKIPPED_MODULES = {"hopopt.cli"}



def public_modules() -> list[str]:
    """Every public module of hopopt, the package first, then in dotted order."""
    import hopopt

    names = ["hopopt"]
    for info in pkgutil.walk_packages(hopopt.__path__, "hopopt."):
        if any(part.startswith("_") for part in info.name.split(".")[1:]) or info.name in SKIPPED_MODULES:
            continue
        names.append(info.name)
    return sorted(set(names), key=lambda name: (name != "hopopt", name))


def public_objects() -> dict[str, list[str]]:
    """Map each documented module to the names it owns (each public object once, at its shortest path)."""
    owner: dict[int, tuple[tuple[int, str], str, str]] = {}
    for module_name in public_modules():
        module = importlib.import_module(module_name)
        for name in getattr(module, "__all__", ()):
            if name.startswith("__"):
                continue
            value = getattr(module, name)
            # plain values (numbers, strings, tuples) are not shared objects: document each where it is listed
            key = id(value) if callable(value) or isinstance(value, type) else hash((module_name, name))
            rank = (module_name.count("."), module_name)
            if key not in owner or rank < owner[key][0]:
                owner[key] = (rank, module_name, name)
    pages: dict[str, list[str]] = {}
    for _, module_name, name in owner.values():
        pages.setdefault(module_name, []).append(name)
    return {module: sorted(names, key=str.lower) for module, names in sorted(pages.items(),
                                                                          key=lambda item: (item[0] != "hopopt",
                                                                                            item[0]))}


def write_api_pages(folder: Path) -> list[str]:
    """Write ``folder/index.rst`` and one page per module; return the module names written."""
    folder.mkdir(parents=True, exist_ok=True)
    pages = public_objects()
    lines = ["API reference", "=============", "",
             "Every public function, class and constant of hopopt, each on its own page with its parameters and",
             "a runnable example. A name exported at several levels (``hopopt.anneal`` is also",
             "``hopopt.solvers.anneal``) is documented once, at its shortest path.", "",
             ".. toctree::", "   :maxdepth: 1", ""]
    for module_name in pages:
        lines.append(f"   {module_name}")
        title = f"``{module_name}``"
        body = [title, "=" * len(title), "", f".. automodule:: {module_name}", "   :no-members:",
                "   :no-index:", "", f".. currentmodule:: {module_name}", "", ".. autosummary::",
                "   :toctree: generated", "   :nosignatures:", ""]
        body += [f"   {name}" for name in pages[module_name]]
        (folder / f"{module_name}.rst").write_text("\n".join(body) + "\n")
    (folder / "index.rst").write_text("\n".join(lines) + "\n")
    return list(pages)
