"""Use cases: the only layer that combines the store and the engine."""
