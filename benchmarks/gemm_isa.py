"""Benchmark: what pinning oneDNN's gemm to AVX2 (as ``helpers.setup_notebook`` does) costs.

Each round trains, in a fresh process per instruction set, our recipe over three seeds on the
logistic map and the post's batch-1 recipe for 20 epochs, alternating the instruction sets so
both see the same machine load, and prints the seconds and the test RMSEs of our three seeds.
The instruction sets the CPU lacks fall back to the best it has, so compare on an AVX-512 CPU.

    python benchmarks/gemm_isa.py             # AVX2 against AVX512_CORE, 2 rounds
    python benchmarks/gemm_isa.py --rounds 4
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import subprocess
import sys
import time

import helpers

INSTRUCTION_SETS = ("AVX2", "AVX512_CORE")


def measure(instruction_set: str) -> dict[str, object]:
    """Train both recipes with oneDNN's gemm limited to ``instruction_set``; seconds and RMSEs."""
    from helpers import reproducibility

    reproducibility.PINNED_ENVIRONMENT[reproducibility.ONEDNN_ISA] = instruction_set
    helpers.setup_notebook(seed=0)
    task = helpers.held_out_tasks()[2]
    test = task.tests["later values"]
    post = helpers.seed_tasks()[0].recipe
    started = time.perf_counter()
    ours = helpers.predictions_over_seeds(
        helpers.recommended(post, remove_level=False),
        task.train.x,
        task.train.y,
        test.x,
        range(3),
        validation=(task.val.x, task.val.y),
    )
    ours_seconds = time.perf_counter() - started
    started = time.perf_counter()
    helpers.predictions_over_seeds(
        dataclasses.replace(post, epochs=20), task.train.x, task.train.y, test.x, range(1)
    )
    return {
        "ours_seconds": ours_seconds,
        "post_seconds": time.perf_counter() - started,
        "ours_rmse": helpers.rmse_per_seed(ours, test.y).tolist(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=2, help="rounds of both instruction sets (default 2)")
    parser.add_argument("--child", choices=INSTRUCTION_SETS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(measure(args.child)))
        return 0
    if args.rounds < 1:
        parser.error("--rounds must be >= 1")
    rows = []
    for round_number in range(1, args.rounds + 1):
        for instruction_set in INSTRUCTION_SETS:
            child = subprocess.run(
                [sys.executable, __file__, "--child", instruction_set],
                capture_output=True,
                text=True,
                check=True,
            )
            result = json.loads(child.stdout.strip().splitlines()[-1])
            rmses = " ".join(f"{value:.4f}" for value in result["ours_rmse"])
            rows.append(
                [round_number, instruction_set, result["ours_seconds"], result["post_seconds"], rmses]
            )
            print(f"round {round_number}, {instruction_set}: done", file=sys.stderr, flush=True)
    headers = ["round", "gemm ISA", "ours, 3 seeds (s)", "post, 20 epochs (s)", "ours' test RMSE per seed"]
    print(helpers.format_table(headers, rows, decimals=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
