"""calc layer (see docs/ARCHITECTURE.md)."""
