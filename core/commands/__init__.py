"""Command-line tools. Each module: ``configure(parser)`` and ``run(args) -> int``; see app.py."""
