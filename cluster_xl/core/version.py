"""The tool's version: written into every consolidated book and template."""

__version__ = "0.1.0"
