"""Exercise 1 data: generated from the config, or the user's own CSV, checked and copied."""

from gdlab.io import atomic_path, setup_logging
from gdlab.linreg_data import make_linreg, read_linreg_csv

log = setup_logging(snakemake.log[0])
cfg = snakemake.params.data
if cfg["csv"]:
    frame = read_linreg_csv(snakemake.input.user_csv[0])
    log.info("read %d rows, %d features from %s", len(frame), frame.shape[1] - 1, cfg["csv"])
else:
    frame = make_linreg(cfg["n"], cfg["theta"], cfg["x_mean"], cfg["x_std"], cfg["noise_std"], snakemake.params.seed)
    log.info("generated %d rows with theta=%s", len(frame), cfg["theta"])
with atomic_path(snakemake.output.csv) as tmp:
    frame.to_csv(tmp, index=False, float_format="%.17g")
