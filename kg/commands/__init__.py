"""Subcommands of the kg command line: one module each, with register(subparsers) and run(args)."""
