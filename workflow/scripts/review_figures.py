"""Exercises 4 and 6 figures, drawn from results only."""

from gdlab.figures import draw, review

draw(review, snakemake)
