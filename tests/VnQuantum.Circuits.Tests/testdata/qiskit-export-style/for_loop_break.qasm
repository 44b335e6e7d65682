// expect: 1 0001
// A for loop whose break depends on a measurement: it stops after the first iteration.
OPENQASM 3.0;
include "stdgates.inc";
bit[4] c;
bit stopped;
qubit[4] q;
qubit flag;
x flag;
for int i in [0:3] {
  x q[i];
  c[i] = measure q[i];
  stopped = measure flag;
  if (stopped) {
    break;
  }
}
