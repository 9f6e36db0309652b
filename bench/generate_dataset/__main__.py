"""`python -m bench.generate_dataset`: see the package's docstring."""

import argparse
import os

import bench.generate_dataset
from bench.generate_dataset.build import create
from bench.generate_dataset.scratch import FULL, SMOKE, default_server, drop


def main() -> None:
    # Run on its own, the generator only migrates and writes rows: development settings (no
    # secret key or host names to supply) do. bench.reports sets production ones before it.
    os.environ.setdefault("DEBUG", "1")
    parser = argparse.ArgumentParser(description=bench.generate_dataset.__doc__.split("\n\n")[0])
    parser.add_argument(
        "--server", default=default_server(), help="PostgreSQL server URL; a database name in it is ignored"
    )
    parser.add_argument(
        "--smoke", action="store_true", help=f"the small data set ({SMOKE.learners} learners) in {SMOKE.database}"
    )
    parser.add_argument("--drop", action="store_true", help="drop the scratch database and stop")
    arguments = parser.parse_args()
    data_set = SMOKE if arguments.smoke else FULL
    if arguments.drop:
        drop(arguments.server, data_set)
        return
    create(arguments.server, data_set)


if __name__ == "__main__":
    main()
