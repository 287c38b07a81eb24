"""``python -m bot`` runs the ``carercheck`` command."""

import sys

from bot.cli import main

sys.exit(main())
