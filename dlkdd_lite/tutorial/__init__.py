"""tutorial: running the notebooks headless and checking the learners' exercises.

``notebooks`` (execute with parameters, worked solutions apart), ``solutions`` (filling them in),
``checks`` (an exercise against the library's own function), ``book`` (executed notebooks as HTML pages).
"""
