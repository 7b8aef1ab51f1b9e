"""Fetch one dataset file (internet or local mirror) and verify its content hash."""

import os
from pathlib import Path

from gdlab.fetch import MIRROR_ENV, fetch
from gdlab.io import setup_logging

setup_logging(snakemake.log[0])
fetch(
    snakemake.wildcards.dataset,
    snakemake.wildcards.filename,
    Path(snakemake.output.data),
    sha256=snakemake.params.spec["sha256"],
    compressed=snakemake.params.spec["compressed"],
    urls=snakemake.params.urls,
    # Deliberately not a rule parameter: where the bytes come from is not what
    # they are (the hash checks that), so switching mirrors must not rerun jobs.
    mirror=os.environ.get(MIRROR_ENV) or None,
    timeout_s=snakemake.params.timeout_s,
)
