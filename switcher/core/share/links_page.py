"""A team page of Switch Role links: Markdown, one self-contained HTML file, or JSON."""

from __future__ import annotations

import base64
import hashlib
import html
import json
from dataclasses import dataclass

from switcher.core.share.links import default_display_name, switch_role_link, unlinkable_reason

FORMATS = ("markdown", "html", "json")


@dataclass(frozen=True)
class Entry:
    target: str
    account: str
    role: str
    region: str
    display_name: str
    color: str | None
    url: str | None  # None: the console cannot switch to it, see ``reason``
    reason: str | None = None

    def as_json(self) -> dict:
        return {
            "target": self.target,
            "account": self.account,
            "role": self.role,
            "displayName": self.display_name,
            "color": self.color,
            "url": self.url,
            "reason": self.reason,
        }


def entries(targets) -> list[Entry]:
    """One entry per target, in order: a link, or the reason there can be none."""
    out = []
    for target in targets:
        display = default_display_name(target)
        reason = unlinkable_reason(target)
        url = None if reason else switch_role_link(target, display_name=display)
        out.append(Entry(target.name, target.account_id, target.role_name, target.region,
                         display, target.color, url, reason))
    return out


def render(targets, fmt: str = "markdown") -> str:
    every = entries(targets)
    if fmt == "json":
        # Unlike the pages, JSON keeps the unlinkable entries in place: a script reading
        # it must see every target, not infer the missing ones.
        return json.dumps([e.as_json() for e in every], indent=2) + "\n"
    rows = [e for e in every if e.url]
    unlinkable = [e for e in every if not e.url]
    if fmt == "html":
        return render_html(rows, unlinkable)
    if fmt == "markdown":
        return render_markdown(rows, unlinkable)
    raise ValueError(f"unknown links format {fmt!r}")


def _not_listed(unlinkable: list[Entry]) -> str:
    return "Not listed: " + "; ".join(f"{e.target} ({e.reason})" for e in unlinkable)


def _md_cell(text: str) -> str:
    # A pipe ends a table cell and a backslash escapes; neither may leak out of one.
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _md_link_text(text: str) -> str:
    out = _md_cell(text)
    for ch in "[]*_`<>":
        out = out.replace(ch, "\\" + ch)
    return out


def render_markdown(rows: list[Entry], unlinkable: list[Entry]) -> str:
    lines = [
        "# AWS Switch Role links",
        "",
        "| Switch role | Account | Role | Region | Colour |",
        "|---|---|---|---|---|",
    ]
    for e in rows:
        lines.append(
            f"| [{_md_link_text(e.display_name)}](<{e.url}>) | {e.account} | {_md_cell(e.role)} "
            f"| {e.region} | {e.color or ''} |"
        )
    if not rows:
        lines.append("| (no targets) | | | | |")
    if unlinkable:
        lines += ["", _md_cell(_not_listed(unlinkable))]
    return "\n".join(lines) + "\n"


_CSS = """
:root { color-scheme: light dark; --fg: #1d232a; --muted: #5f6b7a; --line: #d5dbe1;
        --bg: #ffffff; --head: #f3f5f7; --link: #0b62c4; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e6e9ed; --muted: #9aa5b1; --line: #38414b; --bg: #161b21; --head: #1f262e;
          --link: #6cb2ff; }
}
* { box-sizing: border-box; }
body { margin: 0; padding: 24px 32px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI",
       Roboto, "Noto Sans", sans-serif; color: var(--fg); background: var(--bg); }
h1 { font-size: 20px; font-weight: 600; margin: 0 0 4px; }
p.sub { margin: 0 0 16px; color: var(--muted); }
input[type=search] { width: 100%; max-width: 420px; padding: 7px 10px; font: inherit;
       color: inherit; background: var(--bg); border: 1px solid var(--line); border-radius: 6px;
       margin-bottom: 14px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 7px 10px; border-bottom: 1px solid var(--line);
         vertical-align: middle; }
th { background: var(--head); font-weight: 600; font-size: 12px; text-transform: uppercase;
     letter-spacing: .04em; color: var(--muted); }
td.acct, td.region { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace;
     font-size: 13px; }
.swatch { display: inline-block; width: 14px; height: 14px; border-radius: 3px;
          border: 1px solid rgba(0,0,0,.25); vertical-align: -2px; margin-right: 8px; }
.swatch.none { background: transparent; border-style: dashed; }
a { color: var(--link); text-decoration: none; font-weight: 500; }
a:hover { text-decoration: underline; }
p.note, p.empty { color: var(--muted); margin-top: 14px; }
tr[hidden] { display: none; }
"""

# Filters rows by every word of the query; "#words" in the page URL pre-fills it, so a
# team can share "links.html#prod" to land on a filtered view.
_JS = """
(function () {
  var box = document.getElementById('q');
  var rows = Array.prototype.slice.call(document.querySelectorAll('tbody tr'));
  var count = document.getElementById('count');
  function apply() {
    var words = box.value.toLowerCase().split(/\\s+/).filter(Boolean);
    var shown = 0;
    rows.forEach(function (row) {
      var text = row.getAttribute('data-search');
      var ok = words.every(function (w) { return text.indexOf(w) !== -1; });
      row.hidden = !ok;
      if (ok) { shown++; }
    });
    count.textContent = 'Showing ' + shown + ' of ' + rows.length + '.';
  }
  if (location.hash.length > 1) {
    box.value = decodeURIComponent(location.hash.slice(1));
  }
  box.addEventListener('input', apply);
  apply();
})();
"""


def _csp_hash(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()


def render_html(rows: list[Entry], unlinkable: list[Entry]) -> str:
    esc = html.escape
    colors = sorted({e.color for e in rows if e.color})
    # Colours are validated hex, so per-colour classes keep every style inside the one
    # <style> block that the Content-Security-Policy allows by hash.
    css = _CSS + "".join(f".c{c} {{ background: #{c}; }}\n" for c in colors)
    body_rows = []
    for e in rows:
        swatch = f'<span class="swatch c{e.color}"></span>' if e.color else '<span class="swatch none"></span>'
        search = " ".join((e.target, e.display_name, e.account, e.role, e.region)).lower()
        body_rows.append(
            f'<tr data-search="{esc(search)}">'
            f'<td>{swatch}<a href="{esc(e.url)}" target="_blank" rel="noopener noreferrer">'
            f"{esc(e.display_name)}</a></td>"
            f'<td class="acct">{esc(e.account)}</td><td>{esc(e.role)}</td>'
            f'<td class="region">{esc(e.region)}</td></tr>'
        )
    csp = (f"default-src 'none'; style-src '{_csp_hash(css)}'; script-src '{_csp_hash(_JS)}'; "
           "base-uri 'none'; form-action 'none'")
    note = ""
    if unlinkable:
        note = '<p class="note">' + esc(_not_listed(unlinkable)) + "</p>"
    empty = '<p class="empty">No targets yet.</p>' if not rows else ""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">\n'  # no " < & in it
        '<meta name="referrer" content="no-referrer">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        "<title>AWS Switch Role links</title>\n"
        f"<style>{css}</style></head><body>\n"
        "<h1>AWS Switch Role links</h1>\n"
        '<p class="sub">Each link opens the console\'s Switch Role form, pre-filled. '
        '<span id="count"></span></p>\n'
        '<input type="search" id="q" placeholder="Filter by alias, role, account or region" '
        'autofocus aria-label="Filter">\n'
        "<table><thead><tr><th>Switch role</th><th>Account</th><th>Role</th><th>Region</th>"
        "</tr></thead>\n<tbody>\n" + "\n".join(body_rows) + "\n</tbody></table>\n"
        f"{empty}{note}\n"
        f"<script>{_JS}</script>\n</body></html>\n"
    )
