"""Command handlers for switcher.cli, one module per group, each imported on use."""
