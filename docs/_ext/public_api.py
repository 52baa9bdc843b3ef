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


def assignment(module_name: str, name: str):
    """The top-level assignment of ``name`` in the source of ``module_name`` and the source's lines, or
    ``(None, [])`` when the module does not assign it there (or has no source)."""
    import ast
    import inspect

    try:
        source = inspect.getsource(importlib.import_module(module_name))
    except (OSError, TypeError):
        return None, []
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AnnAssign):
            targets = [node.target]
        else:
            continue
        if any(isinstance(target, ast.Name) and target.id == name for target in targets):
            return node, source.splitlines()
    return None, []


def assigns(module_name: str, name: str) -> bool:
    """Whether the source of ``module_name`` assigns ``name`` at its top level (where a ``#:`` comment can say
    what the value is: Sphinx reads it from there)."""
    return assignment(module_name, name)[0] is not None


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


def _documented_attributes(cls: type) -> set[str]:
    """Class attributes with a ``#:`` comment in the source (Sphinx's analyzer reads them: ``Status`` codes)."""
    from sphinx.pycode import ModuleAnalyzer, PycodeError

    try:
        docs = ModuleAnalyzer.for_module(cls.__module__).find_attr_docs()
    except PycodeError:
        return set()
    return {name for (scope, name) in docs if scope == cls.__qualname__}


def class_members(cls: type, documented: set[int]) -> list[tuple[str, str]]:
    """(directive, name) for each member a class's page shows.

    Its own public methods, class methods, static methods and properties that have a docstring, its enum
    members and its ``#:``-commented attributes, and the same from any base of hopopt's that is not documented
    on a page of its own; members inherited from Python's classes (a str enum's str methods) and from
    documented bases (shown on their pages) are left out, and so are dataclass fields (the class docstring's
    Attributes section says what they are).
    """
    import enum

    members: list[tuple[str, str]] = []
    seen: set[str] = set()
    for owner in cls.__mro__:
        if owner is not cls and (not owner.__module__.startswith("hopopt") or id(owner) in documented):
            continue
        commented = _documented_attributes(owner)
        for name, value in vars(owner).items():
            if name.startswith("_") or name in seen:
                continue
            seen.add(name)
            if isinstance(value, property):
                if value.__doc__:
                    members.append(("autoproperty", name))
            elif isinstance(value, (staticmethod, classmethod)) or callable(value) and not isinstance(value, type):
                function = value.__func__ if isinstance(value, (staticmethod, classmethod)) else value
                if getattr(function, "__doc__", None):
                    members.append(("automethod", name))
            elif issubclass(owner, enum.Enum) and isinstance(value, owner) or name in commented:
                members.append(("autoattribute", name))
    return members


def object_page(module_name: str, name: str, value: object, documented: set[int]) -> str:
    """The reST of one object's page: its signature, parameters and example (numpydoc), and a class's members."""
    title = f"{module_name}.{name}".replace("_", r"\_")
    lines = [title, "=" * len(title), "", f".. currentmodule:: {module_name}", ""]
    if isinstance(value, type):
        lines.append(f".. autoclass:: {name}")
        if [base for base in value.__bases__ if base is not object]:
            lines.append("   :show-inheritance:")
        for directive, member in class_members(value, documented):
            lines += ["", f"   .. {directive}:: {name}.{member}"]
    elif is_data(value):
        lines.append(f".. autodata:: {name}")
        if len(repr(value)) > SHORT_VALUE:  # a registry entry's repr says nothing a reader needs
            lines.append("   :no-value:")
    else:
        lines.append(f".. autofunction:: {name}")
    return "\n".join(lines) + "\n"


def _write(path: Path, text: str) -> None:
    """Write only when the text changed: Sphinx re-reads a page whose file is newer than its last build."""
    if not path.exists() or path.read_text() != text:
        path.write_text(text)


def write_api_pages(folder: Path) -> list[str]:
    """Write ``folder/index.rst``, one page per module and one per object; return the module names written.

    A module's page is its docstring and a summary table of its functions and classes, then one of its
    constants (autosummary, without generating anything); each object's page (``generated/``) is written here,
    so that a class's page can show its own members, not those of Python's builtins. Pages of names that are no
    longer public are removed.
    """
    generated = folder / "generated"
    generated.mkdir(parents=True, exist_ok=True)
    pages = public_objects()
    documented = {id(getattr(importlib.import_module(module_name), name))
                  for module_name, names in pages.items() for name in names}
    lines = ["API reference", "=============", "",
             "Every public function, class and constant of hopopt, each on its own page with its parameters and",
             "a runnable example. A name exported at several levels (``hopopt.anneal`` is also",
             "``hopopt.solvers.anneal``) is documented once, at its shortest path; a constant where it is",
             "assigned.", "",
             ".. toctree::", "   :maxdepth: 1", ""]
    current = set()
    for module_name, names in pages.items():
        lines.append(f"   {module_name}")
        module = importlib.import_module(module_name)
        title = f"``{module_name}``"
        body = [title, "=" * len(title), "", f".. automodule:: {module_name}", "   :no-members:",
                "   :no-index:", "", f".. currentmodule:: {module_name}", ""]
        code = [name for name in names if not is_data(getattr(module, name))]
        data = [name for name in names if is_data(getattr(module, name))]
        for group, heading in ((code, None), (data, "Constants")):
            if group:
                body += [f".. rubric:: {heading}", ""] if heading else []
                body += [".. autosummary::", "   :nosignatures:", ""] + [f"   {name}" for name in group] + [""]
        body += [".. toctree::", "   :hidden:", ""] + [f"   generated/{module_name}.{name}" for name in code + data]
        _write(folder / f"{module_name}.rst", "\n".join(body) + "\n")
        for name in names:
            current.add(f"{module_name}.{name}.rst")
            _write(generated / f"{module_name}.{name}.rst",
                   object_page(module_name, name, getattr(module, name), documented))
    _write(folder / "index.rst", "\n".join(lines) + "\n")
    # pages of names no longer public (left by an earlier build) would be orphans: -W fails on them
    for stale in generated.glob("*.rst"):
        if stale.name not in current:
            stale.unlink()
    for stale in folder.glob("*.rst"):
        if stale.name != "index.rst" and stale.stem not in pages:
            stale.unlink()
    return list(pages)
