"""Exercise 6: derive and check the calculus with sympy; a failed check fails the build."""

from gdlab.calculus import derive
from gdlab.io import setup_logging, write_json

log = setup_logging(snakemake.log[0])
results = derive()
failed = [name for name, r in results.items() if not r["passed"]]
for name, r in results.items():
    log.info("%s: %s (%s)", name, "ok" if r["passed"] else "FAILED", r["check"])
if failed:
    raise RuntimeError(f"calculus checks failed: {', '.join(failed)} (see {snakemake.log[0]})")
write_json(snakemake.output.json, results)
