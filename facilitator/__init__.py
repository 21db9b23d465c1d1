"""facilitator: run associative customer-reflection workshops from a projected terminal."""

__version__ = "0.1.0"
