import sys

from redbridge.cli import main

sys.exit(main())
