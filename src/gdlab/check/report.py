"""A group's report (report.json, report.html) from its notebooks' checks, and the class's summary.csv.

A group *passes* when every notebook ran to its end without an error, every course function is right and every
prescribed run learned. What a TA should look at without it being a fault of the code — numbers that changed on the
rerun, Markdown numbers no output prints, data the checker had to supply, parts without an answer cell, a run that
could not be judged — is listed apart ("look at")."""

from __future__ import annotations

import csv
import html
import io


def group_report(group: str, source: str, results: dict[str, dict], parts_exercises: list[int]) -> dict:
    problems, look_at = [], []
    functions_right = functions_total = 0
    parts: dict[str, bool] = {}
    seconds = 0.0
    ran, supplied = [], set()
    for nb, r in sorted(results.items()):
        name = r.get("notebook", nb)
        if r.get("error"):
            problems.append(f"{name}: {r['error']}")
            continue
        run = r.get("run", {})
        seconds += run.get("seconds", 0.0)
        if run.get("message"):
            problems.append(f"{name}: {run['message']}")
        else:
            ran.append(name)
        for e in r.get("errors", []):
            line = f", line {e['line']}" if e.get("line") else ""
            problems.append(f"{name}: code cell {e['cell']}{line}: {e['exception']}: {e['message']}")
        for f in r.get("functions", []):
            functions_total += 1
            functions_right += bool(f["ok"])
            if not f["ok"]:
                problems.append(f"{name}: {f['message']}")
        for o in r.get("outcomes", []):
            if o["ok"] is False:
                problems.append(f"{name}: {o['message']}")
            elif o["ok"] is None:
                look_at.append(f"{name}: {o['message']}")
        for c in r.get("changed_outputs", []):
            look_at.append(f"{name}: code cell {c['cell']} printed {c['stored']} when handed in, {c['rerun']} when run "
                           "again (stale output, or a result that does not reproduce)")
        if r.get("unprinted_numbers"):
            look_at.append(f"{name}: numbers in the Markdown that no output prints (typed by hand?): "
                           + ", ".join(r["unprinted_numbers"]))
        supplied.update(r.get("supplied", []))
        if run.get("output_cut"):
            look_at.append(f"{name}: output cut at the limit in code cells {run['output_cut']}")
        if r.get("never_run"):
            look_at.append(f"{name}: handed in without outputs (never run)")
        if r.get("exercise") is None:
            look_at.append(f"{name}: defines none of the course's functions (not one of the course's notebooks?)")
        if r.get("exercise") in parts_exercises:
            parts.update(r.get("parts", {}))
    if supplied:
        look_at.append(f"the hand-in lacks {', '.join(sorted(supplied))}: the checker supplied the course's copy")
    missing_parts = [p for p, ok in parts.items() if not ok]
    if missing_parts:
        look_at.append("parts without an answer cell: " + ", ".join(f"{p[:-1]} {p[-1]}" for p in missing_parts))
    return {"group": group, "source": source, "passed": not problems, "problems": problems, "look_at": look_at,
            "notebooks_ran": ran, "notebooks": results, "functions_right": functions_right,
            "functions_total": functions_total, "parts": parts, "seconds": round(seconds, 1)}


def summary_rows(reports: list[dict]) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["group", "passed", "notebooks_ran", "functions_right", "parts_answered", "problems", "look_at",
                "seconds", "first_problem"])
    for r in sorted(reports, key=lambda r: r["group"]):
        w.writerow([r["group"], "yes" if r["passed"] else "no", f"{len(r['notebooks_ran'])}/{len(r['notebooks'])}",
                    f"{r['functions_right']}/{r['functions_total']}",
                    f"{sum(r['parts'].values())}/{len(r['parts'])}", len(r["problems"]), len(r["look_at"]),
                    r["seconds"], r["problems"][0] if r["problems"] else (r["look_at"][0] if r["look_at"] else "")])
    return out.getvalue()


def _li(items) -> str:
    return "<ul>" + "".join(f"<li>{html.escape(str(i))}</li>" for i in items) + "</ul>" if items else "<p>none</p>"


def group_html(report: dict) -> str:
    e = html.escape
    verdict = "passes every check" if report["passed"] else f"{len(report['problems'])} problem(s)"
    parts = " ".join(f"<span class={'ok' if ok else 'no'}>{e(p[:-1])}&nbsp;{e(p[-1])}</span>"
                     for p, ok in report["parts"].items())
    body = [f"<h1>{e(report['group'])}: {e(verdict)}</h1>",
            f"<p>{len(report['notebooks_ran'])} of {len(report['notebooks'])} notebooks ran to the end; "
            f"{report['functions_right']} of {report['functions_total']} course functions right; "
            f"{report['seconds']} s in the sandbox. Source: <code>{e(report['source'])}</code></p>",
            "<h2>Problems</h2>", _li(report["problems"]), "<h2>Look at</h2>", _li(report["look_at"]),
            f"<h2>Parts with an answer cell</h2><p>{parts or 'none found'}</p>"]
    for nb, r in sorted(report["notebooks"].items()):
        run = r.get("run", {})
        body.append(f"<h2>{e(r.get('notebook', nb))}</h2>")
        if r.get("error"):
            body.append(f"<p class=no>{e(r['error'])}</p>")
            continue
        body.append(f"<p>Exercise {e(str(r.get('exercise')))}; ran {run.get('seconds')} s"
                    f"{'; ' + e(run['message']) if run.get('message') else ''}.</p>")
        rows = "".join(f"<tr><td>{e(str(x['cell']))}</td><td>{e(str(x.get('line') or ''))}</td>"
                       f"<td>{e(x['exception'])}</td><td>{e(x['message'])}</td></tr>" for x in r.get("errors", []))
        if rows:
            body.append(f"<table><tr><th>code cell</th><th>line</th><th>exception</th><th>message</th></tr>{rows}</table>")
        rows = "".join(f"<tr class={'ok' if f['ok'] else 'no'}><td>{e(f['function'])}</td><td>{e(f['message'])}</td></tr>"
                       for f in r.get("functions", []))
        if rows:
            body.append(f"<table><tr><th>function</th><th>finding</th></tr>{rows}</table>")
        for k, v in r.get("gradient_vs_autograd", {}).items():
            body.append(f"<p>{e(k)}: {e(str(v))}</p>")
        body.append(_li(o["message"] for o in r.get("outcomes", [])) if r.get("outcomes") else "")
    style = ("body{font-family:sans-serif;max-width:60em;margin:2em auto}table{border-collapse:collapse}"
             "td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}.ok{color:#176117}.no{color:#a11}"
             "span{margin-right:.6em}")
    return (f"<!DOCTYPE html><html><head><meta charset=utf-8><title>{e(report['group'])}</title>"
            f"<style>{style}</style></head><body>{''.join(body)}</body></html>\n")


def self_verdict(report: dict) -> str:
    """The stamp of our own hand-in (results/submission.zip), which must give a teaching assistant nothing to look
    at either — a number its rerun prints differently, a number in its Markdown that no output prints: otherwise
    this raises, naming each."""
    if not report["passed"] or report["look_at"]:
        raise RuntimeError("results/submission.zip does not pass the teaching assistants' checker cleanly:\n  "
                           + "\n  ".join([*report["problems"], *(f"look at: {i}" for i in report["look_at"])]))
    return (f"{report['group']}: passes every check ({report['functions_right']}/{report['functions_total']} course "
            f"functions right, {len(report['notebooks_ran'])} notebooks ran), nothing to look at\n")
