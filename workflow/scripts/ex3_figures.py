"""Exercise 3 figures, drawn from results only."""

from gdlab.figures import draw, ex3

draw(ex3, snakemake)
