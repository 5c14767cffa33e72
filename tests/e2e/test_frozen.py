"""The frozen app (PyInstaller bundle, packaged as a .deb) passes the source app's smoke
tests: unpacked with ``dpkg-deb -x`` into a temporary root, never installed over the
system, then run for ``--version``, ``--sandbox list``, ``creds`` against moto, ``login
--stdout`` against the local sign-in endpoint, a typo ranked by rapidfuzz, ``discover`` of
an organization on moto, and ``tray --sandbox`` on Xvfb + trayer up to the palette opened
by Ctrl+Alt+A; the slimmed ICU data is put under the source app's Qt. The wheel of ``make
dist`` is checked here too.

These run when dist/ holds a .deb (``make dist``). Under CI=true a missing one is built
first (``make dist``, timed); otherwise they skip, so the normal suite stays fast.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import boto3
import pytest

from tests.fixtures.aws import BASE_PROFILE, http_get
from tests.fixtures.desktop import tray_icons, wait_for_window, xdotool
from tests.fixtures.tools import in_ci, require_tool, stop_process
from tests.fixtures.tray import tray_env, wait_for_ready_line

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "dist"
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]

pytestmark = pytest.mark.frozen


def _built(pattern: str) -> Path | None:
    found = sorted(DIST.glob(pattern), key=lambda p: p.stat().st_mtime)
    return found[-1] if found else None


@pytest.fixture(scope="session")
def dist_dir() -> Path:
    if _built("switcher_*.deb") is None:
        if not in_ci():
            pytest.skip("no dist/switcher_*.deb: run `make dist` to test the frozen app "
                        "(CI=true builds it)")
        require_tool("dpkg-deb", "objdump")
        env = {k: v for k, v in os.environ.items()
               if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
        started = time.monotonic()
        done = subprocess.run(["make", "-s", "dist"], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=1800)
        print(f"make dist took {time.monotonic() - started:.0f}s")
        assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]
    return DIST


@pytest.fixture(scope="session")
def deb_root(dist_dir, tmp_path_factory) -> Path:
    tool = require_tool("dpkg-deb")["dpkg-deb"]
    root = tmp_path_factory.mktemp("deb-root")
    subprocess.run([tool, "-x", str(_built("switcher_*.deb")), str(root)], check=True)
    return root


@pytest.fixture(scope="session")
def frozen(deb_root) -> Path:
    return deb_root / "opt" / "switcher" / "switcher"


def run(binary: Path, env: dict[str, str], *args: str, timeout: float = 60):
    return subprocess.run([str(binary), *args], env=env, capture_output=True, text=True,
                          timeout=timeout)


def ok(binary: Path, env: dict[str, str], *args: str) -> str:
    done = run(binary, env, *args)
    assert done.returncode == 0, f"switcher {' '.join(args)}: {done.stderr}"
    return done.stdout


def test_the_deb_lays_out_a_desktop_app(deb_root):
    assert os.readlink(deb_root / "usr" / "bin" / "switcher") == "/opt/switcher/switcher"
    share = deb_root / "usr" / "share"
    assert (share / "applications" / "switcher.desktop").read_text() == (
        ROOT / "resources" / "switcher.desktop").read_text()
    assert (share / "metainfo" / "io.github.switcher.metainfo.xml").is_file()
    for size in (16, 22, 24, 32, 48, 64, 128, 256, 512):
        assert (share / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "switcher.png").is_file()
    assert (share / "icons" / "hicolor" / "scalable" / "apps" / "switcher.svg").is_file()
    bundled = deb_root / "opt" / "switcher" / "_internal" / "switcher" / "resources"
    assert (bundled / "switcher-sandbox.svg").is_file()


def test_version(frozen, tmp_path):
    out = ok(frozen, {"HOME": str(tmp_path), "PATH": os.environ["PATH"]}, "--version")
    assert out.strip() == f"switcher {VERSION}"


def test_sandbox_list(frozen, tmp_path):
    env = {"HOME": str(tmp_path), "PATH": os.environ["PATH"],
           "SWITCHER_CONFIG_DIR": str(tmp_path / "cfg")}
    out = ok(frozen, env, "--sandbox", "list", "--json")
    targets = {t["target"] for t in json.loads(out)}
    assert "acme-dev/Developer" in targets and "acme-prod/Admin" in targets
    assert not (tmp_path / "cfg").exists()  # a throwaway sandbox writes nothing of ours


@pytest.fixture
def added(frozen, switcher_env):
    ok(frozen, switcher_env, "add", "dev", "--account", "123456789012", "--role", "Admin",
       "--source", BASE_PROFILE, "--region", "eu-west-1")
    return switcher_env


def test_creds_against_moto(frozen, added, aws_stack):
    data = json.loads(ok(frozen, added, "creds", "dev/Admin", "--format", "json"))
    keys = (data["AccessKeyId"], data["SecretAccessKey"], data["SessionToken"])
    arn = aws_stack.sts(keys).get_caller_identity()["Arn"]
    assert arn.startswith("arn:aws:sts::123456789012:assumed-role/Admin/")


def test_login_stdout_against_the_local_sign_in(frozen, added):
    url = ok(frozen, added, "login", "dev/Admin", "--stdout").strip()
    status, page = http_get(url)
    assert status == 200, page
    assert "<dd id='account'>123456789012</dd>" in page and "<dd id='role'>Admin</dd>" in page


def test_a_typo_is_ranked_by_the_compiled_rapidfuzz(frozen, deb_root, tmp_path):
    # only the baseline build of each scorer is carried (not the AVX2 one); were it missing
    # too, rapidfuzz would fall back to its pure Python scorers without a word
    carried = deb_root / "opt" / "switcher" / "_internal" / "rapidfuzz"
    for module in ("fuzz_cpp", "process_cpp_impl", "distance/metrics_cpp"):
        assert list(carried.glob(f"{module}.cpython-*.so")), module
    env = {"HOME": str(tmp_path), "PATH": os.environ["PATH"],
           "SWITCHER_CONFIG_DIR": str(tmp_path / "cfg")}
    done = run(frozen, env, "--sandbox", "creds", "acme-devv/Developer")
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip() == ("switcher: unknown target 'acme-devv/Developer'; "
                                   "did you mean: acme-dev/Developer?")


def test_discover_an_organization_against_moto(frozen, switcher_env, aws_stack):
    management = f"{random.randrange(10**11, 10**12)}"
    ok(frozen, switcher_env, "add", "mgmt", "--account", management, "--role", "OrgAdmin",
       "--source", BASE_PROFILE)
    keys = aws_stack.sts(aws_stack.user_keys()).assume_role(
        RoleArn=f"arn:aws:iam::{management}:role/OrgAdmin", RoleSessionName="setup")["Credentials"]
    client = boto3.session.Session().client(
        "organizations", endpoint_url=aws_stack.moto_url, region_name="us-east-1",
        aws_access_key_id=keys["AccessKeyId"], aws_secret_access_key=keys["SecretAccessKey"],
        aws_session_token=keys["SessionToken"])
    client.create_organization(FeatureSet="ALL")
    member = client.create_account(AccountName="Member", Email="m@example.com")[
        "CreateAccountStatus"]["AccountId"]
    ok(frozen, switcher_env, "org", "add", "acme", "--via", "mgmt/OrgAdmin", "--role-name",
       "OrganizationAccountAccessRole")
    data = json.loads(ok(frozen, switcher_env, "discover", "acme", "--json"))
    assert {t["account_id"] for t in data["targets"]} == {management, member}


# What QtCore asks of ICU (objdump -T libQt6Core: ucol_*, ucal_getTimeZoneDisplayName,
# ucnv_*, u_strToUpper): run by the source app's PySide6 with the bundle's ICU data put
# in place of its own.
ICU_PROBE = """
import json
from PySide6.QtCore import QCollator, QLocale, QStringDecoder, QTimeZone
maps = open("/proc/self/maps").read()
zone, std = QTimeZone(b"Europe/Paris"), QTimeZone.TimeType.StandardTime
print(json.dumps({
    "preloaded": maps.count("libicudata") == maps.count(%r),
    "sorted": sorted("bAäaZcé", key=QCollator(QLocale("en_US")).sortKey),
    "sorted_de": sorted("bAäaZcé", key=QCollator(QLocale("de_DE")).sortKey),
    "upper": QLocale("tr_TR").toUpper("i") + QLocale("en_US").toUpper("straße"),
    "zone": zone.displayName(std, QTimeZone.NameType.LongName, QLocale("en_US")),
    "utf8": QStringDecoder("UTF-8").isValid(),
}))
"""


def test_the_slim_icu_data_serves_what_qtcore_asks_of_it(deb_root, tmp_path):
    from PySide6 import __file__ as pyside

    (lib,) = (deb_root / "opt" / "switcher" / "_internal" / "PySide6" / "Qt" / "lib").glob(
        "libicudata.so.*")
    assert lib.stat().st_size < 8 * 1024 * 1024  # the whole data is 31 MB
    if not (Path(pyside).parent / "Qt" / "lib" / lib.name).exists():
        pytest.skip(f"the source app's PySide6 has no {lib.name}")
    env = {**os.environ, "LD_PRELOAD": str(lib), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", ICU_PROBE % str(lib)], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and not done.stderr, done.stderr
    assert json.loads(done.stdout) == {
        "preloaded": True,
        "sorted": list("aAäbcéZ"),
        "sorted_de": list("aAäbcéZ"),  # other locales collate as the root
        "upper": "İSTRASSE",
        "zone": "Central European Standard Time",
        "utf8": True,
    }


@pytest.mark.desktop
@pytest.mark.keyring
def test_tray_sandbox_icon_and_palette(frozen, switcher_env, xdisplay, tmp_path):
    env = tray_env(switcher_env, xdisplay, tmp_path, SWITCHER_NO_FIRST_RUN="1")
    proc = subprocess.Popen([str(frozen), "tray", "--sandbox"], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        try:
            wait_for_ready_line(proc, timeout=60)
        except RuntimeError as exc:
            stop_process(proc)
            raise AssertionError(f"frozen tray not ready: {exc}: {proc.stderr.read()}") from None
        deadline = time.monotonic() + 20
        while True:
            mine = [i for i in tray_icons(env) if "switcher" in [c.lower() for c in i["class"]]]
            if mine and mine[0]["mapped"]:
                break
            assert time.monotonic() < deadline, f"no mapped icon: {tray_icons(env)}"
            time.sleep(0.1)
        status = json.loads(ok(frozen, env, "status"))
        assert status["pid"] == proc.pid and status["sandbox"] is True
        deadline = time.monotonic() + 20
        while "hotkeys" not in status:  # the palette hotkey is grabbed in the second stage
            assert time.monotonic() < deadline, status
            time.sleep(0.1)
            status = json.loads(ok(frozen, env, "status"))
        xdotool(env, "key", "ctrl+alt+a")
        wait_for_window(env, "Switcher", timeout=10)
    finally:
        stop_process(proc, timeout=10)
        proc.stdout.close()
        proc.stderr.close()


def test_the_wheel_installs_with_its_resources(dist_dir, tmp_path):
    wheel = _built("switcher-*.whl")
    assert wheel is not None, "make dist builds the wheel with the .deb"
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps",
                    "--disable-pip-version-check", "--target", str(target), str(wheel)],
                   check=True, capture_output=True)
    env = {**os.environ, "PYTHONPATH": str(target)}
    probe = "import switcher.resources as r; print(r.path('switcher.svg'))"
    icon = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, env=env,
                          capture_output=True, text=True, check=True).stdout.strip()
    assert icon == str(target / "switcher" / "resources" / "switcher.svg")
    out = subprocess.run([sys.executable, "-m", "switcher", "--version"], cwd=tmp_path,
                         env=env, capture_output=True, text=True, check=True).stdout
    assert out.strip() == f"switcher {VERSION}"


def test_windows_and_macos_icons_come_from_the_svg(dist_dir, tmp_path):
    python = ROOT / ".venv-dist" / "bin" / "python"  # Pillow is in the dist extra only
    if not python.exists():
        pytest.skip("no .venv-dist: `make dist` creates it")
    subprocess.run([str(python), str(ROOT / "packaging" / "render_icons.py"), str(tmp_path),
                    "--ico", "--icns"], check=True, capture_output=True,
                   env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    ico = (tmp_path / "switcher.ico").read_bytes()
    assert ico[:4] == b"\0\0\1\0" and int.from_bytes(ico[4:6], "little") == 7  # 16..256 px
    assert (tmp_path / "switcher.icns").read_bytes()[:4] == b"icns"
