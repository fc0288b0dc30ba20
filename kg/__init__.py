"""hospital-kg: build a knowledge graph of hospitals' Party-building work from Chinese news."""

__version__ = "0.1.0"
