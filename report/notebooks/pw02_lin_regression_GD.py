# %% [markdown]
# {% from "notebooks/header.md.j2" import header with context %}{% call header(1, "`lausanne-appart.csv`") %}
# - The data, `X`, `Y` and the weights are float64 tensors, so that GD and the closed form agree to the last digits.
# - The given standardisation is a function, `standardise`.
# - The GD loop is a function, `gradient_descent`, run {{ cfg.ex1.epochs }} epochs (not 100) to reach the closed form to float64 precision.
# - Added beyond the questions: the same regression with `{{ cfg.ex1.feature }}` unscaled, only centred or only scaled.
# {% endcall %}

# %%
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import torch

torch.set_num_threads(1)  # one thread: small matrices gain nothing from more
plt.style.use("{{ cfg.plot.style }}")  # one style for every figure
plt.rcParams["figure.dpi"] = {{ cfg.plot.dpi }}  # the PDFs' resolution: figures as sharp as printed

# %% [markdown]
# ## The data (the course's given code)
#
# The week-1 example: the rents of flats in Lausanne. One feature, `{{ cfg.ex1.feature }}`, predicts `{{ cfg.ex1.target }}`; both are standardised with numpy's (population) standard deviation.

# %%
df = pd.read_csv("lausanne-appart.csv")
print(df.shape)
df.head()

# %%
{{ code("gdlab.linreg_data.standardise") }}

x = standardise(df["{{ cfg.ex1.feature }}"].to_numpy(dtype=float))
y = standardise(df["{{ cfg.ex1.target }}"].to_numpy(dtype=float))
plt.figure(figsize=(5, 3.2))
plt.scatter(x, y, s=8)
plt.xlabel("{{ cfg.ex1.feature }} (standardised)")
plt.ylabel("{{ cfg.ex1.target }} (standardised)")
plt.show()

# %% [markdown]
# {{ question("1a") }}
#
# Model ŷ = α + βx, design X = [1, x], a = (α, β)ᵀ, cost C(a) = 1/(2N) Σ (y − ŷ)²: its minimum solves XᵀX a = XᵀY.

# %% [markdown]
# {{ answer("1a") }}

# %%
# YOUR CODE (START)
{{ code("gdlab.linreg.design") }}

{{ code("gdlab.linreg.cost") }}

{{ code("gdlab.linreg.normal_equations") }}

X, Y = design(x, y)
a_star = normal_equations(X, Y)
print("X", tuple(X.shape), " Y", tuple(Y.shape))
print("closed form       a* =", a_star.flatten().tolist(), " cost C(a*) =", cost(X, Y, a_star).item())
print("torch.linalg.lstsq   =", torch.linalg.lstsq(X, Y).solution.flatten().tolist())
a_np = np.linalg.lstsq(X.numpy(), Y.numpy(), rcond=None)[0]
print("numpy.linalg.lstsq   =", a_np.flatten().tolist())
print("largest difference to the closed form:", max((torch.linalg.lstsq(X, Y).solution - a_star).abs().max().item(),
                                                    np.abs(a_np - a_star.numpy()).max()))
# YOUR CODE (END)

# %% [markdown]
# {{ question("1b") }}
#
# {{ answer("1b") }}

# %%
# YOUR CODE (START)
{{ code("gdlab.linreg.gradient_cost") }}

# Test: shapes, and the hand-written gradient against autograd's at a random a.
a = torch.randn(2, 1, dtype=torch.float64, generator=torch.Generator().manual_seed({{ cfg.seed }}), requires_grad=True)
cost(X, Y, a).backward()
print("cost at a random a:", cost(X, Y, a).item(), " gradient shape:", tuple(gradient_cost(X, Y, a.detach()).shape))
print("largest difference to autograd:", (gradient_cost(X, Y, a.detach()) - a.grad).abs().max().item())
# YOUR CODE (END)

# %%
# YOUR CODE (START)
{{ code("gdlab.gd.gradient_descent") }}
# YOUR CODE (END)

# %% [markdown]
# {{ question("1c") }}

# %% [markdown]
# {{ answer("1c") }}

# %%
# YOUR CODE (START)
def track(a):
    """What is recorded per epoch: the cost, and the distance to the closed form."""
    return cost(X, Y, a).item(), torch.linalg.vector_norm(a - a_star).item()

a, history = gradient_descent(lambda a: gradient_cost(X, Y, a), torch.zeros(2, 1, dtype=torch.float64),
                              lr={{ cfg.ex1.lr }}, nepochs={{ cfg.ex1.epochs }}, track=track)
costs, distances = zip(*history)
{{ code("gdlab.plotting.above_rounding") }}

{{ code("gdlab.plotting.epoch_log_axis") }}

{{ code("gdlab.figures.ex1.draw_loss_curve") }}

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=({{ cfg.plot.width_in }}, {{ cfg.plot.height_in }}), layout="tight")  # the page's width
draw_loss_curve(ax1, ax2, costs, distances, cost(X, Y, a_star).item(), {{ cfg.ex1.lr }}, torch.linalg.vector_norm(a_star).item(), len(X))
plt.show()
tol = {{ cfg.ex1.tol }} * torch.linalg.vector_norm(a_star).item()  # "reached a*": ‖a − a*‖ ≤ tol
print("a after {{ cfg.ex1.epochs }} epochs:", a.flatten().tolist())
lam = torch.linalg.eigvalsh(X.T @ X / len(X))  # the Hessian's eigenvalues: the distance shrinks by |1 − lr·λ| per epoch
print("|1 − lr·λ| per eigenvalue:", [round(abs(1 - {{ cfg.ex1.lr }} * v), 6) for v in lam.tolist()])
print(f"distance to a*: after 10 epochs {distances[10]:.3e}, after 100 {distances[100]:.3e}, at the end {distances[-1]:.3e}")
print("first epoch with ‖a − a*‖ ≤ {{ cfg.ex1.tol }}·‖a*‖:", next((t for t, d in enumerate(distances) if d <= tol), None))
# YOUR CODE (END)

# %% [markdown]
# {{ question("1d") }}

# %% [markdown]
# {{ answer("1d") }}

# %%
# YOUR CODE (START)
c_star = cost(X, Y, a_star).item()
runs = []
lam_max = torch.linalg.eigvalsh(X.T @ X / len(X)).max().item()
print("the cost at a = 0:", cost(X, Y, torch.zeros(2, 1, dtype=torch.float64)).item())
print(f"{'lr':>5} {'1 − lr·λmax':>12} {'final cost':>12} {'epochs to reach a*':>19} {'cost > {{ cfg.outcome.divergence_factor }} × start at epoch':>26}")
for lr in {{ cfg.ex1.lr_study }}:
    _, history = gradient_descent(lambda a: gradient_cost(X, Y, a), torch.zeros(2, 1, dtype=torch.float64), lr,
                                  {{ cfg.ex1.epochs }}, track)
    costs, distances = zip(*history)
    reached = next((t for t, d in enumerate(distances) if d <= tol), None)
    diverged = next((t for t, c in enumerate(costs) if c > {{ cfg.outcome.divergence_factor }} * costs[0]), "—")
    print(f"{lr:>5} {1 - lr * lam_max:>12.3g} {costs[-1]:>12.6g} {'not reached' if reached is None else reached:>19} {diverged:>26}")
    runs.append({"lr": lr, "cost": costs})

{{ code("gdlab.figures.ex1.ROUNDING") }}

{{ code("gdlab.figures.ex1.draw_lr_study") }}

fig, axes = plt.subplots(1, 2, figsize=({{ cfg.plot.width_in }}, 1.4 * {{ cfg.plot.height_in }}), sharey=True)
draw_lr_study(fig, axes, runs, c_star, {{ cfg.outcome.divergence_factor }}, {{ cfg.ex1.zoom_epochs }})
fig.tight_layout(rect=(0, 0.16, 1, 1))  # room for the legend below
plt.show()
# YOUR CODE (END)

# %% [markdown]
# {{ question("1e") }}

# %% [markdown]
# {{ answer("1e") }}

# %%
# YOUR CODE (START)
eigenvalues = torch.linalg.eigvalsh(X.T @ X / len(X))  # the Hessian of C, the same at every a
print("eigenvalues of the Hessian XᵀX/N:", eigenvalues.tolist())
lr_max = 2 / eigenvalues.max().item()
print("largest learning rate 2/λmax =", lr_max)
for factor in {{ cfg.ex1.max_lr.show_factors }}:
    _, history = gradient_descent(lambda a: gradient_cost(X, Y, a), torch.zeros(2, 1, dtype=torch.float64),
                                  factor * lr_max, {{ cfg.ex1.epochs }}, track)
    costs, distances = zip(*history)
    above = next((t for t, c in enumerate(costs) if c > {{ cfg.outcome.divergence_factor }} * costs[0]), None)
    passed = "" if above is None else f"; the cost passed {{ cfg.outcome.divergence_factor }} × its start at epoch {above}"
    print(f"lr = {factor} × 2/λmax: |1 − lr·λmax| = {abs(1 - factor * lr_max * eigenvalues.max().item()):.3g} per epoch;"
          f" distance to a* after 10 epochs {distances[10]:.3g}, after 100 {distances[100]:.3g}" + passed)
# YOUR CODE (END)

# %% [markdown]
# {{ beyond(1, "heading") }}
#
# {{ beyond(1, "body") }}

# %%
{{ code("gdlab.linreg.feature_variant") }}

{{ code("gdlab.linreg.epochs_to_reach") }}

area = df["{{ cfg.ex1.feature }}"].to_numpy(dtype=float)
print(f"{'living_area':>13} {'condition number':>17} {'2/λmax':>10} {'epochs to reach a*':>19}")
for variant in {{ cfg.ex1.scaling.variants }}:
    Xv, Yv = design(feature_variant(area, variant), y)
    av = normal_equations(Xv, Yv)
    lam = torch.linalg.eigvalsh(Xv.T @ Xv / len(Xv))
    lr = 2 / (lam.min() + lam.max()).item()  # the fastest fixed rate on a quadratic
    epochs = epochs_to_reach(lambda a: gradient_cost(Xv, Yv, a), av, lr, {{ cfg.ex1.tol }},
                             max_epochs={{ cfg.ex1.scaling.max_epochs }})
    print(f"{variant:>13} {(lam.max() / lam.min()).item():>17.5g} {2 / lam.max().item():>10.4g} "
          f"{'more than {{ cfg.ex1.scaling.max_epochs }}' if epochs is None else epochs:>19}")
