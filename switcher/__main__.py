import sys

from switcher.cli.main import main

sys.exit(main())
