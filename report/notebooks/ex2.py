# %% [markdown]
# # Exercise 2: {{ part("2a")[0].title }}
#
# *{{ practical.practical.course }}, {{ practical.practical.name }} — answers by {{ cfg.report.author }}.*
# This notebook was executed by the gdlab pipeline (rule `notebook`); its text is the answer sheet's, the code is the
# package's (`src/gdlab`), and the figures and numbers come from the pipeline's `results/`. To rerun the live
# cells, open it in a checkout of the project after `make report`: they import the package and read `results/`. Nothing needs to run to read it.
#
# > {{ part("2a")[0].intro }}

# %%
import pandas as pd

from gdlab.io import load_arrays, read_json
from gdlab.logreg import dummy_check
from gdlab.spine import read_spine_csv

summary = read_json("results/ex2/summary.json")
data = summary["data"]

# %% [markdown]
# {{ section("2a") }}

# %% [markdown]
# Live: the fetched (and checksum-verified) CSV, loaded into a pandas DataFrame.

# %%
frame = read_spine_csv(data["csv"], data["all_features"], data["label"], [data["positive_class"], data["negative_class"]])
print(frame.shape)
frame.head()

# %% [markdown]
# {{ section("2b") }}

# %% [markdown]
# Live: the standardised training features have mean 0 and standard deviation 1 (the first column is the bias).

# %%
X1 = load_arrays("results/ex2/prepared.npz")["X1_train"]
pd.DataFrame({"mean": X1.mean(axis=0), "std": X1.std(axis=0)}, index=["bias", *data["features"]]).round(6) + 0.0

# %% [markdown]
# {{ section("2c") }}

# %% [markdown]
# Live: the same test on dummy values, run here.

# %%
pd.DataFrame(dummy_check(seed={{ cfg.seed }})["cases"])

# %% [markdown]
# {{ section("2d") }}

# %% [markdown]
# {{ section("2e") }}

# %% [markdown]
# {{ beyond(2) }}
