# %% [markdown]
# {% from "notebooks/header.md.j2" import header with context %}{{ header(6, none) }}
#
# Exercise 6 asks for part d in a Jupyter notebook; the maths of the other parts is in `pw02_maths.pdf`.

# %%
import warnings

import matplotlib.pyplot as plt
import numpy as np

# %% [markdown]
# {{ question("6d") }}

# %%
{{ code("gdlab.calculus.sigmoid") }}


{{ code("gdlab.calculus.sigmoid_prime") }}

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
        print("1/(1 + np.exp(-z)) at z = −710:", w)

# %%
z = np.linspace(-8, 8, 401)
plt.figure(figsize=(6, 3.5))
plt.plot(z, sigmoid(z), label="σ(z)")
plt.plot(z, sigmoid_prime(z), label="σ′(z) = σ(z)(1 − σ(z))")
plt.xlabel("z")
plt.legend()
plt.grid(alpha=0.3)
plt.show()

# %% [markdown]
# {{ answer("6d") }}
