"""What the user reads for a config value, in one place for every window that offers it
(tray menu, Settings, first run). Plain data: no Qt."""

# credential export format -> menu and combo label
FORMAT_LABELS = {
    "env": "Shell exports (bash, zsh)",
    "fish": "fish",
    "powershell": "PowerShell",
    "json": "JSON (credential_process)",
    "ini": "Credentials file block (INI)",
}

# (what the user reads, the config value kept as the item's data)
BROWSER_CHOICES = (
    ("System default browser", "default"),
    ("Chrome", "chrome"),
    ("Chrome — profile Default", "chrome:profile=Default"),
    ("Chromium", "chromium"),
    ("Chromium — isolated profile per account", "chromium:isolated"),
    ("Microsoft Edge", "edge"),
    ("Brave", "brave"),
    ("Firefox", "firefox"),
    ("Firefox — container per account", "firefox:container"),
    ("Firefox — Granted containers", "granted-containers"),
    ("Custom command: firefox --new-window {url}", "cmd:firefox --new-window {url}"),
)

# account's logout_first: (label, config value; None = use the general setting)
LOGOUT_CHOICES = (("Use the general setting", None), ("Always sign out first", True),
                  ("Never sign out first", False))

# the console's multi-session opt-in is the browser's, not Switcher's: the setting says so
MULTI_SESSION_LABEL = "AWS console multi-session is on in this browser"
MULTI_SESSION_TIP = ("The console then keeps up to 5 identities at once: sign-out first is "
                     "skipped, and a sixth is offered an isolated profile.")
