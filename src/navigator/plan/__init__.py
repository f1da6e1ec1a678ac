"""The coach intake's plan: answers turned into searches, ranked options, gaps and take-homes."""
