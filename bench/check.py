"""Equivalence check: the baseline must answer every sample request exactly as our server does."""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx
import orjson

from bench.queries import OPERATIONS, Inputs

MAX_REPORTED_DIFFERENCES = 10


@dataclass
class CheckReport:
    """Outcome of comparing both servers on the sample requests."""

    compared: int = 0
    byte_identical: int = 0
    differences: list[str] = field(default_factory=list)
    sizes: dict[str, tuple[int, int]] = field(default_factory=dict)
    extensions: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when every parsed response matched."""
        return not self.differences


def differences(ours: Any, theirs: Any, path: str = "$") -> Iterator[str]:
    """Human-readable paths where two parsed JSON values differ."""
    if isinstance(ours, dict) and isinstance(theirs, dict):
        if list(ours) != list(theirs):
            yield f"{path}: keys {list(ours)} != {list(theirs)}"
        for key in ours.keys() & theirs.keys():
            yield from differences(ours[key], theirs[key], f"{path}.{key}")
    elif isinstance(ours, list) and isinstance(theirs, list):
        if len(ours) != len(theirs):
            yield f"{path}: {len(ours)} items != {len(theirs)} items"
        for index, (mine, other) in enumerate(zip(ours, theirs, strict=False)):
            yield from differences(mine, other, f"{path}[{index}]")
    elif ours != theirs or type(ours) is not type(theirs):
        yield f"{path}: ours {ours!r} != baseline {theirs!r}"


def same_bytes(ours: bytes, theirs: bytes) -> bool:
    """Byte-identical, apart from our trailing top-level `extensions` member."""
    return ours == theirs or ours.startswith(theirs[:-1] + b',"extensions":')


def sample_bodies(inputs: Inputs, handles: int = 25) -> list[tuple[str, bytes]]:
    """(label, body) pairs: a spread of handles (plus odd ones), the page, every chapter,
    forum threads."""
    q1, q2, q3 = OPERATIONS["Q1"], OPERATIONS["Q2"], OPERATIONS["Q3"]
    step = max(1, len(inputs.handles) // handles)
    chosen = list(inputs.handles[::step][:handles])
    samples = [(f"Q1 {handle}", q1.body({"handle": handle})) for handle in chosen]
    if chosen:
        samples.append((f"Q1 {chosen[0].upper()}", q1.body({"handle": chosen[0].upper()})))
    samples.append(("Q1 missing", q1.body({"handle": "no-such-engineer-anywhere"})))
    samples.append(("Q2", q2.body()))
    samples += [(f"Q3 {slug}", q3.body({"slug": slug})) for slug in inputs.slugs]
    samples.append(("Q3 missing", q3.body({"slug": "no-such-chapter"})))
    q4 = OPERATIONS["Q4"]
    samples += [(f"Q4 {thread}", q4.body({"id": thread})) for thread in inputs.threads[:25]]
    samples.append(("Q4 missing", q4.body({"id": "Rm9ydW1UaHJlYWQ6MjAwMDAwMDAwMA"})))
    return samples


def compare(ours_url: str, baseline_url: str, samples: Sequence[tuple[str, bytes]]) -> CheckReport:
    """POST every sample to both servers and compare the parsed responses."""
    report = CheckReport()
    headers = {"content-type": "application/json"}
    with httpx.Client(timeout=60) as client:
        for label, body in samples:
            ours = client.post(ours_url, content=body, headers=headers)
            theirs = client.post(baseline_url, content=body, headers=headers)
            report.compared += 1
            report.byte_identical += same_bytes(ours.content, theirs.content)
            operation = label.split()[0]
            size = report.sizes.get(operation, (0, 0))
            report.sizes[operation] = (
                max(size[0], len(ours.content)),
                max(size[1], len(theirs.content)),
            )
            if ours.status_code != 200 or theirs.status_code != 200:
                report.differences.append(
                    f"{label}: HTTP {ours.status_code} (ours) vs {theirs.status_code} (baseline): "
                    f"{ours.text[:300]}"
                )
                continue
            parsed = orjson.loads(ours.content)
            if "errors" in parsed:
                report.differences.append(f"{label}: our server answered errors {parsed['errors']}")
            # Our `extensions` (the cost report and throttle status) is per-request metadata:
            # noted, not compared. The payload is everything else.
            report.extensions.update(parsed.pop("extensions", {}))
            for difference in differences(parsed, orjson.loads(theirs.content)):
                if len(report.differences) < MAX_REPORTED_DIFFERENCES:
                    report.differences.append(f"{label}: {difference}")
    return report
