"""Mutation testing of the data- and security-critical code: `make mutate` (README)."""
