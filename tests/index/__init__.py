"""The search index's lifecycle in one place: rebuild and swap, releases and sweeping,
following the change log, faults (missing, damaged, full disk) and kill -9 at named points.

Multi-server behaviour is in tests/test_machines.py; the soak in tests/test_soak.py.
"""
