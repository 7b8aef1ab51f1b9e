# %% [markdown]
# # Exercise 3: {{ part("3a")[0].title }}
#
# *{{ practical.practical.course }}, {{ practical.practical.name }} — answers by {{ cfg.report.author }}.*
# This notebook was executed by the gdlab pipeline (rule `notebook`); its text is the answer sheet's, the code is the
# package's (`src/gdlab`), and the figures and numbers come from the pipeline's `results/`. To rerun the live
# cells, open it in a checkout of the project after `make report`: they import the package and read `results/`. The training runs of
# parts d–h are the pipeline's jobs (one per setting and seed); here they are read, not repeated.
#
# > {{ part("3a")[0].intro }}

# %%
import pandas as pd
import torch

from gdlab.softmax import SoftmaxRegression, dummy_check, evaluate, init_params, load_mnist, make_model
from gdlab.train import fit

torch.set_num_threads(1)
data = load_mnist("results/data/mnist", torch.device("cpu"))

# %% [markdown]
# {{ section("3a") }}

# %%
{k: tuple(v.shape) for k, v in data.items()}

# %% [markdown]
# {{ section("3b") }}

# %% [markdown]
# Live: each function on dummy tensors, as the practical's hints ask.

# %%
pd.DataFrame(dummy_check(seed={{ cfg.seed }})["rows"])

# %% [markdown]
# {{ section("3c") }}

# %% [markdown]
# Live: one epoch of the mini-batch loop (batch {{ cfg.ex3.reference.batch_size }}, learning rate {{ cfg.ex3.reference.lr }}) from the seeded start.

# %%
W, b = init_params(784, 10, {{ cfg.ex3.init_std }}, seed={{ cfg.seed }})
model = make_model("hand", W, b)
hist = fit(model, data["X_train"], data["y_train"], epochs=1, lr={{ cfg.ex3.reference.lr }},
           batch_size={{ cfg.ex3.reference.batch_size }}, generator=torch.Generator().manual_seed({{ cfg.seed }}))
print("training cost before and after:", [round(r["loss"], 4) for r in hist.rows])
print("validation accuracy: %.4f" % evaluate(model, data["X_val"], data["y_val"])[1])

# %% [markdown]
# {{ section("3d") }}

# %% [markdown]
# {{ section("3e") }}

# %%
SoftmaxRegression(*init_params(784, 10, {{ cfg.ex3.init_std }}, seed={{ cfg.seed }}))

# %% [markdown]
# {{ section("3f") }}

# %% [markdown]
# {{ section("3g") }}

# %% [markdown]
# {{ section("3h") }}
