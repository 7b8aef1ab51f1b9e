"""Exercise 3 h: scikit-learn's LogisticRegression (lbfgs, its defaults) fitted on the study's training part, scored
on the test set: what the favourite's test accuracy is compared with."""

import numpy as np

from gdlab.io import load_array_dir, setup_logging, write_json
from gdlab.softmax import library_model

log = setup_logging(snakemake.log[0])
d = load_array_dir(snakemake.input.mnist)
clf = library_model(d["X_fit"], d["y_fit"], snakemake.params.max_iter)
accuracy = float(np.mean(clf.predict(d["X_test"]) == d["y_test"]))
log.info("LogisticRegression: test accuracy %.4f after %d iterations", accuracy, int(clf.n_iter_.max()))
write_json(snakemake.output.json, {"test_accuracy": accuracy, "iterations": int(clf.n_iter_.max()),
                                   "max_iter": snakemake.params.max_iter, "n_train": len(d["y_fit"]),
                                   # lbfgs stops at its limit unconverged (a warning, silenced), or before it converged
                                   "converged": int(clf.n_iter_.max()) < snakemake.params.max_iter})
