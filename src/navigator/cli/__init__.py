"""The command line, ``python -m navigator COMMAND``: every command registered in one place."""
