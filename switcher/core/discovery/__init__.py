"""Discovery at scale: the accounts and roles of IAM Identity Center sources and AWS
Organizations, listed into a cached inventory that every front end reads.

For the front ends (the API the target list and the tray use):

- ``inventory.load_all(config) -> list[DiscoveredAccount]``: every discovered account of
  the sources ``config`` still has, each with ``roles``, a tuple of ``DiscoveredRole``
  (``target`` the name to switch by, ``name`` the discovered one, ``source``, ``kind``
  (``inventory.SSO``: GetRoleCredentials with the source's token, at ``start_url`` /
  ``region``; ``inventory.ORG``: AssumeRole of ``role_name`` in ``account_id`` with the
  credentials of the target ``via``), ``account_id``, ``account_name``,
  ``account_alias``, ``role_name``, and the user's overlay: ``color``, ``hotkey``,
  ``browser``, ``hidden``). The ``[[discovered]]`` entries of config.toml
  (core.model.DiscoveredOverlay) are applied; hidden targets are left out unless
  ``include_hidden=True``. It reads JSON files only (no boto3, no botocore, no network),
  so it is cheap enough for every start. ``inventory.load_roles(config)`` flattens it.
- ``run.discover(config, names=None, mode=run.AUTO|REFRESH|FULL, progress=callback)``:
  one discovery, as ``switcher discover`` runs it, returning an ``Outcome`` per source.
  It blocks for as long as the service's quota needs (minutes for thousands of
  accounts): run it on a worker, never on a GUI thread. ``progress`` gets
  ``progress.Update`` values (``update.text()`` is "Discovering corp… 312/2,000"), on
  the calling thread. The inventory is written as the run goes, so ``load_all``
  elsewhere sees what is known so far.

Target names are ``<account>/<role>`` with the account's name made into an alias
(naming.py). Inside: inventory.py (the files), naming.py, ratelimit.py (the adaptive
limiter and its botocore hooks), calls.py (clients, per-request deadlines),
identity_center.py and organizations.py (the two listings), progress.py, run.py.
"""
