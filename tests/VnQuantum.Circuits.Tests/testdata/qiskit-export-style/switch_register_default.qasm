// expect: 11 11
// c reads 3 (no case for it): the default branch runs.
OPENQASM 3.0;
include "stdgates.inc";
bit[2] c;
bit[2] out;
int switch_dummy;
qubit[2] q;
qubit[2] r;
x q[0];
x q[1];
c = measure q;
switch_dummy = c;
switch (switch_dummy) {
  case 0 {
    x r[0];
  }
  case 1, 2 {
    x r[1];
  }
  default {
    x r[0];
    x r[1];
  }
}
out = measure r;
