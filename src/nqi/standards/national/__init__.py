"""The national catalogue and its harmonization with ISO/IEC (part of the standards app)."""
