"""Benchmarks with their own data generators (not timed tests): `make bench`."""
