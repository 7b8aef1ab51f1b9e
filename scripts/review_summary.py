"""Exercises 4 and 5: the numbers the review answers and the reading summary quote."""

from gdlab.io import read_json, setup_logging, write_json

setup_logging(snakemake.log[0])
over = read_json(snakemake.input.overfit)
sizes = sorted((read_json(p) for p in snakemake.input.data_size), key=lambda r: r["n_train"])
costs = [r["final_train_cost"] for r in sizes]
write_json(snakemake.output.json, {
    "overfit": {k: over[k] for k in ("n_train", "epochs", "lr", "final_train_cost", "final_test_cost", "min_test_cost",
                                     "min_test_cost_epoch", "final_train_accuracy", "final_test_accuracy")}
    | {"test_cost_rise": over["final_test_cost"] - over["min_test_cost"]},
    "data_size": [{k: r[k] for k in ("n_train", "final_train_cost", "final_test_cost", "final_train_accuracy",
                                     "final_test_accuracy", "epochs")} for r in sizes],
    "train_cost_increases_with_n": all(a < b for a, b in zip(costs, costs[1:])),
    "ex5": read_json(snakemake.input.ex5),
})
