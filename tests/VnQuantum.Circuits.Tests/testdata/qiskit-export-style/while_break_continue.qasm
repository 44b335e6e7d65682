// expect: 010 11
// A while loop on a measured bit, with a break taken on a later measurement and a continue that skips a flip.
OPENQASM 3.0;
include "stdgates.inc";
bit[2] c;
bit[3] count;
qubit[3] q;
x q[0];
c[0] = measure q[0];
while (c[0]) {
  x q[2];
  count[0] = measure q[2];
  if (count[0]) {
    continue;
  }
  x q[1];
  count[1] = measure q[1];
  if (count[1]) {
    break;
  }
}
c[1] = measure q[1];
