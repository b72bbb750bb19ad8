"""Copy the dashboard's libraries from npm into graph/static/dashboard (run after `npm ci` here).

Apache ECharts draws the charts; graphql-ws is the graphql-transport-ws client the page follows
`dashboardUpdated` with (the same protocol GraphiQL speaks). The copies are committed so the
package serves the dashboard with no network and no Node.js at run time;
tests/http/test_dashboard_page.py checks that they still equal this lock file's build.
"""

import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARGET = HERE.parent.parent / "graph" / "static" / "dashboard"

# (file in node_modules, name served under /dashboard-assets/)
ASSETS = (
    ("echarts/dist/echarts.min.js", "echarts.min.js"),
    ("echarts/LICENSE", "LICENSE.echarts"),
    ("echarts/NOTICE", "NOTICE.echarts"),
    ("graphql-ws/umd/graphql-ws.min.js", "graphql-ws.min.js"),
    ("graphql-ws/LICENSE.md", "LICENSE.graphql-ws"),
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
