// expect: 1 10000000000000000000000000000000000000000000000000000000000000000000000
// A condition on a 70-bit register (as QASMBench's cc_n151 and cc_n301 do), compared exactly.
OPENQASM 3.0;
include "stdgates.inc";
qubit[2] q;
bit[71] c;
bit r;
x q[1];
c[70] = measure q[1];
if (c == 1180591620717411303424) {
  x q[0];
}
r = measure q[0];
