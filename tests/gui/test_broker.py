"""The tray as credential broker, in process: the real IPC server and the real client
(``switcher.ipc.broker``, in a thread) against the real controller and core (moto + the
recording STS proxy). The dialogs are stand-ins that record what they were shown and on
which thread; the real dialogs are tested offscreen and end to end."""

from __future__ import annotations

import json
import os
import threading
from dataclasses import replace

import pytest
from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication

from switcher import ipc
from switcher.core import config as config_store
from switcher.core import paths
from switcher.core.secrets import cache
from switcher.gui.broker import Broker
from switcher.gui.controller import Controller
from switcher.gui.ipc_server import Server

from .tray_env import QT_LOG_IGNORE, demo_config

pytestmark = QT_LOG_IGNORE

MFA_DEVICE = "arn:aws:iam::222222222222:mfa/tester"


class Dialogs:
    def __init__(self) -> None:
        self.codes: list = []  # what the MFA stand-in answers, in turn
        self.choices: list = []  # what the approval stand-in answers, in turn
        self.mfa_asked: list = []
        self.approval_asked: list = []

    def on_main(self) -> bool:
        return QThread.currentThread() is QApplication.instance().thread()

    def ask_mfa(self, target, device, caller):
        self.mfa_asked.append((target.name, device, caller, self.on_main()))
        return self.codes.pop(0)

    def ask_approval(self, target, caller, what):
        self.approval_asked.append((target.name, caller, what, self.on_main()))
        return self.choices.pop(0)


@pytest.fixture
def tray(qtbot, core_env):
    config = demo_config()
    prod = config.account("prod")
    config = config.with_account(prod.with_roles((*prod.roles, replace(prod.roles[0], name="Admin",
                                                                        confirm=True))))
    config_store.save(config, core_env)
    controller = Controller(config_path=core_env, watch=False)
    dialogs = Dialogs()
    broker = Broker(controller, ask_mfa=dialogs.ask_mfa, ask_approval=dialogs.ask_approval)
    server = Server(lambda message: {"ok": True}, broker=broker.handle)
    assert server.acquire()
    server.listen()
    yield controller, broker, dialogs
    server.close()
    controller.shutdown()
    controller.jobs.pool.waitForDone(30_000)


def ask(qtbot, cmd="credentials", **fields):
    """ipc.broker in a thread while the event loop runs: (reply, error)."""
    fields.setdefault("config", str(paths.config_path()))
    box: dict = {}

    def run():
        try:
            box["reply"] = ipc.broker(cmd, **fields)
        except BaseException as exc:  # noqa: BLE001
            box["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    qtbot.waitUntil(lambda: not thread.is_alive(), timeout=30_000)
    return box.get("reply"), box.get("error")


def test_a_second_ask_is_answered_from_memory_without_sts_or_keyring(qtbot, tray, aws_stack,
                                                                      monkeypatch):
    controller, broker, _ = tray
    first, error = ask(qtbot, target="dev/Admin")
    assert error is None and first["ok"] and first["target"] == "dev/Admin"
    assert first["credentials"]["AccessKeyId"].startswith("ASIA")
    assert first["region"] == "eu-west-1" and "text" not in first
    assert len(aws_stack.events("sts", "AssumeRole")) == 1

    reads = []
    real_load = cache.load
    monkeypatch.setattr(cache, "load", lambda *a, **kw: reads.append(a) or real_load(*a, **kw))
    second, error = ask(qtbot, target="dev/Admin")
    assert error is None and second["credentials"] == first["credentials"]
    assert len(aws_stack.events("sts", "AssumeRole")) == 1  # no second STS call
    assert reads == [] and broker.hits == 1  # no keyring read either
    assert "dev/Admin" in controller.sessions()  # the tray shows the session it handed out

    refreshed, _ = ask(qtbot, target="dev/Admin", refresh=True)
    assert refreshed["credentials"]["AccessKeyId"] != first["credentials"]["AccessKeyId"]
    assert len(aws_stack.events("sts", "AssumeRole")) == 2


def test_an_mfa_role_asks_in_the_trays_dialog_naming_the_caller(qtbot, tray, aws_stack):
    _, _, dialogs = tray
    dialogs.codes = ["123456"]
    reply, error = ask(qtbot, target="prod/Deploy")
    assert error is None and reply["ok"]
    [(name, device, caller, on_main)] = dialogs.mfa_asked
    assert (name, device, on_main) == ("prod/Deploy", MFA_DEVICE, True)
    assert f"(pid {os.getpid()})" in caller  # the kernel's pid of the asking process
    [assume] = aws_stack.events("sts", "AssumeRole")
    assert assume["mfa"] is True


def test_a_cancelled_mfa_dialog_is_exit_1_and_nothing_is_called(qtbot, tray, aws_stack):
    _, _, dialogs = tray
    dialogs.codes = [None]
    reply, error = ask(qtbot, target="prod/Deploy")
    assert reply is None and isinstance(error, ipc.TrayFailed)
    assert error.exit_code == 1
    assert str(error) == "prod/Deploy: the MFA prompt was cancelled in the Switcher tray"
    assert aws_stack.events("sts", "AssumeRole") == []


def test_the_trays_errors_keep_the_clis_words_and_exit_codes(qtbot, tray):
    _, error = ask(qtbot, target="nosuch")
    assert isinstance(error, ipc.TrayFailed) and error.exit_code == 2
    assert "nosuch" in str(error)
    _, error = ask(qtbot, target="dev/Admin", duration=5)
    assert isinstance(error, ipc.TrayFailed) and error.exit_code == 2
    assert "900" in str(error)


def test_a_tray_of_another_config_lets_the_client_work_alone(qtbot, tray, tmp_path, aws_stack):
    reply, error = ask(qtbot, target="dev/Admin", config=str(tmp_path / "other.toml"))
    assert (reply, error) == (None, None)
    assert aws_stack.events("sts", "AssumeRole") == []


def test_a_confirm_role_is_handed_out_only_when_allowed(qtbot, tray, aws_stack):
    _, _, dialogs = tray
    dialogs.choices, dialogs.codes = [None], []
    reply, error = ask(qtbot, target="prod/Admin")
    assert reply is None and isinstance(error, ipc.TrayFailed) and error.exit_code == 1
    assert str(error) == "prod/Admin: the request was denied in the Switcher tray"
    assert aws_stack.events("sts", "AssumeRole") == []
    [(name, caller, what, on_main)] = dialogs.approval_asked
    assert (name, what, on_main) == ("prod/Admin", "credentials", True)
    assert f"(pid {os.getpid()})" in caller

    dialogs.choices, dialogs.codes = ["once"], ["123456"]
    reply, error = ask(qtbot, target="prod/Admin")
    assert error is None and reply["ok"]
    # once means once: even a session in memory needs the next click
    dialogs.choices = [None]
    reply, error = ask(qtbot, target="prod/Admin")
    assert isinstance(error, ipc.TrayFailed) and len(dialogs.approval_asked) == 3


def test_allow_for_an_hour_is_not_asked_again_within_the_hour(qtbot, tray):
    controller, broker, dialogs = tray
    now = [1000.0]
    broker.clock = lambda: now[0]
    dialogs.choices, dialogs.codes = ["hour"], ["123456"]
    first, _ = ask(qtbot, target="prod/Admin")
    second, _ = ask(qtbot, target="prod/Admin")
    assert first["ok"] and second["credentials"] == first["credentials"]
    assert len(dialogs.approval_asked) == 1 and broker.hits == 1
    now[0] += 3601
    dialogs.choices = [None]
    _, error = ask(qtbot, target="prod/Admin")
    assert isinstance(error, ipc.TrayFailed) and len(dialogs.approval_asked) == 2


def test_creds_text_is_rendered_by_the_tray_in_the_configs_format_or_the_asked_one(qtbot, tray):
    reply, _ = ask(qtbot, target="dev/Admin", render=True)
    assert "\nexport AWS_ACCESS_KEY_ID=ASIA" in reply["text"]  # settings: env
    reply, _ = ask(qtbot, target="dev/Admin", render=True, format="json")
    assert json.loads(reply["text"])["AccessKeyId"] == reply["credentials"]["AccessKeyId"]
    _, error = ask(qtbot, target="dev/Admin", render=True, format="yaml")
    assert isinstance(error, ipc.TrayFailed) and error.exit_code == 2


def test_a_console_url_is_brokered_too(qtbot, tray):
    _, _, dialogs = tray
    reply, error = ask(qtbot, "console_url", target="dev/Admin")
    assert error is None and "SigninToken=" in reply["url"]
    dialogs.choices = [None]
    _, error = ask(qtbot, "console_url", target="prod/Admin")
    assert isinstance(error, ipc.TrayFailed)
    assert dialogs.approval_asked[0][2] == "console_url"


def test_the_fast_creds_request_gets_the_raw_frame_for_the_same_config_only(qtbot, tray):
    from switcher.cli import fast_creds

    def exchange(fields, inputs=None):
        request = fast_creds._request(fields)
        if inputs is not None:  # as a client with another environment would send it
            head, _, _ = request.partition(b',"config_inputs":')
            request = head + b',"config_inputs":' + json.dumps(inputs).encode() + b"}\n"
        box: dict = {}
        thread = threading.Thread(target=lambda: box.update(out=fast_creds._exchange(
            str(paths.socket_path()), request)))
        thread.start()
        qtbot.waitUntil(lambda: not thread.is_alive(), timeout=30_000)
        return box["out"]

    out = exchange({"target": "dev/Admin", "format": "json"})
    size, _, body = out.removeprefix(b"raw ").partition(b"\n")
    assert out.startswith(b"raw ") and int(size) == len(body)
    assert json.loads(body)["AccessKeyId"].startswith("ASIA")
    # a client whose environment names another config file: a JSON refusal without an exit
    # code, so it works alone
    other = json.loads(exchange({"target": "dev/Admin"}, ["/elsewhere", "", "/home/x"]))
    assert other["ok"] is False and "exit_code" not in other
    # a failure is a JSON line, never a raw frame
    failed = json.loads(exchange({"target": "nosuch/Role"}))
    assert failed["ok"] is False and failed["exit_code"] == 2
