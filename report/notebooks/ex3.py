# %% [markdown]
# # Exercise 3
#
# {{ question("3a") }}
#
# {{ answer("3a") }}

# %%
import gdlab
print(gdlab.__name__)
