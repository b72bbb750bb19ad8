"""Reusable SELECTs: keyset pagination, batch loads, counts."""
