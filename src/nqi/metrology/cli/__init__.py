"""Sub-commands of ``nqi metrology``; each module exposes ``register(group)``."""
