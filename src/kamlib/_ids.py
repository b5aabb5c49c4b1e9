"""Which ids arrays are known valid: checked once, where they are made.

A [`FeatureTable`][kamlib.FeatureTable] validates its ids (non-empty ``str``, unique) when it is
built, and a [`ScoreTable`][kamlib.scoring.ScoreTable] validates the ids it is given. Both then
*mark* the array here, so that a result built from a table's ids (every scorer's
``score``), or the rows kept by ``take``, does no per-id Python work again.

The registry holds the arrays weakly (an entry dies with its array) and by identity:
a mark says "this very array object is valid", never "an equal array is". Only sealed
arrays are marked (read-only, and so is every array they view); one made writeable
since it was marked no longer counts as checked.
"""

from __future__ import annotations

import weakref
from typing import Any

import numpy as np
from numpy.typing import NDArray

from kamlib.errors import DuplicateIdError, InvalidTypeError, InvalidValueError

__all__ = ["check_id_list", "is_checked", "is_sealed", "mark_checked"]

# Keyed by ``id()``: numpy arrays are unhashable, so a ``WeakSet`` cannot hold them. The
# value is the array itself, held weakly: an entry is dropped when its array is freed
# (before the ``id`` can be reused), and ``is_checked`` compares identity as well.
_CHECKED: weakref.WeakValueDictionary[int, NDArray[np.object_]] = weakref.WeakValueDictionary()


def is_sealed(a: NDArray[Any]) -> bool:
    """Return True when nobody can write ``a``: read-only, and so is every array it views.

    Examples:
        >>> import numpy as np
        >>> from kamlib._ids import is_sealed
        >>> a = np.array(["A"], dtype=object)
        >>> view = a.view()
        >>> view.flags.writeable = False
        >>> is_sealed(a), is_sealed(view)  # the view's memory is writeable through ``a``
        (False, False)
        >>> a.flags.writeable = False
        >>> is_sealed(a), is_sealed(view)
        (True, True)
    """
    if a.flags.writeable:
        return False
    base: object = a.base  # numpy types it as an array; it may be any buffer owner
    while base is not None:
        if not isinstance(base, np.ndarray):
            return isinstance(base, bytes)  # immutable memory; any other buffer may change
        if base.flags.writeable:
            return False
        base = base.base
    return True


def mark_checked(ids: NDArray[np.object_], *sources: object) -> NDArray[np.object_]:
    """Record that ``ids`` holds unique, non-empty ``str`` ids; return it unchanged.

    Without ``sources``, the caller vouches that it has just validated ``ids``. With
    ``sources``, ``ids`` are rows of those arrays, already known not to repeat, and are
    marked only when every source is itself checked (distinct rows of valid ids are
    valid ids); an id array nobody validated stays unmarked.

    Nothing is copied. An array that is not a sealed one-dimensional object array is
    left unmarked, so it is checked again wherever it is used.

    Examples:
        >>> import numpy as np
        >>> from kamlib._ids import is_checked, mark_checked
        >>> ids = np.array(["A", "B"], dtype=object)
        >>> ids.flags.writeable = False
        >>> mark_checked(ids) is ids, is_checked(ids)
        (True, True)
        >>> part = ids[[1]]
        >>> part.flags.writeable = False
        >>> is_checked(mark_checked(part, ids))
        True
        >>> is_checked(mark_checked(np.array(["A"], dtype=object)))  # writeable
        False
    """
    if (
        ids.dtype == np.object_
        and ids.ndim == 1
        and is_sealed(ids)
        and all(is_checked(s) for s in sources)
    ):
        _CHECKED[id(ids)] = ids
    return ids


def is_checked(ids: object) -> bool:
    """Return True when ``ids`` is an array marked by `mark_checked`, still sealed.

    Examples:
        >>> from kamlib import FeatureTable
        >>> from kamlib._ids import is_checked
        >>> t = FeatureTable.from_columns(["A", "B"], {"x": [1.0, 2.0]})
        >>> is_checked(t.ids), is_checked(t.take([1]).ids)
        (True, True)
        >>> is_checked(t.ids.copy()), is_checked(["A", "B"])
        (False, False)
    """
    return isinstance(ids, np.ndarray) and _CHECKED.get(id(ids)) is ids and is_sealed(ids)


def check_id_list(path: str, seq: list[object]) -> None:
    """Check that ``seq`` holds unique non-empty ``str`` ids; the one id rule of kamlib.

    Costs one C-level pass for the element types and one ``set`` for uniqueness; the scans
    that name the offending position run only after a check has failed.

    Raises:
        InvalidTypeError: An id is not a ``str`` (the path names its position).
        InvalidValueError: An id is empty.
        DuplicateIdError: An id repeats.

    Examples:
        >>> from kamlib._ids import check_id_list
        >>> check_id_list("ids", ["A", "B"])
        >>> check_id_list("ids", ["A", "B", "A"])
        Traceback (most recent call last):
        ...
        kamlib.errors.DuplicateIdError: ids[2]: is not unique; got 'A'
    """
    if set(map(type, seq)) - {str}:  # slow path: subclasses of str pass, others are named
        for i, v in enumerate(seq):
            if not isinstance(v, str):
                raise InvalidTypeError(f"{path}[{i}]", v, "must be a non-empty str")
    unique = set(seq)
    if len(unique) != len(seq) or "" in unique:
        seen: set[object] = set()
        for i, v in enumerate(seq):
            if v == "":
                raise InvalidValueError(f"{path}[{i}]", v, "must be a non-empty str")
            if v in seen:
                raise DuplicateIdError(f"{path}[{i}]", v, "is not unique")
            seen.add(v)
