"""Admission time against document size, for benign and adversarial documents.

Run: `python -m bench.admission`. Measures, in CPU time, what a worker spends before it answers
or refuses a document: parse, validation, and the limit and cost walks (graph/extensions).
Benign documents are Relay-style pages with growing numbers of fields and fragments; the
adversarial ones are fragment chains that double at each level (2^n expanded selections).
"""

import time
from collections.abc import Callable

from graphql import OperationDefinitionNode, parse, validate
from graphql.execution.values import VariableValues

from graph.extensions.cost import requested_cost
from graph.extensions.limits import Limits, measure, shape_errors
from graph.schema import schema

REPEATS = 20


def doubling_chain(levels: int) -> str:
    """Each fragment spreads the previous one twice."""
    fragments = ["fragment F0 on Query { __typename chapters(first: 100) { totalCount } }"]
    fragments += [
        f"fragment F{level} on Query {{ ...F{level - 1} ...F{level - 1} }}"
        for level in range(1, levels + 1)
    ]
    return f"query Q {{ ...F{levels} }}\n" + "\n".join(fragments)


def relay_page(fragments: int) -> str:
    """A page of engineers whose card is assembled from `fragments` small fragments."""
    names = [f"Part{index}" for index in range(fragments)]
    spreads = " ".join(f"...{name}" for name in names)
    definitions = " ".join(
        f"fragment {name} on Engineer {{ handle name headline skills {{ level }} }}"
        for name in names
    )
    page = f"engineers(first: 50) {{ edges {{ node {{ {spreads} }} }} }}"
    return f"query Page {{ {page} }} {definitions}"


def admission_cpu(text: str) -> tuple[float, str]:
    """CPU seconds to parse, validate, measure and cost `text` once; the verdict."""
    started = time.process_time()
    document = parse(text)
    errors = validate(schema._schema, document)
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    shape = measure(document, operation)
    refusals = shape_errors(shape, Limits())
    if not errors and not refusals:
        requested_cost(schema._schema, document, operation, VariableValues({}, {}))
    spent = time.process_time() - started
    verdict = (
        "invalid"
        if errors
        else (refusals[0].extensions or {}).get("limit", "?")
        if refusals
        else "admitted"
    )
    return spent, str(verdict)


def median_cpu(text: str) -> tuple[float, str]:
    samples = sorted(admission_cpu(text) for _ in range(REPEATS))
    return samples[len(samples) // 2]


def main() -> None:
    cases: list[tuple[str, Callable[[int], str], tuple[int, ...]]] = [
        ("benign relay page, fragments", relay_page, (1, 5, 10, 20, 40)),
        ("adversarial doubling chain, levels", doubling_chain, (5, 10, 20, 30, 40)),
    ]
    print(f"{'document':<40} {'n':>4} {'bytes':>7} {'CPU ms':>8}  verdict")
    for label, build, sizes in cases:
        for size in sizes:
            text = build(size)
            spent, verdict = median_cpu(text)
            print(f"{label:<40} {size:>4} {len(text):>7} {spent * 1000:>8.2f}  {verdict}")


if __name__ == "__main__":
    main()
