"""Exercise 2 figures, drawn from results only."""

from gdlab.figures import draw, ex2

draw(ex2, snakemake)
