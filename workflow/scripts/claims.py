"""Evaluate the sheet's checked claims against the summaries; fail the build naming any claim that no longer holds."""

from gdlab.claims import evaluate, failures
from gdlab.io import read_json, setup_logging, write_json

log = setup_logging(snakemake.log[0])
# The claims read the summaries under the names the rule gives them (ex1, ex2, ex3, review).
context = {name: read_json(path) for name, path in snakemake.input.items() if name != "code"}
results = evaluate(snakemake.params.claims, context)
for cid, r in results.items():
    log.info("%s: %s = %r %s %r: %s", cid, r["value_path"], r["value"], r["op"], r["bound"],
             "ok" if r["passed"] else "FAILED")
bad = failures(results)
if bad:
    raise RuntimeError("\n".join(bad))
write_json(snakemake.output.json, results)
