# %% [markdown]
# # Exercise 2
#
# {{ question("2a") }}
#
# {{ answer("2a") }}

# %%
import gdlab
print(gdlab.__name__)
