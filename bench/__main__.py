"""Run every benchmark: `make bench` (`python -m bench`)."""

from . import core, exports

for bench in (core, exports):
    bench.run()
