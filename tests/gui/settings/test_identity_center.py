"""The Settings window's Identity Center page (offscreen) against the sandbox Identity
Center over HTTP: adding, editing and removing config.toml's sources under the one Save
(the CLI then sees them), the CLI's input rules as inline errors with nothing written,
~/.aws/config's sources read-only, each source's sign-in state and discovered count read
in jobs, Sign in and Discover as the tray's jobs, and drafts that outlive page switches."""

from __future__ import annotations

import os
import threading
import webbrowser
from dataclasses import replace

import pytest

from switcher.cli.main import main as cli_main
from switcher.core import config as config_store
from switcher.core.model import OrgSource, SsoSource
from switcher.core.secrets import keystore
from switcher.core.sso import sources, tokens
from switcher.gui import tray_sso
from switcher.gui.controller import Controller
from switcher.gui.settings.window import SettingsWindow
from tests.fixtures.identity_center import running_stand_in, url_following_browser

from ..tray_env import QT_LOG_IGNORE

pytestmark = QT_LOG_IGNORE

START_URL = "https://d-settings.awsapps.com/start"
REGION = "eu-west-1"
OTHER_URL = "https://d-other.awsapps.com/start"


@pytest.fixture(scope="module")
def stand_in():
    with running_stand_in(START_URL, REGION) as center:
        yield center


@pytest.fixture
def sso_env(core_env, stand_in, tmp_path, monkeypatch):
    """core_env pointed at the stand-in, with a $BROWSER that follows the sign-in URL."""
    for name, value in stand_in.endpoint_env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("SWITCHER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("BROWSER", str(url_following_browser(tmp_path)))
    # webbrowser reads $BROWSER once per process: an earlier test's must not stay
    monkeypatch.setattr(webbrowser, "_tryorder", None)
    monkeypatch.setattr(webbrowser, "_browsers", {})
    return core_env


@pytest.fixture
def controller(qtbot, sso_env):
    c = Controller(config_path=sso_env)
    yield c
    c.shutdown()
    c.jobs.pool.waitForDone(60_000)


def open_window(qtbot, controller) -> SettingsWindow:
    w = SettingsWindow(controller)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.show_page("identity-center")
    page = w.identity
    # ~/.aws/config, the states and the counts arrive from a job
    qtbot.waitUntil(lambda: not page._reading, timeout=30_000)
    return w


def with_corp(path) -> None:
    config_store.update(lambda c: replace(c, sso=(SsoSource("corp", START_URL, REGION),)), path)


def rows(page) -> list[str]:
    return [page.list.item(i).text() for i in range(page.list.count())]


def sso_list(capsys) -> list[str]:
    capsys.readouterr()
    depth = os.environ.pop("SWITCHER_CALL_DEPTH", None)
    try:
        assert cli_main(["sso", "list"]) == 0
    finally:
        os.environ.pop("SWITCHER_CALL_DEPTH", None)
        if depth is not None:
            os.environ["SWITCHER_CALL_DEPTH"] = depth
    return capsys.readouterr().out.splitlines()


def add(qtbot, window, name: str, url: str, region: str = REGION) -> None:
    page = window.identity
    qtbot.mouseClick(page.add_button, _left())
    page.name.setText(name)
    page.start_url.setText(url)
    page.region.setCurrentText(region)


def _left():
    from switcher.gui.qt import Qt

    return Qt.MouseButton.LeftButton


def test_an_added_source_is_saved_to_config_toml_and_the_cli_lists_it(qtbot, controller, sso_env, capsys):
    window = open_window(qtbot, controller)
    page = window.identity
    add(qtbot, window, "corp", START_URL)
    page.console.setCurrentIndex(page.console.findData("portal"))
    page.max_rate.setValue(7)
    assert window.isWindowModified() and window.save_button.isEnabled()
    assert rows(page) == ["corp\nnew, not saved yet"]  # no sign-in state before it is saved
    assert window.save() is True
    assert config_store.load(sso_env).sso == (
        SsoSource("corp", START_URL, REGION, max_requests_per_second=7, console="portal"),)
    assert not window.is_dirty()
    (line,) = sso_list(capsys)
    columns = line.split("\t")
    assert columns[:4] == ["corp", START_URL, REGION, "config.toml"] and columns[-1] == "never"
    # the accounts of the file are still there: Save applied only what changed
    assert [a.alias for a in config_store.load(sso_env).accounts] == ["dev", "prod"]


@pytest.mark.parametrize("field,text,message", [
    ("start_url", "http://d-x.awsapps.com/start", "must be an https URL like"),
    ("start_url", "d-x.awsapps.com/start", "must be an https URL like"),
    ("region", "mars", "region 'mars' is not a region"),
    ("name", "a b", "source name 'a b' must be"),
])
def test_a_bad_field_is_an_inline_error_and_nothing_is_written(qtbot, controller, sso_env, field, text, message):
    window = open_window(qtbot, controller)
    page = window.identity
    before = sso_env.read_bytes()
    add(qtbot, window, "corp", START_URL)
    widget = page.fields[field].widget
    widget.setCurrentText(text) if field == "region" else widget.setText(text)
    label = page.fields[field].label
    assert label.isVisibleTo(page) and message in label.text()
    assert window.is_dirty() and not window.save_button.isEnabled()
    assert message in window.save_button.toolTip()
    assert window.save() is False
    assert "Not saved" in window.banner.text() and message in window.banner.text()
    assert sso_env.read_bytes() == before
    assert widget.currentText() == text if field == "region" else widget.text() == text


def test_a_new_source_shows_no_error_before_it_is_typed_in_but_cannot_be_saved(qtbot, controller, sso_env):
    window = open_window(qtbot, controller)
    before = sso_env.read_bytes()
    qtbot.mouseClick(window.identity.add_button, _left())
    page = window.identity
    assert not any(f.label.isVisibleTo(page) for f in page.fields.values())
    assert not page.problems.isVisibleTo(page)
    assert not window.save_button.isEnabled()
    assert "Name" in window.save_button.toolTip()
    assert window.save() is False and sso_env.read_bytes() == before


def test_a_name_of_another_sign_in_in_aws_config_is_refused(qtbot, controller, sso_env):
    aws_config = os.environ["AWS_CONFIG_FILE"]
    with open(aws_config, "a") as f:
        f.write(f"\n[sso-session corp]\nsso_start_url = {OTHER_URL}\nsso_region = us-east-1\n")
    window = open_window(qtbot, controller)
    before = sso_env.read_bytes()
    add(qtbot, window, "corp", START_URL)
    page = window.identity
    assert page.problems.isVisibleTo(page)
    assert page.problems.text() == (f"corp already names the Identity Center source for "
                                    f"{OTHER_URL} (sso-session corp)")
    assert not window.save_button.isEnabled() and window.save() is False
    assert sso_env.read_bytes() == before
    page.name.setText("corp2")  # fixed: Save comes back
    assert not page.problems.isVisibleTo(page) and window.save_button.isEnabled()


def test_remove_saves_and_forgets_the_sign_in(qtbot, controller, sso_env, capsys, memory_keyring):
    with_corp(sso_env)
    controller.reload()
    (source,) = sources.all_sources(controller.config)
    tokens.save(source, tokens.TokenSet("t", 4_000_000_000, None))
    window = open_window(qtbot, controller)
    page = window.identity
    assert page.list.currentRow() == 0 and page.name.text() == "corp"
    qtbot.mouseClick(page.remove_button, _left())
    assert rows(page) == [] and window.is_dirty()
    assert window.save() is True
    assert config_store.load(sso_env).sso == ()
    assert sso_list(capsys) == []
    name = f"token {source.key}"
    qtbot.waitUntil(lambda: (keystore.SSO_SERVICE, name) not in memory_keyring.store, timeout=10_000)


def test_an_aws_config_sso_session_is_shown_read_only(qtbot, controller, sso_env):
    aws_config = os.environ["AWS_CONFIG_FILE"]
    with open(aws_config, "a") as f:
        f.write(f"\n[sso-session work]\nsso_start_url = {OTHER_URL}\nsso_region = us-east-1\n")
    with_corp(sso_env)
    controller.reload()
    window = open_window(qtbot, controller)
    page = window.identity
    assert rows(page) == ["corp\nnot signed in", f"work\n{_shown(aws_config)} · not signed in"]
    page.list.setCurrentRow(1)
    assert page.name.text() == "work" and page.start_url.text() == OTHER_URL
    assert page.name.isReadOnly() and page.start_url.isReadOnly()
    assert not page.region.isEnabled() and not page.console.isEnabled()
    assert not page.remove_button.isEnabled()
    assert "edit that file" in page.origin.text() and "sso-session work" in page.origin.text()
    assert page.sign_in_button.isEnabled() and page.discover_button.isEnabled()
    assert not window.is_dirty()
    page.list.setCurrentRow(0)
    assert not page.name.isReadOnly() and page.remove_button.isEnabled()


def _shown(path: str) -> str:
    home = os.path.expanduser("~")
    return "~" + path[len(home):] if path.startswith(home + os.sep) else path


def test_sign_in_runs_as_a_job_and_the_state_follows(qtbot, controller, sso_env, monkeypatch):
    with_corp(sso_env)
    controller.reload()
    threads = []
    real_states, real_sign_in = tray_sso.read_states, tray_sso.sign_in

    def states(*args):
        threads.append(threading.current_thread() is threading.main_thread())
        return real_states(*args)

    def sign_in(config, name):
        threads.append(threading.current_thread() is threading.main_thread())
        return real_sign_in(config, name)

    monkeypatch.setattr(tray_sso, "read_states", states)
    monkeypatch.setattr(tray_sso, "sign_in", sign_in)
    window = open_window(qtbot, controller)
    page = window.identity
    assert page.state.text() == "not signed in"
    qtbot.mouseClick(page.sign_in_button, _left())
    qtbot.waitUntil(lambda: page.state.text().startswith("signed in until "), timeout=30_000)
    assert rows(page)[0].startswith("corp\nsigned in until ")
    assert page.activity_label.text() == "Signed in to corp"
    assert threads and not any(threads)  # the keyring and the browser: never the main thread
    assert not window.is_dirty()


def test_discover_counts_the_accounts_and_roles(qtbot, controller, sso_env):
    with_corp(sso_env)
    controller.reload()
    window = open_window(qtbot, controller)
    page = window.identity
    assert page.found_label.text() == "not discovered yet"
    (source,) = sources.all_sources(controller.config)
    tokens.save(source, tokens.TokenSet(_access_token(), 4_000_000_000, None))
    qtbot.mouseClick(page.discover_button, _left())
    assert not page.discover_button.isEnabled()
    qtbot.waitUntil(lambda: page.found_label.text() == "3 accounts, 9 roles", timeout=30_000)
    assert page.activity_label.text() == "Discovery of corp done."
    assert page.discover_button.isEnabled()


def _access_token() -> str:
    # a real token of the stand-in: what a browser sign-in would have left in the keyring
    source = sources.Source("corp", START_URL, REGION, ("corp",), ("config.toml",))
    tokens.login(source, browser=None)
    token = tokens.load(source).access_token
    tokens.forget(source)
    return token


def test_a_signed_in_source_that_was_edited_cannot_sign_in_until_saved(qtbot, controller, sso_env):
    with_corp(sso_env)
    controller.reload()
    window = open_window(qtbot, controller)
    page = window.identity
    page.region.setCurrentText("us-east-1")
    assert not page.sign_in_button.isEnabled()
    assert "Save your changes first" in page.sign_in_button.toolTip()


def test_drafts_survive_switching_pages_and_sources(qtbot, controller, sso_env):
    aws_config = os.environ["AWS_CONFIG_FILE"]
    with open(aws_config, "a") as f:
        f.write(f"\n[sso-session work]\nsso_start_url = {OTHER_URL}\nsso_region = us-east-1\n")
    with_corp(sso_env)
    controller.reload()
    window = open_window(qtbot, controller)
    page = window.identity
    page.start_url.setText("https://d-half")  # half typed
    add(qtbot, window, "team", "http://not-yet")
    window.show_page("accounts")
    window.show_page("general")
    page.list.setCurrentRow(2)  # the read-only one
    window.show_page("identity-center")
    page.list.setCurrentRow(0)
    assert page.start_url.text() == "https://d-half"
    page.list.setCurrentRow(1)
    assert page.name.text() == "team" and page.start_url.text() == "http://not-yet"
    assert "must be an https URL" in page.fields["start_url"].label.text()
    # a change on disk meanwhile keeps the edits, and closing asks first
    config_store.update(lambda c: replace(c, settings=replace(c.settings, clipboard_clear_seconds=9)), sso_env)
    qtbot.waitUntil(lambda: "Your edits are kept" in window.banner.text(), timeout=5000)
    assert [d.get("start_url") for d in page.drafts] == ["https://d-half", "http://not-yet"]
    window.close()
    assert window.isVisible() and window.unsaved_prompt is not None
    window.unsaved_prompt.done(0)


def test_saving_another_page_keeps_sources_organizations_and_overlays(qtbot, controller, sso_env):
    config_store.update(lambda c: replace(
        c, sso=(SsoSource("corp", START_URL, REGION),),
        org=(OrgSource("acme", "dev/Admin", ("OrgRead",)),)), sso_env)
    controller.reload()
    window = open_window(qtbot, controller)
    window.general.clear_delay.setValue(45)
    assert window.save() is True
    saved = config_store.load(sso_env)
    assert saved.sso == (SsoSource("corp", START_URL, REGION),)
    assert [o.name for o in saved.org] == ["acme"]
    assert saved.settings.clipboard_clear_seconds == 45


def test_a_source_the_cli_added_meanwhile_is_kept(qtbot, controller, sso_env):
    window = open_window(qtbot, controller)
    add(qtbot, window, "team", OTHER_URL, "us-east-1")
    sources.add("corp", START_URL, REGION, sso_env)
    assert window.save() is True
    assert [s.name for s in config_store.load(sso_env).sso] == ["corp", "team"]
    assert [d["name"] for d in window.identity.drafts] == ["corp", "team"]


def test_a_rename_is_saved_in_place(qtbot, controller, sso_env):
    with_corp(sso_env)
    controller.reload()
    window = open_window(qtbot, controller)
    window.identity.name.setText("work")
    assert window.save() is True
    assert config_store.load(sso_env).sso == (SsoSource("work", START_URL, REGION),)
    assert window.identity.name.text() == "work"
