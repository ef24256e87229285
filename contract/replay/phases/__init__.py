"""The phases of a live run, each a ``run(ctx)`` over the one :class:`~contract.replay.context.RunContext`.

The engine (:mod:`contract.replay.runner`) runs them in this order:

==============  ===========================================================================================
``generation``  conforming and violating cases per operation (incl. the prose/docs constraints), coverage
``preflight``   one request; nothing answers → :class:`~contract.errors.TargetUnreachable` (exit 3)
``flood``       creates first (parents before children), then every other operation: all its cases
                concurrently, each on identifiers / a fresh instance of its own; then its credential
                probes (:mod:`~contract.replay.phases.auth`)
``inventory``   operations documented only on a page
``stateful``    per resource: live discovery of undocumented methods, then create → read → update → read →
                isolation → lost update → delete → read, list consistency
``finish``      one finding per distinct finding (the earliest, :mod:`contract.replay.order`), shrinking,
                causes, redaction of the exchanges
``cleanup``     what the run created deleted, deepest first (the findings' instances kept)
==============  ===========================================================================================

Every request goes through the context's one sender (:mod:`contract.replay.sender`); a phase
never holds a client.
"""
