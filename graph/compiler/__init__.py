"""Compiled read path: plan whole GraphQL selections into one SQL statement that builds the JSON.

How a request flows (reads.py, called by the hardened endpoint graph/http/endpoint.py after it
has negotiated, read the parameters and built the Admission; reads have no other path):

1. `CompiledQueries.prepare` parses and validates the document once per (text, operation name)
   and keeps it in a bounded cache; invalid documents, mutations and subscriptions are left to
   strawberry.
2. `Planner` (planner.py) walks the operation — fields, aliases, inline and named fragments,
   `__typename`, @include/@skip — over the read declarations: one module per domain in
   graph/reads/ (engineer, institution, chapter, sector, forum, event, notification, consent,
   contribution) states its types (type → table, field → column, SQL expression, relation or
   keyset connection), root fields
   (lookups, lists, connections with orderings and argument filters), node types and
   visibility rules, in the vocabulary of declaration.py; mapping.py collects them into one
   registry. The core (planner, binding, render, visibility) names no domain. Plans are cached per
   values of the @include/@skip variables. A root field whose subtree has no mapping (a
   Python-only resolver such as `viewer`) is left to strawberry: mixed.py runs it from a
   residual copy of the source (residual.py: compiled fields blanked, so error locations are
   unchanged) and merges both halves in field order; an operation with nothing to compile,
   mutations and subscriptions run through strawberry as before.
3. Per request, `binding.py` evaluates arguments with graphql-core's coercion and the same
   services the resolvers use (page-size rules, cursors, global IDs; filters and orderings
   through each connection's declared `Filters.bind`). Errors come from the compiled path
   itself, reading exactly as strawberry's (message, extensions.code and details, path,
   locations, nulls): page-size errors are refused before execution, as strawberry's
   validation refuses them; an argument the resolver would refuse (a malformed cursor, ID or
   filter) binds to the shape REFUSED, and a declared `Guard` (a permission check on the
   parent row: the moderation queue, an audit log, the viewer's own consent records) renders
   `CASE WHEN <allowed> THEN <field> ELSE <mark>`. Either way the statement writes an error
   mark in the field's place (failures.py), and after it runs `failures.resolve` turns each
   mark into the GraphQLError strawberry raises there, nulling the nearest nullable position
   above it (graphql-core's propagation, its depth fixed by the plan: planner.null_depth;
   one error per nulled position, as graphql-core reports only the first).
4. `Renderer` (render.py) turns the plan into one statement per argument shape and viewer:
   json_build_object in selection order, ARRAY(...) for lists in a total order (the primary
   key always last), and for each connection one keyset probe (LIMIT size + 1), aggregated in
   display order and sliced, with totalCount as a correlated count (run only when the probe
   found more than a page; a declared maintained count, Paged.total, where no filter applies).
   Page sizes are inlined (they choose the plan), keys and filter values are parameters,
   single-key lookups compare to a scalar `= $1` and a one-item list filter binds its item
   as `ARRAY[$n]`, so the prepared statement's generic plan estimates an equality (an array
   parameter of unknown length makes it scan whole tables). Visibility rules
   (declared with their domain, rendered by visibility.py) are SQLAlchemy predicates from
   graph.services.visibility, inlined as row
   filters and column masks — with the viewer's engineer id as a statement parameter, so
   engineers with the same scopes and chapter roles share one SQL text (one prepared
   statement); a rule that computes with the id is detected and rendered per viewer.
   `shows_field` masks every maskable Engineer field (CASE WHEN … THEN … END) and guards the
   filters on them (search uses the vector without skills where skills are hidden);
   `membership_scope` filters memberships. Every viewer is served — anonymous, signed-in
   engineers, institutions (clients and staff) and clients of any scopes (members:read
   included: the rules state what holding a scope everywhere grants). For
   an institution, consent grants lift the masks as in strawberry, and consent.py marks
   each read made under a grant inside the JSON, strips the marks and writes the access log
   with strawberry's own writer (one INSERT, only when something was read under consent).
5. Admission (graph.extensions.admission.admit: introspection policy, variables, limits, cost,
   rate budget) runs exactly as for strawberry, after the plan is known to answer and before
   anything is charged; refusals are reported as strawberry reports them. The requested cost
   and page verdicts come from a cache per (document, operation, deciding variable values),
   graph/extensions/document_facts.py. The statement runs on a lean pool of asyncpg connections
   (graph/compiler/pool.py: autocommit, no reset query or shield task on release, handed out
   first come, first served; an interrupted or broken connection is dropped) and returns
   the JSON as UTF-8 bytes; `settle` refunds the unused cost counted in those bytes (no parse),
   and the endpoint splices them into its body as an orjson.Fragment — no strawberry executor,
   no per-field Python. A statement that fails is
   rerun by strawberry without charging the budget again.

`_entities` (federation) compiles as `nodes(ids:)` over the representations' IDs: one naming
another type than its ID's is null, a malformed one an error at its index, as
graph/federation.py's resolver answers.

Fields about the viewer compile too: a Column's `{viewer_engineer}` is the viewer's engineer
id as a statement parameter (ForumPost.viewerVote: the viewer's own vote, 0 for anyone else).

Python fields (declaration.Python, a named set stated in the declarations with the reason
each is not SQL): Viewer.notificationPreferences (every kind, the engineer's choice or the
default of a Python table), Viewer.recommendedOpportunities and Opportunity.matches (ranked and
paged by the matching statement's score), Engineer.contributionSummary (badges from
contributions_config/cpd.toml) and Chapter.engagementSummary (a coordinator's aggregate). They
do not send their root field to strawberry: the statement answers everything around them and
writes each one's parent ID in its place, and python_fields.py resolves the field for the rows
that reached it — one strawberry execution of a document made of the client's own text
(`nodes(ids:)` over those parents, or `viewer`), its values spliced back, its errors given the
client's paths and locations, a non-null field's null propagated as graphql-core would.

Still answered by strawberry alone (a mixed operation runs only these from its residual):
introspection; `stats` (public figures read from the worker's in-memory snapshot,
graph/services/stats.py, with small cells suppressed per reader); `_service` (federation: the
SDL); invalid documents, mutations and subscriptions (their payloads are read compiled:
objects.py); and a statement that fails (strawberry reruns it). A mixed operation whose compiled
half carries error marks runs each half once too: the marks' errors (resolved from the
statement), then the Python fields', then the residual's.

Strategy: building the JSON inside PostgreSQL (one statement per operation) was measured
against the hand-written asyncpg endpoint and PostGraphile on every benchmarked shape,
including the 50-engineer nested page, and won each, so there is no per-level strategy.

Serving overhead, tuned and documented: parse/validate/plan caches; orjson for the request;
the response is bytes from PostgreSQL; the pool skips asyncpg's reset round trip; with
BRAINGAIN_TUNE_GC=1 (default) startup objects are frozen out of the collector and the
generation-0 threshold is raised to 50,000, since a compiled request allocates a few hundred
short-lived, acyclic objects. BRAINGAIN_REPORT_EXECUTION_PATH=1 (never in production) adds
`extensions.execution = "compiled"` and an `x-graphql-execution` header saying which path ran.
"""
