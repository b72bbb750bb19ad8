"""Benchmarks and long-running checks, not run by the test suite: load against a hand-written
asyncpg endpoint, the hardening layer's overhead, long fuzzing runs."""
