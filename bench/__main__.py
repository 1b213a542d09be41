"""`python -m bench [NAME ...] [--option ...]`: run the benchmarks (every bench/*_bench.py, or
those named); options after the names go to each named benchmark."""
import runpy
import sys
from pathlib import Path


def main(args: list[str]) -> None:
    names = []
    while args and not args[0].startswith("-"):
        names.append(args.pop(0))
    found = sorted(p.stem for p in Path(__file__).parent.glob("*_bench.py"))
    chosen = [n for n in found if not names or n in names or n.removesuffix("_bench") in names]
    if names and not chosen:
        sys.exit(f"no benchmark named {names}; there are: {', '.join(found)}")
    for name in chosen:
        print(f"\n=== {name} ===", flush=True)
        sys.argv = [name, *args]
        runpy.run_module(f"bench.{name}", run_name="__main__")


if __name__ == "__main__":
    main(sys.argv[1:])
