"""Suggestions from organizations and their review: the form model, the queue, decisions and reviewer
accounts.
"""
