// expect: 101 01 10
// Comparisons between two measured registers: a = 2, b = 1.
OPENQASM 3.0;
include "stdgates.inc";
bit[2] a;
bit[2] b;
bit[3] r;
qubit[4] q;
x q[1];
x q[2];
a = measure q[0:1];
b = measure q[2:3];
if (a > b) {
  r[0] = 1;
}
if (a == b || a < b) {
  r[1] = 1;
}
if (b <= a && a != b) {
  r[2] = 1;
}
