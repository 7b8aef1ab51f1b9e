"""Python loads this file at the start of every process of a build with `read_guard: true` (the Snakefile puts its
folder on PYTHONPATH). In the process of a job's script, and only there, it installs gdlab.read_guard."""

import os
import sys

# Snakemake runs a job's script as a file it writes under .snakemake/scripts/ (snakemake.script.PythonScript).
if sys.argv and os.path.join(".snakemake", "scripts", "") in os.path.abspath(sys.argv[0]):
    from gdlab.read_guard import install

    install()
