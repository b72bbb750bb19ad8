"""Copy the GraphiQL build from npm into graph/static/graphiql (run after `npm ci` here).

The copies are committed so the package serves the IDE with no network and no Node.js at
run time; tests/http/test_graphiql.py checks that they still equal this lock file's build.
"""

import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARGET = HERE.parent.parent / "graph" / "static" / "graphiql"

# (file in node_modules, name served under /graphiql/)
ASSETS = (
    ("graphiql/graphiql.min.js", "graphiql.min.js"),
    ("graphiql/graphiql.min.css", "graphiql.min.css"),
    ("graphiql/LICENSE", "LICENSE.graphiql"),
    ("react/umd/react.production.min.js", "react.production.min.js"),
    ("react/LICENSE", "LICENSE.react"),
    ("react-dom/umd/react-dom.production.min.js", "react-dom.production.min.js"),
)


def main(node_modules: Path = HERE / "node_modules") -> int:
    """Copy every asset; fail naming the first one missing."""
    TARGET.mkdir(parents=True, exist_ok=True)
    for source, name in ASSETS:
        path = node_modules / source
        if not path.exists():
            print(f"missing {path}: run `npm ci` in {HERE}", file=sys.stderr)
            return 1
        shutil.copyfile(path, TARGET / name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
