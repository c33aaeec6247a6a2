"""One-page reply letter: cold and warm milliseconds per PDF, and file size.

Targets (spec README): under 150 ms warm, under 80 KB, fonts embedded and subset, text extractable.
Run: .venv/bin/python benchmarks/bench_letters.py [--runs 30]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from letters.render import render_html, render_pdf  # noqa: E402
from letters.samples import build_samples  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        _, letters = build_samples(Path(tmp))
        letter = letters["reply/not_exist"]
        t0 = time.perf_counter()
        html = render_html(letter.data, letter.addressee, letter_type="reply", outcome="not_exist")
        cold_pdf = subprocess.run(  # cold: a fresh interpreter renders its first letter
            [sys.executable, "-c", (
                "import sys,time,json;sys.path.insert(0,%r);t=time.perf_counter();"
                "from letters.render import render_pdf;html=sys.stdin.read();render_pdf(html,identifier='x');"
                "print(time.perf_counter()-t)") % str(Path(__file__).resolve().parents[1])],
            input=html, capture_output=True, text=True, check=True).stdout
        cold = float(cold_pdf) * 1000
        render_pdf(html, identifier=letter.number)  # warm-up in this process
        times = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            html = render_html(letter.data, letter.addressee, letter_type="reply", outcome="not_exist")
            pdf = render_pdf(html, identifier=letter.number)
            times.append((time.perf_counter() - t0) * 1000)
        path = Path(tmp) / "letter.pdf"
        path.write_bytes(pdf)
        pages = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
        fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout.splitlines()[2:]
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    n_pages = int(next(line.split()[-1] for line in pages.splitlines() if line.startswith("Pages:")))
    embedded = all(r.split()[-5] == "yes" and r.split()[-4] == "yes" for r in fonts)
    warm = statistics.median(times)
    print(f"one-page reply letter (信息不存在), {args.runs} warm renders")
    print(f"  cold (new process, first letter)  {cold:8.1f} ms")
    print(f"  warm median / best                {warm:8.1f} / {min(times):.1f} ms   (target < 150 ms)")
    print(f"  size                              {len(pdf) / 1024:8.1f} KB   (target < 80 KB)")
    print(f"  pages {n_pages}; fonts embedded+subset: {embedded} ({len(fonts)} faces); text extractable: {'答复书' in text}")
    ok = warm < 150 and len(pdf) < 80 * 1024 and embedded and n_pages == 1 and "答复书" in text
    print("RESULT:", "targets met" if ok else "TARGETS MISSED")
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
