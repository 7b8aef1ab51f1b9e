# %% [markdown]
# # Exercise 1
#
# {{ question("1a") }}
#
# {{ answer("1a") }}

# %%
import gdlab
print(gdlab.__name__)
