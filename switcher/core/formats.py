"""Names of the credential export formats.

Its own module so that the command line can offer them without importing the model (and
dataclasses), which every command, `switcher tray` included, would pay for at start."""

CREDS_FORMATS = ("env", "fish", "powershell", "json", "ini")
