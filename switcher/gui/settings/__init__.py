"""Settings: the window (``window.SettingsWindow``) and one module per page.

``drafts`` is the accounts page's model and imports nothing from Qt, so its checks are
tested without widgets.
"""
