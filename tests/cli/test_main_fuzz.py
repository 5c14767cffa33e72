"""Fuzzing ``switcher.cli.main.main`` in-process with a seeded generator: command lines,
import files (ESR text, ~/.aws/config, Switch Role links) and hand-edited config.toml.

Whatever the input, ``switcher`` must answer like a program, not a stack: no traceback,
no "internal error", stderr empty or exactly one line without raw control characters,
exit 2 for bad input, and a failing command leaves config.toml's bytes as they were.

A seeded generator rather than hypothesis: one ``cli`` installation serves thousands of
runs (hypothesis would want a fresh function-scoped fixture per example), and a failure
names its seed and index, so it replays exactly.
"""

from __future__ import annotations

import random

import pytest

from tests.cli.conftest import Result

SEED = 20240611
ACCOUNT_ID = "123456789012"

# Values chosen to break parsers and validators: control characters, line separators,
# non-ASCII digits and letters that Python's \d, \w and int() accept, lone surrogates (what
# argv holds for bytes that are not UTF-8), option look-alikes, and a few valid ones.
NASTY = [
    "", " ", "\t", "\n", "a\nb", "a\rb", "\x1b[31mred\x1b[0m", "\x00", "\x7f", "\x85",
    "\u2028", "\u2029", "\u202e", "\ufeff", "\udcff", "\udc80x", "\x9b31m",
    "١٢٣٤٥٦٧٨٩٠١٢", "12345678901٢", "１２３４５６７８９０１２", "36１0", "3600", "900", "43200",
    "-1", "0", "1e3", "٣٦٠٠", "99999999999999999999999", "9" * 5000,
    "us-east-١", "us-east-1", "eu-west-1", "cn-north-1", "us-gov-west-1", "mars",
    "Ä", "ÄÖÜ", "prod", "Prod", "PROD", "qa", "x", "My_Account", "a.b-c_d", "a" * 64, "a" * 65,
    "Admin", "team/ops/Deploy", "bad role", "Admin\n", "/", "//", "a//b",
    "F2B0A9", "#f2b0a9", "red", "zzzzzz", "F2B0A٩",
    "arn:aws:iam::123456789012:mfa/alice", "arn:aws:iam::١٢٣٤٥٦٧٨٩٠١٢:mfa/x",
    "arn:aws:iam::123456789012:role/Admin", "123456", "١٢٣٤٥٦", "12345\n",
    "--", "-", "-x", "--help", "--version", "%s", "%(prog)s", "{}", "'", '"', "\\",
    "base", "nope", "prod/Admin", "PROD/Admin", "prod/admin", "legacy",
    "https://x", "http://[::1", "javascript:alert(1)", "ec2", "Ec2", "é" * 70,
]
COMMANDS = ["add", "remove", "list", "link", "links", "creds", "login", "exec", "import",
            "export", "keys", "doctor", "show", "status", "quit", "frobnicate", "help"]
OPTIONS = {
    "add": ["--account", "--role", "--source", "--region", "--color", "--mfa-serial",
            "--external-id", "--duration", "--via"],
    "login": ["--region", "--service", "--destination", "--duration", "--mfa-code",
              "--logout-first", "--stdout"],
    "creds": ["--format", "--duration", "--mfa-code", "--refresh"],
    "exec": ["--mfa-code", "--duration"],
    "links": ["--format"],
    "list": ["--json"],
}
VALID = {
    "--account": [ACCOUNT_ID, "210987654321"], "--role": ["Admin", "team/ops/Deploy"],
    "--source": ["base"], "--region": ["eu-west-1", "us-gov-west-1", "cn-north-1"],
    "--color": ["red", "F2B0A9"], "--mfa-serial": ["arn:aws:iam::123456789012:mfa/alice"],
    "--external-id": ["shared-1"], "--duration": ["3600", "7200"], "--via": ["prod/Admin"],
    "--service": ["ec2"], "--destination": ["https://console.aws.amazon.com/ec2/"],
    "--mfa-code": ["123456"], "--format": ["env", "json", "html"],
}
TARGETS = ["prod/Admin", "prod", "gov/Ops", "PROD/Admin", "prod/Deploy", "gov"]
FLAGS = {"--logout-first", "--stdout", "--refresh", "--json"}


def check(result: Result, argv, before: bytes | None, after: bytes | None) -> None:
    what = f"switcher {argv!r} -> {result.code}: {result.err!r}"
    assert "Traceback" not in result.err, what
    assert "internal error" not in result.err, what
    if argv and argv[0] in ("show", "status", "quit") and result.code == 3:
        return  # no tray runs here: exit 3 is the documented answer
    if result.code != 0:
        assert result.code == 2, what
        assert after == before, f"{what}: config.toml changed"
    if result.err.startswith("usage: switcher") and not [a for a in argv if a in COMMANDS]:
        return  # bare `switcher`: the full help on stderr
    if result.err:
        line = result.err[:-1]
        assert result.err.endswith("\n") and "\n" not in line, what
        assert line.isprintable(), what


def run(cli, argv, *, stdin: str = "") -> Result:
    before = cli.config_bytes()
    result = cli(*argv, stdin=stdin)
    check(result, argv, before, cli.config_bytes())
    return result


def pick(rnd: random.Random) -> str:
    return rnd.choice(NASTY) if rnd.random() < 0.85 else "".join(
        rnd.choice(NASTY) for _ in range(rnd.randint(2, 3)))


def command_line(rnd: random.Random) -> list[str]:
    command = rnd.choice(COMMANDS)
    argv = [command]
    if command == "import":
        kind = rnd.choice(["link", "esr", "aws-config", pick(rnd)])
        argv += [kind] + ([pick(rnd)] if kind in ("link", "esr") or rnd.random() < 0.5 else [])
    elif command == "export":
        argv.append(rnd.choice(["esr", "aws-config", pick(rnd)]))
    elif command == "keys":
        argv += [rnd.choice(["remove", "list", "add", pick(rnd)]), pick(rnd)]
    elif command in ("add", "remove", "link", "creds", "login", "exec"):
        argv.append(rnd.choice(TARGETS) if rnd.random() < 0.4 else pick(rnd))
    for _ in range(rnd.randint(0, 4)):
        choices = OPTIONS.get(command, [])
        option = rnd.choice(choices) if choices and rnd.random() < 0.9 else rnd.choice(
            ["--nope", pick(rnd)])
        argv.append(option)
        if option.startswith("--") and option not in FLAGS and rnd.random() < 0.95:
            argv.append(rnd.choice(VALID.get(option, [])) if rnd.random() < 0.4
                        and option in VALID else pick(rnd))
    if command == "add" and "--account" not in argv and rnd.random() < 0.7:
        argv += ["--account", rnd.choice([ACCOUNT_ID, "210987654321", pick(rnd)])]
    if command == "login" and "--stdout" not in argv:
        argv.append("--stdout")  # never a real browser, even should the sign-in work
    if command == "exec":
        argv += ["--", "true"]
    if rnd.random() < 0.1:
        argv.insert(rnd.randrange(len(argv) + 1), rnd.choice(["--nope", pick(rnd)]))
    return argv


# -- import files ----------------------------------------------------------------------

ESR_KEYS = ["aws_account_id", "role_name", "role_arn", "color", "region", "source_profile",
            "aws_account_alias", "target_role_name", "target_region", "unknown"]


def esr_text(rnd: random.Random) -> str:
    lines = []
    for number in range(rnd.randint(1, 4)):
        name = rnd.choice([f"s{number}", f"profile s{number}", pick(rnd)])
        lines.append(f"[{name}]")
        for key in rnd.sample(ESR_KEYS, rnd.randint(0, 4)):
            value = {"aws_account_id": rnd.choice([ACCOUNT_ID, pick(rnd)]),
                     "role_name": rnd.choice(["Admin", pick(rnd)]),
                     "source_profile": rnd.choice(["s0", pick(rnd)])}.get(key, pick(rnd))
            lines.append(f"{key} = {value}")
    if rnd.random() < 0.3:
        lines.insert(rnd.randrange(len(lines) + 1), pick(rnd))
    return "\n".join(lines) + "\n"


AWS_KEYS = ["role_arn", "source_profile", "region", "duration_seconds", "external_id",
            "mfa_serial", "role_session_name", "credential_process"]


def aws_config_text(rnd: random.Random) -> str:
    lines = ["[profile base]", "region = us-east-1"]
    for number in range(rnd.randint(1, 3)):
        lines.append(rnd.choice([f"[profile r{number}]", f"[{pick(rnd)}]", f"[profile {pick(rnd)}]"]))
        lines.append("role_arn = " + rnd.choice([
            f"arn:aws:iam::{ACCOUNT_ID}:role/R{number}", f"arn:aws:iam::{pick(rnd)}:role/R",
            f"arn:aws:iam::{ACCOUNT_ID}:role/{pick(rnd)}", pick(rnd)]))
        for key in rnd.sample(AWS_KEYS[1:], rnd.randint(0, 3)):
            value = {"source_profile": rnd.choice(["base", "r0", pick(rnd)])}.get(key, pick(rnd))
            lines.append(f"{key} = {value}")
    return "\n".join(lines) + "\n"


def link_url(rnd: random.Random) -> str:
    host = rnd.choice(["signin.aws.amazon.com", "eu-west-1.signin.aws.amazon.com",
                       "signin.amazonaws.cn", "us-east-١.signin.aws.amazon.com", pick(rnd)])
    params = []
    for key in rnd.sample(["account", "roleName", "displayName", "color"], rnd.randint(0, 4)):
        value = {"account": rnd.choice([ACCOUNT_ID, "prod", pick(rnd)]),
                 "roleName": rnd.choice(["Admin", pick(rnd)])}.get(key, pick(rnd))
        params.append(f"{key}={value}")
    scheme = rnd.choice(["https", "https", "http", pick(rnd)])
    return f"{scheme}://{host}/switchrole?" + "&".join(params)


# -- config.toml -----------------------------------------------------------------------

TOML_VALUES = [
    '""', '"\\u001b[31m"', '"a\\nb"', '"\\u2028"', '"\\u0000"', '"١٢٣٤٥٦٧٨٩٠١٢"',
    '"us-east-١"', '"Ctrl+Alt+١"', '"Ctrl+Alt+²"', '"Ctrl+F²"', '"Ctrl+Alt+Ä"', '"ctrl+"',
    '"Ctrl+Alt+A"', '"36１0"', "3600", "-1", "0", "1.5", "nan", "inf", "1e400", "true",
    '"true"', "1979-05-27T07:32:00Z", "07:32:00", "[]", "[1, 2]", '["a"]', "{}", "{ a = 1 }",
    "9" * 5000, "0x7fffffffffffffff", '"prod"', '"Prod"', '"123456789012"', "123456789012",
    '"F2B0A9"', '"red"', '"env"', '"ini"', '"xml"', '"base"', '"chrome:profile=Work"',
    '"cmd:x {url}"', '"netscape"',
]
DEEP = "x = " + "[" * 500 + "]" * 500 + "\n"


def config_text(rnd: random.Random) -> str:
    def value() -> str:
        return rnd.choice(TOML_VALUES)

    role = {"name": '"Admin"'}
    for key in rnd.sample(["duration", "external_id", "mfa_serial", "via", "hotkey", "bogus"],
                          rnd.randint(0, 2)):
        role[key] = value()
    account = {"alias": '"prod"', "id": f'"{ACCOUNT_ID}"'}
    for key in rnd.sample(["alias", "id", "region", "color", "source", "mfa_serial",
                           "mfa_process", "browser", "logout_first"], rnd.randint(0, 3)):
        account[key] = value()
    settings = {key: value() for key in rnd.sample(
        ["browser", "clipboard_clear_seconds", "logout_first", "default_duration",
         "palette_hotkey", "creds_format", "start_at_login", "mfa_process", "session_name"],
        rnd.randint(0, 3))}
    roles = ", ".join(f"{k} = {val}" for k, val in role.items())
    lines = [f"version = {rnd.choice(['1', '1', '1', value()])}",
             f"keyring_sources = {rnd.choice(['[]', '[]', value()])}", "", "[settings]"]
    lines += [f"{k} = {val}" for k, val in settings.items()]
    lines += ["", "[[accounts]]"] + [f"{k} = {val}" for k, val in account.items()]
    lines.append(f"roles = [{{ {roles} }}]")
    text = "\n".join(lines) + "\n"
    roll = rnd.random()
    if roll < 0.05:
        return DEEP
    if roll < 0.1:
        return text + "deep = " + "{ a = " * 400 + "1" + " }" * 400 + "\n"
    if roll < 0.25:  # a stray edit anywhere: deleted, doubled or replaced characters
        chars = list(text)
        for _ in range(rnd.randint(1, 4)):
            at = rnd.randrange(len(chars))
            chars[at] = rnd.choice(["", chars[at] * 2, rnd.choice("[]{}=\"'\n#\\\x1b\u2028١")])
        return "".join(chars)
    return text


# -- the runs --------------------------------------------------------------------------

N_COMMAND_LINES = 1500
N_IMPORTS = 750  # of each kind
N_CONFIGS = 600  # each run with two commands

COUNTED: dict[str, int] = {}


def _seeded(name: str) -> random.Random:
    return random.Random(f"{SEED}:{name}")


def _with_accounts(cli) -> None:
    cli.ok("add", "prod", "--account", ACCOUNT_ID, "--role", "Admin", "--role", "team/Deploy")
    cli.ok("add", "gov", "--account", "210987654321", "--role", "Ops", "--region", "us-gov-west-1")


def test_command_lines(cli):
    _with_accounts(cli)
    rnd = _seeded("argv")
    for _ in range(N_COMMAND_LINES):
        run(cli, command_line(rnd))
    COUNTED["command lines"] = N_COMMAND_LINES


def test_import_files(cli):
    _with_accounts(cli)
    rnd = _seeded("imports")
    esr_file = cli.root / "esr.ini"
    aws_file = cli.root / "fuzzed-aws-config"
    for _ in range(N_IMPORTS):
        run(cli, ["import", "esr", "-"], stdin=esr_text(rnd))
        esr_file.write_text(esr_text(rnd), encoding="utf-8", errors="surrogatepass")
        run(cli, ["import", "esr", str(esr_file)])
        aws_file.write_text(aws_config_text(rnd), encoding="utf-8", errors="surrogatepass")
        run(cli, ["import", "aws-config", str(aws_file)])
        run(cli, ["import", "link", link_url(rnd)])
    COUNTED["import files"] = 4 * N_IMPORTS


def test_hand_edited_config(cli):
    rnd = _seeded("config")
    cli.config_dir.mkdir()
    for _ in range(N_CONFIGS):
        cli.config_path.write_text(config_text(rnd), encoding="utf-8", errors="surrogatepass")
        for argv in (["list"], ["add", "new", "--account", "210987654321", "--role", "R"]):
            result = run(cli, argv)
            if result.code == 2 and argv == ["list"]:
                assert str(cli.config_path) in result.err, result.err
    COUNTED["config files"] = N_CONFIGS


@pytest.fixture(scope="module", autouse=True)
def _at_least_3000_inputs():
    yield
    if len(COUNTED) == 3:  # all three ran (not a -k selection)
        assert sum(COUNTED.values()) >= 3000
