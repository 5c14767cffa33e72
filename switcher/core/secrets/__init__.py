"""Secrets: the OS keyring, its fast Secret Service path, the session cache, keyring sources."""
