# %% [markdown]
# # Exercise 6: {{ part("6a")[0].title }}
#
# *{{ practical.practical.course }}, {{ practical.practical.name }} — answers by {{ cfg.report.author }}.*
# Part d asks for a notebook: the sigmoid, element-wise on numpy arrays of any shape, and its plot. The other parts are
# the maths of the PDF hand-in, here too; every step was checked by sympy in the pipeline (rule `calculus`). To rerun
# the live cells, open it in a checkout of the project: they import the package `gdlab`.

# %%
import warnings

import matplotlib.pyplot as plt
import numpy as np

from gdlab.calculus import sigmoid, sigmoid_prime

# %% [markdown]
# {{ section("6a") }}

# %% [markdown]
# {{ section("6b") }}

# %% [markdown]
# {{ section("6c") }}

# %% [markdown]
# {{ section("6d") }}

# %% [markdown]
# Live: `sigmoid` on arrays of several shapes, with every numpy warning turned into an error — including $\pm 10^4$, where
# the textbook formula `1/(1 + np.exp(-z))` overflows.

# %%
with warnings.catch_warnings():
    warnings.simplefilter("error")
    for z in (np.float64(0.0), np.array([-1e4, -1.0, 0.0, 1.0, 1e4]), np.linspace(-3, 3, 6).reshape(2, 3)):
        print(np.shape(z), "->", np.shape(sigmoid(z)), np.round(sigmoid(z), 4).tolist())
    print("sigma'(0) =", sigmoid_prime(0.0), "= sigma(0)(1 - sigma(0)) =", sigmoid(0.0) * (1 - sigmoid(0.0)))

# %% [markdown]
# Live: the plot the practical asks for, drawn here with matplotlib from the same two functions.

# %%
z = np.linspace(-8, 8, 401)
fig, ax = plt.subplots(figsize=(6, 3.5))
ax.plot(z, sigmoid(z), label=r"$\sigma(z)$")
ax.plot(z, sigmoid_prime(z), label=r"$\sigma'(z) = \sigma(z)(1-\sigma(z))$")
ax.set(xlabel="z")
ax.legend()
plt.show()

# %% [markdown]
# {{ section("6f") }}

# %% [markdown]
# {{ section("6g") }}
