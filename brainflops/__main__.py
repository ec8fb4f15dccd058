"""``python -m brainflops`` runs the command line."""

import sys

from brainflops.cli import main

sys.exit(main())
