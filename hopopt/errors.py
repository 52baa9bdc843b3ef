"""Exceptions that hopopt raises for bad input.

Every message says which argument or file is wrong, the rule it breaks and the value it had, so that the
command line can print it as one line and exit with status 2.
"""


class InputError(ValueError):
    """Bad input from the user: a malformed file, an impossible parameter, an unknown name.

    A subclass of :class:`ValueError`, so library users can catch either.

    Examples
    --------
    >>> from hopopt.errors import InputError
    >>> try:
    ...     raise InputError("G1.txt:3: node id 900 is out of range 1..800")
    ... except ValueError as error:
    ...     print(error)
    G1.txt:3: node id 900 is out of range 1..800
    """
