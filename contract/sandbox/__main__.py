"""`python -m contract.sandbox`: the `contract sandbox` command without the rest of the CLI."""

from contract.sandbox.command import command

command(prog_name="contract sandbox")
