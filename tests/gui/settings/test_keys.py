"""Add keys…: long-term keys stored in the keyring and offered as a source."""

from __future__ import annotations

from switcher.core import config as config_store

from ..tray_env import QT_LOG_IGNORE
from .editing import select

pytestmark = QT_LOG_IGNORE


def test_add_keys_stores_them_in_the_keyring_and_records_the_source(qtbot, window, controller, core_env, caplog):
    from switcher.core.secrets import keystore

    select(window, "dev")
    window.accounts.source.setCurrentText("")
    dialog = window.add_keys()
    assert dialog.secret.echoMode() == dialog.secret.EchoMode.Password
    qtbot.keyClicks(dialog.source, "work-keys")
    qtbot.keyClicks(dialog.key_id, "AKIAEXAMPLE1234567")
    secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    qtbot.keyClicks(dialog.secret, "short")
    assert dialog.store() is False and "malformed" in dialog.error.text()  # nothing stored
    assert keystore.load_keys("work-keys") is None
    dialog.secret.setText(secret)
    assert dialog.store() is True
    assert keystore.load_keys("work-keys") == ("AKIAEXAMPLE1234567", secret)
    assert config_store.load(core_env).keyring_sources == ("work-keys",)
    assert window.accounts.source.currentText() == "work-keys"  # used for the selected account
    assert secret not in core_env.read_text() and secret not in caplog.text
    assert secret not in window.banner.text()
    assert window.save() is True
    assert config_store.load(core_env).account("dev").source == "work-keys"

