#!/usr/bin/env python3
"""Serve a TriG dataset with STOCK rdflib-endpoint, as a baseline for bench/bench_serve.py.

Nothing of kg_builder is used: the dataset is parsed into ``rdflib.Dataset(default_union=True)`` (so
the default graph is the union of every named graph, as on our server with ``inferred=true``) and
handed to ``rdflib_endpoint.SparqlEndpoint`` unchanged, which is run with uvicorn on loopback.

    .venv/bin/python bench/stock_endpoint.py graph/dataset.trig --port 8100
    curl -G --data-urlencode 'query=SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }' http://127.0.0.1:8100/
"""

from __future__ import annotations

import argparse
import sys
import time


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("trig", help="the TriG file to serve (e.g. graph/dataset.trig)")
    ap.add_argument("--port", type=int, default=8100)
    args = ap.parse_args()

    import uvicorn
    from rdflib import Dataset
    from rdflib_endpoint import SparqlEndpoint

    t = time.perf_counter()
    dataset = Dataset(default_union=True)
    dataset.parse(args.trig, format="trig")
    print(f"stock rdflib-endpoint: {len(dataset)} quads parsed from {args.trig} in "
          f"{time.perf_counter() - t:.1f} s", file=sys.stderr, flush=True)
    app = SparqlEndpoint(graph=dataset, path="/", title="stock rdflib-endpoint (benchmark baseline)",
                         public_url=f"http://127.0.0.1:{args.port}/")
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning")  # loopback only


if __name__ == "__main__":
    main()
