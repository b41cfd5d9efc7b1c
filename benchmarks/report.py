"""Summarise the latest benchmark rows as a Markdown table (for docs/performance.md).

Reads benchmarks/results/*.csv and keeps, for each benchmark and setting, the last row appended
(per device, so CPU and GPU rows stand side by side). Prints the table; writes nothing.

    .venv/bin/python benchmarks/report.py [--results benchmarks/results]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd
from common import RESULTS


def _latest(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    return frame.drop_duplicates(subset=[k for k in keys if k in frame], keep="last")


def _where(row) -> str:
    load = f", load {row['load1']}" if "load1" in row and pd.notna(row.get("load1")) else ""
    return f"{row['device']} ({row['date']}{load})"


def summary_rows(results: Path) -> list[dict]:
    """One dict per reported number: benchmark, setting, value, target, verdict, where."""
    out = []

    def read(name: str) -> pd.DataFrame | None:
        path = results / name
        return pd.read_csv(path, dtype=str, keep_default_na=False) if path.exists() else None

    if (df := read("decode.csv")) is not None:
        measure = df["measure"] if "measure" in df else "reader_vs_decord"
        for _, r in _latest(df[measure == "decoder_scaling_vs_resize"], ["files", "read", "device"]).iterrows():
            out.append({"benchmark": "decoder scaling vs decode + resize", "setting": f"{r['files']}, {r['read']}",
                        "value": f"{r['value']}x faster", "target": "reported", "verdict": "-",
                        "where": _where(r)})  # fmt: skip
        for _, r in _latest(df[measure == "reader_vs_decord"], ["files", "read", "device"]).iterrows():
            out.append({"benchmark": "reader vs bare decord", "setting": f"{r['files']}, {r['read']}",
                        "value": f"{r['value']}x (PyAV {r['pyav_vs_kit']}x the kit's time)", "target": r["target"],
                        "verdict": r["verdict"], "where": _where(r)})  # fmt: skip
    if (df := read("pipeline.csv")) is not None:
        df["role"] = df["role"].replace("", "teacher") if "role" in df else "teacher"  # rows before --role: CE steps
        for _, r in _latest(df, ["tier", "role", "device"]).iterrows():
            setting = f"{r['tier']}, {r['role']}: {r['arch']} {r['frames']}x{r['crop']}x{r['crop']}, " \
                      f"batch {r['batch']}, {r['workers']} workers"  # fmt: skip
            value = f"{r['value']}x ({r['end_to_end_cps']} vs {r['model_only_cps']} clips/s)"
            out.append({"benchmark": "end-to-end vs model-only training", "setting": setting, "value": value,
                        "target": r["target"], "verdict": r["verdict"], "where": _where(r)})  # fmt: skip
    if (df := read("kd_overhead.csv")) is not None:
        for _, r in _latest(df, ["tier", "device"]).iterrows():
            setting = f"{r['tier']}: {r['arch']} {r['frames']}x{r['crop']}x{r['crop']}, batch {r['batch']}"
            value = f"{r['value']}x ({float(r['kd_step_s']) * 1e3:.1f} vs {float(r['ce_step_s']) * 1e3:.1f} ms)"
            out.append({"benchmark": "KD step vs CE step", "setting": setting, "value": value,
                        "target": r["target"], "verdict": r["verdict"], "where": _where(r)})  # fmt: skip
    if (df := read("step_options.csv")) is not None:
        for _, r in _latest(df[df["option"] != "eager"], ["tier", "option", "device"]).iterrows():
            size = f"{r['frames']}x{r['crop']}x{r['crop']}"
            setting = f"{r['tier']}: {r['option']} ({r['arch']} {size}, batch {r['batch']})"
            value = f"{r['gain']}x ({float(r['step_s']) * 1e3:.1f} ms a step; first step {r['first_step_s']} s)"
            out.append({"benchmark": "step option vs plain step", "setting": setting, "value": value,
                        "target": "reported", "verdict": "-", "where": _where(r)})  # fmt: skip
    if (df := read("inference.csv")) is not None:
        for _, r in _latest(df, ["tier", "enhancer", "deployment", "device"]).iterrows():
            setting = f"{r['tier']}: {r['deployment']} ({r['arch']}, {r['enhancer']})"
            value = (f"params {float(r['params_x']):.2f}x, GFLOPs {float(r['gflops_x']):.2f}x "
                     f"({float(r['gflops']):.2f}), latency {float(r['latency_x']):.2f}x, "
                     f"1/throughput {float(r['throughput_x']):.2f}x (batch {r['batch_size']})")  # fmt: skip
            target = "1.0x" if r["deployment"] == "student" else "reported"
            out.append({"benchmark": "inference cost vs one backbone", "setting": setting, "value": value,
                        "target": target, "verdict": r["verdict"] or "-", "where": _where(r)})  # fmt: skip
    if (df := read("gpu_check.csv")) is not None and "value" in df:  # `make gpu-check`: one row per measurement
        done = df[df["value"] != ""]  # skipped and failed sections have no value
        for _, r in _latest(done, ["scale", "section", "measure", "variant", "device"]).iterrows():
            memory = f", {r['peak_gpu_mem_gib']} GiB peak" if r.get("peak_gpu_mem_gib") else ""
            out.append({"benchmark": f"gpu-check: {r['measure']}", "setting": f"{r['scale']}: {r['variant']}",
                        "value": f"{r['value']} {r['unit']}{memory}", "target": "reported", "verdict": "-",
                        "where": _where(r)})  # fmt: skip
    if (df := read("quick_tier_demo.csv")) is not None and len(df):
        r = df.iloc[-1]
        out.append({"benchmark": "`make demo` after install", "setting": "2-core CPU",
                    "value": f"{r['total_s']} s, {r['peak_pss_gib']} GiB peak (summed PSS)",
                    "target": "<= 300 s, <= 3 GiB",
                    "verdict": "met" if float(r["total_s"]) <= 300 and float(r["peak_pss_gib"]) <= 3 else "NOT met",
                    "where": _where(r)})  # fmt: skip
    return out


def to_markdown(rows: list[dict]) -> str:
    """A GitHub Markdown table of ``rows`` (dicts with the same keys)."""
    keys = list(rows[0])
    lines = ["| " + " | ".join(keys) + " |", "|" + "---|" * len(keys)]
    lines += ["| " + " | ".join(str(row[k]).replace("|", "/") for k in keys) + " |" for row in rows]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--results", default=str(RESULTS))
    args = parser.parse_args()
    rows = summary_rows(Path(args.results))
    if not rows:
        raise SystemExit(f"no benchmark results under {args.results}; run `make bench` first")
    print(to_markdown(rows))


if __name__ == "__main__":
    main()
