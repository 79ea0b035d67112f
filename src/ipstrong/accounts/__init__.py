"""Users, roles and regions, organisations, sessions and API tokens, and the tamper-evident audit log."""
