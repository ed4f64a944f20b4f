"""Syntax errors of a cell, for the course's kernel proxy (deno_kernel.py): Deno's kernel answers a cell it
cannot parse with "Execution failed" and nothing else, so the proxy asks Deno's formatter, which has the
same parser as Deno's REPL, where the error is."""

import os
import subprocess


def parse_error(deno: str, code: str, ext: str) -> list:
    """The lines of the syntax error Deno's formatter finds in `code` parsed as `ext`; [] if none (or
    if the formatter cannot be run)."""
    try:
        out = subprocess.run(
            [deno, "fmt", "--no-config", f"--ext={ext}", "-"], input=code.encode(), capture_output=True,
            timeout=10, env={**os.environ, "NO_COLOR": "1", "RUST_BACKTRACE": "0"},
        )
    except (OSError, subprocess.TimeoutExpired):
        return []
    lines = out.stderr.decode(errors="replace").split("Stack backtrace:")[0].rstrip().splitlines()
    return lines if out.returncode != 0 and lines and "SyntaxError" in lines[0] else []


def syntax_error(deno: str, code: str) -> list:
    """The lines of the syntax error in a cell (parse_error, as TypeScript), or [] if Deno's REPL would
    parse it: as TypeScript or as TSX, or (a cell such as `{a: 1, b: 2}`) as an expression in parentheses."""
    lines = parse_error(deno, code, "ts")
    if not lines or not parse_error(deno, code, "tsx"):
        return []
    stripped = code.strip()  # the REPL's own test for an object literal
    if stripped.startswith("{") and not stripped.endswith(";") and not parse_error(deno, f"({code})", "ts"):
        return []
    return lines


def diagnose(deno: str, code: str):
    """(ename, evalue, traceback) for a cell Deno could not run: the syntax error, with its line, as
    Deno's formatter reports it (the same parser as Deno's REPL), or a plain sentence if it parses."""
    lines = syntax_error(deno, code)
    if not lines:
        return ("Error", "Deno could not run this cell and did not say why (it is not a syntax error: an "
                "import that cannot be resolved or installed, perhaps)", [])
    ename, _, message = lines[0].split("error: ", 1)[-1].partition(": ")
    where, body = "", []
    for line in lines[1:]:
        row_col = line.strip().rsplit(":", 2)[-2:]
        if line.strip().startswith("at ") and all(p.isdigit() for p in row_col):
            where = f" (line {row_col[0]}, column {row_col[1]})"
        else:
            body.append(line)
    return ename, message + where, [f"{ename}: {message}{where}", *body]
