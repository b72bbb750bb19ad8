"""Admission before execution: introspection policy, variables, limits, cost and rate budget.

Runs after validation (and the page-size check). The HTTP endpoint puts an `Admission` on
the Context carrying this request's limits, budget and introspection right; executing the
schema directly (tests, scripts) uses the default limits with no budget.
"""

import logging
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    get_operation_ast,
    validate,
)
from graphql.execution.values import VariableValues, get_variable_values
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import SchemaExtension

from graph.auth.viewer import Viewer
from graph.errors import ErrorCode, Forbidden, Throttled
from graph.extensions.budget import (
    BucketState,
    BudgetStore,
    BudgetStoreUnavailable,
    Gate,
    budget_key,
    retry_after_seconds,
    spend_behind,
)
from graph.extensions.cost import actual_cost, requested_cost
from graph.extensions.document_facts import FACTS, OperationFacts
from graph.extensions.limits import (
    DEFAULT_LIMITS,
    DocumentShape,
    Limits,
    ambiguous_operation,
    contains_nul,
    measure,
    oversized_error,
    shape_errors,
    too_complex,
)

logger = logging.getLogger(__name__)
STORE_FAILURE_LOG_INTERVAL_SECONDS = 60.0
_store_failures = {"last_logged": -STORE_FAILURE_LOG_INTERVAL_SECONDS, "suppressed": 0}


def _log_store_failure(consequence: str) -> None:
    """Log an unavailable budget store with its traceback at most once a minute, not per request."""
    now = time.monotonic()
    if now - _store_failures["last_logged"] < STORE_FAILURE_LOG_INTERVAL_SECONDS:
        _store_failures["suppressed"] += 1
        return
    suppressed = int(_store_failures["suppressed"])
    _store_failures.update(last_logged=now, suppressed=0)
    logger.exception(
        "rate budget store unavailable; %s (%d similar failures since the last report)",
        consequence,
        suppressed,
    )


@dataclass(frozen=True)
class Budget:
    """Which bucket pays for this request, and its size."""

    store: BudgetStore
    key: str
    capacity: int
    restore_rate: float


@dataclass
class Admission:
    """Per-request policy in (limits, budget, introspection) and measurements out."""

    limits: Limits = DEFAULT_LIMITS
    budget: Budget | None = None
    may_introspect: bool = True
    executed: bool = False
    requested_cost: int | None = None
    actual_cost: int | None = None
    bucket: BucketState | None = None
    operation_name: str | None = None
    settled: bool = False
    """The refund was made (a subscription reports after every event but settles once)."""
    gate: Gate | None = None
    """A check the charge is taken behind (the request's authentication, still pending):
    passed before any point is spent, in the spend's own statement where the store can."""

    def cost_report(self) -> dict[str, Any] | None:
        """`extensions.cost`, in Shopify's shape; None before the cost was calculated."""
        if self.requested_cost is None:
            return None
        report: dict[str, Any] = {
            "requestedQueryCost": self.requested_cost,
            "actualQueryCost": self.actual_cost,
        }
        if self.bucket is not None:
            report["throttleStatus"] = {
                "maximumAvailable": self.bucket.capacity,
                "currentlyAvailable": int(self.bucket.available),
                "restoreRate": self.bucket.restore_rate,
            }
        return report


@dataclass(frozen=True)
class ConnectionPolicy:
    """A WebSocket connection's policy: each operation gets a fresh Admission for the viewer
    it runs as (a token may arrive in `connection_init`, after the context was built)."""

    limits: Limits
    may_introspect: Callable[[Viewer], bool]
    budget_store: BudgetStore | None = None
    capacity: int = 0
    restore_rate: float = 1.0
    client_ip: str | None = None

    def admission_for(self, viewer: Viewer) -> Admission:
        """This operation's Admission."""
        budget = None
        if self.budget_store is not None:
            budget = Budget(
                self.budget_store,
                budget_key(viewer, self.client_ip),
                self.capacity,
                self.restore_rate,
            )
        return Admission(
            limits=self.limits, budget=budget, may_introspect=self.may_introspect(viewer)
        )


def _with_code(error: GraphQLError, code: ErrorCode) -> GraphQLError:
    error.extensions = {"code": code.value, **(error.extensions or {})}
    return error


class AdmissionControl(SchemaExtension):
    """Refuses what is not allowed or too costly, charges the budget, reports the cost."""

    def __init__(self) -> None:
        super().__init__()
        self.admission = Admission()

    def on_operation(self) -> Iterator[None]:
        """Pick up the request's Admission (per operation on a WebSocket; else a default)."""
        context = self.execution_context.context
        admission = getattr(context, "admission", None)
        if isinstance(admission, Admission):
            self.admission = admission
        elif isinstance(admission, ConnectionPolicy):
            self.admission = admission.admission_for(context.viewer)
        yield

    async def on_validate(self) -> AsyncIterator[None]:
        """After validation: policy, variables, limits, cost, budget — in that order."""
        context = self.execution_context
        document = context.graphql_document
        if not context.pre_execution_errors and document is not None:
            # strawberry's `operation_name` falls back to the first operation's name; the
            # spec's rule needs what the client sent
            provided = getattr(context, "_provided_operation_name", context.operation_name)
            ambiguous = ambiguous_operation(document, provided)
            operation = None if ambiguous else get_operation_ast(document, context.operation_name)
            # over a WebSocket the parser cannot refuse an oversized document: refuse it here
            oversized = oversized_error(context.query or "", self.admission.limits)
            if ambiguous is not None:
                context.pre_execution_errors = [ambiguous]
            elif oversized is not None:
                context.pre_execution_errors = [oversized]
            elif operation is not None:
                errors = await self._admit(operation)
                if errors:
                    context.pre_execution_errors = errors
        yield

    def on_execute(self) -> Iterator[None]:
        """Mark that execution started (the HTTP layer then keeps the `data` entry)."""
        self.admission.executed = True
        yield

    async def get_results(self) -> dict[str, Any]:
        """Settle the bill (refund what was not used) and report `extensions.cost`."""
        result = self.execution_context.result
        return await settle(self.admission, getattr(result, "data", None))

    async def _admit(self, operation: OperationDefinitionNode) -> list[GraphQLError]:
        context = self.execution_context
        document = context.graphql_document
        assert document is not None
        schema = context.schema._schema
        facts = FACTS.get(context.query, document, context.operation_name)
        return await admit(
            schema,
            document,
            operation,
            context.variables,
            self.admission,
            introspects=(
                facts.introspects(schema, document) if not self.admission.may_introspect else None
            ),
            facts=facts,
        )


async def settle(admission: Admission, data: Any, actual: int | None = None) -> dict[str, Any]:
    """After execution: refund the unused part of the charge; the `extensions` to report.

    The actual cost is counted in `data`, unless the caller counted it already (`actual`). A
    subscription is charged once, when it starts, and settled on its first result; its later
    events are neither charged nor refunded."""
    if admission.executed and admission.requested_cost is not None and not admission.settled:
        admission.settled = True
        if actual is None:
            actual = actual_cost(data) if data else 0
        admission.actual_cost = actual
        refund = admission.requested_cost - admission.actual_cost
        if admission.budget is not None and admission.bucket is not None and refund > 0:
            budget = admission.budget
            try:
                admission.bucket = await budget.store.spend(
                    budget.key, -refund, budget.capacity, budget.restore_rate
                )
            except BudgetStoreUnavailable:
                _log_store_failure("refund lost")
    report = admission.cost_report()
    return {"cost": report} if report is not None else {}


async def admit(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    raw_variables: dict[str, Any] | None,
    admission: Admission,
    *,
    introspects: bool | None = None,
    shape: DocumentShape | None = None,
    coerced: VariableValues | None = None,
    facts: OperationFacts | None = None,
    within_limits: bool = False,
) -> list[GraphQLError]:
    """Policy, variables, limits, cost, budget — in that order; the errors refusing it.

    Shared by the extension and the compiled read path, so both admit by the same rules. A
    caller that caches per document may pass what depends on the document alone: whether it
    `introspects` (False: the introspection policy cannot refuse it) and its `shape`; one that
    coerced the variables already passes them (`coerced`), and the operation's cached `facts`
    answer the requested cost by the values that decide it; `within_limits` says the shape
    was seen to fit these limits already.
    """
    admission.operation_name = operation.name.value if operation.name else None
    if not admission.may_introspect and introspects is not False:
        errors = validate(schema, document, [NoSchemaIntrospectionCustomRule])
        if errors:
            return [_with_code(error, Forbidden.code) for error in errors]
    variables = coerced or get_variable_values(
        schema,
        operation.variable_definitions or (),
        raw_variables or {},
        max_errors=10,
        hide_suggestions=True,
    )
    if not isinstance(variables, VariableValues):
        return [_with_code(error, ErrorCode.BAD_USER_INPUT) for error in variables]
    limits = admission.limits
    shape = shape or measure(document, operation)
    if shape.has_nul or contains_nul(raw_variables):
        return [
            GraphQLError(
                "String values may not contain the NUL character (U+0000).",
                extensions={"code": ErrorCode.BAD_USER_INPUT.value},
            )
        ]
    errors = [] if within_limits else shape_errors(shape, limits)
    if errors:
        return errors
    cost = (
        facts.cost(schema, document, operation, variables)
        if facts is not None
        else requested_cost(schema, document, operation, variables)
    )
    admission.requested_cost = cost
    if cost > limits.max_cost:
        return [
            too_complex(
                f"The operation's cost is {cost}; the limit is {limits.max_cost}. Ask for "
                "smaller pages (`first`/`last`) or fewer nested connections.",
                limit="cost",
                cost=cost,
                maximumCost=limits.max_cost,
            )
        ]
    return await _charge(admission, cost)


async def _charge(admission: Admission, cost: int) -> list[GraphQLError]:
    budget = admission.budget
    if budget is None:
        return []
    if cost > budget.capacity:
        return [
            too_complex(
                f"The operation's cost is {cost}, more than this client's whole rate budget "
                f"({budget.capacity} points).",
                limit="budget",
                cost=cost,
                maximumCost=budget.capacity,
            )
        ]
    gate, admission.gate = admission.gate, None
    try:
        state = await spend_behind(
            budget.store, gate, budget.key, cost, budget.capacity, budget.restore_rate
        )
    except BudgetStoreUnavailable:
        # Fail open: an unreachable budget store must not take the API down with it.
        _log_store_failure("admitting without a budget")
        admission.budget = None
        return []
    admission.bucket = state
    if state.allowed:
        return []
    wait = retry_after_seconds(state)
    throttled = Throttled(
        f"Rate budget exceeded: this operation costs {cost} points and {int(state.available)} "
        f"are available (the budget refills at {budget.restore_rate:g} points per second). "
        f"Retry after {wait} s.",
        cost=cost,
        available=int(state.available),
        retryAfter=wait,
    )
    return [GraphQLError(throttled.message, extensions=throttled.extensions)]
