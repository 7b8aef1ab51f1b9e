"""Exercise 1 figures, drawn from results only."""

from gdlab.figures import draw, ex1

draw(ex1, snakemake)
