// expect: 01
// A classical-only program, which Qiskit accepts.
OPENQASM 3.0;
include "stdgates.inc";
bit[2] c;
if (c == 0) {
  c[0] = 1;
}
