"""The accounts page's model without widgets: drafts, their checks, build and dirtiness."""

from __future__ import annotations

import subprocess
import sys

import pytest

from switcher.core.errors import InputError
from switcher.core.model import DEFAULT_REGION, Account, Role
from switcher.gui.settings.drafts import AccountDrafts, field_problem

ACCOUNTS = (
    Account("dev", "111111111111", region="eu-west-1", source="base",
            roles=(Role("Admin"), Role("team/ReadOnly"))),
    Account("prod", "222222222222", roles=(Role("Deploy", hotkey="Ctrl+Alt+P"),)),
)


@pytest.fixture
def drafts() -> AccountDrafts:
    model = AccountDrafts(sources=["base", "work-keys"], role_profiles=["ops-admin"])
    model.load(ACCOUNTS)
    return model


def test_the_model_needs_no_qt():
    code = ("import sys, switcher.gui.settings.drafts; "
            "sys.exit([m for m in sys.modules if m.startswith('PySide6')] or None)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def test_loaded_drafts_are_clean_and_build_back_into_the_accounts(drafts):
    assert [d["_original"] for d in drafts.drafts] == ["dev", "prod"]
    assert drafts.problems(0) == [] and drafts.problems(1) == []
    assert not drafts.is_dirty()
    assert drafts.build() == [("dev", ACCOUNTS[0]), ("prod", ACCOUNTS[1])]


def test_editing_makes_dirty_and_editing_back_makes_clean(drafts):
    drafts.set_field(0, "color", "  99bce3 ")
    assert drafts[0]["color"] == "99bce3"
    assert drafts.is_dirty()
    assert drafts.build()[0][1].color == "99BCE3"
    drafts.set_field(0, "color", "   ")  # blank: the field's default applies again
    assert "color" not in drafts[0]
    assert not drafts.is_dirty()
    drafts.set_field(0, "logout_first", False)  # a choice, not blank
    assert drafts[0]["logout_first"] is False and drafts.is_dirty()


def test_a_draft_that_cannot_be_built_is_dirty_and_named_in_the_error(drafts):
    drafts.set_field(1, "id", "123")
    assert drafts.is_dirty()
    with pytest.raises(InputError, match=r"^prod: account id '123' must be exactly 12 digits"):
        drafts.build()
    index = drafts.add_account()
    assert drafts[index] == {"region": DEFAULT_REGION, "roles": [], "_original": None,
                             "_untyped": {"alias", "id"}}
    drafts.set_field(1, "id", "222222222222")
    with pytest.raises(InputError, match=r"^new account: "):
        drafts.build()


def test_field_checks_match_the_form():
    assert "'Bad Alias'" in field_problem("alias", "Bad Alias")
    assert field_problem("alias", None) is not None  # required
    assert field_problem("region", "") is not None  # required
    assert field_problem("color", None) is None  # optional
    assert "6 hex digits" in field_problem("color", "#zzzzzz")
    assert "unknown browser" in field_problem("browser", "netscape")
    assert field_problem("source", "any-name-at-all") is None


def test_problems_list_fields_then_cells_then_the_whole_account(drafts):
    drafts.set_field(0, "id", "12345")
    drafts.set_cell(0, 0, "duration", "60")
    drafts.set_cell(0, 1, "external_id", "x")
    problems = drafts.problems(0)
    assert len(problems) == 3
    assert problems[0].startswith("Account ID: ") and "12 digits" in problems[0]
    assert problems[1].startswith("Role row 1, Duration (s): ") and "between 900 and 43200" in problems[1]
    assert problems[2].startswith("Role row 2, External ID: ")
    # only a clean account is built, so only then is a role listed twice reported
    drafts.set_field(0, "id", "111111111111")
    drafts.set_cell(0, 0, "duration", "3600")
    drafts.set_cell(0, 1, "external_id", "")
    assert drafts.problems(0) == []
    row = drafts.add_role(0)
    assert drafts.problems(0) == []  # not typed in yet
    drafts.reveal()  # Save was pressed
    assert drafts.problems(0) == ["Role row 3, Role (path/name): role name is empty"]
    drafts.set_cell(0, row, "name", "Admin")
    assert drafts.problems(0) == ["account dev lists role Admin twice"]
    drafts.remove_role(0, row)
    assert drafts.problems(0) == []
    assert drafts.problems(-1) == [] and drafts.problems(5) == []


def test_via_names_a_target_counting_unsaved_drafts(drafts):
    index = drafts.add_account()
    drafts.set_field(index, "alias", "draft-acct")
    drafts.set_cell(index, drafts.add_role(index), "name", "Reader")

    def problem(text: str) -> str | None:
        drafts.set_cell(0, 0, "via", text)
        return drafts.cell_problem(0, 0, "via")

    assert problem("ops-admin") is None  # a role profile of ~/.aws/config
    assert problem("prod/Deploy") is None
    assert problem("prod") is None  # the alias of a one-role account
    assert problem("draft-acct") is None and problem("draft-acct/Reader") is None
    assert "no target named 'dev'" in problem("dev")  # two roles: no shorthand
    assert problem("dev/Admin") == "a role cannot be assumed via itself"
    assert "credentials source, not a role" in problem("work-keys")
    assert "no target named 'nothing'" in problem("nothing")
    assert "draft-acct" in drafts.target_names()


def test_a_chained_role_is_held_to_one_hour(drafts):
    drafts.set_cell(0, 0, "duration", "7200")
    assert drafts.cell_problem(0, 0, "duration") is None
    drafts.set_cell(0, 0, "via", "prod/Deploy")
    assert "1 hour limit" in drafts.cell_problem(0, 0, "duration")
    drafts.set_cell(0, 0, "duration", "3600")
    assert drafts.cell_problem(0, 0, "duration") is None


def test_hotkeys_conflict_with_the_palette_and_across_drafts(drafts):
    drafts.palette_hotkey = "Ctrl+Alt+A"
    drafts.set_cell(0, 0, "hotkey", "alt+ctrl+a")
    assert drafts.cell_problem(0, 0, "hotkey") == "Ctrl+Alt+A is already used by the search palette"
    drafts.set_cell(0, 1, "hotkey", "Ctrl+Alt+P")
    assert drafts.cell_problem(0, 1, "hotkey") == "Ctrl+Alt+P is already used by prod/Deploy"
    assert drafts.cell_problem(1, 0, "hotkey") == "Ctrl+Alt+P is already used by dev/team/ReadOnly"
    assert drafts.problems(0) == [
        "Role row 1, Hotkey: Ctrl+Alt+A is already used by the search palette",
        "Role row 2, Hotkey: Ctrl+Alt+P is already used by prod/Deploy",
    ]
    # the General page checks its palette hotkey against the roles alone
    assert drafts.role_hotkeys() == {"dev/Admin": "alt+ctrl+a", "dev/team/ReadOnly": "Ctrl+Alt+P",
                                     "prod/Deploy": "Ctrl+Alt+P"}
    drafts.palette_hotkey = "Ctrl+Alt+Space"
    assert drafts.cell_problem(0, 0, "hotkey") is None
    index = drafts.add_account()
    drafts.set_cell(index, drafts.add_role(index), "hotkey", "Ctrl+Alt+Space")
    assert "new account/(no name)" in drafts.role_hotkeys()
    assert drafts.hotkey_conflict(0, 0, "Ctrl+Alt+Space") == "Ctrl+Alt+Space is already used by the search palette"


def test_an_unusable_hotkey_is_the_cells_own_problem(drafts):
    drafts.set_cell(1, 0, "hotkey", "A")
    assert "add Ctrl, Alt or Meta" in drafts.cell_problem(1, 0, "hotkey")
    drafts.set_cell(1, 0, "hotkey", "")
    assert drafts.cell_problem(1, 0, "hotkey") is None
    assert "hotkey" not in drafts.roles(1)[0]


def test_a_new_account_shows_no_problem_before_the_user_typed_in_it(drafts):
    index = drafts.add_account()
    assert drafts.problems(index) == []  # an empty alias and id are not wrong yet
    assert drafts.field_problem(index, "alias") is None
    drafts.set_field(index, "alias", "x y")
    assert "'x y'" in drafts.field_problem(index, "alias")
    assert drafts.field_problem(index, "id") is None  # still untouched
    drafts.set_field(index, "id", "")  # typed, then emptied: required now
    assert drafts.field_problem(index, "id") is not None
    row = drafts.add_role(index)
    assert drafts.cell_problem(index, row, "name") is None
    with pytest.raises(InputError):
        drafts.build()  # Save still refuses it
    drafts.reveal()
    assert drafts.cell_problem(index, row, "name") == "role name is empty"
    drafts.set_field(index, "alias", "fresh")
    drafts.set_field(index, "id", "333333333333")
    drafts.set_cell(index, row, "name", "Reader")
    assert drafts.build()[-1] == (None, Account("fresh", "333333333333", roles=(Role("Reader"),)))


def test_an_import_is_staged_into_the_drafts_in_order(drafts):
    from switcher.core.model import Config
    from switcher.core.share import importer

    drafts.set_field(1, "color", "FBBF93")  # an unsaved edit the import must keep
    edited = Config(accounts=tuple(a for _o, a in drafts.build()))
    esr = ("[profile dev]\naws_account_id = 111111111111\nrole_name = Viewer\n\n"
           "[profile data]\naws_account_id = 444444444444\nrole_name = Analyst\n")
    plan = importer.plan_esr(edited, esr)
    drafts.stage(plan.config.accounts)
    assert [r.get("name") for r in drafts.roles(0)] == ["Admin", "team/ReadOnly", "Viewer"]
    assert drafts[1]["color"] == "FBBF93"
    assert drafts[2]["alias"] == "data" and drafts[2]["_original"] is None
    assert [a.alias for _o, a in drafts.build()] == ["dev", "prod", "data"]


def test_changed_drafts_are_what_leaving_the_sandbox_carries(drafts):
    assert drafts.changed_drafts() == []
    drafts.set_field(1, "color", "FBBF93")
    index = drafts.add_account()
    drafts.set_field(index, "alias", "half-typed")
    carried = drafts.changed_drafts()
    assert [(d.get("alias"), d["_original"]) for d in carried] == [("prod", None), ("half-typed", None)]
    assert carried[1]["_untyped"] == {"id"}  # still not red where nothing was typed


def test_dirtiness_rebuilds_only_the_drafts_that_were_edited(monkeypatch):
    """Checked on every key press: thousands of untouched accounts are not rebuilt."""
    from switcher.gui.settings import drafts as module

    accounts = tuple(Account(f"acct-{i}", f"{i:012d}", roles=(Role("Admin"),)) for i in range(1000))
    model = AccountDrafts()
    model.load(accounts)
    built = []
    real_build = module.build_account
    monkeypatch.setattr(module, "build_account", lambda draft: (built.append(draft["alias"]), real_build(draft))[1])
    model.set_field(500, "color", "99BCE3")
    assert model.is_dirty() and built == ["acct-500"]
    model.set_field(500, "color", "")
    built.clear()
    assert not model.is_dirty() and built == ["acct-500"]
