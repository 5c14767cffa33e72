"""IAM Identity Center: its sources (sources.py), the OIDC sign-in flows (oidc.py, with the
browser's loopback callback in loopback.py) and the tokens they yield, kept only in the OS
keyring (tokens.py: the entry point for everything that needs an access token).

Layered top to bottom as tokens -> oidc -> loopback | sources (pyproject.toml)."""
