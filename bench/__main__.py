"""Run every benchmark: `make bench`."""

from . import core

for bench in (core,):
    bench.run()
