"""Ingestion: reading exchange folders (`exchange`), validating them and writing them to the graph with a rejects
report (`importer`). The contract is the shared spec exchange-format.md."""
