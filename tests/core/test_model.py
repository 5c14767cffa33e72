"""Config.account: aliases are nicknames whose case is kept, and found ignoring case
when only one account could be meant."""

from __future__ import annotations

import pytest

from switcher.core.errors import InputError
from switcher.core.model import Account, Config

PROD = Account("prod", "123456789012")
QA = Account("My_Account", "210987654321")


def test_exact_spelling_first_then_case_insensitive():
    config = Config(accounts=(PROD, QA))
    assert config.account("prod") is PROD
    assert config.account("PROD") is PROD
    assert config.account("my_account") is QA
    assert config.account("nope") is None


def test_aliases_differing_only_in_case_need_the_exact_spelling():
    upper = Account("PROD", "111111111111")
    config = Config(accounts=(PROD, upper))
    assert config.account("prod") is PROD
    assert config.account("PROD") is upper
    assert config.account("Prod") is None  # either could be meant


def test_exact_lookup_ignores_other_spellings():
    config = Config(accounts=(PROD,))
    assert config.account("PROD", exact=True) is None
    assert config.account("prod", exact=True) is PROD


def test_the_same_alias_twice_is_still_refused():
    with pytest.raises(InputError, match="used by two accounts"):
        Config(accounts=(PROD, Account("prod", "111111111111")))


def test_a_wrong_type_in_a_table_is_shown_short():
    with pytest.raises(InputError, match=r"^account prod: region must be a string, not \[\[") as info:
        Account.from_dict({"alias": "prod", "id": "123456789012", "region": [["x" * 500]]})
    assert len(str(info.value)) < 300


def test_role_names_that_differ_only_in_case_are_one_role():
    # IAM refuses "Admin" beside "admin" in one account; an export could not tell them apart
    from switcher.core.errors import InputError
    from switcher.core.model import Account, Role

    with pytest.raises(InputError, match="lists role Admin twice"):
        Account(alias="dev", id="111111111111", roles=(Role("Admin"), Role("admin")))


def test_multi_session_is_a_setting_and_an_account_choice():
    from switcher.core.model import Settings

    assert Settings().multi_session is False
    assert Settings.from_dict({"multi_session": True}).to_dict()["multi_session"] is True
    data = {"alias": "dev", "id": "123456789012", "multi_session": False}
    assert Account.from_dict(data).to_dict()["multi_session"] is False
    assert "multi_session" not in Account("dev", "123456789012").to_dict()  # None: the setting's
    with pytest.raises(InputError, match="multi_session"):
        Settings.from_dict({"multi_session": "yes"})
    with pytest.raises(InputError, match="multi_session"):
        Account.from_dict({**data, "multi_session": 1})
