// expect: 10 01
// The switch sits in both branches of an if on the same register, each with its own dummy.
OPENQASM 3.0;
include "stdgates.inc";
bit[2] c;
bit[2] out;
int switch_dummy;
int switch_dummy_0;
qubit _qubit0;
qubit[2] r;
x _qubit0;
c[0] = measure _qubit0;
if (c == 1) {
  switch_dummy = c;
  switch (switch_dummy) {
    case 0 {
      x r[0];
    }
    case 1, 2 {
      x r[1];
    }
  }
} else {
  switch_dummy_0 = c;
  switch (switch_dummy_0) {
    case 0 {
      x r[0];
    }
    case 1, 2 {
      x r[1];
    }
  }
}
out = measure r;
