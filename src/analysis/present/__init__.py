"""present layer (see docs/ARCHITECTURE.md)."""
