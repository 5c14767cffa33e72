"""The command line: ``main`` parses and dispatches (main.py, parser.py); each other module
holds the handlers of one group of commands, imported only when one of them runs."""
