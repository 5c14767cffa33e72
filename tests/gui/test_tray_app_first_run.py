"""The tray's first run (the sandbox) is for people with nothing to switch to: someone
whose ~/.aws/config has only IAM Identity Center profiles has targets already."""

from __future__ import annotations

from switcher.gui.tray_app import needs_sandbox


def test_only_sso_profiles_are_not_a_first_run(tmp_path, monkeypatch):
    aws_config = tmp_path / "aws-config"
    monkeypatch.setenv("SWITCHER_CONFIG_DIR", str(tmp_path / "switcher"))
    monkeypatch.setenv("SWITCHER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(aws_config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "aws-credentials"))
    aws_config.write_text("[profile keys-only]\nregion = us-east-1\n")
    assert needs_sandbox()
    aws_config.write_text(
        "[sso-session corp]\nsso_start_url = https://d-1.awsapps.com/start\n"
        "sso_region = us-east-1\n\n[profile dev]\nsso_session = corp\n"
        "sso_account_id = 111111111111\nsso_role_name = Developer\n")
    assert not needs_sandbox()


def test_an_identity_center_source_is_not_a_first_run(tmp_path, monkeypatch):
    from switcher.core.sso import sources

    monkeypatch.setenv("SWITCHER_CONFIG_DIR", str(tmp_path / "switcher"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    assert needs_sandbox()
    sources.add("corp", "https://d-1.awsapps.com/start", "us-east-1")
    assert not needs_sandbox()


def test_the_sandbox_tray_has_the_identity_center_section(qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QApplication, QSystemTrayIcon

    from switcher.gui.tray_app import TrayApp
    from switcher.gui.tray_sso import SECTION
    from switcher.sandbox import Sandbox, seed

    monkeypatch.setenv("SWITCHER_NO_FIRST_RUN", "1")
    real = (tmp_path / "real" / "config.toml", tmp_path / "aws-config")
    sandbox = Sandbox().activate()
    app = TrayApp(QApplication.instance(), sandbox=True, sandbox_obj=sandbox, real_paths=real,
                  icon=QSystemTrayIcon())
    try:
        menu = app.menu.menu
        menu.aboutToShow.emit()  # opening the menu reads the sources' sign-in states
        qtbot.waitUntil(lambda: SECTION in [a.text() for a in menu.actions()], timeout=30_000)
        (source,) = [a.menu() for a in menu.actions()
                     if a.menu() is not None and a.text().startswith(f"{seed.SSO_NAME} — ")]
        assert source.title() == f"{seed.SSO_NAME} — not signed in"
        source.aboutToShow.emit()  # what Qt emits when the user opens it
        assert [a.text() for a in source.actions()][:2] == ["Sign in…", "Discover now"]
    finally:
        app.shutdown()
