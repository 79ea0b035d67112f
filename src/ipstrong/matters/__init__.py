"""Matters: the workflow engine, one declarative definition per service or case type, working-day deadlines."""
