"""Live updates: events stored and NOTIFYed in the writer's transaction, fanned out per worker.

    writer (any worker)                      every worker
    ───────────────────                      ────────────
    mutation transaction                     one LISTEN connection (EventBroker)
      INSERT …                                 │  NOTIFY braingain_events '{"id": 7, "topic": …}'
      INSERT INTO live_events  ──commit──▶     ├─▶ topic registry ─▶ bounded queue per subscriber
        (trigger: pg_notify)                   │                      │
                                               │   subscription resolver loads the object by id
                                               │   with the subscriber's own viewer and loaders

PostgreSQL delivers a NOTIFY only when its transaction commits, so a rolled-back mutation
publishes nothing. Payloads carry ids only; every subscriber loads and authorises the object
itself, exactly as a read would. The `live_events` row makes delivery lossless: a worker whose
LISTEN connection dropped replays, after reconnecting, what was committed meanwhile (each
subscription drops ids it already has), and a subscriber resumes after its last cursor.
"""
