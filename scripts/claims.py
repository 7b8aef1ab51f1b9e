"""Evaluate the sheet's checked claims against results/; fail the build naming any claim that no longer holds."""

from gdlab.claims import evaluate, failures
from gdlab.io import read_json, setup_logging, write_json

log = setup_logging(snakemake.log[0])
context = {name: read_json(getattr(snakemake.input, name)) for name in ("ex1", "ex2", "ex3", "review", "calculus")}
context["calculus"] = {"all_passed": all(r["passed"] for r in context["calculus"].values())}
declared = snakemake.params.claims
ids = [c["id"] for c in declared]
if len(set(ids)) != len(ids):
    raise ValueError(f"config claims: duplicate ids {sorted({i for i in ids if ids.count(i) > 1})}")
results = evaluate({c["id"]: c for c in declared}, context)
for cid, r in results.items():
    log.info("%s: %s = %r %s %r: %s", cid, r["value_path"], r["value"], r["op"], r["bound"],
             "ok" if r["passed"] else "FAILED")
bad = failures(results)
if bad:
    raise RuntimeError("\n".join(bad))
write_json(snakemake.output.json, results)
