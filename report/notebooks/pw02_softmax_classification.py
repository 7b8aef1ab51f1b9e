# %% [markdown]
# {% from "notebooks/header.md.j2" import header with context %}{% call header(3, "MNIST under `data/`") %}
# - Batches are cut from tensors built once, not from the `DataLoader`, which converts every image anew: the same pixels (3 a compares all {{ ex3.data.n_train | count }} training images).
# - `metrics` computes a data set's cost by log-sum-exp; the course's `cost_ce` is defined and tested too.
# - The `nn.Module` starts from the hand model's weights, so that the runs compare epoch by epoch.
# - Settings are chosen on {{ cfg.ex3.val_size | count }} held-out validation images; the test set only reports.
# - 3 d also runs from small weights.
# - The study of g and h starts from small weights ({{ cfg.ex3.init_std }}·`randn`) and trains every setting ({{ cfg.ex3.grid.lrs | length }} rates × {{ cfg.ex3.grid.batch_sizes | length }} batch sizes) the same {{ cfg.ex3.grid.epochs }} epochs{{ {"linear": ", its rate falling linearly to 0", "constant": " at a constant rate"}[cfg.ex3.grid.schedule] }}, not each until it stops improving: every setting gets the same budget, and 3 h tests whether more epochs help the favourite. A run whose validation cost passes {{ cfg.outcome.divergence_factor | sig(2) }} times its start is stopped (diverged).
# {% endcall %}

# %%
import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F
from matplotlib.lines import Line2D
from matplotlib.ticker import LogLocator, MaxNLocator, NullFormatter
from scipy.stats import binomtest
from torch import nn
from torch.utils.data import DataLoader
from torchvision import datasets
from torchvision.transforms import ToTensor

torch.set_num_threads(1)  # one thread: sums in one fixed order, so that a rerun prints the same digits
plt.style.use("{{ cfg.plot.style }}")  # one style for every figure
plt.rcParams["figure.dpi"] = {{ cfg.plot.dpi }}  # the PDFs' resolution: figures as sharp as printed

# %% [markdown]
# {{ question("3a") }}

# %% [markdown]
# {{ answer("3a") }}

# %%
training_data = datasets.MNIST(root="data", train=True, download=True, transform=ToTensor())
test_data = datasets.MNIST(root="data", train=False, download=True, transform=ToTensor())
print(len(training_data), "training images,", len(test_data), "test images")

fig, axes = plt.subplots(3, 8, figsize=({{ cfg.plot.width_in }}, 2.6))  # the page's width: the titles print at 8 pt
for ax, i in zip(axes.flat, torch.randint(len(training_data), (24,), generator=torch.Generator().manual_seed({{ cfg.seed }}))):
    image, label = training_data[int(i)]
    ax.imshow(image.squeeze(), cmap="gray_r")
    ax.set_title(label, fontsize=8)
    ax.axis("off")
plt.show()

loader = DataLoader(training_data, batch_size=64, shuffle=True, generator=torch.Generator().manual_seed({{ cfg.seed }}))
x, y = next(iter(loader))
print("one batch of the DataLoader:", tuple(x.shape), tuple(y.shape))

# %%
# YOUR CODE (START)
X_train = training_data.data.unsqueeze(1).float() / 255
Y_train = training_data.targets
X_test = test_data.data.unsqueeze(1).float() / 255
Y_test = test_data.targets
print("X_train", tuple(X_train.shape), " X_test", tuple(X_test.shape), " pixels in", (X_train.min().item(), X_train.max().item()))
in_order = DataLoader(training_data, batch_size=1000)  # every training image once, in the file's order
print("the same pixels as the DataLoader's ToTensor, all", len(X_train), "training images:",
      all(torch.equal(X_train[i:i + len(x)], x) for i, (x, _) in zip(range(0, len(X_train), 1000), in_order)))
# YOUR CODE (END)

# %% [markdown]
# {{ question("3b") }}

# %% [markdown]
# {{ answer("3b") }}

# %%
# YOUR CODE (START)
{{ code("gdlab.softmax.linear_trsf") }}

W = torch.randn(10, 784, generator=torch.Generator().manual_seed({{ cfg.seed }}))
b = torch.zeros(1, 10)
z = linear_trsf(x, W, b)
print("linear_trsf:", tuple(z.shape), "nan:", z.isnan().any().item())
# YOUR CODE (END)

# %%
# YOUR CODE (START)
{{ code("gdlab.softmax.softmax") }}

print("softmax:", tuple(softmax(z).shape), "rows sum to 1:", torch.allclose(softmax(z).sum(dim=1), torch.ones(len(z))))
print("also for logits 10⁴ times larger:", torch.allclose(softmax(1e4 * z).sum(dim=1), torch.ones(len(z))),
      "nan:", softmax(1e4 * z).isnan().any().item())
# YOUR CODE (END)

# %%
# YOUR CODE (START)
{{ code("gdlab.softmax.predict") }}

uhat = predict(x, W, b)
print("predict:", tuple(uhat.shape), "nan:", uhat.isnan().any().item())
# YOUR CODE (END)

# %%
# YOUR CODE (START)
{{ code("gdlab.softmax.loss_ce") }}

{{ code("gdlab.softmax.cost_ce") }}

print("loss_ce:", tuple(loss_ce(y, uhat).shape), " cost_ce:", cost_ce(y, uhat).item())
print("cost_ce of a uniform prediction (ln 10 = 2.302585):", cost_ce(y, torch.full((len(y), 10), 0.1)).item())
# YOUR CODE (END)

# %%
# YOUR CODE (START)
{{ code("gdlab.softmax.grad_loss_ce") }}

Wg, bg = W.clone().requires_grad_(), b.clone().requires_grad_()
cost_ce(y, predict(x, Wg, bg)).backward()
gradW, gradb = grad_loss_ce(x, F.one_hot(y, 10).float(), uhat)
print("grad_loss_ce:", tuple(gradW.shape), tuple(gradb.shape))
print("largest difference to autograd:", max((gradW - Wg.grad).abs().max().item(), (gradb - bg.grad).abs().max().item()))
# YOUR CODE (END)

# %%
# YOUR CODE (START)
{{ code("gdlab.softmax.metrics") }}

print("metrics on the test set, random W:", metrics(X_test, Y_test, W, b))
# YOUR CODE (END)

# %% [markdown]
# {{ question("3c") }}

# %% [markdown]
# {{ answer("3c") }}

# %%
# YOUR CODE (START)
{{ code("gdlab.gd.train") }}

{{ code("gdlab.softmax.hand_step") }}

print("steps per epoch at batch {{ cfg.ex3.reference.nbatch }}:", math.ceil(len(X_train) / {{ cfg.ex3.reference.nbatch }}), "on all training images,",
      math.ceil((len(X_train) - {{ cfg.ex3.val_size }}) / {{ cfg.ex3.reference.nbatch }}), "on the training part of the study's split")
# YOUR CODE (END)

# %% [markdown]
# {{ question("3d") }}

# %% [markdown]
# {{ answer("3d") }}

# %%
# YOUR CODE (START)
{{ code("gdlab.softmax.init_params") }}

nepochs, nbatch, lr = {{ cfg.ex3.reference.nepochs }}, {{ cfg.ex3.reference.nbatch }}, {{ cfg.ex3.reference.lr }}

def evaluate(W, b):
    """What is recorded per epoch: cost and accuracy on the training images, then on the test images."""
    return lambda: metrics(X_train, Y_train, W, b) + metrics(X_test, Y_test, W, b)

def show(history, title):
    """Print a run's costs and accuracies; return its curves (training cost, training accuracy, test cost, test
    accuracy), one value per epoch, epoch 0 first."""
    curves = train_cost, train_acc, test_cost, test_acc = [list(c) for c in zip(*history)]
    print(f"{title}: training cost {train_cost[0]:.4f} -> {train_cost[-1]:.4f} (fell at every epoch: "
          f"{all(b < a for a, b in zip(train_cost, train_cost[1:]))}), test cost {test_cost[-1]:.4f}, "
          f"training accuracy {train_acc[-1]:.4f}; test accuracy after each epoch:", [round(a, 4) for a in test_acc[1:]])
    return curves

{{ code("gdlab.figures.ex3.draw_runs") }}

W, b = init_params({{ cfg.seed }}, std={{ cfg.ex3.reference.init_std }})  # the course's start: W = torch.randn(10, 784), b = 0
print("size of the first logits from this start (mean |z| over the training images):",
      linear_trsf(X_train, W, b).abs().mean().item())
W0, b0 = W.clone(), b.clone()  # the same start, for the nn.Module of part f
course = show(train(hand_step(W, b, lr), X_train, Y_train, nepochs, nbatch, {{ cfg.seed }}, evaluate(W, b)),
              "W = randn")
Ws, bs = init_params({{ cfg.seed }}, std={{ cfg.ex3.init_std }})  # the same, from small weights
small = show(train(hand_step(Ws, bs, lr), X_train, Y_train, nepochs, nbatch, {{ cfg.seed }}, evaluate(Ws, bs)),
             "W = {{ cfg.ex3.init_std }}·randn")
fig, axes = plt.subplots(1, 2, figsize=({{ cfg.plot.width_in }}, 1.3 * {{ cfg.plot.height_in }}), layout="tight")
draw_runs(fig, axes, [("W = randn", course, "C0"), ("W = {{ cfg.ex3.init_std }}·randn", small, "C2")],
          f"by hand: η = {lr:g}, batch {nbatch}, {nepochs} epochs")
plt.show()
# YOUR CODE (END)

# %% [markdown]
# {{ question("3e") }}

# %% [markdown]
# {{ answer("3e") }}

# %%
# YOUR CODE (START)
{{ code("gdlab.softmax.NeuralNetwork") }}

{{ code("gdlab.softmax.module_step") }}

{{ code("gdlab.softmax.module_params") }}

model = NeuralNetwork()
print(model)
# YOUR CODE (END)

# %% [markdown]
# {{ question("3f") }}

# %% [markdown]
# {{ answer("3f") }}

# %%
# YOUR CODE (START)
with torch.no_grad():  # the hand model's start, so that the two runs can be compared epoch by epoch
    model.linear.weight.copy_(W0)
    model.linear.bias.copy_(b0[0])
module = show(train(module_step(model, lr), X_train, Y_train, nepochs, nbatch, {{ cfg.seed }},
                    evaluate(*module_params(model))), "nn.Module")
print("largest difference of the training cost, hand vs nn.Module:", max(abs(p - q) for p, q in zip(course[0], module[0])))
fig, axes = plt.subplots(1, 2, figsize=({{ cfg.plot.width_in }}, 1.3 * {{ cfg.plot.height_in }}), layout="tight")
draw_runs(fig, axes, [("by hand", course, "C0"), ("nn.Module", module, "C3", ("x", "+"))],  # over the hand run's lines
          f"by hand and as nn.Module, the same start: η = {lr:g}, batch {nbatch}, {nepochs} epochs")
plt.show()
# YOUR CODE (END)

# %% [markdown]
# {{ question("3g") }}
#
# Every point is trained here, once per seed ({{ ex3.n_runs }} runs), on {{ ex3.data.n_study_train | count }} training images; {{ cfg.ex3.val_size | count }} validate. {{ {"linear": "Each run's rate falls linearly to 0 over its " ~ cfg.ex3.grid.epochs ~ " epochs: the steps, and with them the noise of the batches' gradients, shrink towards its end.", "constant": "Each run trains " ~ cfg.ex3.grid.epochs ~ " epochs at its constant rate."}[cfg.ex3.grid.schedule] }}

# %% [markdown]
# {{ answer("3g") }}

# %%
# YOUR CODE (START)
{{ code("gdlab.softmax.split") }}

{{ code("gdlab.facts.STATUSES") }}

{{ code("gdlab.facts.status") }}

{{ code("gdlab.softmax.decaying_step") }}

{{ code("gdlab.softmax.run_setting") }}

train_idx, val_idx = split(len(Y_train), {{ cfg.ex3.val_size }}, {{ cfg.seed }})
parts = (X_train[train_idx], Y_train[train_idx], X_train[val_idx], Y_train[val_idx], X_test, Y_test)
settings = dict(init_std={{ cfg.ex3.init_std }}, schedule="{{ cfg.ex3.grid.schedule }}", max_cost_factor={{ cfg.outcome.divergence_factor }})
runs = {(lr, nbatch, seed): run_setting(*parts, lr, nbatch, seed, epochs={{ cfg.ex3.grid.epochs }}, **settings)
        for lr in {{ cfg.ex3.grid.lrs }} for nbatch in {{ cfg.ex3.grid.batch_sizes }} for seed in {{ cfg.ex3.grid.seeds }}}
grid = pd.DataFrame([row for W, b, history, row in runs.values()])  # one row per run
grid.drop(columns=["test_accuracy", "test_cost"]).head()  # the test set is read only for the report, after the choice
# YOUR CODE (END)

# %%
# YOUR CODE (START)
{{ code("gdlab.grid.points_table") }}

{{ code("gdlab.grid.table_cells") }}

{{ code("gdlab.grid.table_text") }}

points = points_table(grid)
print(table_text(points))
stable = points[points["seeds_unstable"] == 0]  # a point with a seed unstable or diverged: left out of comparisons
print("\nthe runs that did not train:", int((grid["status"] != "trained").sum()), "of", len(grid))
print(grid.loc[grid["status"] != "trained", ["lr", "batch_size", "seed", "epochs", "status", "val_accuracy"]].to_string(index=False))

{{ code("gdlab.grid.ranked") }}

{{ code("gdlab.grid.overlap") }}

{{ code("gdlab.grid.level") }}

{{ code("gdlab.grid.best_by_batch") }}

print("\nper batch size: the best rate, and the rates level with it (their seeds' ranges overlap)")
for row in best_by_batch(points):
    print(f"  batch {row['batch_size']:>5}: best lr {row['lr']:g}, level {row['level_lrs']}")

{{ code("gdlab.grid.shortfalls") }}

print("\nhow far each point falls short of the best rate at its batch size (percentage points; NaN: left out)")
print((100 * shortfalls(points)).round(2).to_string())

{{ code("gdlab.grid.best_point") }}

best = best_point(points)
print(f"\nthe best point: lr {best['lr']:g}, batch {int(best['batch_size'])}, {100 * best['val_accuracy']:.2f} %")

{{ code("gdlab.figures.ex3.draw_final_accuracy") }}

fig, ax = plt.subplots(figsize=({{ cfg.plot.width_in }}, 1.2 * {{ cfg.plot.height_in }}), layout="tight")
draw_final_accuracy(ax, points)
plt.show()
# YOUR CODE (END)

# %%
# YOUR CODE (START)
{{ code("gdlab.grid.POINT") }}

{{ code("gdlab.grid.curves_table") }}

{{ code("gdlab.figures.ex3.draw_curves") }}

{{ code("gdlab.figures.ex3.curves_layout") }}

rows, cols = curves_layout({{ cfg.ex3.grid.batch_sizes | length }})
fig, axes = plt.subplots(rows, cols, figsize=({{ cfg.plot.width_in }}, 0.8 * rows * {{ cfg.plot.height_in }}), sharex=True, sharey=True,
                         squeeze=False, layout="tight")
curves = curves_table((row, history) for W, b, history, row in runs.values())
draw_curves(fig, axes, curves, points)
plt.show()

{{ code("gdlab.grid.LAST_EPOCHS") }}

{{ code("gdlab.grid.falls") }}

fall = 100 * falls(curves, points)  # percentage points
print(f"the largest fall of the validation accuracy from one epoch to the next (points) before the last {LAST_EPOCHS} epochs:")
print(fall.iloc[:, :-LAST_EPOCHS].max(axis=1).unstack().round(2).to_string())
print(f"in the last {LAST_EPOCHS} epochs, at any point: {fall.iloc[:, -LAST_EPOCHS:].max().max():.2f}")
one_image = 100 / ({{ cfg.ex3.grid.seeds | length }} * len(parts[3]))  # one validation image of one seed moves the seeds' mean by this
in_images = (fall.iloc[:, :-LAST_EPOCHS].max(axis=1).groupby(level="lr").max() / one_image).round().dropna()
print("the same largest fall before the last epochs, per rate, in such images:", {lr: int(n) for lr, n in in_images.items()})
# YOUR CODE (END)

# %% [markdown]
# {{ question("3h") }}

# %% [markdown]
# {{ answer("3h") }}

# %%
# YOUR CODE (START)
{{ code("gdlab.grid.choose_favourite") }}

favourite = choose_favourite(points)
print(favourite.drop("test_accuracy").to_string())  # the test set is read only for the report, after the choice
print(f"below the best point by {100 * (best['val_accuracy'] - favourite['val_accuracy']):.2f} points")
lr, nbatch, seeds = favourite["lr"], int(favourite["batch_size"]), {{ cfg.ex3.grid.seeds }}
# Enough epochs? The seeds again with twice the epochs (the rate falls over the longer run), until a doubling is level.
{{ code("gdlab.grid.versus") }}

{{ code("gdlab.grid.enough_epochs") }}

{{ code("gdlab.grid.enough") }}

budgets = enough_epochs(lambda e: [run_setting(*parts, lr, nbatch, s, epochs=e, **settings) for s in seeds],
                        [runs[lr, nbatch, s] for s in seeds], {{ cfg.ex3.grid.epochs }}, {{ cfg.ex3.favourite.doublings }})
{{ code("gdlab.grid.moved_images") }}

for before, budget in zip([None, *budgets], budgets):
    accuracy = [r[3]["val_accuracy"] for r in budget["runs"]]
    print(f"{budget['epochs']:>3} epochs: validation accuracy of the seeds", [round(a, 4) for a in accuracy])
    if before is not None:  # a doubling: its change seed by seed, and whether it helped by the tie rule
        print("    against half as many epochs, in validation images:",
              moved_images([r[3]["val_accuracy"] for r in before["runs"]], accuracy, len(parts[3])),
              "- more epochs helped:", budget["verdict"] == "higher")
kept = enough(budgets)
W, b, history, row = kept["runs"][0]
print(f"\nthe favourite keeps {kept['epochs']} epochs; the model of seed {seeds[0]}: validation accuracy {row['val_accuracy']:.4f}, "
      f"test accuracy {row['test_accuracy']:.4f}")
{{ code("gdlab.grid.paired") }}

def right(W, b):  # per validation image: classified correctly?
    return linear_trsf(parts[2], W, b).argmax(1) == parts[3]

if (best["lr"], best["batch_size"]) != (lr, nbatch):  # the same validation images, the best point's model of the same seed
    versus_best = paired(right(W, b), right(*runs[best["lr"], int(best["batch_size"]), seeds[0]][:2]), {{ cfg.ex3.favourite.confidence }})
    print(f"against the best point, seed {seeds[0]}: {versus_best['only_first'] + versus_best['only_other']} images disagree; "
          f"right only by the favourite {versus_best['only_first']}, only by the best point {versus_best['only_other']}; "
          f"McNemar's exact p = {versus_best['p_value']:.2g}")
print("test accuracy of the seeds (read after the choice):", [round(r[3]["test_accuracy"], 4) for r in kept["runs"]])
print(f"means over the seeds: validation accuracy {100 * sum(r[3]['val_accuracy'] for r in kept['runs']) / len(seeds):.2f} %, "
      f"test accuracy {100 * sum(r[3]['test_accuracy'] for r in kept['runs']) / len(seeds):.2f} %")
# YOUR CODE (END)
