"""`python -m bench ingest --quick`: a benchmark without the `brigade` command."""

import sys

from bench.cli import main

sys.exit(main())
