"""Exercise 2a-b: load and check the spine CSV, split it (stratified), z-score with training statistics."""

import torch

from gdlab.data import read_spine_csv, save_tensors
from gdlab.io import setup_logging, write_json
from gdlab.linreg import add_bias
from gdlab.logreg import stratified_split, zscore_apply, zscore_fit

log = setup_logging(snakemake.log[0])
cfg = snakemake.params.cfg
frame = read_spine_csv(snakemake.input.csv, cfg["features"], cfg["label"], [cfg["positive_class"], cfg["negative_class"]])
X = torch.tensor(frame[cfg["features"]].to_numpy(), dtype=torch.float64)
y = torch.tensor((frame[cfg["label"]] == cfg["positive_class"]).to_numpy(), dtype=torch.float64)
train, test = stratified_split(y, cfg["test_fraction"], snakemake.params.seed)
mean, std = zscore_fit(X[train])  # training statistics only: the test set must not leak into them
Z = zscore_apply(X, mean, std)
save_tensors({"X_train": add_bias(Z[train]), "y_train": y[train], "X_test": add_bias(Z[test]), "y_test": y[test]},
             snakemake.output.tensors)
write_json(snakemake.output.json, {
    "n": len(frame), "n_train": len(train), "n_test": len(test),
    "features": cfg["features"], "positive_class": cfg["positive_class"], "negative_class": cfg["negative_class"],
    "class_counts": frame[cfg["label"]].value_counts().to_dict(),
    "train_positive_fraction": float(y[train].mean()), "test_positive_fraction": float(y[test].mean()),
    "feature_mean": mean.tolist(), "feature_std": std.tolist(),
    "raw_ranges": {c: [float(frame[c].min()), float(frame[c].max())] for c in cfg["features"]},
})
log.info("spine: %d rows, %d train / %d test", len(frame), len(train), len(test))
