"""Recovery Navigator: the domain package behind the app and the command line.

Nothing here imports streamlit; the pages in ``pages/`` are thin views over this package.
"""

__version__ = "0.1.0"
