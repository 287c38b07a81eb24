"""Adapters turn engine events into I/O. They never import each other."""
