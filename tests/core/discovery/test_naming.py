from __future__ import annotations

import pytest

from switcher.core import validate as v
from switcher.core.discovery.naming import assign, base_alias, with_id


@pytest.mark.parametrize("name,alias", [
    ("Acme Payments Prod", "Acme-Payments-Prod"),
    ("Zürich (legacy)", "Zurich-legacy"),
    ("  --prod.eu_1--  ", "prod.eu_1"),
    ("日本", "111122223333"),
    ("x" * 80, "x" * 64),
])
def test_base_alias(name, alias):
    assert base_alias(name, "111122223333") == alias
    assert v.check_alias(alias) == alias


def test_with_id_fits_in_64():
    alias = with_id("y" * 64, "111122223333")
    assert alias == "y" * 51 + "-111122223333" and v.check_alias(alias) == alias


def test_clashes_get_the_id_and_kept_names_do_not_move():
    new = assign({"1" * 12: "Prod"}, [("2" * 12, "prod"), ("3" * 12, "Dev"), ("4" * 12, "Dev")])
    assert new == {"2" * 12: "prod-222222222222", "3" * 12: "Dev-333333333333",
                   "4" * 12: "Dev-444444444444"}
