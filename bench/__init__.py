"""Benchmarks and long-running checks (not run by the test suite)."""
