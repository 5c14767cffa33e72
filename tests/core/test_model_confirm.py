"""Role.confirm: a hand-edited ``confirm`` must be true or false, and only true is written."""

from __future__ import annotations

import pytest

from switcher.core.errors import InputError
from switcher.core.model import Role


def test_confirm_round_trips_and_false_is_not_written():
    assert Role.from_dict({"name": "Admin", "confirm": True}).confirm is True
    assert Role("Admin", confirm=True).to_dict() == {"name": "Admin", "confirm": True}
    assert Role("Admin").to_dict() == {"name": "Admin"}
    assert Role.from_dict({"name": "Admin", "confirm": False}).confirm is False


@pytest.mark.parametrize("value", ["true", 1, "yes"])
def test_a_confirm_that_is_not_a_boolean_is_refused(value):
    with pytest.raises(InputError, match="confirm must be true or false"):
        Role.from_dict({"name": "Admin", "confirm": value})
