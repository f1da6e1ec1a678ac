"""The directory: strict YAML reading, writing and editing, the entry schema and vocabulary, and the
in-memory index with its cache.
"""
