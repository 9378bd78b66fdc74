import sys

from qualframe.app.cli.main import main

sys.exit(main())
