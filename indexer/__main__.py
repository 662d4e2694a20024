"""``python -m indexer``: the ``bulletins`` command."""

from indexer.launch import main

main()
