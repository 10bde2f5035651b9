"""auction-flow's command line entry point: the click tree lives in auction_flow.frontends.cli."""

import sys

from auction_flow.frontends.cli import main

if __name__ == "__main__":
    sys.exit(main())
