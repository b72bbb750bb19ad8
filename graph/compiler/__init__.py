"""Compiled read path: plan whole GraphQL selections into SQL over a declarative mapping."""
