"""The coach intake's plan, in the order it is made.

``answers`` (what the coach asks, as codes) → ``needs`` (a search plan per need) → ``ranking``
(candidates collected and ranked, gaps and the radius that fills them, the coach's picks) over
``options`` (a hit as an option) → ``safety`` (safety first for someone at risk) → ``build``
(the whole plan) → ``takehome_plan`` (the text message and the printout, in the words the UI
passes in) over ``takehome`` (the take-home data model ``formats.printable`` renders).
Everything here is codes and facts; the words for people are in ``ui/intake_copy.py``.
"""
