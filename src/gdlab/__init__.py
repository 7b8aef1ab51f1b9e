"""gdlab: the shared numeric code of the gradient-descent answer sheet.

Each loss lives next to its hand-written gradient; the Snakemake scripts in
``scripts/`` stay thin and call the small pure functions collected here.
"""

__version__ = "0.1.0"
