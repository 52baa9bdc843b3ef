"""Every public object of hopopt is documented with an example (the API reference's promise, issue 13).

The objects are those ``docs/_ext/public_api.py`` puts in the reference (each name of a public module's
``__all__``, once). Functions and classes need a docstring that numpydoc parses and an Examples section with
at least one ``>>>`` line (the examples run as doctests: ``pytest --doctest-modules`` over ``hopopt/``).
Methods need no example of their own: the class's covers them.

Every parameter of a public function, of a class's constructor and of a method the reference shows is named
in the docstring's Parameters section, with its type and meaning (numpydoc's layout); a dataclass may say
what its fields are in an Attributes section instead, the project's convention for records.

Data (constants, tables, registry entries: anything neither callable nor a class) have no docstring of their
own and need no example; what documents them is a Sphinx doc-comment, ``#:`` lines just above the assignment
in the module that defines them, which is what the reference shows on the constant's page. A mention in the
module docstring is not enough: it does not reach that page, which would show the docstring of ``int`` or
``tuple`` instead.

No Sphinx is needed; numpydoc's parser is used when it is installed (the ``docs`` extra), and a plain search
for the section otherwise.
"""

from __future__ import annotations

import dataclasses
import importlib
import importlib.util
import inspect
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _load_public_api():
    spec = importlib.util.spec_from_file_location("_hopopt_public_api", ROOT / "docs" / "_ext" / "public_api.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


public_api = _load_public_api()
PAGES = public_api.public_objects()
OBJECTS = [(module_name, name) for module_name, names in PAGES.items() for name in names]
CODE = [(m, n) for m, n in OBJECTS if not public_api.is_data(getattr(importlib.import_module(m), n))]
DATA = [(m, n) for m, n in OBJECTS if public_api.is_data(getattr(importlib.import_module(m), n))]


def _examples(doc: str) -> list[str]:
    """The Examples section's lines (numpydoc's parse, which also checks that the docstring parses)."""
    try:
        from numpydoc.docscrape import NumpyDocString
    except ImportError:  # no docs extra: the section is the lines after an 'Examples' heading
        lines = doc.splitlines()
        for i, line in enumerate(lines[:-1]):
            if line.strip() == "Examples" and set(lines[i + 1].strip()) == {"-"}:
                return lines[i + 2:]
        return []
    return list(NumpyDocString(doc)["Examples"])


def test_the_reference_is_not_empty():
    assert len(CODE) > 250 and len(DATA) > 20


def test_every_name_of_the_package_is_in_the_reference():
    import hopopt

    documented = {id(getattr(importlib.import_module(m), n)) for m, n in CODE}
    data = {n for m, n in DATA}
    for name in hopopt.__all__:
        if name.startswith("__"):
            continue
        value = getattr(hopopt, name)
        assert id(value) in documented or name in data, f"hopopt.{name} is not in the API reference"


def test_each_object_is_documented_once():
    assert len(set(OBJECTS)) == len(OBJECTS)
    ids = [id(getattr(importlib.import_module(m), n)) for m, n in CODE]
    assert len(set(ids)) == len(ids)


@pytest.mark.parametrize("module_name, name", CODE, ids=[f"{m}.{n}" for m, n in CODE])
def test_function_or_class_has_an_example(module_name, name):
    value = getattr(importlib.import_module(module_name), name)
    doc = inspect.getdoc(value)
    assert doc and doc.strip(), f"{module_name}.{name} has no docstring"
    if isinstance(value, type):  # a class without its own docstring would show its base's
        assert value.__doc__, f"{module_name}.{name} has no docstring of its own"
    examples = _examples(doc)
    assert any(line.lstrip().startswith(">>>") for line in examples), \
        f"{module_name}.{name} has no Examples section with a >>> line"


def _doc_comment(module_name: str, name: str) -> str:
    """The ``#:`` lines just above the top-level assignment of ``name`` (or on its line), as Sphinx reads them."""
    node, lines = public_api.assignment(module_name, name)
    if node is None:
        return ""
    comment = []
    row = node.lineno - 2
    while row >= 0 and lines[row].lstrip().startswith("#:"):
        comment.insert(0, lines[row].lstrip()[2:].strip())
        row -= 1
    if "#:" in lines[node.lineno - 1]:
        comment.append(lines[node.lineno - 1].split("#:", 1)[1].strip())
    return " ".join(comment).strip()


@pytest.mark.parametrize("module_name, name", DATA, ids=[f"{m}.{n}" for m, n in DATA])
def test_constant_has_a_doc_comment(module_name, name):
    assert public_api.assigns(module_name, name), f"{module_name}.{name} is documented where it is not assigned"
    assert _doc_comment(module_name, name), \
        f"{module_name}.{name} needs a '#:' comment above its assignment (the reference shows it)"


def _signature_parameters(value) -> list[str]:
    """The parameters a caller passes (``*args``/``**kwargs`` with their stars), or [] for a class whose
    constructor is not hopopt's own (an enum's, a protocol's: nothing of the class to document)."""
    if isinstance(value, type) and not getattr(value.__init__, "__module__", "").startswith("hopopt"):
        return []
    names = []
    for parameter in inspect.signature(value).parameters.values():
        if parameter.name in ("self", "cls"):
            continue
        stars = {parameter.VAR_POSITIONAL: "*", parameter.VAR_KEYWORD: "**"}.get(parameter.kind, "")
        names.append(stars + parameter.name)
    return names


def _documented_parameters(value) -> set[str]:
    """Names in the Parameters sections (and a dataclass's Attributes); ``a, b : int`` names both."""
    from numpydoc.docscrape import NumpyDocString

    doc = NumpyDocString(inspect.getdoc(value) or "")
    sections = ["Parameters", "Other Parameters"]
    if dataclasses.is_dataclass(value):
        sections.append("Attributes")
    return {name.strip() for section in sections for entry in doc[section] for name in entry.name.split(",")}


def test_parameter_reader_sees_a_missing_parameter():
    pytest.importorskip("numpydoc")

    def undocumented(count, *args, scale=1.0, **kwargs):
        """Do something with ``count``.

        Parameters
        ----------
        count : int
            How many.
        *args
            Passed on.
        """

    documented = _documented_parameters(undocumented)
    missing = [name for name in _signature_parameters(undocumented) if name not in documented]
    assert missing == ["scale", "**kwargs"]


@pytest.mark.parametrize("module_name, name", CODE, ids=[f"{m}.{n}" for m, n in CODE])
def test_function_or_class_documents_its_parameters(module_name, name):
    pytest.importorskip("numpydoc")
    value = getattr(importlib.import_module(module_name), name)
    parameters = _signature_parameters(value)
    documented = _documented_parameters(value)
    missing = [parameter for parameter in parameters if parameter not in documented]
    assert not missing, f"{module_name}.{name}: no Parameters entry for {', '.join(missing)}"


def _shown_methods() -> list[tuple[str, str, str]]:
    """(module, class, method) for every method a class's page shows (:func:`public_api.class_members`)."""
    documented = {id(getattr(importlib.import_module(m), n)) for m, n in CODE}
    found = []
    for module_name, name in CODE:
        value = getattr(importlib.import_module(module_name), name)
        if isinstance(value, type):
            found += [(module_name, name, member) for directive, member in public_api.class_members(value, documented)
                      if directive == "automethod"]
    return found


def test_every_shown_method_documents_its_parameters():
    pytest.importorskip("numpydoc")
    pytest.importorskip("sphinx")  # class_members reads the #: comments with Sphinx's analyzer
    methods = _shown_methods()
    assert len(methods) > 200
    missing = []
    for module_name, name, member in methods:
        method = getattr(getattr(importlib.import_module(module_name), name), member)
        documented = _documented_parameters(method)
        missing += [f"{module_name}.{name}.{member}: {parameter}" for parameter in _signature_parameters(method)
                    if parameter not in documented]
    assert not missing, "no Parameters entry for " + "; ".join(missing)
