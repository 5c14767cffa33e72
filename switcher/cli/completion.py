"""``switcher completion bash|zsh|fish``: a completion script written from the real parser.

Commands, sub-commands, flags and their choices are read from ``build_parser()`` when the
script is printed, so the script cannot list a flag the CLI does not have. Regions come
from botocore's partitions data and are written into the script; only targets change
between two TABs, and the script asks ``switcher __complete targets`` for them (see
``switcher/cli/complete.py``). The bash and zsh scripts share one POSIX-style engine that
walks the words typed so far; fish gets its own ``complete`` rules.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass, field

ROOT = "switcher"
# what a value or a positional completes to, besides a fixed list of choices
REGIONS, TARGETS, FREE = "@regions", "@targets", "@free"
_PLAIN = re.compile(r"[A-Za-z0-9._/@:+=,-]+")


@dataclass
class Option:
    flags: list[str]
    help: str
    takes: str | tuple[str, ...] | None  # None: a switch; else what its value completes to


@dataclass
class Node:
    """One command or sub-command (``path``: ``switcher/sso/login``)."""

    path: str
    help: str = ""
    subs: dict[str, Node] = field(default_factory=dict)
    options: list[Option] = field(default_factory=list)
    positionals: list[str | tuple[str, ...]] = field(default_factory=list)
    repeats: bool = False  # the last positional takes any number of words


def _kind(action: argparse.Action) -> str | tuple[str, ...]:
    if action.choices:
        return tuple(str(c) for c in action.choices)
    if action.dest == "region":
        return REGIONS
    if action.dest == "target" or action.metavar == "TARGET":
        return TARGETS
    return FREE


def tree(parser: argparse.ArgumentParser | None = None, path: str = ROOT, help: str = "") -> Node:
    """The command tree of ``parser`` (default: the whole ``switcher`` parser)."""
    if parser is None:
        from switcher.cli.parser import build_parser

        parser = build_parser()
    node = Node(path, help)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {a.dest: a.help or "" for a in action._choices_actions}
            for name, sub in action.choices.items():
                node.subs[name] = tree(sub, f"{path}/{name}", helps.get(name, ""))
        elif action.option_strings:
            takes = None if action.nargs == 0 else _kind(action)
            node.options.append(Option(list(action.option_strings), action.help or "", takes))
        else:
            node.positionals.append(_kind(action))
            node.repeats = action.nargs in ("*", "+", argparse.REMAINDER)
    return node


def nodes(node: Node):
    yield node
    for sub in node.subs.values():
        yield from nodes(sub)


def regions() -> list[str]:
    """Every region botocore's partitions data knows, in every partition."""
    from switcher.core.partitions import _botocore_partitions  # the data file, not botocore

    return sorted({code for entry in _botocore_partitions() for code in entry.get("regions", {})
                   if not code.endswith("-global")})


def _word(text: str) -> str:
    # every name the parser has is a plain word; anything else would need quoting in
    # three shells' syntaxes, so it is refused here rather than half-quoted
    if not _PLAIN.fullmatch(text):
        raise ValueError(f"not a plain word for a completion script: {text!r}")
    return text


def _lines(words) -> str:
    return "printf '%s\\n' " + " ".join(_word(w) for w in words)


def _posix(root: Node) -> str:
    """The data functions and the engine shared by bash and zsh (both run this syntax)."""
    subs, has_sub, opts, optval, pos = [], [], [], [], []
    for node in nodes(root):
        if node.subs:
            subs.append(f'        {node.path}) {_lines(node.subs)} ;;')
            has_sub += [f'"{node.path} {name}"' for name in node.subs]
        flags = [f for o in node.options for f in o.flags]
        opts.append(f'        {node.path}) {_lines(flags)} ;;')
        for option in node.options:
            if option.takes is None:
                continue
            value = _lines(option.takes) if isinstance(option.takes, tuple) else f"echo {option.takes}"
            keys = "|".join(f'"{node.path} {_word(f)}"' for f in option.flags)
            optval.append(f'        {keys}) {value} ;;')
        for index, kind in enumerate(node.positionals):
            if kind == FREE:
                continue
            value = _lines(kind) if isinstance(kind, tuple) else f"echo {kind}"
            many = node.repeats and index == len(node.positionals) - 1
            key = f'"{node.path} "*' if many else f'"{node.path} {index}"'
            pos.append(f'        {key}) {value} ;;')
    return _POSIX_ENGINE.format(
        subs="\n".join(subs), has_sub="|".join(has_sub) or '"-"', opts="\n".join(opts),
        optval="\n".join(optval), pos="\n".join(pos), regions=_lines(regions()),
    )


_POSIX_ENGINE = r"""__switcher_subs() {{
    case "$1" in
{subs}
    esac
}}

__switcher_has_sub() {{
    case "$1 $2" in
        {has_sub}) return 0 ;;
    esac
    return 1
}}

__switcher_opts() {{
    case "$1" in
{opts}
    esac
}}

# what the value of option $2 of command $1 completes to; status 1: the option takes none
__switcher_optval() {{
    case "$1 $2" in
{optval}
        *) return 1 ;;
    esac
}}

# what positional number $2 (from 0) of command $1 completes to
__switcher_pos() {{
    case "$1 $2" in
{pos}
    esac
}}

__switcher_regions() {{
    {regions}
}}

__switcher_expand() {{
    case "$1" in
        @regions) __switcher_regions ;;
        @targets) command switcher __complete targets 2>/dev/null ;;
        @*) ;;
        *) printf '%s\n' "$1" ;;
    esac
}}

# __switcher_candidates INDEX WORD... : every candidate for word INDEX (from 0) of the
# command line, one a line, not yet filtered by what is typed (no variable named path:
# zsh ties that one to PATH)
__switcher_candidates() {{
    local cword=$1 at=switcher expect= option= npos=0 i=1 word=
    shift 2
    while [ "$i" -lt "$cword" ]; do
        word=$1
        shift
        i=$((i + 1))
        if [ -n "$expect" ]; then
            expect=
            continue
        fi
        case $word in
            --) return 0 ;;  # exec's own command follows: not Switcher's to complete
            --*=*) ;;
            -*) if __switcher_optval "$at" "$word" >/dev/null; then expect=1; option=$word; fi ;;
            *)
                if __switcher_has_sub "$at" "$word"; then
                    at=$at/$word
                    npos=0
                else
                    npos=$((npos + 1))
                fi
                ;;
        esac
    done
    if [ -n "$expect" ]; then
        __switcher_expand "$(__switcher_optval "$at" "$option")"
        return 0
    fi
    case $1 in
        -*) __switcher_opts "$at" ;;
        *)
            if [ "$npos" -eq 0 ]; then __switcher_subs "$at"; fi
            __switcher_expand "$(__switcher_pos "$at" "$npos")"
            ;;
    esac
}}
"""

_BASH = r"""# bash completion for switcher (generated by: switcher completion bash)
{engine}
_switcher() {{
    local cur=${{COMP_WORDS[COMP_CWORD]}} IFS=$'\n'
    COMPREPLY=($(compgen -W "$(__switcher_candidates "$COMP_CWORD" "${{COMP_WORDS[@]}}")" -- "$cur"))
}}

complete -F _switcher switcher
"""

_ZSH = r"""#compdef switcher
# zsh completion for switcher (generated by: switcher completion zsh)
{engine}
_switcher() {{
    local -a candidates
    candidates=(${{(f)"$(__switcher_candidates $((CURRENT - 1)) "${{words[@]}}")"}})
    compadd -- $candidates
}}

if [ "$funcstack[1]" = "_switcher" ]; then
    _switcher "$@"
else
    compdef _switcher switcher
fi
"""


def _fish_quote(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _fish(root: Node) -> str:
    subs, rules = [], ["complete -c switcher -f"]
    for node in nodes(root):
        at = f"-n '__switcher_at {node.path}'"
        if node.subs:
            subs.append(f"        case {node.path}\n            {_lines(node.subs)}")
            for name, sub in node.subs.items():
                rules.append(f"complete -c switcher {at} -a {_word(name)} -d {_fish_quote(sub.help)}")
        for option in node.options:
            names = " ".join(f"-l {_word(f[2:])}" if f.startswith("--") else f"-s {_word(f[1:])}"
                             for f in option.flags)
            rule = f"complete -c switcher {at} {names} -d {_fish_quote(option.help)}"
            if option.takes is not None:
                rule += " -x"
                if isinstance(option.takes, tuple):
                    rule += " -a " + _fish_quote(" ".join(_word(c) for c in option.takes))
                elif option.takes == REGIONS:
                    rule += " -a '(__switcher_regions)'"
                elif option.takes == TARGETS:
                    rule += " -a '(__switcher_targets)'"
            rules.append(rule)
        for kind in dict.fromkeys(node.positionals):
            if isinstance(kind, tuple):
                rules.append(f"complete -c switcher {at} -a {_fish_quote(' '.join(map(_word, kind)))}")
            elif kind == TARGETS:
                rules.append(f"complete -c switcher {at} -a '(__switcher_targets)'")
    return _FISH.format(subs="\n".join(subs), regions=_lines(regions()), rules="\n".join(rules))


_FISH = r"""# fish completion for switcher (generated by: switcher completion fish)
function __switcher_subs
    switch $argv[1]
{subs}
    end
end

# the command or sub-command the words typed so far name: switcher, switcher/sso...
function __switcher_path
    set -l path switcher
    for word in (commandline -opc)[2..-1]
        if test "$word" = --
            echo -- --
            return
        end
        if contains -- $word (__switcher_subs $path)
            set path $path/$word
        end
    end
    echo -- $path
end

function __switcher_at
    test (__switcher_path) = $argv[1]
end

function __switcher_regions
    {regions}
end

function __switcher_targets
    command switcher __complete targets 2>/dev/null
end

{rules}
"""

SHELLS = {"bash": _BASH, "zsh": _ZSH, "fish": None}


def script(shell: str, root: Node | None = None) -> str:
    root = root or tree()
    if shell == "fish":
        return _fish(root)
    return SHELLS[shell].format(engine=_posix(root))


def run(args) -> int:
    sys.stdout.write(script(args.shell))
    return 0
