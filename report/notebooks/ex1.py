# %% [markdown]
# # Exercise 1: {{ part("1a")[0].title }}
#
# *{{ practical.practical.course }}, {{ practical.practical.name }} — answers by {{ cfg.report.author }}.*
# This notebook was executed by the gdlab pipeline (rule `notebook`); its text is the answer sheet's, the code is the
# package's (`src/gdlab`), and the figures and numbers come from the pipeline's `results/`. To rerun the live
# cells, open it in a checkout of the project after `make report`: they import the package and read `results/`. Nothing needs to run to read it.
#
# > {{ part("1a")[0].intro }}

# %%
import torch

from gdlab.io import read_json
from gdlab.linalg import add_bias
from gdlab.linreg import LinearRegressionHand, curvature, distance_to, normal_equations
from gdlab.linreg_data import arrays, read_linreg_csv
from gdlab.train import fit

summary = read_json("results/ex1/summary.json")  # what the pipeline computed; the cells below recompute some of it live

# %% [markdown]
# {{ section("1a") }}

# %% [markdown]
# Live: the normal equations on this exercise's data (`results/data/linreg.csv`), as torch tensors.

# %%
X, y = map(torch.from_numpy, arrays(read_linreg_csv("results/data/linreg.csv")))
X1 = add_bias(X)
theta_star = normal_equations(X1, y)
print("theta* =", theta_star.tolist())
print("the pipeline's closed form:", summary["closed_form"]["theta"])

# %% [markdown]
# {{ section("1b") }}

# %% [markdown]
# Live: the main GD run again, with the hand-written gradient.

# %%
lr, epochs = summary["gd"]["lr"], summary["gd"]["epochs"]
model = LinearRegressionHand(torch.full((X1.shape[1],), {{ cfg.ex1.theta0 }}, dtype=torch.float64))
hist = fit(model, X1, y, epochs=epochs, lr=lr, metrics=distance_to(theta_star, X1, y))
print(f"after {epochs} epochs at lr {lr}: theta = {model.theta.tolist()}, distance to theta* = {hist.rows[-1]['distance']:.2e}")

# %% [markdown]
# {{ section("1c") }}

# %% [markdown]
# {{ section("1d") }}

# %% [markdown]
# {{ section("1e") }}

# %%
print("2 / lambda_max of the Hessian, live:", curvature(X1).max_lr)

# %% [markdown]
# {{ beyond(1) }}
