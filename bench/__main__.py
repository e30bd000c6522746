"""Run every benchmark: `make bench` (`python -m bench [--n N]`, default 100,000 businesses)."""

import sys

from . import exports, speed

speed.main(sys.argv[1:])
exports.run()
