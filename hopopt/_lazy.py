"""Public names imported on first use (PEP 562), for hopopt's packages.

`hopopt --help` must not import numpy, numba or scipy, and a max-cut solve must not import every problem, reader
and solver: each package lists its public names with the module that defines them and imports that module the
first time a name is asked for.
"""

from __future__ import annotations

from importlib import import_module

__all__ = ["lazy_names"]


def lazy_names(package, names, namespace):
    """The ``__getattr__`` and ``__dir__`` of a package whose public ``names`` are imported on first access.

    Parameters
    ----------
    package : str
        The package's ``__name__``.
    names : mapping of str to str
        Each public name and the (relative) module that defines it.
    namespace : dict
        The package's ``globals()``: a name, once imported, is kept there, and later accesses no longer reach
        ``__getattr__``.

    Examples
    --------
    >>> import types
    >>> from hopopt._lazy import lazy_names
    >>> package = types.ModuleType("example")
    >>> getter, listing = lazy_names("hopopt", {"Vartype": ".model"}, vars(package))
    >>> getter("Vartype").__name__, "Vartype" in listing()
    ('Vartype', True)
    """
    def __getattr__(name):
        try:
            module_name = names[name]
        except KeyError:
            raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
        value = getattr(import_module(module_name, package), name)
        namespace[name] = value
        return value

    def __dir__():
        return sorted(set(namespace) | set(namespace.get("__all__", ())) | set(names))

    return __getattr__, __dir__
