"""Live updates: events published with NOTIFY in the writer's transaction, fanned out per worker.

    writer (any worker)                      every worker
    ───────────────────                      ────────────
    mutation transaction                     one LISTEN connection (EventBroker)
      INSERT …                                 │  NOTIFY braingain_events '{"topic": …, ids}'
      pg_notify(CHANNEL, ids)  ──commit──▶     ├─▶ topic registry ─▶ bounded queue per subscriber
                                               │                      │
                                               │   subscription resolver loads the object by id
                                               │   with the subscriber's own viewer and loaders

PostgreSQL delivers a NOTIFY only when its transaction commits, so a rolled-back mutation
publishes nothing. Payloads carry ids only; every subscriber loads and authorises the object
itself, exactly as a read would.
"""
