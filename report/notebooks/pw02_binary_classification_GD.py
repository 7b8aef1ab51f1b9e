# %% [markdown]
# {% from "notebooks/header.md.j2" import header with context %}{% call header(2, "`Dataset_spine.csv`") %}
# - The `Dataset_spine.csv` handed in names its columns; the loading cell renames Kaggle's `Col1`…`Col12` alike.
# - `cost` uses `logsigmoid`: finite where $\sigma$ rounds to 0 or 1.
# - `design` builds the course's `X` and `Y` as float64 tensors.
# - 2 d checks GD against scipy's L-BFGS-B minimum; 2 e adds a range test ({{ cfg.ex2.range_test.epochs }}-epoch runs at log-spaced rates).
# - Added beyond the questions: the rank of the design.
# {% endcall %}

# %%
import math
from typing import Callable

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F
from matplotlib.ticker import LogLocator, MaxNLocator, NullFormatter

torch.set_num_threads(1)  # one thread: small matrices gain nothing from more, and beside other work lose much
plt.style.use("{{ cfg.plot.style }}")  # one style for every figure
plt.rcParams["figure.dpi"] = {{ cfg.plot.dpi }}  # the PDFs' resolution: figures as sharp as printed

# %% [markdown]
# {{ question("2a") }}

# %% [markdown]
# {{ answer("2a") }}

# %%
df = pd.read_csv("Dataset_spine.csv")
df = df.drop(columns=[c for c in df.columns if c.startswith("Unnamed")])  # Kaggle's 14th column, of notes
# YOUR CODE (START)
# Kaggle's copy names the features Col1..Col12; the copy handed in here names its columns. Either way the same 12
# features remain, under these names.
features = {{ cfg.ex2.features }}
df = df.rename(columns={f"Col{i + 1}": name for i, name in enumerate(features)})
# YOUR CODE (END)
print(df.shape)
print(df["{{ cfg.ex2.label }}"].value_counts().to_string())
df.head()

# %% [markdown]
# {{ question("2b") }}

# %% [markdown]
# {{ answer("2b") }}

# %%
{{ code("gdlab.logreg.standardise") }}

{{ code("gdlab.logreg.design") }}

X, Y = design(df[features].to_numpy(), (df["{{ cfg.ex2.label }}"] == "{{ cfg.ex2.positive_class }}").to_numpy())
# YOUR CODE (START)
print("X", tuple(X.shape), " Y", tuple(Y.shape))
print("feature means after standardising: at most", X[:, 1:].mean(dim=0).abs().max().item())
print("feature standard deviations:", X[:, 1:].std(dim=0).unique().tolist())
raw_sd = df[features].std()
print(f"before: from {raw_sd.min():.3g} ({raw_sd.idxmin()}) to {raw_sd.max():.3g} ({raw_sd.idxmax()})")
# YOUR CODE (END)

# %% [markdown]
# {{ question("2c") }}

# %% [markdown]
# {{ answer("2c") }}

# %%
# YOUR CODE (START)
{{ code("gdlab.logreg.predict") }}

{{ code("gdlab.logreg.cost") }}

{{ code("gdlab.logreg.gradient_cost") }}

{{ code("gdlab.logreg.accuracy") }}
# YOUR CODE (END)

# %%
# YOUR CODE (START)
# Test: each function with a random W of shape (1, 13), with W = 0, and with weights so large that σ rounds to 0 or 1.
tests = {"random": torch.randn(1, 13, dtype=torch.float64, generator=torch.Generator().manual_seed({{ cfg.seed }})),
         "zeros": torch.zeros(1, 13, dtype=torch.float64), "every weight 1000": 1000 * torch.ones(1, 13, dtype=torch.float64)}
for name, W in tests.items():
    Yhat = predict(X, W)
    print(f"W {name:>17}: predict {tuple(Yhat.shape)}, cost {cost(X, Y, W).item():.6g}, "
          f"gradient_cost {tuple(gradient_cost(X, Y, W).shape)}, accuracy {accuracy(Y, Yhat):.4f}, "
          f"no nan: {not (Yhat.isnan().any() or cost(X, Y, W).isnan() or gradient_cost(X, Y, W).isnan().any())}")
W = tests["random"].clone().requires_grad_()
cost(X, Y, W).backward()
print("largest difference, gradient_cost vs autograd:", (gradient_cost(X, Y, W.detach()) - W.grad).abs().max().item())
# YOUR CODE (END)

# %% [markdown]
# {{ question("2d") }}

# %% [markdown]
# {{ answer("2d") }}

# %%
# YOUR CODE (START)
{{ code("gdlab.gd.gradient_descent") }}

def track(W):
    """What is recorded per epoch: the cost and the accuracy on all patients."""
    return cost(X, Y, W).item(), accuracy(Y, predict(X, W))

W, history = gradient_descent(lambda W: gradient_cost(X, Y, W), torch.zeros(1, 13, dtype=torch.float64),
                              lr={{ cfg.ex2.lr }}, nepochs={{ cfg.ex2.epochs }}, track=track)
costs, accuracies = zip(*history)

{{ code("gdlab.plotting.epoch_log_axis") }}

{{ code("gdlab.figures.ex2.draw_training") }}

{{ code("gdlab.facts.peak") }}

fig, axes = plt.subplots(1, 2, figsize=({{ cfg.plot.width_in }}, {{ cfg.plot.height_in }}), layout="tight")  # the page's width
draw_training(*axes, costs, accuracies, {{ cfg.ex2.lr }})
plt.show()
top = peak(accuracies)
print(f"cost {costs[0]:.6g} -> {costs[-1]:.10g}, accuracy {accuracies[0]:.4f} -> {accuracies[-1]:.4f} "
      f"(highest {top['value']:.4f}, first at epoch {top['epoch']})")
# YOUR CODE (END)

# %%
# YOUR CODE (START)
{{ code("gdlab.logreg.lbfgs_optimum") }}

optimum = lbfgs_optimum(X, Y)  # an independent solver, to check GD against
print(f"{optimum['solver']}: minimum cost {optimum['cost']:.10g}; GD's last cost differs by {abs(costs[-1] - optimum['cost']):.2e}")
# YOUR CODE (END)

# %% [markdown]
# {{ question("2e") }}

# %% [markdown]
# {{ answer("2e") }}

# %%
# YOUR CODE (START)
c_min = optimum["cost"]
near = {{ cfg.ex2.near_minimum }} * c_min  # "reached the minimum": the cost within this of L-BFGS's
L = torch.linalg.eigvalsh(X.T @ X / len(X)).max().item() / 4  # the largest curvature the cost can have
print("L =", L, "  the bound 2/L =", 2 / L)
{{ code("gdlab.logreg.cost_hessian") }}

curvature = torch.linalg.eigvalsh(cost_hessian(X, torch.tensor(optimum["W"], dtype=torch.float64))).max().item()
print("the largest curvature at the minimum λmax(H*) =", curvature, "  2/λmax(H*) =", 2 / curvature)
study = []
print(f"{'lr':>5} {'the last four costs':>44} {'accuracy':>9} {'epochs to the minimum':>22}")
for lr in {{ cfg.ex2.lr_study }}:
    _, history = gradient_descent(lambda W: gradient_cost(X, Y, W), torch.zeros(1, 13, dtype=torch.float64), lr,
                                  {{ cfg.ex2.epochs }}, track)
    costs_lr = [c for c, _ in history]
    reached = next((t for t, c in enumerate(costs_lr) if c - c_min <= near), "not reached")
    print(f"{lr:>5} {' '.join(f'{c:10.6g}' for c in costs_lr[-4:]):>44} {history[-1][1]:>9.4f} {reached:>22}")
    study.append((lr, costs_lr))

{{ code("gdlab.plotting.above_rounding") }}

{{ code("gdlab.figures.ex2.draw_lr_study") }}

fig, axes = plt.subplots(1, 2, figsize=({{ cfg.plot.width_in }}, 1.7 * {{ cfg.plot.height_in }}), width_ratios=(2, 1))
draw_lr_study(fig, axes, study, c_min, 2 / L, len(X))
fig.tight_layout(rect=(0, 0.1, 1, 1))  # room for the legend below
plt.show()
# YOUR CODE (END)

# %%
# YOUR CODE (START)
{{ code("gdlab.studies.lr_range_test") }}

# A range test: short runs at geometrically spaced rates; did the cost fall at every epoch?
W0 = torch.zeros(1, 13, dtype=torch.float64)
probes = lr_range_test(lambda W: gradient_cost(X, Y, W), lambda W: cost(X, Y, W).item(), W0,
                       np.geomspace({{ cfg.ex2.range_test.lr_min }}, {{ cfg.ex2.range_test.lr_max }}, {{ cfg.ex2.range_test.steps }}),
                       {{ cfg.ex2.range_test.epochs }})
rising = [p["lr"] for p in probes if not (p["finite"] and p["monotone"])]
print("largest rate whose cost fell at every epoch:", max(p["lr"] for p in probes if p["finite"] and p["monotone"]))
print("first rate whose cost rose in some epoch:", rising[0] if rising else None)
pick = min(probes, key=lambda p: p["final_cost"])["lr"]
print("lowest cost after {{ cfg.ex2.range_test.epochs }} epochs at lr =", pick)
print(f"at lr = {probes[-1]['lr']:g} the cost ends at {probes[-1]['final_cost'] / cost(X, Y, W0).item():.2g} × its start")
# The pick run as long as the study's runs: does it reach the minimum, and how fast?
_, history = gradient_descent(lambda W: gradient_cost(X, Y, W), W0, pick, {{ cfg.ex2.epochs }}, track)
reached = next((t for t, (c, _) in enumerate(history) if c - c_min <= near), "not reached")
print(f"the pick, lr = {pick:.4g}, over {{ cfg.ex2.epochs }} epochs: epochs to the minimum {reached}, last cost {history[-1][0]:.10g}")

{{ code("gdlab.figures.ex2.draw_lr_range") }}

fig, ax = plt.subplots(figsize=({{ cfg.plot.width_in }}, 1.2 * {{ cfg.plot.height_in }}), layout="tight")
draw_lr_range(ax, probes, 2 / L, {{ cfg.ex2.range_test.epochs }})
plt.show()
# YOUR CODE (END)

# %% [markdown]
# {{ beyond(2, "heading") }}

# %% [markdown]
# {{ beyond(2, "A redundant feature") }}

# %%
{{ code("gdlab.spine.collinearity") }}

{{ code("gdlab.logreg.null_direction") }}

# The rank of the design by SVD, and the dependency read off its null direction.
raw = df[features].to_numpy()
found = collinearity(raw, features, {{ cfg.ex2.additions.rank_rtol }})
print(f"rank {found['rank']} of {found['n_columns']}; smallest / largest singular value {found['singular_value_ratio']:.2g}")
for dep in found["dependencies"]:
    print(dep["target"], "=", " + ".join(f"{c:.12g} · {name}" for name, c in dep["equals"].items()),
          f"+ {dep['constant']:.2g}; largest residual {dep['max_abs_residual']:.2g}")
# Moving the minimiser by its own length along the flat direction, and along the one X stretches most.
W_star = torch.tensor(optimum["W"], dtype=torch.float64)
step = torch.linalg.vector_norm(W_star)
for name, v in (("flat", null_direction(X)), ("steep", torch.linalg.svd(X, full_matrices=False).Vh[:1])):
    print(f"cost change moving W* by ‖W*‖ = {step:.3g} along the {name} direction: {(cost(X, Y, W_star + step * v) - cost(X, Y, W_star)).item():.3g}")
kept = [f for f in features if f not in {{ cfg.ex2.additions.drop_features }}]
print("rank of the design without", {{ cfg.ex2.additions.drop_features }}, ":",
      collinearity(df[kept].to_numpy(), kept, {{ cfg.ex2.additions.rank_rtol }})["rank"], "of", len(kept) + 1)
