"""SPARQL over the built graph: checking queries, running them in Oxigraph, serialising results."""
