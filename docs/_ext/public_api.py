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
# a constant's page shows its value when the value's repr is at most this long (a registry entry's is not)
SHORT_VALUE = 200



def public_modules() -> list[str]:
    """Every public module of hopopt, the package first, then in dotted order."""
    import hopopt

    names = ["hopopt"]
    for info in pkgutil.walk_packages(hopopt.__path__, "hopopt."):
        if any(part.startswith("_") for part in info.name.split(".")[1:]) or info.name in SKIPPED_MODULES:
            continue
        names.append(info.name)
    return sorted(set(names), key=lambda name: (name != "hopopt", name))


def is_data(value: object) -> bool:
    """Whether a public value is data (a constant, a table, a registry entry) rather than a function or class."""
    return not (callable(value) or isinstance(value, type))


def assigns(module_name: str, name: str) -> bool:
    """Whether the source of ``module_name`` assigns ``name`` at its top level (where a ``#:`` comment can say
    what the value is: Sphinx reads it from there)."""
    import ast
    import inspect

    try:
        tree = ast.parse(inspect.getsource(importlib.import_module(module_name)))
    except (OSError, TypeError):
        return False
    for node in tree.body:
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AnnAssign):
            targets = [node.target]
        else:
            continue
        if any(isinstance(target, ast.Name) and target.id == name for target in targets):
            return True
    return False


def public_objects() -> dict[str, list[str]]:
    """Map each documented module to the names it owns (each public object once).

    A function or class is documented at its shortest path. A data value (a constant, a table) is documented
    where its module assigns it, since that is where its ``#:`` comment is; a value re-exported by a package
    is the same object under the same name, and is not documented twice.
    """
    owner: dict[object, tuple[tuple[int, int, str], str, str]] = {}
    for module_name in public_modules():
        module = importlib.import_module(module_name)
        for name in getattr(module, "__all__", ()):
            if name.startswith("__"):
                continue
            value = getattr(module, name)
            if is_data(value):
                # equal small numbers and strings share an id: a module assigning the name owns its own value
                defines = assigns(module_name, name)
                key = ("data", name, module_name) if defines else ("data", name, id(value))
                rank = (0 if defines else 1, module_name.count("."), module_name)
            else:
                key = id(value)
                rank = (0, module_name.count("."), module_name)
            if key not in owner or rank < owner[key][0]:
                owner[key] = (rank, module_name, name)
    # a re-export keyed by id joins the module that assigns the same object under the same name
    defined = {(name, id(getattr(importlib.import_module(module_name), name))): module_name
               for key, (_, module_name, name) in owner.items() if isinstance(key, tuple) and key[2] == module_name}
    pages: dict[str, list[str]] = {}
    for key, (_, module_name, name) in owner.items():
        if isinstance(key, tuple) and key[2] != module_name and (name, key[2]) in defined:
            continue
        pages.setdefault(module_name, []).append(name)
    return {module: sorted(names, key=str.lower) for module, names in sorted(pages.items(),
                                                                          key=lambda item: (item[0] != "hopopt",
                                                                                            item[0]))}


def write_api_pages(folder: Path) -> list[str]:
    """Write ``folder/index.rst`` and one page per module; return the module names written.

    A module's page lists its functions and classes, then its constants; autosummary writes one page per
    object from the templates in ``docs/_templates/autosummary`` (a class's page shows its methods, a
    constant's page its ``#:`` comment and, when short, its value).
    """
    folder.mkdir(parents=True, exist_ok=True)
    pages = public_objects()
    lines = ["API reference", "=============", "",
             "Every public function, class and constant of hopopt, each on its own page with its parameters and",
             "a runnable example. A name exported at several levels (``hopopt.anneal`` is also",
             "``hopopt.solvers.anneal``) is documented once, at its shortest path.", "",
             ".. toctree::", "   :maxdepth: 1", ""]
    for module_name in pages:
        lines.append(f"   {module_name}")
        module = importlib.import_module(module_name)
        title = f"``{module_name}``"
        body = [title, "=" * len(title), "", f".. automodule:: {module_name}", "   :no-members:",
                "   :no-index:", "", f".. currentmodule:: {module_name}", ""]
        code = [name for name in pages[module_name] if not is_data(getattr(module, name))]
        data = [name for name in pages[module_name] if is_data(getattr(module, name))]
        if code:
            body += [".. autosummary::", "   :toctree: generated", "   :nosignatures:", ""]
            body += [f"   {name}" for name in code] + [""]
        if data:
            body += [".. rubric:: Constants", ""]
            short = [name for name in data if len(repr(getattr(module, name))) <= SHORT_VALUE]
            for names, template in ((short, "data.rst"), ([name for name in data if name not in short],
                                                             "data_no_value.rst")):
                if names:
                    body += [".. autosummary::", "   :toctree: generated", f"   :template: autosummary/{template}",
                             ""]
                    body += [f"   {name}" for name in names] + [""]
        (folder / f"{module_name}.rst").write_text("\n".join(body))
    (folder / "index.rst").write_text("\n".join(lines) + "\n")
    return list(pages)
