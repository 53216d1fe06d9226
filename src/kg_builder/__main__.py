"""``python -m kg_builder`` runs the ``kg`` command."""

from .cli import main

main()
