# %% [markdown]
# # Exercise 6
#
# {{ question("6a") }}
#
# {{ answer("6a") }}

# %%
import gdlab
print(gdlab.__name__)
