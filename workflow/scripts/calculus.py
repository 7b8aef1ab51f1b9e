"""Exercise 6: the calculus derived step by step and checked by sympy (a failed check fails the build), and
GD on c1 from several starts (part f)."""

from gdlab.calculus import all_passed, c1_descent, derivations
from gdlab.io import setup_logging, write_json

log = setup_logging(snakemake.log[0])
ds = derivations()
for name, d in ds.items():
    for s in d["steps"]:
        log.info("%s: %s (%s)", name, "ok" if s["passed"] else "FAILED", s["check"])
if not all_passed(ds):
    failed = [name for name, d in ds.items() if not d["passed"]]
    raise RuntimeError(f"calculus checks failed: {', '.join(failed)} (see {snakemake.log[0]})")
p = snakemake.params.c1_descent
write_json(snakemake.output.json, {"derivations": [{"id": name} | d for name, d in ds.items()], "all_passed": True,
                                   "c1_descent": c1_descent(p["starts"], p["lr"], p["steps"])})
