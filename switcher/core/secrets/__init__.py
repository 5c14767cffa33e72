"""Secrets: the OS keyring, its fast Secret Service path, the session cache, keyring sources."""

# The keyring's service names, here so that the cached `creds` (dbus_read) needs no keystore
KEYS_SERVICE = "switcher:keys"
SESSIONS_SERVICE = "switcher:sessions"
SSO_SERVICE = "switcher:sso"  # IAM Identity Center tokens and client registrations
