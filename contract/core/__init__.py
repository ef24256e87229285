"""The shared layer below the stages.

Small facts every stage needs the same answer to (JSON pointers, the one
"no value" sentinel, what a schema states through `$ref` and combinators,
cookie headers, ...), written once. Modules here may import `contract.model`,
`contract.errors`, the standard library and third-party libraries, never a
stage package (load, generate, replay, compare, docs, report, validate, cli,
sandbox): the stages import this layer, not the other way round.

No re-exports here: import from the module that defines a name.
"""
