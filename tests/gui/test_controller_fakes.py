"""The palette's FakeController must offer every Qt signal of the real Controller, with the
same argument types, so widget tests cannot drift from the API the app really has."""

from __future__ import annotations

from PySide6.QtCore import QMetaMethod, QObject

from switcher.gui.controller import Controller

from .palette_fakes import FakeController


def _signals(cls: type[QObject]) -> dict[str, bytes]:
    meta = cls.staticMetaObject
    out = {}
    for i in range(QObject.staticMetaObject.methodCount(), meta.methodCount()):
        method = meta.method(i)
        if method.methodType() == QMetaMethod.MethodType.Signal:
            out[bytes(method.name()).decode()] = bytes(method.methodSignature())
    return out


def test_the_fake_has_every_signal_of_the_controller_with_the_same_types():
    real, fake = _signals(Controller), _signals(FakeController)
    assert real, "no signals found on Controller: the introspection is broken"
    missing = {name: sig for name, sig in real.items() if name not in fake}
    assert not missing, f"FakeController lacks {missing}"
    different = {name: (sig, fake[name]) for name, sig in real.items() if fake[name] != sig}
    assert not different, f"signals with other argument types: {different}"
