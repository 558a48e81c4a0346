import sys

from scs_iaas.cli import main

sys.exit(main())
