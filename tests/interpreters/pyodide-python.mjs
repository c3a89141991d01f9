// The argv of a python3.15 command line handed to pyodide's CPython (see ./python3.15).
import { loadPyodide } from "./node_modules/pyodide315/pyodide.mjs";

// Emscripten's stdio looks like a terminal to CPython's C code, which then colours its usage text; a real
// interpreter writing to a pipe does not. NO_COLOR (which CPython honours) gives what a pipe gets.
const env = { ...process.env, NO_COLOR: "1" };
let status;
try {
  const pyodide = await loadPyodide({ args: process.argv.slice(2), env });
  status = pyodide._module._run_main();
} catch (error) {
  if (error?.name !== "ExitStatus") throw error; // CPython's exit(2) on a bad option, during initialisation
  status = error.status;
}
process.exit(status);
