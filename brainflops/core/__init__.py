"""Layer 0, the foundation: errors, the unit registry, log-space helpers, constants and safe file IO.

Imports nothing else from brainflops.
"""
