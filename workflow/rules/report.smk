# The answer sheet: fill the template from results/, then pandoc -> Typst -> PDF.


rule report_markdown:
    input:
        template=str(REPO / "report" / "answers.md.j2"),
        ex1=rules.ex1_summary.output.json,
        ex2=rules.ex2_summary.output.json,
        ex3=rules.ex3_summary.output.json,
        review=rules.review_summary.output.json,
        calculus=rules.calculus.output.json,
        claims=rules.claims.output.json,
        appendix=rules.report_appendix.output.json,
        figures=[
            rules.ex1_fig_convergence.output.png,
            rules.ex1_fig_lr_study.output.png,
            rules.ex1_fig_max_lr.output.png,
            rules.ex1_fig_contours.output.png,
            rules.ex1_fig_conditioning.output.png,
            *expand(rules.ex2_figure.output.png, figure=["training", "lr_study", "lr_range", "weights"]),
            rules.ex3_fig_samples.output.png,
            *expand(rules.ex3_figure.output.png, figure=EX3_FIGURES),
            *expand(rules.review_figure.output.png, figure=["overfit", "data_size", "sigmoid", "softplus", "c1"]),
        ],
        code=pkg("report"),
    output:
        md="results/report/answers.md",
    params:
        report=canon(config["report"]),
        seed=config["seed"],
        ex1=canon(config["ex1"]),
        ex2=canon(config["ex2"]),
        ex3=canon(config["ex3"]),
        ex4=canon(config["ex4"]),
    resources:
        **res("light"),
    log:
        "results/logs/report/markdown.log",
    benchmark:
        "results/benchmarks/report/markdown.tsv"
    conda:
        CONDA_ENV
    script:
        "../../scripts/report_markdown.py"


rule report_pdf:
    input:
        md=rules.report_markdown.output.md,
        figures=rules.report_markdown.input.figures,
        code=pkg("report"),
    output:
        typ="results/report/answers.typ",
        pdf="results/report/answers.pdf",
    resources:
        **res("light"),
    log:
        "results/logs/report/pdf.log",
    benchmark:
        "results/benchmarks/report/pdf.tsv"
    conda:
        CONDA_ENV
    script:
        "../../scripts/report_pdf.py"


rule report_html:
    input:
        md=rules.report_markdown.output.md,
        figures=rules.report_markdown.input.figures,
        code=pkg("report"),
    output:
        html="results/report/answers.html",
    resources:
        **res("light"),
    log:
        "results/logs/report/html.log",
    benchmark:
        "results/benchmarks/report/html.tsv"
    conda:
        CONDA_ENV
    script:
        "../../scripts/report_html.py"
