"""``python -m borderSim`` is the ``borderSim`` command."""

import sys

from borderSim.cli.main import main

sys.exit(main())
