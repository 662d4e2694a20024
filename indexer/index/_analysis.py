"""Where indexes written before ``pickled_v1`` existed name their analysis classes.

An index's table of contents pickles its schema, and with it the module path of each class
of this project it uses. Indexes built before those classes moved to ``pickled_v1`` name this
module; these names keep them readable. Nothing new imports from here.
"""

from indexer.index.pickled_v1 import CommaTerms, StemmedText, TermPositions

__all__ = ["CommaTerms", "StemmedText", "TermPositions"]
