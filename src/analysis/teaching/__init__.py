"""teaching layer (see docs/ARCHITECTURE.md)."""
