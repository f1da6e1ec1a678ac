"""Streamlit helpers shared by the pages: the cached directory and the frame around every page.

Only this package and the pages import streamlit; the logic they show lives in ``navigator``.
"""
