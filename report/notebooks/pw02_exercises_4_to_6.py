# %% [markdown]
# {% from "notebooks/header.md.j2" import header with context %}{{ header(6, "MNIST, `lausanne-appart.csv` and the notebooks of Exercises 1 and 3", title="Exercises 4–6: the runs behind the maths") }}
#
# The runs of 4 e, 4 f, Exercise 5 and 6 f that `pw02_maths.pdf` quotes (its other numbers come from the notebooks of Exercises 1–3), and 6 d, which the practical asks for in a notebook.

# %%
import ast
import json
import math
import warnings
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import torch
from torch import Tensor
from torchvision import datasets

torch.set_num_threads(1)  # one thread: sums in one fixed order, so that a rerun prints the same digits
plt.style.use("{{ cfg.plot.style }}")  # the style of the maths PDF's figures, which are these plots
plt.rcParams["figure.dpi"] = {{ cfg.plot.dpi }}  # the PDFs' resolution: figures as sharp as printed

# %%
{{ code("gdlab.reuse.definitions") }}

# Exercise 3's model and training loop, and Exercise 1's linear regression, as their notebooks define them: each
# function is written once, in the notebook of its exercise.
(split, linear_trsf, softmax, predict, grad_loss_ce, metrics, init_params, hand_step,
 train) = definitions("pw02_softmax_classification.ipynb", "split", "linear_trsf", "softmax", "predict",
                      "grad_loss_ce", "metrics", "init_params", "hand_step", "train")
(design, normal_equations, gradient_cost, gradient_descent, epochs_to_reach, standardise,
 feature_variant) = definitions("pw02_lin_regression_GD.ipynb", "design", "normal_equations", "gradient_cost",
                                "gradient_descent", "epochs_to_reach", "standardise", "feature_variant")

# %% [markdown]
# ## Exercise 4 e and f: softmax regression on a few MNIST images
#
# Exercise 3's model, full-batch GD on the first $n$ images of its seeded training part ({{ ex3.data.n_study_train | count }} images), at {{ cfg.ex4.data_size.lr_fraction }} × the bound $2/L$ of those $n$ images (in 4 f the smallest bound of all its sizes: one rate for every $n$), from $W$ = {{ cfg.ex3.init_std }} · `randn`, $b = 0$.

# %%
train_set = datasets.MNIST(root="data", train=True, download=True)
test_set = datasets.MNIST(root="data", train=False, download=True)
X_train, Y_train = train_set.data.reshape(-1, 784).float() / 255, train_set.targets
X_test, Y_test = test_set.data.reshape(-1, 784).float() / 255, test_set.targets

fit, _ = split(len(Y_train), {{ cfg.ex3.val_size }}, {{ cfg.seed }})
X_fit, Y_fit = X_train[fit], Y_train[fit]
print("training part:", tuple(X_fit.shape), " test:", tuple(X_test.shape))

# %%
{{ code("gdlab.linalg.add_bias") }}

{{ code("gdlab.linalg.gram_eigenvalues") }}

{{ code("gdlab.softmax.smoothness") }}

{{ code("gdlab.softmax.full_batch_subset") }}

{{ code("gdlab.softmax.common_rate") }}

{{ code("gdlab.softmax.SpanEvaluation") }}

{{ code("gdlab.facts.epochs_falling") }}

# %% [markdown]
# **4 e)** A test error that rises again: {{ cfg.ex4.overfit.n_train }} training images, with their true labels and with some replaced by random ones.

# %%
n, epochs = {{ cfg.ex4.overfit.n_train }}, {{ cfg.ex4.overfit.epochs }}
X, Y_true = X_fit[:n], Y_fit[:n]
lr = common_rate(X, [n], {{ cfg.ex4.overfit.lr_fraction }})
runs, rises = {}, {}
for noise in {{ cfg.ex4.overfit.label_noise }}:
    for seed in {{ cfg.ex4.overfit.seeds }}:  # each draws the random labels and the start anew; the first is drawn
        Y = Y_true.clone()
        gen = torch.Generator().manual_seed(seed)
        flip = torch.rand(n, generator=gen) < noise  # these labels are replaced by random ones (possibly the true one again)
        Y[flip] = torch.randint(0, 10, (int(flip.sum()),), generator=gen)
        test = SpanEvaluation(X, X_test, Y_test, init_params(seed, {{ cfg.ex3.init_std }})[0])  # metrics(), faster
        W, b, history = full_batch_subset(X, Y, n, epochs, lr, {{ cfg.ex3.init_std }}, seed,
                                          evaluate=lambda W, b: metrics(X, Y, W, b) + test(W, b))
        train_cost, train_acc, test_cost, test_acc = map(list, zip(*history))
        error = [1 - a for a in test_acc]
        low_cost, low_error = epochs_falling(test_cost), epochs_falling(error)
        rises.setdefault(noise, []).append(error[-1] - error[low_error])
        if noise in runs:
            continue
        runs[noise] = {"label_noise": noise, "test_cost": test_cost, "test_accuracy": test_acc}
        print(f"labels random: {noise:.0%} ({int((Y != Y_true).sum())} changed), seed {seed}, lr {lr:.4g}; "
              f"final training error {1 - train_acc[-1]:.2%}")
        print(f"  test error: lowest {error[low_error]:.2%} at epoch {low_error}, at the end {error[-1]:.2%}")
        print(f"  test cost: lowest {test_cost[low_cost]:.4g} at epoch {low_cost}, at the end {test_cost[-1]:.4g} "
              f"(+{test_cost[-1] - test_cost[low_cost]:.2g})")
    print("  the test error's rise after its lowest point, seed by seed (points):",
          ", ".join(f"{100 * r:.2f} ({round(r * len(Y_test))} test images)" for r in rises[noise]))

{{ code("gdlab.figures.review.draw_overfit") }}

fig, axes = plt.subplots(1, 2, figsize=({{ cfg.plot.width_in }}, 1.15 * {{ cfg.plot.height_in }}))
draw_overfit(*axes, list(runs.values()))
fig.tight_layout(rect=(0, 0.1, 1, 1))  # room for the legend below
plt.show()

# %% [markdown]
# **4 f)** The cost reached against the number of training images.

# %%
print(f"{'n':>5} {'lr':>7} {'cost, epoch {{ cfg.ex4.data_size.epochs // 2 }}':>15} {'epoch {{ cfg.ex4.data_size.epochs }}':>10} "
      f"{'training acc.':>13} {'test cost':>10} {'test acc.':>10}")
one_rate = common_rate(X_fit, {{ cfg.ex4.data_size.sizes }}, {{ cfg.ex4.data_size.lr_fraction }})  # for every n
for n in {{ cfg.ex4.data_size.sizes }}:
    W, b, history = full_batch_subset(X_fit, Y_fit, n, {{ cfg.ex4.data_size.epochs }}, one_rate, {{ cfg.ex3.init_std }},
                                      {{ cfg.seed }})
    costs = [c for c, _ in history]
    test_cost, test_acc = metrics(X_test, Y_test, W, b)
    print(f"{n:>5} {one_rate:>7.4f} {costs[{{ cfg.ex4.data_size.epochs // 2 }}]:>#15.3g} {costs[-1]:>#10.3g} {history[-1][1]:>13.1%} "
          f"{test_cost:>#10.3g} {test_acc:>10.1%}")

# %% [markdown]
# ## Exercise 5: the optimal step on Exercise 1's data
#
# `{{ cfg.ex1.feature }}` {{ {"raw": "as it is", "centred": "only centred", "scaled": "scaled, not centred", "standardised": "standardised"}[cfg.ex5.variant] }}; $H = X^\top X/N$.

# %%
{{ code("gdlab.linreg.hessian") }}

{{ code("gdlab.linreg.optimal_step") }}

df = pd.read_csv("lausanne-appart.csv")
X, Y = design(feature_variant(df["{{ cfg.ex1.feature }}"].to_numpy(dtype=float), "{{ cfg.ex5.variant }}"),
              standardise(df["{{ cfg.ex1.target }}"].to_numpy(dtype=float)))
a_star, a0 = normal_equations(X, Y), torch.zeros(2, 1, dtype=torch.float64)
lam_min, lam_max = torch.linalg.eigvalsh(hessian(X)).tolist()
kappa = lam_max / lam_min
print(f"eigenvalues of H: {lam_min:.4g} and {lam_max:.4g} (det H = {lam_min * lam_max:.4g}); condition number {kappa:.3g}")
print(f"optimal step at a = 0: {optimal_step(X, Y, a0):.4g}  (1/λmax = {1 / lam_max:.4g}, 1/λmin = {1 / lam_min:.4g})")
best_fixed = 2 / (lam_min + lam_max)
line_search = epochs_to_reach(lambda a: optimal_step(X, Y, a) * gradient_cost(X, Y, a), a_star, 1.0, {{ cfg.ex1.tol }},
                              {{ cfg.ex1.scaling.max_epochs }})
fixed = epochs_to_reach(lambda a: gradient_cost(X, Y, a), a_star, best_fixed, {{ cfg.ex1.tol }}, {{ cfg.ex1.scaling.max_epochs }})
print(f"steps to within {{ cfg.ex1.tol }}·‖a*‖ of the closed form: exact line search {line_search}; "
      f"best fixed rate {best_fixed:.4g}: {fixed} (error × {(kappa - 1) / (kappa + 1):.3g} per step)")

# %% [markdown]
# ## Exercise 6 c: softplus and its asymptotes

# %%
{{ code("gdlab.calculus.softplus") }}

{{ code("gdlab.figures.review.draw_softplus") }}

fig, ax = plt.subplots(figsize=({{ cfg.plot.width_in }}, {{ cfg.plot.height_in }}), layout="tight")
draw_softplus(ax)
plt.show()

# %% [markdown]
# {{ question("6d") }}

# %% [markdown]
# {{ answer("6d") }}

# %%
# YOUR CODE (START)
{{ code("gdlab.calculus.sigmoid") }}

{{ code("gdlab.calculus.sigmoid_prime") }}
# YOUR CODE (END)

# %%
# Test: arrays of any shape, element by element; no overflow warning even at ±10⁴ (warnings turned into errors).
with warnings.catch_warnings():
    warnings.simplefilter("error")
    for z in (np.float64(0.0), np.linspace(-5, 5, 11), np.arange(24.0).reshape(2, 3, 4) - 12, np.array([-1e4, 1e4])):
        s = sigmoid(z)
        print(f"shape {np.shape(z)} -> {np.shape(s)}; element-wise: {np.array_equal(s, np.vectorize(sigmoid)(z))}; "
              f"largest |σ' − σ(1 − σ)| = {np.max(np.abs(sigmoid_prime(z) - s * (1 - s))):.1e}")
print("σ(0) =", sigmoid(0.0), "  σ(±10⁴) =", sigmoid(np.array([-1e4, 1e4])))
# The textbook formula, by contrast, overflows in np.exp far to the left.
with warnings.catch_warnings():
    warnings.simplefilter("error")
    try:
        1 / (1 + np.exp(-np.array([-710.0])))
    except RuntimeWarning as w:
        print("1/(1 + np.exp(-z)) at z = −710:", w, f"(it overflows below z = {-np.log(np.finfo(float).max):.5g})")

# %%
{{ code("gdlab.figures.review.draw_sigmoid") }}

fig, ax = plt.subplots(figsize=({{ cfg.plot.width_in }}, {{ cfg.plot.height_in }}), layout="tight")
draw_sigmoid(ax)
plt.show()

# %% [markdown]
# ## Exercise 6 f: gradient descent on $c_1(x) = (\sigma(x) - 1)^2$

# %%
{{ code("gdlab.calculus.c1") }}

{{ code("gdlab.calculus.c1_prime") }}

{{ code("gdlab.calculus.c1_second") }}

{{ code("gdlab.calculus.c1_descent") }}

{{ code("gdlab.calculus.c1_progress") }}

paths = c1_descent({{ cfg.ex6.c1_descent.starts }}, {{ cfg.ex6.c1_descent.lr }}, {{ cfg.ex6.c1_descent.steps }})
print(f"{'start':>6} {'c1 at the start':>16} {'after {{ cfg.ex6.c1_descent.steps }} steps':>16} {'x at the end':>13} {'drop':>7}  "
      "progress (stuck: a drop under {{ (100 * cfg.ex6.c1_descent.stuck_fraction) | round | int }} %)")
for p in paths:
    print(f"{p['start']:>6g} {p['c1'][0]:>16.4g} {p['c1'][-1]:>16.4g} {p['x'][-1]:>13.4g} "
          f"{(p['c1'][0] - p['c1'][-1]) / p['c1'][0]:>7.2%}  {c1_progress(p, {{ cfg.ex6.c1_descent.stuck_fraction }})}")

{{ code("gdlab.calculus.CONCAVE_AT") }}
{{ code("gdlab.calculus.CHORD") }}
a, b = CHORD
print(f"\nc1'' changes sign at -log 2 = {-np.log(2):.3f}: c1''({CONCAVE_AT}) = {c1_second(CONCAVE_AT):.4f}, where "
      f"sigma({CONCAVE_AT}) = {sigmoid(CONCAVE_AT):.3f}; c1''(0) = {c1_second(0.0):g} = 1/{1 / c1_second(0.0):g}; "
      f"c1({(a + b) / 2:g}) - (c1({a}) + c1({b}))/2 = {c1((a + b) / 2) - (c1(a) + c1(b)) / 2:.5f}")

{{ code("gdlab.figures.review.draw_c1") }}

fig, axes = plt.subplots(1, 2, figsize=({{ cfg.plot.width_in }}, 1.3 * {{ cfg.plot.height_in }}), layout="tight")
draw_c1(*axes, paths)
plt.show()
