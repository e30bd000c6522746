"""Benchmarks: each generates its own data and prints ratios against a same-run baseline."""
