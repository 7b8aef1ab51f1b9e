"""One notebook of one group, run in the sandbox and checked against gdlab's references (gdlab.check.job)."""

from pathlib import Path

import yaml

from gdlab.check.job import check_notebook
from gdlab.io import read_json, setup_logging, write_json

log = setup_logging(snakemake.log[0])
p = snakemake.params
gd = read_json(snakemake.input.ex1_gd)
run = next(r for r in gd["runs"] if r["lr"] == p.ex1["lr"])
references = {
    "ex1": {**p.ex1, "csv": p.course_data["lausanne-appart.csv"], "start_cost": run["cost"][0],
            "final_cost": run["cost"][-1]},
    "ex3": {"mnist": snakemake.input.mnist, "hand": read_json(snakemake.input.ex3_hand),
            "module": read_json(snakemake.input.ex3_module)},
}
check = Path(snakemake.output.json).parents[2]  # results/check
result = check_notebook(source=p.source, notebook=p.notebook, practical=yaml.safe_load(Path(snakemake.input.practical).read_text()),
                        data=dict(p.course_data), settings=dict(p.settings), references=references,
                        cache=check / ".cache", work=check / ".work")
write_json(snakemake.output.json, result)
log.info("%s %s: %s", snakemake.wildcards.group, p.notebook, result.get("run", result.get("error")))
