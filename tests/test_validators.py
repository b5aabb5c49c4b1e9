"""The attrs validators behind every model field: typed errors naming Class.field."""

from __future__ import annotations

import attrs
import pytest

from kamlib._validators import real
from kamlib.errors import InvalidTypeError, InvalidValueError


def test_real_validator_refuses_huge_ints_and_bools() -> None:
    @attrs.frozen
    class Box:
        x: float = attrs.field(validator=real(ge=0.0))

    assert Box(3).x == 3
    with pytest.raises(InvalidValueError, match=r"Box\.x: is too large"):
        Box(10**400)
    with pytest.raises(InvalidTypeError, match=r"Box\.x"):
        Box(True)
    with pytest.raises(InvalidValueError, match=r"Box\.x: must be a real number in \[0, inf\)"):
        Box(-1.0)
    with pytest.raises(InvalidValueError, match="finite"):
        Box(float("nan"))
