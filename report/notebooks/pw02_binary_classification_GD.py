# %% [markdown]
# {% from "notebooks/header.md.j2" import header with context %}{{ header(2, "`Dataset_spine.csv`") }}

# %%
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F

# %% [markdown]
# {{ question("2a") }}

# %%
df = pd.read_csv("Dataset_spine.csv")
# Kaggle's copy names the features Col1..Col12 and has a 14th column of notes (pandas: "Unnamed: 13"), which the
# course's code drops; the copy handed in here names its columns. Either way the same 12 features remain.
features = {{ cfg.ex2.features }}
df = df.drop(columns=[c for c in df.columns if c.startswith("Unnamed")])
df = df.rename(columns={f"Col{i + 1}": name for i, name in enumerate(features)})
print(df.shape)
print(df["{{ cfg.ex2.label }}"].value_counts().to_string())
df.head()

# %% [markdown]
# {{ answer("2a") }}

# %% [markdown]
# {{ question("2b") }}

# %%
{{ code("gdlab.logreg.standardise") }}


{{ code("gdlab.logreg.design") }}


X, Y = design(df[features].to_numpy(), (df["{{ cfg.ex2.label }}"] == "{{ cfg.ex2.positive_class }}").to_numpy())
print("X", tuple(X.shape), " Y", tuple(Y.shape))
print("feature means after standardising: at most", X[:, 1:].mean(dim=0).abs().max().item())
print("feature standard deviations:", X[:, 1:].std(dim=0).unique().tolist())

# %% [markdown]
# {{ answer("2b") }}

# %% [markdown]
# {{ question("2c") }}

# %%
{{ code("gdlab.logreg.predict") }}


{{ code("gdlab.logreg.cost") }}


{{ code("gdlab.logreg.gradient_cost") }}


{{ code("gdlab.logreg.accuracy") }}

# %%
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

# %% [markdown]
# {{ answer("2c") }}

# %% [markdown]
# {{ question("2d") }}

# %%
{{ code("gdlab.gd.gradient_descent") }}


def track(W):
    """What is recorded per epoch: the cost and the accuracy on all patients."""
    return cost(X, Y, W).item(), accuracy(Y, predict(X, W))


W, history = gradient_descent(lambda W: gradient_cost(X, Y, W), torch.zeros(1, 13, dtype=torch.float64),
                              lr={{ cfg.ex2.lr }}, nepochs={{ cfg.ex2.epochs }}, track=track)
costs, accuracies = zip(*history)
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.2))
ax1.semilogx(range(1, len(costs) + 1), costs)
ax1.set(xlabel="epoch + 1", ylabel="cost (cross-entropy)", title="loss curve (lr = {{ cfg.ex2.lr }})")
ax2.semilogx(range(1, len(costs) + 1), accuracies, color="C1")
ax2.set(xlabel="epoch + 1", ylabel="accuracy", title="accuracy on the 310 patients")
plt.show()
print(f"cost {costs[0]:.6g} -> {costs[-1]:.10g}, accuracy {accuracies[0]:.4f} -> {accuracies[-1]:.4f}")

# %% [markdown]
# {{ answer("2d") }}

# %% [markdown]
# {{ question("2e") }}

# %%
c_min = min(costs)  # the main run's cost: the reference the others are measured against
plt.figure(figsize=(7, 4))
print(f"{'lr':>5} {'final cost':>12} {'last two costs':>27} {'accuracy':>9}")
for lr in {{ cfg.ex2.lr_study }}:
    _, history = gradient_descent(lambda W: gradient_cost(X, Y, W), torch.zeros(1, 13, dtype=torch.float64), lr,
                                  {{ cfg.ex2.epochs }}, track)
    costs_lr = [c for c, _ in history]
    print(f"{lr:>5} {costs_lr[-1]:>12.6g} {costs_lr[-2]:>13.6g} {costs_lr[-1]:>13.6g} {history[-1][1]:>9.4f}")
    plt.loglog(range(1, len(costs_lr) + 1), np.maximum(np.array(costs_lr) - c_min, 1e-16), label=f"lr = {lr}")
plt.axhline(costs[0] - c_min, color="k", ls=":", label="at the start")
plt.xlabel("epoch + 1")
plt.ylabel("cost − the main run's final cost")
plt.ylim(1e-13, None)
plt.legend(fontsize=8, ncols=2)
plt.show()
L = torch.linalg.eigvalsh(X.T @ X / len(X)).max().item() / 4  # the largest curvature the cost can have
print("the bound 2/L =", 2 / L)

# %% [markdown]
# {{ answer("2e") }}

# %% [markdown]
# {{ beyond(2) }}

# %%
{{ code("gdlab.spine.stratified_split") }}


labels = Y.flatten().numpy()
train, test = stratified_split(labels, {{ cfg.ex2.additions.test_fraction }}, {{ cfg.seed }})
raw = df[features].to_numpy()
X_train, Y_train = design(raw[train], labels[train])
X_test, Y_test = design(raw[test], labels[test], reference=raw[train])  # the training part's mean and std
W_train, _ = gradient_descent(lambda W: gradient_cost(X_train, Y_train, W), torch.zeros(1, 13, dtype=torch.float64),
                              {{ cfg.ex2.lr }}, {{ cfg.ex2.epochs }}, lambda W: None)
print(f"{len(train)} patients for training, {len(test)} held out")
print(f"accuracy: training {accuracy(Y_train, predict(X_train, W_train)):.4f}, held out {accuracy(Y_test, predict(X_test, W_train)):.4f}")

# %%
singular = torch.linalg.svdvals(X)
print("singular values of X, smallest / largest:", (singular[-1] / singular[0]).item())
dependency = df["pelvic_incidence"] - df["pelvic_tilt"] - df["sacral_slope"]
print("pelvic_incidence − pelvic_tilt − sacral_slope: largest absolute value over the 310 rows", dependency.abs().max())

# %%
kept = [f for f in features if f not in {{ cfg.ex2.additions.drop_features }}]
X_kept, _ = design(df[kept].to_numpy(), labels)
W_kept, _ = gradient_descent(lambda W: gradient_cost(X_kept, Y, W), torch.zeros(1, X_kept.shape[1], dtype=torch.float64),
                             {{ cfg.ex2.lr }}, {{ cfg.ex2.epochs }}, lambda W: None)
weights = pd.Series(W_kept[0, 1:].numpy(), index=kept).sort_values(key=abs)
weights.plot.barh(figsize=(6, 3.5), color=["C3" if w < 0 else "C0" for w in weights])
plt.xlabel("weight: change in the log-odds of {{ cfg.ex2.positive_class }} per standard deviation")
plt.show()
