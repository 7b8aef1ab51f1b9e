"""Exercise 2 a: read and check the spine CSV (either layout), the held-out split of the additions, the
linear dependencies among the features."""

import numpy as np

from gdlab.io import save_arrays, setup_logging, write_json
from gdlab.spine import collinearity, read_spine_csv, stratified_split

log = setup_logging(snakemake.log[0])
cfg, add = snakemake.params.data, snakemake.params.additions
frame = read_spine_csv(snakemake.input.csv, cfg["features"], cfg["label"], [cfg["positive_class"], cfg["negative_class"]])
labels = (frame[cfg["label"]] == cfg["positive_class"]).to_numpy(dtype=np.float64)
train, test = stratified_split(labels, add["test_fraction"], snakemake.params.seed)
used = [f for f in cfg["features"] if f not in add["drop_features"]]
full = collinearity(frame[cfg["features"]].to_numpy(), cfg["features"], add["rank_rtol"])
model = collinearity(frame[used].to_numpy(), used, add["rank_rtol"])
save_arrays(snakemake.output.arrays, features=frame[cfg["features"]].to_numpy(dtype=np.float64), labels=labels,
            train=train, test=test, used=np.array([cfg["features"].index(f) for f in used]))
sd = frame[cfg["features"]].std(ddof=1)  # the scales standardising removes
write_json(snakemake.output.json, {
    "scale": {"min_sd": float(sd.min()), "min_sd_feature": sd.idxmin(), "max_sd": float(sd.max()),
              "max_sd_feature": sd.idxmax()},
    "n": len(frame), "n_train": len(train), "n_test": len(test), "features": cfg["features"], "used": used,
    "dropped": add["drop_features"], "positive_class": cfg["positive_class"], "negative_class": cfg["negative_class"],
    "class_counts": frame[cfg["label"]].value_counts().sort_index().to_dict(),
    "test_positive_fraction": float(labels[test].mean()),
    "collinearity": full, "model_rank": model["rank"], "model_columns": model["n_columns"],
})
log.info("spine: %d rows (%d train / %d held out); all features: rank %d of %d", len(frame), len(train), len(test),
         full["rank"], full["n_columns"])
