"""``python -m labkit``: the same command line as ``labkit`` (see :mod:`labkit.cli`)."""

import sys

from labkit.cli import main

sys.exit(main())
