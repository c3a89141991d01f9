"""wrapgen: generate correct AWS Lambda exec wrappers."""

__version__ = "0.1.0"
