#!/usr/bin/env python3
"""Engine work per event, counted by callgrind: the steady half of issue 6's
throughput budget.

Wall-clock events/s on the shared 2-core machine kind swing by up to 40%
between runs minutes apart (the same binary measured 2.60 M then 1.61 M
lean), so the wall-clock bench alone cannot hold the target without
flaking. Instructions do not swing: this runs the bench's workload
(examples/profile.rs: the retry storm, 12 clients, 5% loss, 100 seeds)
under `valgrind --tool=callgrind` and divides the instructions by the
events. The budgets are issue 6's targets at the machine kind's quiet
speed, 6.6 G instructions/s (1.12 M events/s full at 5,941 instructions
per event, measured in one run): full 1,000,000 events/s -> at most 6,600
instructions per event, lean 2,000,000 -> at most 3,300.

Usage: python3 scripts/work_per_event.py   (exit 1 above a budget)
"""
import re
import subprocess
import sys

SEEDS = "100"
BUDGET = {"full": 6_600, "lean": 3_300}


def main() -> int:
    subprocess.run(
        ["cargo", "build", "--quiet", "--profile", "bench", "-p", "faultline-sim", "--example", "profile"],
        check=True,
    )
    binary = "target/release/examples/profile"
    missed = []
    for level, budget in BUDGET.items():
        done = subprocess.run(
            ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", binary, level, SEEDS],
            capture_output=True,
            text=True,
            check=True,
        )
        refs = re.search(r"I\s+refs:\s+([\d,]+)", done.stderr)
        events = re.search(r"(\d+) events", done.stdout)
        if not refs or not events:
            print(f"could not read callgrind's output:\n{done.stdout}\n{done.stderr}", file=sys.stderr)
            return 2
        instructions = int(refs.group(1).replace(",", ""))
        per_event = instructions / int(events.group(1))
        print(
            f"{level} trace: {instructions:,} instructions for {int(events.group(1)):,} events "
            f"= {per_event:,.0f} per event (budget {budget:,})"
        )
        if per_event > budget:
            missed.append(f"{level} trace: {per_event:,.0f} instructions per event, over the budget of {budget:,}")
    for line in missed:
        print(f"BUDGET MISSED: {line}", file=sys.stderr)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
