"""Exercise 2 a-b: read and check the spine CSV, find its linear dependencies, split (stratified), z-score."""

import numpy as np

from gdlab.io import save_arrays, setup_logging, write_json
from gdlab.spine import collinearity, read_spine_csv, stratified_split, zscore_apply, zscore_fit

log = setup_logging(snakemake.log[0])
cfg = snakemake.params.data
frame = read_spine_csv(snakemake.input.csv, cfg["features"], cfg["label"], [cfg["positive_class"], cfg["negative_class"]])
used = [f for f in cfg["features"] if f not in cfg["drop_features"]]
full = collinearity(frame[cfg["features"]].to_numpy(), cfg["features"], cfg["rank_rtol"])
model = collinearity(frame[used].to_numpy(), used, cfg["rank_rtol"])
if model["dependencies"]:
    d = model["dependencies"][0]
    raise ValueError(f"{snakemake.input.csv}: the features the model uses are linearly dependent "
                     f"({d['target']} = {' + '.join(f'{c:.6g}·{n}' for n, c in d['equals'].items())} + {d['constant']:.3g}); "
                     f"add one of them to config ex2.drop_features")

y = (frame[cfg["label"]] == cfg["positive_class"]).to_numpy(dtype=np.float64)
train, test = stratified_split(y, cfg["test_fraction"], snakemake.params.seed)


def design(features):
    """[1, z-scored features] for the training and held-out rows, z-scored with training statistics only."""
    X = frame[features].to_numpy(dtype=np.float64)
    mean, std = zscore_fit(X[train], features)
    Z = np.column_stack([np.ones(len(X)), zscore_apply(X, mean, std)])
    return Z[train], Z[test], mean, std


X1_train, X1_test, mean, std = design(used)
X1_full_train, _, _, _ = design(cfg["features"])
save_arrays(snakemake.output.arrays, X1_train=X1_train, y_train=y[train], X1_test=X1_test, y_test=y[test],
            X1_full_train=X1_full_train)
write_json(snakemake.output.json, {
    "csv": snakemake.input.csv, "label": cfg["label"],  # what the notebook reads again
    "n": len(frame), "n_train": len(train), "n_test": len(test), "features": used, "all_features": cfg["features"],
    "dropped": cfg["drop_features"], "positive_class": cfg["positive_class"], "negative_class": cfg["negative_class"],
    "class_counts": frame[cfg["label"]].value_counts().sort_index().to_dict(),
    "train_positive_fraction": float(y[train].mean()), "test_positive_fraction": float(y[test].mean()),
    "feature_mean": mean.tolist(), "feature_std": std.tolist(),
    "collinearity": full, "model_rank": model["rank"], "model_columns": model["n_columns"],
})
log.info("spine: %d rows, %d train / %d test; all features: rank %d of %d", len(frame), len(train), len(test),
         full["rank"], full["n_columns"])
