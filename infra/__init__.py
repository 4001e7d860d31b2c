"""Local stack: the embedded AWS stand-in built from template.yaml, and the local server."""
