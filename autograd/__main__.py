"""``python -m autograd render ...``: see :mod:`autograd.cli`."""

from autograd.cli import main

raise SystemExit(main())
